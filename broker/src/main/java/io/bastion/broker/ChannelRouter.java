package io.bastion.broker;

import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.Session;
import io.bastion.security.handshake.KeyWrap;
import io.bastion.channel.RingFiles;
import io.bastion.channel.SealedRing;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.token.Right;
import io.bastion.security.token.RevocationList;
import org.agrona.concurrent.EpochClock;
import org.newsclub.net.unix.AFUNIXSelectorProvider;

import java.io.IOException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The broker's conductor for the data path: it joins each channel's publishers to its subscriber. Installed by the
 * {@link Broker} when the context names no {@link SessionListener} of its own.
 * <p>
 * A channel has at most one subscriber at a time (a one-to-one ring has one consumer; a second subscriber is refused
 * with {@link RejectReason#CHANNEL_IN_USE} during its handshake) and any number of publishers, each with its own ring
 * and its own producer id and keys. The router tells the subscriber about each publisher's ring and key with
 * {@code SourceUpdate} messages on its control socket, the key sealed under the subscriber's control key
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
 * Threads: one conductor thread owns every session and link; the public methods only queue commands for it, so they
 * are thread safe and return at once. Control messages from clients are parsed by the validator first; a client that
 * sends a malformed message, an unexpected one or an acknowledgement of something it was never sent is audited and
 * disconnected.
 */
public final class ChannelRouter implements SessionListener, AutoCloseable
{
    private static final long SELECT_MS = 100;
    private static final long CLOSE_WAIT_MS = 5_000;
    /** {@code RouterPublisher.joinKeyId} when the join waits for the rotation after the one under way. */
    private static final int JOIN_ON_NEXT_ROTATION = -1;

    private final RingAllocator allocator;
    private final AuditLog audit;
    private final EpochClock clock;
    private final long keyGraceMs;
    private final long keyRotationIntervalMs;
    private final boolean unlinkRings;
    private final RevocationList revocations;
    private final BrokerLimits limits;
    private final RouterCounters counters = new RouterCounters();
    private final SessionWatch watch;
    private final List<RouterEndpoint> overflowed = new ArrayList<>();
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<String, RouterChannel> channels = new HashMap<>();
    private final RingAllocator slotAllocator;
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
        this.revocations = revocations;
        this.limits = limits;
        this.slotAllocator = new SessionSlots(allocator, limits, counters);
        this.watch = new SessionWatch(revocations, limits.keyAckTimeoutMs());
        this.allocator = allocator;
        this.audit = audit;
        this.clock = clock;
        this.keyGraceMs = keyGraceMs;
        this.keyRotationIntervalMs = keyRotationIntervalMs;
        this.unlinkRings = unlinkRings;
        // junixsocket's selector: the sessions' sockets are junixsocket channels, which the JDK's cannot register.
        this.selector = AFUNIXSelectorProvider.getInstance().openSelector();
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
            final RouterChannel state = channels.get(channel);
            if (null != state)
            {
                for (final RouterPublisher publisher : state.publishers)
                {
                    startRotation(state, publisher);
                }
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
            final RouterChannel state = channels.get(channel);
            if (null == state)
            {
                return;
            }
            audit.log(AuditEventType.REVOKED, AuditOutcome.SUCCESS, null, channel,
                "producer=" + producerId + " keyId=" + keyId);
            if (null != state.subscriber)
            {
                sendSource(state.subscriber, SourceAction.KEY_REVOKED, state.channelId, producerId, keyId, 0, 0,
                    null, null, null);
            }
            final RouterPublisher publisher = state.publisher(producerId);
            if (null != publisher && !publisher.dropped)
            {
                endSession(publisher, GoodbyeReason.KEY_REVOKED, "key " + keyId + " revoked");
                counters.revokedSessions.increment();
            }
            dropOverflowed();
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
                Runnable command;
                while (null != (command = commands.poll()))
                {
                    command.run();
                }
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    ((RouterEndpoint)key.attachment()).onReadable();
                }
                final long nowMs = clock.time();
                if (nowMs >= nextRotationMs)
                {
                    nextRotationMs = nowMs + keyRotationIntervalMs;
                    for (final RouterChannel state : channels.values())
                    {
                        for (final RouterPublisher publisher : state.publishers)
                        {
                            startRotation(state, publisher);
                        }
                    }
                }
                checkAuthorityAndDeadlines(nowMs);
                dropOverflowed();
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

    private void open(final Session session)
    {
        final ControlLink link;
        try
        {
            link = new ControlLink(session.controlChannel());
        }
        catch (final IOException ex)
        {
            closeAndRelease(session);
            return;
        }
        final RouterChannel state = channels.computeIfAbsent(session.channel(),
            (name) -> new RouterChannel(name, session.channelId()));
        final RouterEndpoint endpoint;
        if (Right.PUBLISH == session.right() &&
            (null != session.publishRingPath() || null != session.rings().sealedRing()))
        {
            final RouterPublisher publisher = new RouterPublisher(this, state, session, link);
            state.publishers.add(publisher);
            endpoint = publisher;
            if (null != state.subscriber)
            {
                // A new ring under a key nobody held before: the subscriber starts at its beginning.
                announce(state.subscriber, publisher, 0);
            }
        }
        else if (Right.SUBSCRIBE == session.right())
        {
            final RouterSubscriber subscriber = new RouterSubscriber(this, state, session, link);
            state.subscriber = subscriber;
            endpoint = subscriber;
            for (final RouterPublisher publisher : state.publishers)
            {
                joinAtLivePosition(publisher);
            }
        }
        else
        {
            // An administrator's session carries no data: it only proves the right, then ends.
            link.send(ControlMessages.goodbye(GoodbyeReason.NORMAL));
            closeAndRelease(session);
            return;
        }
        try
        {
            session.controlChannel().register(selector, SelectionKey.OP_READ, endpoint);
        }
        catch (final IOException | IllegalSelectorException ex)
        {
            endpoint.drop("cannot watch the control socket");
        }
        dropOverflowed();
    }

    /**
     * A subscriber joined: rotate the publisher's key first, and announce the publisher to the subscriber only once
     * the publisher says where its first frame under the new key lies.
     */
    private void joinAtLivePosition(final RouterPublisher publisher)
    {
        if (publisher.closing || publisher.dropped)
        {
            return;
        }
        if (0 == publisher.pendingKeyId)
        {
            startRotation(publisher.state, publisher);
            publisher.joinKeyId = publisher.pendingKeyId;
        }
        else
        {
            // The rotation under way may have a key the previous subscriber was given: the join waits for the next.
            publisher.rotationQueued = true;
            publisher.joinKeyId = JOIN_ON_NEXT_ROTATION;
        }
        audit.log(AuditEventType.KEY_ROTATED, AuditOutcome.INFO, publisher.session.subject(), publisher.state.name,
            "subscriber joined: producer=" + publisher.producerId + " rotates before it is announced");
    }

    private void announce(final RouterSubscriber subscriber, final RouterPublisher publisher, final long startPosition)
    {
        final RouterChannel state = publisher.state;
        publisher.announced = true;
        publisher.subscriberAcked = false;
        publisher.joinKeyId = 0;
        sendKey(subscriber, SourceAction.ADDED, publisher, publisher.keyId, startPosition);
        if (0 != publisher.pendingKeyId)
        {
            sendKey(subscriber, SourceAction.KEY_ADDED, publisher, publisher.pendingKeyId, 0);
        }
        audit.log(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, subscriber.session.subject(), state.name,
            "source added producer=" + publisher.producerId + " keyId=" + publisher.keyId + " position=" +
            startPosition + " subscriberSession=" + Long.toHexString(subscriber.session.sessionId()));
    }

    private void sendKey(
        final RouterSubscriber subscriber,
        final SourceAction action,
        final RouterPublisher publisher,
        final int keyId,
        final long graceMsOrPosition)
    {
        final byte[] key = publisher.session.keys().key(KeyDirection.INITIATOR_TO_RESPONDER, keyId);
        try
        {
            final byte[] sealed =
                KeyWrap.seal(subscriber.controlKey, publisher.state.channelId, publisher.producerId, keyId, key);
            // An ADDED announcement carries the ring itself when it is sealed memory: records read-only, head writable.
            sendSource(subscriber, action, publisher.state.channelId, publisher.producerId, keyId,
                publisher.session.ringCapacity(), graceMsOrPosition, publisher.session.publishRingPath(), sealed,
                SourceAction.ADDED == action ? publisher.session.rings().sealedRing() : null);
            publisher.oweSubscriberAck(clock.time(), limits.keyAckTimeoutMs());
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    private void sendSource(
        final RouterSubscriber subscriber,
        final SourceAction action,
        final int channelId,
        final int producerId,
        final int keyId,
        final int ringCapacity,
        final long graceMs,
        final Path ringPath,
        final byte[] sealedKey,
        final SealedRing ring)
    {
        final byte[] update = ControlMessages.sourceUpdate(action, channelId, producerId, keyId, ringCapacity, graceMs,
            null == ringPath ? "" : ringPath.toString(), sealedKey);
        final boolean queued = null == ring ? subscriber.link.send(update) :
            subscriber.link.send(update, ring.consumerSideDescriptors());
        if (!queued)
        {
            overflowed(subscriber);
        }
    }

    /**
     * Queue a message for a client; a client whose queue cannot take it is dropped (after the current step), never
     * left running without it.
     */
    private void send(final RouterEndpoint endpoint, final byte[] message)
    {
        if (!endpoint.link.send(message))
        {
            overflowed(endpoint);
        }
    }

    private void overflowed(final RouterEndpoint endpoint)
    {
        if (!endpoint.dropped && !endpoint.overflowed)
        {
            endpoint.overflowed = true;
            overflowed.add(endpoint);
        }
    }

    /**
     * End the sessions whose control queue overflowed. Runs between steps, never inside one, so the lists the steps
     * walk do not change under them.
     */
    private void dropOverflowed()
    {
        while (!overflowed.isEmpty())
        {
            final RouterEndpoint endpoint = overflowed.remove(overflowed.size() - 1);
            if (!endpoint.dropped)
            {
                counters.controlOverflows.increment();
                audit.log(AuditEventType.RATE_LIMITED, AuditOutcome.REFUSED, endpoint.session.subject(),
                    endpoint.state.name, "control queue overflow: session " +
                    Long.toHexString(endpoint.session.sessionId()) + " ended");
                endpoint.drop(null);
            }
        }
    }

    private void checkAuthorityAndDeadlines(final long nowMs)
    {
        for (final RouterEndpoint endpoint : watch.due(channels.values(), nowMs))
        {
            if (endpoint.dropped)
            {
                continue;
            }
            if (endpoint.endsFor == GoodbyeReason.SESSION_EXPIRED)
            {
                counters.expiredSessions.increment();
                endSession(endpoint, GoodbyeReason.SESSION_EXPIRED, "token expired");
            }
            else if (endpoint.endsFor == GoodbyeReason.TOKEN_REVOKED)
            {
                counters.revokedSessions.increment();
                endSession(endpoint, GoodbyeReason.TOKEN_REVOKED, "token revoked");
            }
            else
            {
                counters.ackTimeouts.increment();
                audit.log(AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, endpoint.session.subject(),
                    endpoint.state.name, RejectReason.TIMED_OUT + ": no acknowledgement within " +
                    limits.keyAckTimeoutMs() + " ms, session " + Long.toHexString(endpoint.session.sessionId()) +
                    " evicted");
                send(endpoint, ControlMessages.refusal(RejectReason.TIMED_OUT));
                endpoint.drop(null);
            }
        }
    }

    /**
     * End a session whose authority ended: tell it why, and for a publisher tell the subscriber to stop reading its
     * ring at once (a revoked or expired publisher may go on writing whatever it likes into it).
     */
    private void endSession(final RouterEndpoint endpoint, final GoodbyeReason reason, final String why)
    {
        audit.log(GoodbyeReason.SESSION_EXPIRED == reason ? AuditEventType.CHANNEL_CLOSED : AuditEventType.REVOKED,
            AuditOutcome.SUCCESS, endpoint.session.subject(), endpoint.state.name,
            "session " + Long.toHexString(endpoint.session.sessionId()) + " ended: " + why + " (" + reason + ")");
        // Best effort: a client that cannot take its goodbye loses its session all the same.
        endpoint.link.send(ControlMessages.goodbye(reason));
        if (endpoint instanceof RouterPublisher)
        {
            ((RouterPublisher)endpoint).cutOff = true;
        }
        endpoint.drop(null);
    }

    private void startRotation(final RouterChannel state, final RouterPublisher publisher)
    {
        if (publisher.closing)
        {
            return;
        }
        if (0 != publisher.pendingKeyId)
        {
            // A request is never dropped: it runs once the rotation under way completes. Requests coalesce, since
            // one more rotation retires every key the earlier requests wanted gone.
            publisher.rotationQueued = true;
            return;
        }
        publisher.pendingKeyId = publisher.keyId + 1;
        if (JOIN_ON_NEXT_ROTATION == publisher.joinKeyId)
        {
            publisher.joinKeyId = publisher.pendingKeyId;
        }
        if (null != state.subscriber && publisher.announced)
        {
            sendKey(state.subscriber, SourceAction.KEY_ADDED, publisher, publisher.pendingKeyId, 0);
        }
        else
        {
            // Nobody reads this ring yet: the publisher may switch at once.
            sendKeyUpdate(publisher);
        }
    }

    private void sendKeyUpdate(final RouterPublisher publisher)
    {
        publisher.keyInstallSent = true;
        publisher.owePublisherAck(clock.time(), limits.keyAckTimeoutMs());
        send(publisher, ControlMessages.keyUpdate(publisher.pendingKeyId, 0));
    }

    void onPublisherMessage(final RouterPublisher publisher, final ControlMessage message)
    {
        if (GoodbyeDecoder.TEMPLATE_ID == message.templateId())
        {
            publisher.drop(null);
            return;
        }
        if (SourceUpdateDecoder.TEMPLATE_ID != message.templateId() || message.producerId != publisher.producerId)
        {
            publisher.drop("unexpected message " + message.templateId());
            return;
        }
        if (SourceAction.MAPPED == message.action)
        {
            publisher.mapped = true;
            unlinkIfBothMapped(publisher);
        }
        else if (SourceAction.KEY_IN_USE == message.action && message.keyId == publisher.pendingKeyId &&
            publisher.keyInstallSent)
        {
            final long keyStart = message.graceMs;
            if (keyStart < 0 || 0 != (keyStart & (RecordDescriptor.ALIGNMENT - 1)))
            {
                publisher.drop("bad key start position " + keyStart);
                return;
            }
            final int retired = publisher.keyId;
            publisher.keyId = publisher.pendingKeyId;
            publisher.pendingKeyId = 0;
            publisher.keyInstallSent = false;
            publisher.publisherAckDueMs = 0;
            audit.log(AuditEventType.KEY_ROTATED, AuditOutcome.SUCCESS, publisher.session.subject(),
                publisher.state.name, "producer=" + publisher.producerId + " keyId=" + publisher.keyId);
            final RouterSubscriber subscriber = publisher.state.subscriber;
            if (null != subscriber && publisher.announced)
            {
                sendSource(subscriber, SourceAction.KEY_RETIRED, publisher.state.channelId, publisher.producerId,
                    retired, 0, keyGraceMs, null, null, null);
            }
            else if (null != subscriber && publisher.keyId == publisher.joinKeyId)
            {
                announce(subscriber, publisher, keyStart);
            }
            if (publisher.rotationQueued)
            {
                publisher.rotationQueued = false;
                startRotation(publisher.state, publisher);
            }
        }
        else
        {
            publisher.drop("unexpected acknowledgement " + message.action);
        }
        dropOverflowed();
    }

    void onSubscriberMessage(final RouterSubscriber subscriber, final ControlMessage message)
    {
        if (GoodbyeDecoder.TEMPLATE_ID == message.templateId())
        {
            subscriber.drop(null);
            return;
        }
        final RouterPublisher publisher = SourceUpdateDecoder.TEMPLATE_ID == message.templateId() ?
            subscriber.state.publisher(message.producerId) : null;
        if (null == publisher || !publisher.announced)
        {
            subscriber.drop("unexpected message " + message.templateId());
            return;
        }
        if (SourceAction.ADDED == message.action)
        {
            publisher.subscriberAcked = true;
            publisher.subscriberAcknowledged(clock.time(), limits.keyAckTimeoutMs());
            unlinkIfBothMapped(publisher);
        }
        else if (SourceAction.KEY_ADDED == message.action && message.keyId == publisher.pendingKeyId)
        {
            publisher.subscriberAcknowledged(clock.time(), limits.keyAckTimeoutMs());
            sendKeyUpdate(publisher);
        }
        else if (SourceAction.REMOVED == message.action && publisher.closing)
        {
            remove(publisher);
        }
        else if (SourceAction.QUARANTINED == message.action)
        {
            audit.log(AuditEventType.QUARANTINED, AuditOutcome.REFUSED, publisher.session.subject(),
                publisher.state.name, "producer=" + publisher.producerId + " quarantined by subscriber session=" +
                Long.toHexString(subscriber.session.sessionId()));
            if (!publisher.closing)
            {
                publisher.link.send(ControlMessages.refusal(RejectReason.QUARANTINED));
                // The subscriber stopped reading it already; what the publisher wrote since stays unread.
                publisher.cutOff = true;
                publisher.drop(null);
            }
        }
        else if (SourceAction.KEY_RETIRED != message.action && SourceAction.KEY_REVOKED != message.action)
        {
            subscriber.drop("unexpected acknowledgement " + message.action);
        }
        dropOverflowed();
    }

    private void unlinkIfBothMapped(final RouterPublisher publisher)
    {
        if (unlinkRings && publisher.mapped && publisher.subscriberAcked && !publisher.unlinked &&
            null != publisher.session.publishRingPath())
        {
            publisher.unlinked = true;
            try
            {
                RingFiles.unlink(publisher.session.publishRingPath());
                audit.log(AuditEventType.FILE_CHECK, AuditOutcome.INFO, null, publisher.state.name,
                    "ring unlinked producer=" + publisher.producerId);
            }
            catch (final IOException ex)
            {
                audit.log(AuditEventType.FILE_CHECK, AuditOutcome.FAILURE, null, publisher.state.name,
                    "ring unlink failed producer=" + publisher.producerId);
            }
        }
    }

    void publisherGone(final RouterPublisher publisher)
    {
        publisher.closing = true;
        publisher.publisherAckDueMs = 0;
        final RouterSubscriber subscriber = publisher.state.subscriber;
        if (null != subscriber && publisher.announced)
        {
            // The subscriber drains what the publisher committed, then acknowledges; only then is the ring deleted. A
            // publisher whose authority ended is cut off instead: nothing more of its ring is read.
            sendSource(subscriber, publisher.cutOff ? SourceAction.CUT_OFF : SourceAction.REMOVED,
                publisher.state.channelId, publisher.producerId, 0, 0, 0, null, null, null);
            publisher.oweSubscriberAck(clock.time(), limits.keyAckTimeoutMs());
        }
        else
        {
            remove(publisher);
        }
    }

    private void remove(final RouterPublisher publisher)
    {
        publisher.state.publishers.remove(publisher);
        closeAndRelease(publisher.session);
        audit.log(AuditEventType.CHANNEL_CLOSED, AuditOutcome.INFO, publisher.session.subject(), publisher.state.name,
            "source removed producer=" + publisher.producerId);
    }

    void subscriberGone(final RouterSubscriber subscriber)
    {
        final RouterChannel state = subscriber.state;
        if (state.subscriber == subscriber)
        {
            state.subscriber = null;
        }
        for (final RouterPublisher publisher : new ArrayList<>(state.publishers))
        {
            publisher.announced = false;
            publisher.subscriberAcked = false;
            publisher.joinKeyId = 0;
            publisher.subscriberAcksOwed = 0;
            publisher.subscriberAckDueMs = 0;
            if (publisher.closing)
            {
                remove(publisher);
            }
            else if (0 != publisher.pendingKeyId && !publisher.keyInstallSent)
            {
                // Nobody left to install the new key first: the publisher may switch at once.
                sendKeyUpdate(publisher);
            }
            else
            {
                // The subscriber that left holds the current key: the set changed, so the key does too.
                startRotation(state, publisher);
            }
        }
        closeAndRelease(subscriber.session);
        audit.log(AuditEventType.CHANNEL_CLOSED, AuditOutcome.INFO, subscriber.session.subject(), state.name,
            "subscriber left session=" + Long.toHexString(subscriber.session.sessionId()));
    }

    private void closeAndRelease(final Session session)
    {
        session.close();
        slotAllocator.release(session.rings(), session.channel(), session.right(), session.sessionId());
    }

    /**
     * An endpoint is dropped: audit a violation (and tell the client), stop watching its socket.
     */
    void onDrop(final RouterEndpoint endpoint, final String violation)
    {
        if (null != violation)
        {
            audit.log(AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, endpoint.session.subject(), endpoint.state.name,
                RejectReason.PROTOCOL_VIOLATION + ": " + violation);
            endpoint.link.send(ControlMessages.refusal(RejectReason.PROTOCOL_VIOLATION));
        }
        final SelectionKey key = endpoint.session.controlChannel().keyFor(selector);
        if (null != key)
        {
            key.cancel();
        }
    }

    private void shutdown()
    {
        Runnable command;
        while (null != (command = commands.poll()))
        {
            // Sessions handed over but not opened yet are opened here, so that they are closed below with the rest.
            command.run();
        }
        for (final RouterChannel state : channels.values())
        {
            for (final RouterPublisher publisher : state.publishers)
            {
                publisher.link.send(ControlMessages.goodbye(GoodbyeReason.SHUTDOWN));
                closeAndRelease(publisher.session);
            }
            if (null != state.subscriber)
            {
                state.subscriber.link.send(ControlMessages.goodbye(GoodbyeReason.SHUTDOWN));
                closeAndRelease(state.subscriber.session);
            }
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
