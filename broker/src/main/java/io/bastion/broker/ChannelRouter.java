package io.bastion.broker;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.Session;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.handshake.KeyWrap;
import io.bastion.security.token.RevocationList;
import io.bastion.security.token.Right;
import org.agrona.concurrent.EpochClock;
import org.newsclub.net.unix.AFUNIXSelectorProvider;

import java.io.IOException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The broker's conductor for the data path: it joins each channel's publishers to its subscribers. Installed by the
 * {@link Broker} when the context names no {@link SessionListener} of its own.
 * <p>
 * A channel has at most one subscriber at a time (a one-to-one ring has one consumer; a second subscriber is refused
 * with {@link RejectReason#CHANNEL_IN_USE} during its handshake), or, when it fans out ({@link ChannelFanOut}), up to
 * its maximum, each with a consumer region of its own in every publisher's ring; and any number of publishers, each
 * with its own ring and its own producer id and keys. The router tells the subscriber about each publisher's ring
 * and key with {@code SourceUpdate} messages on its control socket, the key sealed under the subscriber's control key
 * ({@link KeyWrap}); the subscriber acknowledges each with a {@code SourceUpdate} of the same action.
 * <pre>
 *  publisher opens                      -&gt; subscriber: ADDED(producer, ring, key)      &lt;- ack ADDED
 *  publisher: ack MAPPED                   (with the unlink option: ring names removed once both mapped)
 *  rotateKeys(channel)                  -&gt; subscriber: KEY_ADDED(producer, key n+1)    &lt;- ack KEY_ADDED
 *                                       -&gt; publisher:  KeyUpdate(n+1)                   &lt;- ack KEY_IN_USE
 *                                       -&gt; subscriber: KEY_RETIRED(producer, key n, grace)
 *  revokeKey(channel, producer, key)    -&gt; subscriber: KEY_REVOKED(producer, key)
 *  publisher closes or dies             -&gt; subscriber: REMOVED(producer)                &lt;- ack REMOVED (drained)
 *                                          ring files deleted
 *  subscriber: QUARANTINED(producer)    -&gt; audit; publisher: Refusal(QUARANTINED); then as if it left
 * </pre>
 * So the subscriber holds a key before any frame under it can exist, and keeps the old key for the grace period
 * after the publisher switched: a rotation loses no frame.
 * <p>
 * A subscriber joins at the live position: the subscriber set changing rotates every publisher's key, and a joining
 * subscriber is announced, with only the new key, at the ring position where the publisher's first frame under it
 * lies. A session lives only as long as its token (expiry and revocation end it, both sides told), {@link #revokeKey}
 * ends the publisher's session too, and the {@link BrokerLimits} are enforced and counted ({@link #counters()}). The
 * protocols and the reasons are in {@code docs/broker-authority.md}.
 * <p>
 * This class is the conductor: it owns the thread, the selector, the command queue, the sessions' sockets
 * ({@link RouterConnection}) and the timers, and turns each into an event for the channel's {@link ChannelMachine},
 * which makes every decision and acts through a {@link SocketOutput}.
 * <p>
 * Threads: one conductor thread owns every session, link and machine; the public methods only queue commands for
 * it, so they are thread safe and return at once. Control messages from clients are parsed by the validator first;
 * a client that sends a malformed message, an unexpected one or an acknowledgement of something it was never sent is
 * audited and disconnected. Ownership: each session handed to {@link #onSession} is the router's until its machine
 * closes it; {@link #close()} closes every one left.
 */
public final class ChannelRouter implements SessionListener, AutoCloseable
{
    private static final long SELECT_MS = 100;
    private static final long CLOSE_WAIT_MS = 5_000;

    private final AuditLog audit;
    private final EpochClock clock;
    private final long keyGraceMs;
    private final long keyRotationIntervalMs;
    private final boolean unlinkRings;
    private final RouterCounters counters = new RouterCounters();
    private final SessionWatch watch;
    private final Selector selector;
    private final SocketOutput output;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<String, ChannelMachine> channels = new HashMap<>();
    private final RingAllocator slotAllocator;
    private final Function<String, ChannelFanOut> fanOut;
    private volatile boolean running = true;
    private long nextRotationMs;

    /**
     * A router.
     *
     * @param allocator             creates and deletes the rings.
     * @param audit                 where every source change is recorded.
     * @param clock                 epoch milliseconds.
     * @param keyGraceMs            how long a subscriber still accepts a publisher's key after a rotation.
     * @param keyRotationIntervalMs how often every publisher's key rotates; 0 for only on request.
     * @param unlinkRings           remove a ring's file names once both sides mapped it.
     * @throws IOException if the selector cannot be opened.
     */
    public ChannelRouter(
        final RingAllocator allocator,
        final AuditLog audit,
        final EpochClock clock,
        final long keyGraceMs,
        final long keyRotationIntervalMs,
        final boolean unlinkRings) throws IOException
    {
        this(allocator, audit, clock, keyGraceMs, keyRotationIntervalMs, unlinkRings, null, BrokerLimits.defaults());
    }

    /**
     * A router that also ends sessions whose token is revoked, and enforces limits.
     *
     * @param allocator             creates and deletes the rings.
     * @param audit                 where every source change is recorded.
     * @param clock                 epoch milliseconds; also judges each session's token expiry.
     * @param keyGraceMs            how long a subscriber still accepts a publisher's key after a rotation.
     * @param keyRotationIntervalMs how often every publisher's key rotates; 0 for only on request.
     * @param unlinkRings           remove a ring's file names once both sides mapped it.
     * @param revocations           revoked token ids, consulted on every tick; null for none (the list is the
     *                              caller's and may change while the router runs).
     * @param limits                the limits to enforce.
     * @throws IOException if the selector cannot be opened.
     */
    public ChannelRouter(
        final RingAllocator allocator,
        final AuditLog audit,
        final EpochClock clock,
        final long keyGraceMs,
        final long keyRotationIntervalMs,
        final boolean unlinkRings,
        final RevocationList revocations,
        final BrokerLimits limits) throws IOException
    {
        this(allocator, audit, clock, keyGraceMs, keyRotationIntervalMs, unlinkRings, revocations, limits,
            (channel) -> ChannelFanOut.ONE_TO_ONE);
    }

    /**
     * A router whose channels may fan out to several subscribers.
     *
     * @param allocator             creates and deletes the rings.
     * @param audit                 where every source change is recorded.
     * @param clock                 epoch milliseconds; also judges each session's token expiry.
     * @param keyGraceMs            how long a subscriber still accepts a publisher's key after a rotation.
     * @param keyRotationIntervalMs how often every publisher's key rotates; 0 for only on request.
     * @param unlinkRings           remove a ring's file names once both sides mapped it.
     * @param revocations           revoked token ids, consulted on every tick; null for none.
     * @param limits                the limits to enforce.
     * @param fanOut                each channel's fan-out, by name (called from handshake threads and the conductor;
     *                              it must be thread safe and give one channel the same answer every time).
     * @throws IOException if the selector cannot be opened.
     */
    public ChannelRouter(
        final RingAllocator allocator,
        final AuditLog audit,
        final EpochClock clock,
        final long keyGraceMs,
        final long keyRotationIntervalMs,
        final boolean unlinkRings,
        final RevocationList revocations,
        final BrokerLimits limits,
        final Function<String, ChannelFanOut> fanOut) throws IOException
    {
        this.fanOut = fanOut;
        this.slotAllocator = new SessionSlots(allocator, limits, counters, (channel) -> fanOut.apply(channel)
            .maxSubscribers());
        this.watch = new SessionWatch(revocations, limits.keyAckTimeoutMs());
        this.audit = audit;
        this.clock = clock;
        this.keyGraceMs = keyGraceMs;
        this.keyRotationIntervalMs = keyRotationIntervalMs;
        this.unlinkRings = unlinkRings;
        // junixsocket's selector: the sessions' sockets are junixsocket channels, which the JDK's cannot register.
        this.selector = AFUNIXSelectorProvider.getInstance().openSelector();
        this.output = new SocketOutput(selector, slotAllocator, audit);
        this.nextRotationMs = keyRotationIntervalMs > 0 ? clock.time() + keyRotationIntervalMs : Long.MAX_VALUE;
        this.thread = new Thread(this::run, "bastion-broker-conductor");
        this.thread.setDaemon(true);
    }

    /**
     * Start the conductor thread.
     *
     * @return this.
     */
    public ChannelRouter start()
    {
        thread.start();
        return this;
    }

    /**
     * The allocator the broker must use with this router: it reserves the channel's subscriber slot, then delegates.
     *
     * @return the allocator.
     */
    public RingAllocator allocator()
    {
        return slotAllocator;
    }

    /**
     * What the router counted: limit refusals, evictions, sessions ended by their authority.
     *
     * @return the live counters; thread safe to read.
     */
    public RouterCounters counters()
    {
        return counters;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onSession(final Session session)
    {
        if (!running || !commands.add(() -> open(session)))
        {
            session.close();
            return;
        }
        selector.wakeup();
    }

    /**
     * Rotate the key of every publisher of a channel, without stopping its flow (see the class description). Thread
     * safe: the request runs on the conductor. For a publisher whose previous rotation is still under way, the
     * request waits until that one completes and then runs; several such requests coalesce into one rotation.
     *
     * @param channel the channel name.
     */
    public void rotateKeys(final String channel)
    {
        command(() ->
        {
            final ChannelMachine machine = channels.get(channel);
            if (null != machine)
            {
                machine.rotateKeys();
            }
        });
    }

    /**
     * Revoke one key of one publisher: the subscriber refuses every frame under it from now on, with
     * {@link RejectReason#REVOKED_KEY}, and the publisher's session ends ({@link GoodbyeReason#KEY_REVOKED}): all its
     * keys derive from its session secret, so it would otherwise hold the next one. The subscriber is told to stop
     * reading that publisher's ring at once.
     *
     * @param channel    the channel name.
     * @param producerId the publisher's producer id.
     * @param keyId      the key id.
     */
    public void revokeKey(final String channel, final int producerId, final int keyId)
    {
        command(() ->
        {
            final ChannelMachine machine = channels.get(channel);
            if (null != machine)
            {
                machine.revokeKey(producerId, keyId);
            }
        });
    }

    private void command(final Runnable command)
    {
        if (running)
        {
            commands.add(command);
            selector.wakeup();
        }
    }

    private void run()
    {
        try
        {
            while (running)
            {
                selector.select(SELECT_MS);
                runCommands();
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    ((RouterConnection)key.attachment()).onReadable();
                }
                onTimers(clock.time());
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            audit.log(AuditEventType.CHANNEL_CLOSED, AuditOutcome.FAILURE, null, null,
                "broker conductor stopped: " + ex.getClass().getSimpleName());
        }
        finally
        {
            shutdown();
        }
    }

    private void runCommands()
    {
        Runnable command;
        while (null != (command = commands.poll()))
        {
            command.run();
        }
    }

    private void onTimers(final long nowMs)
    {
        if (nowMs >= nextRotationMs)
        {
            nextRotationMs = nowMs + keyRotationIntervalMs;
            for (final ChannelMachine machine : channels.values())
            {
                machine.rotateKeys();
            }
        }
        for (final ChannelMachine machine : channels.values())
        {
            machine.onTick(nowMs);
        }
    }

    private void open(final Session session)
    {
        final ControlLink link;
        try
        {
            link = new ControlLink(session.controlChannel());
        }
        catch (final IOException ex)
        {
            output.closeAndRelease(session);
            return;
        }
        final boolean publisher = (Right.PUBLISH == session.right() || Right.RELAY == session.right()) &&
            (null != session.publishRingPath() || null != session.rings().sealedRing() ||
            null != session.rings().sharedRing());
        if (!publisher && Right.SUBSCRIBE != session.right())
        {
            // An administrator's session carries no data: it only proves the right, then ends.
            link.send(ControlMessages.goodbye(GoodbyeReason.NORMAL));
            output.closeAndRelease(session);
            return;
        }
        final ChannelMachine machine = channels.computeIfAbsent(session.channel(), (name) -> new ChannelMachine(
            name, session.channelId(), fanOut.apply(name), output, counters, clock, watch, keyGraceMs, unlinkRings));
        final RouterConnection connection = new RouterConnection(session, link, machine);
        output.add(connection);
        final SessionFacts facts = RouterConnection.facts(session);
        connection.endpoint = publisher ? machine.onPublisherJoined(facts) : machine.onSubscriberJoined(facts);
        if (connection.endpoint.dropped)
        {
            return;
        }
        try
        {
            session.controlChannel().register(selector, SelectionKey.OP_READ, connection);
        }
        catch (final IOException | IllegalSelectorException ex)
        {
            machine.onLinkEnded(connection.endpoint, "cannot watch the control socket");
        }
    }

    private void shutdown()
    {
        // Sessions handed over but not opened yet are opened here, so that they are closed below with the rest.
        runCommands();
        for (final ChannelMachine machine : channels.values())
        {
            machine.shutdown();
        }
        channels.clear();
        try
        {
            selector.close();
        }
        catch (final IOException ex)
        {
            // Nothing left to release.
        }
    }

    /**
     * Stop the conductor: every client gets a Goodbye (SHUTDOWN), every session closes and every ring is deleted.
     */
    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        selector.wakeup();
        if (thread.isAlive())
        {
            try
            {
                thread.join(CLOSE_WAIT_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        else
        {
            shutdown();
        }
    }
}
