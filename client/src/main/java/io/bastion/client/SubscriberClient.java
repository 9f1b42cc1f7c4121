package io.bastion.client;

import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.security.handshake.KeyWrap;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.ConcurrentPublisher;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.MappedRing;
import io.bastion.channel.Publisher;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.RingFiles;
import io.bastion.channel.SealedManyToOneRing;
import io.bastion.channel.SealedRing;
import io.bastion.channel.Subscriber;
import io.bastion.channel.shm.MappedRegion;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.ringbuffer.RingCapacity;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.replay.StrictReplayGuard;
import io.bastion.security.token.Right;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A subscriber connected through a broker: it runs the handshake with {@link Right#SUBSCRIBE}, then reads every
 * publisher the broker announces on its control socket, each from its own ring and verified with that publisher's
 * own key, which arrives sealed under this session's control key.
 * <pre>
 * try (SubscriberClient client = SubscriberClient.connect(context, "prices", RejectionHandler.NONE))
 * {
 *     while (running)
 *     {
 *         client.doWork();
 *         client.poll(handler, 64);
 *     }
 * }
 * </pre>
 * Every frame goes through the {@link Subscriber}'s checks (copy, validate, channel and producer id, key, tag in
 * constant time, strict sequence) before the handler sees it. Key rotations are followed as the broker orders them (see
 * docs/rotation-and-revocation.md): a new key is installed before the publisher uses it, and the old one is kept for
 * the broker's grace period. A publisher that leaves is drained: what it committed is still verified and dispatched,
 * then its ring is released. A publisher this subscriber quarantines is reported to the broker, which audits it and
 * ends that publisher's session. A channel has one subscriber at a time; a second one is refused with {@link
 * RejectReason#CHANNEL_IN_USE}.
 * <p>
 * A concurrent publisher ({@link ConcurrentPublisherClient}) is announced with {@code SHARED_ADDED}: its many-to-one
 * ring is one sealed region that this subscriber maps read-write (a many-to-one consumer zeroes what it reads), reads
 * from the position the broker names, unblocks after {@link ClientContext#unblockTimeoutMs()} when a publishing thread
 * died mid-claim, and checks against the session's block of lane producer ids, one strict replay guard per lane.
 * <p>
 * Threads: one thread calls {@link #doWork()}, {@link #poll} and {@link #close()}; none blocks. {@link #poll} is the
 * {@link Subscriber}'s hot path (no allocation, no exception, no lock); source changes allocate, in {@link #doWork()}.
 */
public final class SubscriberClient implements AutoCloseable
{
    /** How often {@link #doWork()} publishes this subscriber's position and lag to its counters. */
    static final long PROGRESS_INTERVAL_NS = 100_000_000L;

    private final ClientContext context;
    private final Session session;
    private final ClientControl control;
    private final ControlLink link;
    private final byte[] controlKey;
    private final KeyRing noKeys;
    private final ClientCounters counters;
    private final Subscriber subscriber;
    private final RingFiles ringFiles;
    private final List<SourceEntry> sources = new ArrayList<>();
    private final RejectionHandler rejections;
    private final IntHashSet refusedProducers = new IntHashSet();
    private static final byte[] NO_KEY = new byte[0];

    private final UnsafeBuffer observedKey = new UnsafeBuffer(NO_KEY);
    private KeyObserver keyObserver;
    private long refusedSources;
    private long lastProgressNs = System.nanoTime() - PROGRESS_INTERVAL_NS;
    private boolean released;

    private SubscriberClient(
        final ClientContext context,
        final Session session,
        final ControlLink link,
        final KeyRing noKeys,
        final ClientCounters counters,
        final RejectionHandler rejections)
    {
        this.context = context;
        this.session = session;
        this.control = new ClientControl(link, context.controlPollIntervalNs(), this::onMessage, this::onEnd);
        this.link = link;
        this.controlKey = session.keys().controlKey();
        this.noKeys = noKeys;
        this.counters = counters;
        this.ringFiles = new RingFiles(new OwnerOnlyFiles(context.filePolicy()));
        this.rejections = rejections;
        this.subscriber = new Subscriber(
            session.channelId(), context.maxFrameLength(), session.sealing().newSealer(noKeys),
            context.quarantinePolicy(), new QuarantineReporter(), context.epochClock(), counters.counters())
            .sealing(session.sealing());
    }

    /**
     * Connect to the broker and subscribe to a channel.
     *
     * @param context    the client settings; concluded here.
     * @param channel    the channel name, which the token must allow with {@link Right#SUBSCRIBE}.
     * @param rejections told about every refused frame, by source and typed reason, and every quarantine.
     * @return the connected subscriber; the caller closes it.
     * @throws HandshakeException with the broker's typed reason when it refuses (such as
     *                            {@link RejectReason#CHANNEL_IN_USE}), or the client's.
     * @throws IOException        if the context's key file or the counters file cannot be opened.
     */
    public static SubscriberClient connect(
        final ClientContext context, final String channel, final RejectionHandler rejections)
            throws HandshakeException, IOException
    {
        context.conclude();
        final Session session = HandshakeClient.connect(context.socketPath(), context.token(), context.brokerKey(),
            channel, Right.SUBSCRIBE, context.handshakeTimeout());
        ClientCounters counters = null;
        final KeyRing noKeys = new KeyRing(session.channelId(), KeyDirection.INITIATOR_TO_RESPONDER,
            context.epochClock());
        try
        {
            counters = ClientCounters.open(context, session, "sub");
            return new SubscriberClient(
                context, session, new ControlLink(session.controlChannel(), true), noKeys, counters, rejections);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (null != counters)
            {
                counters.close();
            }
            noKeys.close();
            session.close();
            throw ex;
        }
    }

    /**
     * The duty cycle: the subscriber's ({@link Subscriber#doWork()}), the broker's source updates (the control socket
     * is read at most every {@link ClientContext#controlPollIntervalNs()}), and the release of drained sources.
     *
     * @return the work done, 0 when idle.
     */
    public int doWork()
    {
        int work = subscriber.doWork();
        work += control.poll();
        work += reportQuarantines();
        work += releaseDrained();
        reportProgress();
        return work;
    }

    /**
     * Publish this subscriber's position and lag to its counters ({@code bastion stat}), at most every
     * {@link #PROGRESS_INTERVAL_NS}. The producer's tail is read once per source from its region, which is untrusted:
     * it only ever feeds a number shown to an operator, clamped to what a correct ring can show.
     */
    private void reportProgress()
    {
        final long nowNs = System.nanoTime();
        if (nowNs - lastProgressNs < PROGRESS_INTERVAL_NS)
        {
            return;
        }
        lastProgressNs = nowNs;
        long read = 0;
        long behind = 0;
        for (final SourceEntry source : sources)
        {
            if (null == source.consumer)
            {
                // A concurrent publisher's shared ring: its consumer keeps no position of its own to show.
                continue;
            }
            final long head = source.consumer.position();
            read += head - source.startPosition;
            final int capacity = source.producerRegion.capacity() - OneToOneRingDescriptor.PRODUCER_TRAILER_LENGTH;
            final long tail =
                source.producerRegion.getLongVolatile(capacity + OneToOneRingDescriptor.TAIL_POSITION_OFFSET);
            behind = Math.max(behind, Math.min(capacity, Math.max(0, tail - head)));
        }
        counters.counters().progress(read, behind);
    }

    private int reportQuarantines()
    {
        int reported = 0;
        for (final SourceEntry source : sources)
        {
            if (source.quarantined && !source.quarantineReported)
            {
                // The broker audits it and cuts the publisher off; its REMOVED then releases the ring.
                source.quarantineReported = true;
                // The refusal that tipped the quarantine travels in the grace field, so the broker audits it by name.
                control.send(ControlMessages.sourceUpdate(SourceAction.QUARANTINED, session.channelId(),
                    source.producerId, 0, 0, source.lastRefusal.code(), "", null));
                reported++;
            }
        }
        return reported;
    }

    /**
     * Read up to {@code fragmentLimit} records across the publishers; see {@link Subscriber#poll}.
     *
     * @param handler       receives each verified frame.
     * @param fragmentLimit the most records to read.
     * @return the number of records read.
     */
    public int poll(final FrameHandler handler, final int fragmentLimit)
    {
        return subscriber.poll(handler, fragmentLimit);
    }

    /**
     * Be told about every key of every source as it is handed over, retired or revoked: for a bridge, which forwards
     * the keys of the channel it carries to another host. The observer sees key material: see {@link KeyObserver}.
     * Set it before the first {@link #doWork()} to see every key; one thread, the subscriber's.
     *
     * @param observer the observer, or null for none.
     * @return this.
     */
    public SubscriberClient keyObserver(final KeyObserver observer)
    {
        this.keyObserver = observer;
        return this;
    }

    private void observe(final int producerId, final int keyId, final KeyObserver.Action action, final byte[] key)
    {
        final KeyObserver observer = this.keyObserver;
        if (null == observer)
        {
            return;
        }
        try
        {
            if (null != key)
            {
                observedKey.wrap(key);
            }
            observer.onKey(producerId, keyId, action, null == key ? null : observedKey);
        }
        catch (final RuntimeException ex)
        {
            // The observer's failure is its own: the subscriber's keys and sources are not touched by it.
        }
        finally
        {
            observedKey.wrap(NO_KEY);
        }
    }

    private void onMessage(final ControlMessage message)
    {
        if (SourceUpdateDecoder.TEMPLATE_ID == message.templateId())
        {
            onSourceUpdate(message);
        }
        else
        {
            violation();
        }
    }

    private void onSourceUpdate(final ControlMessage message)
    {
        if (refusedProducers.contains(message.producerId))
        {
            if (SourceAction.REMOVED == message.action)
            {
                refusedProducers.remove(message.producerId);
                control.send(ControlMessages.sourceUpdate(SourceAction.REMOVED, session.channelId(),
                    message.producerId, 0, 0, 0, "", null));
            }
            return;
        }
        final SourceEntry source = find(message.producerId);
        final boolean added = SourceAction.ADDED == message.action || SourceAction.SHARED_ADDED == message.action;
        if (message.channelId != session.channelId() || (null == source) != added)
        {
            violation();
            return;
        }
        switch (message.action)
        {
            case ADDED:
                if (addSource(message))
                {
                    acknowledge(message);
                }
                break;
            case SHARED_ADDED:
                // A concurrent publisher's ring, acknowledged as any announced ring is.
                if (addSharedSource(message))
                {
                    control.send(ControlMessages.sourceUpdate(SourceAction.ADDED, message.channelId,
                        message.producerId, message.keyId, 0, 0, "", null));
                }
                break;
            case KEY_ADDED:
                if (installKey(source, message, KeyRing.NO_EXPIRY))
                {
                    acknowledge(message);
                }
                break;
            case KEY_RETIRED:
                source.keys.retire(message.keyId, Math.max(0, message.graceMs));
                acknowledge(message);
                observe(message.producerId, message.keyId, KeyObserver.Action.RETIRED, null);
                break;
            case KEY_REVOKED:
                source.keys.revoke(message.keyId);
                acknowledge(message);
                observe(message.producerId, message.keyId, KeyObserver.Action.REVOKED, null);
                break;
            case REMOVED:
                source.removing = true;
                subscriber.removeWhenDrained(source.sourceId);
                break;
            case CUT_OFF:
                // The publisher's authority ended: nothing more of its ring is read, not even what it committed.
                source.removing = true;
                subscriber.removeNow(source.sourceId);
                source.keys.close();
                break;
            default:
                violation();
        }
    }

    private boolean addSource(final ControlMessage message)
    {
        final int capacity = message.ringCapacity;
        final Path ring = HandshakeClient.pathOf(message.publishRingPath);
        // The broker chooses where this subscriber starts (the live position); the ring's own head is never read.
        final long startPosition = message.graceMs;
        if (!RingCapacity.isValid(capacity) || message.producerId <= 0 || startPosition < 0 ||
            0 != (startPosition & (RecordDescriptor.ALIGNMENT - 1)))
        {
            violation();
            return false;
        }
        // Without a path the ring is sealed anonymous memory whose two descriptors came with this message.
        SealedRing sealedRing = null;
        if (null == ring)
        {
            try
            {
                final int[] fds = link.takeDescriptors(2);
                sealedRing = SealedRing.received(capacity, fds[0], fds[1]);
            }
            catch (final HandshakeException ex)
            {
                violation();
                return false;
            }
        }
        final KeyRing keys = new KeyRing(session.channelId(), KeyDirection.INITIATOR_TO_RESPONDER,
            context.epochClock());
        if (!installKey(null, keys, message, 0))
        {
            keys.close();
            CloseHelper.quietClose(sealedRing);
            return false;
        }
        final MappedRing mapping;
        try
        {
            // A fan-out producer region is read by other subscribers too: it must be sealed against every writer but
            // its producer, or this subscriber would read what another one could have written.
            mapping = null == sealedRing ? ringFiles.mapAsConsumer(ring, capacity) :
                session.maxSubscribers() > 1 ? sealedRing.mapAsSharedConsumer() : sealedRing.mapAsConsumer();
        }
        catch (final IOException | RuntimeException ex)
        {
            // The ring failed its checks (file or seals): nothing of this publisher is read, the others carry on.
            keys.close();
            refusedProducers.add(message.producerId);
            refusedSources++;
            return false;
        }
        finally
        {
            // The mapping outlives the descriptors.
            CloseHelper.quietClose(sealedRing);
        }
        try
        {
            final OneToOneRingConsumer consumer = new OneToOneRingConsumer(
                mapping.producerRegion(), mapping.consumerRegion(), context.epochClock(), startPosition);
            final int sourceId = subscriber.addSource(consumer, message.producerId,
                new StrictReplayGuard(Publisher.FIRST_SEQUENCE), subscriber.sealing().newSealer(keys));
            sources.add(new SourceEntry(message.producerId, sourceId, keys, mapping, consumer, mapping.producerRegion(),
                startPosition));
            return true;
        }
        catch (final RuntimeException ex)
        {
            keys.close();
            mapping.close();
            violation();
            return false;
        }
    }

    /**
     * A concurrent publisher's many-to-one ring: one sealed region that came with the message, mapped read-write (its
     * consumer zeroes what it reads), read from the position the broker named, and checked against the session's
     * block of lane producer ids, each with its own strict replay guard.
     */
    private boolean addSharedSource(final ControlMessage message)
    {
        final int capacity = message.ringCapacity;
        final long startPosition = message.graceMs;
        if (!RingCapacity.isValid(capacity) || message.producerId <= 0 ||
            message.producerId > Integer.MAX_VALUE - (ConcurrentPublisher.MAX_LANES - 1) || startPosition < 0 ||
            0 != (startPosition & (RecordDescriptor.ALIGNMENT - 1)) || !message.publishRingPath.isEmpty())
        {
            violation();
            return false;
        }
        final SealedManyToOneRing sharedRing;
        try
        {
            sharedRing = SealedManyToOneRing.received(capacity, link.takeDescriptors(1)[0]);
        }
        catch (final HandshakeException ex)
        {
            violation();
            return false;
        }
        final KeyRing keys = new KeyRing(session.channelId(), KeyDirection.INITIATOR_TO_RESPONDER,
            context.epochClock());
        if (!installKey(null, keys, message, 0))
        {
            keys.close();
            sharedRing.close();
            return false;
        }
        final MappedRegion mapping;
        try
        {
            mapping = sharedRing.map();
        }
        catch (final IOException | RuntimeException ex)
        {
            // The region failed its checks (seals, size): nothing of this publisher is read, the others carry on.
            keys.close();
            refusedProducers.add(message.producerId);
            refusedSources++;
            return false;
        }
        finally
        {
            sharedRing.close();
        }
        try
        {
            final int sourceId = subscriber.addLaneSource(
                ManyToOneRing.consumerFrom(
                    mapping.buffer(), context.epochClock(), context.unblockTimeoutMs(), startPosition),
                message.producerId, ConcurrentPublisher.MAX_LANES, subscriber.sealing().newSealer(keys));
            sources.add(new SourceEntry(message.producerId, sourceId, keys, mapping, null, null, 0));
            return true;
        }
        catch (final RuntimeException ex)
        {
            keys.close();
            mapping.close();
            violation();
            return false;
        }
    }

    private boolean installKey(final SourceEntry source, final ControlMessage message, final long graceMs)
    {
        return installKey(source, source.keys, message, graceMs);
    }

    private boolean installKey(
        final SourceEntry source, final KeyRing keys, final ControlMessage message, final long graceMs)
    {
        final byte[] key =
            KeyWrap.open(controlKey, message.channelId, message.producerId, message.keyId, message.varData);
        if (null == key)
        {
            violation();
            return false;
        }
        try
        {
            keys.rotate(message.keyId, key, graceMs);
            observe(message.producerId, message.keyId, KeyObserver.Action.ADDED, key);
            return true;
        }
        catch (final IllegalArgumentException ex)
        {
            violation();
            return false;
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    private int releaseDrained()
    {
        int released = 0;
        for (int i = sources.size() - 1; i >= 0; i--)
        {
            final SourceEntry source = sources.get(i);
            if (source.removing && subscriber.isRemoved(source.sourceId))
            {
                sources.remove(i);
                source.close();
                control.send(ControlMessages.sourceUpdate(SourceAction.REMOVED, session.channelId(),
                    source.producerId, 0, 0, 0, "", null));
                observe(source.producerId, 0, KeyObserver.Action.SOURCE_REMOVED, null);
                released++;
            }
        }
        return released;
    }

    /**
     * The session ended, for whatever reason (the broker's goodbye, a refusal, a broken socket, a violation): stop
     * reading every source at once. Without the broker nothing can tell this subscriber that a key was revoked or a
     * token expired, so nothing more is dispatched under the keys it holds; they go in {@link #releaseDrained()}.
     */
    private void onEnd()
    {
        final RejectReason why = control.closedFor();
        if (RejectReason.CONSUMER_LAGGED == why || RejectReason.CONSUMER_STALLED == why ||
            RejectReason.CONSUMER_HEAD_INVALID == why)
        {
            counters.counters().onEviction();
        }
        for (final SourceEntry source : sources)
        {
            source.removing = true;
            subscriber.removeNow(source.sourceId);
        }
    }

    private void acknowledge(final ControlMessage message)
    {
        control.send(ControlMessages.sourceUpdate(
            message.action, message.channelId, message.producerId, message.keyId, 0, 0, "", null));
    }

    private SourceEntry find(final int producerId)
    {
        for (final SourceEntry source : sources)
        {
            if (source.producerId == producerId)
            {
                return source;
            }
        }
        return null;
    }

    private void violation()
    {
        control.violation();
    }

    /**
     * The subscriber, for what this class does not forward (such as {@link Subscriber#isQuarantined}).
     *
     * @return the subscriber, owned by this client.
     */
    public Subscriber subscriber()
    {
        return subscriber;
    }

    /**
     * The producer id of a source, for the source ids of {@link RejectionHandler} callbacks.
     *
     * @param sourceId a source id.
     * @return the producer id the broker announced for it, or 0 if the id names no current source.
     */
    public int producerIdOf(final int sourceId)
    {
        for (final SourceEntry source : sources)
        {
            if (source.sourceId == sourceId)
            {
                return source.producerId;
            }
        }
        return 0;
    }

    /**
     * How many publishers are being read (including ones draining after they left).
     *
     * @return the number of sources.
     */
    public int sourceCount()
    {
        return sources.size();
    }

    /**
     * How many announced publishers were never read because their ring failed the file checks (wrong owner, mode,
     * size or type: see {@link RingFiles#mapAsConsumer}); the broker deletes such a ring once that publisher leaves.
     *
     * @return the count.
     */
    public long refusedSources()
    {
        return refusedSources;
    }

    /**
     * The channel id the broker assigned.
     *
     * @return the id.
     */
    public int channelId()
    {
        return session.channelId();
    }

    /**
     * This endpoint's counters.
     *
     * @return the counters, owned by this client.
     */
    public ChannelCounters counters()
    {
        return counters.counters();
    }

    /**
     * Whether the session ended (the broker's goodbye, a refusal, a broken control socket, a protocol violation by
     * the broker, or {@link #close()}). From then on no source is read: without the broker, a revoked key or an
     * expired token could not be heard of.
     *
     * @return true once ended.
     */
    public boolean isClosed()
    {
        return control.isClosed();
    }

    /**
     * Why the session ended.
     *
     * @return the reason, or null while open or after a plain {@link #close()}.
     */
    public RejectReason closedFor()
    {
        return control.closedFor();
    }

    /**
     * Say goodbye to the broker and release every ring, key, the counters and the socket. Frames still in the rings
     * stay there for the channel's next subscriber. Idempotent; no other method may be called after it.
     */
    @Override
    public void close()
    {
        if (released)
        {
            return;
        }
        released = true;
        control.close();
        subscriber.close();
        for (final SourceEntry source : sources)
        {
            source.close();
        }
        sources.clear();
        Arrays.fill(controlKey, (byte)0);
        noKeys.close();
        session.close();
        counters.close();
    }

    /**
     * Passes every refusal on to the application's handler and remembers quarantines, which {@link #doWork()}
     * reports to the broker: nothing is sent from inside a poll.
     */
    private final class QuarantineReporter implements RejectionHandler
    {
        @Override
        public void onRejected(final int sourceId, final RejectReason reason)
        {
            // Indexed, not iterated: the refusal path allocates nothing either.
            for (int i = 0, size = sources.size(); i < size; i++)
            {
                final SourceEntry source = sources.get(i);
                if (source.sourceId == sourceId)
                {
                    source.lastRefusal = reason;
                }
            }
            rejections.onRejected(sourceId, reason);
        }

        @Override
        public void onQuarantined(final int sourceId)
        {
            // Inside a poll: only mark it (no allocation); doWork() tells the broker.
            for (final SourceEntry source : sources)
            {
                if (source.sourceId == sourceId)
                {
                    source.quarantined = true;
                }
            }
            rejections.onQuarantined(sourceId);
        }
    }

    /**
     * One publisher as this subscriber reads it.
     */
    private static final class SourceEntry
    {
        final int producerId;
        final int sourceId;
        final KeyRing keys;
        final AutoCloseable mapping;
        /** The one-to-one ring's consumer, for its position; null for a concurrent publisher's shared ring. */
        final OneToOneRingConsumer consumer;
        /** The producer region, to read its tail for the lag; null for a shared ring. */
        final AtomicBuffer producerRegion;
        final long startPosition;
        boolean removing;
        boolean quarantined;
        boolean quarantineReported;
        RejectReason lastRefusal = RejectReason.NONE;

        SourceEntry(
            final int producerId,
            final int sourceId,
            final KeyRing keys,
            final AutoCloseable mapping,
            final OneToOneRingConsumer consumer,
            final AtomicBuffer producerRegion,
            final long startPosition)
        {
            this.producerId = producerId;
            this.sourceId = sourceId;
            this.keys = keys;
            this.mapping = mapping;
            this.producerRegion = producerRegion;
            this.consumer = consumer;
            this.startPosition = startPosition;
        }

        void close()
        {
            keys.close();
            CloseHelper.quietClose(mapping);
        }
    }
}
