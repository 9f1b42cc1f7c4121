package io.bastion.channel.broker;

import io.bastion.channel.RingFiles;
import io.bastion.channel.SealedRing;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.token.Right;
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
import java.util.concurrent.ConcurrentHashMap;
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
 * after the publisher switched: a rotation loses no frame. A subscriber that leaves frees the channel; the next one is
 * told about every live publisher and reads on from where its predecessor stopped.
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

    private final RingAllocator allocator;
    private final AuditLog audit;
    private final EpochClock clock;
    private final long keyGraceMs;
    private final long keyRotationIntervalMs;
    private final boolean unlinkRings;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final ConcurrentHashMap<String, Long> subscriberSlots = new ConcurrentHashMap<>();
    private final Map<String, ChannelState> channels = new HashMap<>();
    private final RingAllocator slotAllocator = new SlotAllocator();
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
            final ChannelState state = channels.get(channel);
            if (null != state)
            {
                for (final PublisherEntry publisher : state.publishers)
                {
                    startRotation(state, publisher);
                }
            }
        });
    }

    /**
     * Revoke one key of one publisher: the subscriber refuses every frame under it from now on, with
     * {@link RejectReason#REVOKED_KEY}.
     *
     * @param channel    the channel name.
     * @param producerId the publisher's producer id.
     * @param keyId      the key id.
     */
    public void revokeKey(final String channel, final int producerId, final int keyId)
    {
        command(() ->
        {
            final ChannelState state = channels.get(channel);
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
                    ((Endpoint)key.attachment()).onReadable();
                }
                final long nowMs = clock.time();
                if (nowMs >= nextRotationMs)
                {
                    nextRotationMs = nowMs + keyRotationIntervalMs;
                    for (final ChannelState state : channels.values())
                    {
                        for (final PublisherEntry publisher : state.publishers)
                        {
                            startRotation(state, publisher);
                        }
                    }
                }
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
        final ChannelState state = channels.computeIfAbsent(session.channel(),
            (name) -> new ChannelState(name, session.channelId()));
        final Endpoint endpoint;
        if (Right.PUBLISH == session.right() &&
            (null != session.publishRingPath() || null != session.rings().sealedRing()))
        {
            final PublisherEntry publisher = new PublisherEntry(state, session, link);
            state.publishers.add(publisher);
            endpoint = publisher;
            if (null != state.subscriber)
            {
                announce(state.subscriber, publisher);
            }
        }
        else if (Right.SUBSCRIBE == session.right())
        {
            final SubscriberEntry subscriber = new SubscriberEntry(state, session, link);
            state.subscriber = subscriber;
            endpoint = subscriber;
            for (final PublisherEntry publisher : state.publishers)
            {
                announce(subscriber, publisher);
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
    }

    private void announce(final SubscriberEntry subscriber, final PublisherEntry publisher)
    {
        final ChannelState state = publisher.state;
        publisher.announced = true;
        publisher.subscriberAcked = false;
        sendKey(subscriber, SourceAction.ADDED, publisher, publisher.keyId, 0);
        if (0 != publisher.pendingKeyId)
        {
            sendKey(subscriber, SourceAction.KEY_ADDED, publisher, publisher.pendingKeyId, 0);
        }
        audit.log(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, subscriber.session.subject(), state.name,
            "source added producer=" + publisher.producerId + " subscriberSession=" +
            Long.toHexString(subscriber.session.sessionId()));
    }

    private void sendKey(
        final SubscriberEntry subscriber,
        final SourceAction action,
        final PublisherEntry publisher,
        final int keyId,
        final long graceMs)
    {
        final byte[] key = publisher.session.keys().key(KeyDirection.INITIATOR_TO_RESPONDER, keyId);
        try
        {
            final byte[] sealed =
                KeyWrap.seal(subscriber.controlKey, publisher.state.channelId, publisher.producerId, keyId, key);
            // An ADDED announcement carries the ring itself when it is sealed memory: records read-only, head writable.
            sendSource(subscriber, action, publisher.state.channelId, publisher.producerId, keyId,
                publisher.session.ringCapacity(), graceMs, publisher.session.publishRingPath(), sealed,
                SourceAction.ADDED == action ? publisher.session.rings().sealedRing() : null);
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    private static void sendSource(
        final SubscriberEntry subscriber,
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
        if (null == ring)
        {
            subscriber.link.send(update);
        }
        else
        {
            subscriber.link.send(update, ring.consumerSideDescriptors());
        }
    }

    private void startRotation(final ChannelState state, final PublisherEntry publisher)
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
        if (null != state.subscriber && publisher.announced)
        {
            sendKey(state.subscriber, SourceAction.KEY_ADDED, publisher, publisher.pendingKeyId, 0);
        }
        else
        {
            publisher.link.send(ControlMessages.keyUpdate(publisher.pendingKeyId, 0));
        }
    }

    private void onPublisherMessage(final PublisherEntry publisher, final ControlMessage message)
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
            final int retired = publisher.keyId;
            publisher.keyId = publisher.pendingKeyId;
            publisher.pendingKeyId = 0;
            publisher.keyInstallSent = false;
            audit.log(AuditEventType.KEY_ROTATED, AuditOutcome.SUCCESS, publisher.session.subject(),
                publisher.state.name, "producer=" + publisher.producerId + " keyId=" + publisher.keyId);
            final SubscriberEntry subscriber = publisher.state.subscriber;
            if (null != subscriber && publisher.announced)
            {
                sendSource(subscriber, SourceAction.KEY_RETIRED, publisher.state.channelId, publisher.producerId,
                    retired, 0, keyGraceMs, null, null, null);
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
    }

    private void onSubscriberMessage(final SubscriberEntry subscriber, final ControlMessage message)
    {
        if (GoodbyeDecoder.TEMPLATE_ID == message.templateId())
        {
            subscriber.drop(null);
            return;
        }
        final PublisherEntry publisher = SourceUpdateDecoder.TEMPLATE_ID == message.templateId() ?
            subscriber.state.publisher(message.producerId) : null;
        if (null == publisher || !publisher.announced)
        {
            subscriber.drop("unexpected message " + message.templateId());
            return;
        }
        if (SourceAction.ADDED == message.action)
        {
            publisher.subscriberAcked = true;
            unlinkIfBothMapped(publisher);
        }
        else if (SourceAction.KEY_ADDED == message.action && message.keyId == publisher.pendingKeyId)
        {
            publisher.keyInstallSent = true;
            publisher.link.send(ControlMessages.keyUpdate(publisher.pendingKeyId, 0));
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
                publisher.drop(null);
            }
        }
        else if (SourceAction.KEY_RETIRED != message.action && SourceAction.KEY_REVOKED != message.action)
        {
            subscriber.drop("unexpected acknowledgement " + message.action);
        }
    }

    private void unlinkIfBothMapped(final PublisherEntry publisher)
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

    private void publisherGone(final PublisherEntry publisher)
    {
        publisher.closing = true;
        final SubscriberEntry subscriber = publisher.state.subscriber;
        if (null != subscriber && publisher.announced)
        {
            // The subscriber drains what the publisher committed, then acknowledges; only then is the ring deleted.
            sendSource(subscriber, SourceAction.REMOVED, publisher.state.channelId, publisher.producerId, 0, 0, 0,
                null, null, null);
        }
        else
        {
            remove(publisher);
        }
    }

    private void remove(final PublisherEntry publisher)
    {
        publisher.state.publishers.remove(publisher);
        closeAndRelease(publisher.session);
        audit.log(AuditEventType.CHANNEL_CLOSED, AuditOutcome.INFO, publisher.session.subject(), publisher.state.name,
            "source removed producer=" + publisher.producerId);
    }

    private void subscriberGone(final SubscriberEntry subscriber)
    {
        final ChannelState state = subscriber.state;
        if (state.subscriber == subscriber)
        {
            state.subscriber = null;
        }
        for (final PublisherEntry publisher : new ArrayList<>(state.publishers))
        {
            publisher.announced = false;
            publisher.subscriberAcked = false;
            if (publisher.closing)
            {
                remove(publisher);
            }
            else if (0 != publisher.pendingKeyId && !publisher.keyInstallSent)
            {
                // Nobody left to install the new key first: the publisher may switch at once.
                publisher.keyInstallSent = true;
                publisher.link.send(ControlMessages.keyUpdate(publisher.pendingKeyId, 0));
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

    private void shutdown()
    {
        Runnable command;
        while (null != (command = commands.poll()))
        {
            // Sessions handed over but not opened yet are opened here, so that they are closed below with the rest.
            command.run();
        }
        for (final ChannelState state : channels.values())
        {
            for (final PublisherEntry publisher : state.publishers)
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

    /**
     * A channel's publishers and subscriber, owned by the conductor thread.
     */
    private static final class ChannelState
    {
        final String name;
        final int channelId;
        final List<PublisherEntry> publishers = new ArrayList<>();
        SubscriberEntry subscriber;

        ChannelState(final String name, final int channelId)
        {
            this.name = name;
            this.channelId = channelId;
        }

        PublisherEntry publisher(final int producerId)
        {
            for (final PublisherEntry publisher : publishers)
            {
                if (publisher.producerId == producerId)
                {
                    return publisher;
                }
            }
            return null;
        }
    }

    /**
     * One session's control socket as the conductor sees it.
     */
    private abstract class Endpoint
    {
        final ChannelState state;
        final Session session;
        final ControlLink link;
        boolean dropped;

        Endpoint(final ChannelState state, final Session session, final ControlLink link)
        {
            this.state = state;
            this.session = session;
            this.link = link;
        }

        void onReadable()
        {
            // A few messages per wake-up at most, so one chatty client cannot starve the others.
            for (int i = 0; i < 16 && !dropped; i++)
            {
                final int length = link.poll();
                if (ControlLink.NONE == length)
                {
                    link.flush();
                    return;
                }
                if (length < 0)
                {
                    drop(ControlLink.BAD_LENGTH == length ? "bad message length" :
                        ControlLink.TOO_MANY_DESCRIPTORS == length ? "too many descriptors" : null);
                    return;
                }
                final ControlMessage message = ControlMessages.parse(link.messageBuffer(), length);
                if (!message.isValid())
                {
                    drop("malformed message: " + message.detail());
                    return;
                }
                onMessage(message);
            }
        }

        abstract void onMessage(ControlMessage message);

        abstract void onGone();

        void drop(final String violation)
        {
            if (dropped)
            {
                return;
            }
            dropped = true;
            if (null != violation)
            {
                audit.log(AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, session.subject(), state.name,
                    RejectReason.PROTOCOL_VIOLATION + ": " + violation);
                link.send(ControlMessages.refusal(RejectReason.PROTOCOL_VIOLATION));
            }
            final SelectionKey key = session.controlChannel().keyFor(selector);
            if (null != key)
            {
                key.cancel();
            }
            onGone();
        }
    }

    /**
     * A publishing session.
     */
    private final class PublisherEntry extends Endpoint
    {
        final int producerId;
        int keyId;
        int pendingKeyId;
        boolean rotationQueued;
        boolean keyInstallSent;
        boolean announced;
        boolean subscriberAcked;
        boolean mapped;
        boolean unlinked;
        boolean closing;

        PublisherEntry(final ChannelState state, final Session session, final ControlLink link)
        {
            super(state, session, link);
            this.producerId = session.producerId();
            this.keyId = session.keys().keyId();
        }

        @Override
        void onMessage(final ControlMessage message)
        {
            onPublisherMessage(this, message);
        }

        @Override
        void onGone()
        {
            publisherGone(this);
        }
    }

    /**
     * The subscribing session of a channel.
     */
    private final class SubscriberEntry extends Endpoint
    {
        final byte[] controlKey;

        SubscriberEntry(final ChannelState state, final Session session, final ControlLink link)
        {
            super(state, session, link);
            this.controlKey = session.keys().controlKey();
        }

        @Override
        void onMessage(final ControlMessage message)
        {
            onSubscriberMessage(this, message);
        }

        @Override
        void onGone()
        {
            Arrays.fill(controlKey, (byte)0);
            subscriberGone(this);
        }
    }

    /**
     * Reserves a channel's single subscriber slot during the handshake, releases it when the session ends.
     */
    private final class SlotAllocator implements RingAllocator
    {
        @Override
        public RingAllocation allocate(
            final String subject, final String channel, final Right right, final long sessionId) throws IOException
        {
            if (Right.SUBSCRIBE == right && null != subscriberSlots.putIfAbsent(channel, sessionId))
            {
                throw new AllocationRefusedException(RejectReason.CHANNEL_IN_USE, "channel has a subscriber");
            }
            try
            {
                return allocator.allocate(subject, channel, right, sessionId);
            }
            catch (final IOException | RuntimeException ex)
            {
                if (Right.SUBSCRIBE == right)
                {
                    subscriberSlots.remove(channel, sessionId);
                }
                throw ex;
            }
        }

        @Override
        public void release(
            final RingAllocation allocation, final String channel, final Right right, final long sessionId)
        {
            if (Right.SUBSCRIBE == right)
            {
                subscriberSlots.remove(channel, sessionId);
            }
            allocator.release(allocation, channel, right, sessionId);
        }
    }
}
