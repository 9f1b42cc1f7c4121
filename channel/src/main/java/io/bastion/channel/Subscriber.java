package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameReader;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.RecordConsumer;
import io.bastion.ringbuffer.RecordHandler;
import io.bastion.security.rate.QuarantinePolicy;
import io.bastion.security.rate.QuarantineStatus;
import io.bastion.security.replay.ReplayGuard;
import io.bastion.security.replay.ReplayStatus;
import io.bastion.security.replay.StrictReplayGuard;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Polls sealed frames from one or more rings (one per publishing principal) and dispatches only
 * those that pass every check, in this order: record type and length bound; copy into private
 * memory (so the producer cannot change bytes after they were checked); structure
 * ({@link FrameValidator}); channel and producer id against the ring's owner; key id (an unknown
 * or revoked key is refused before any MAC work) and tag, compared in constant time; sequence
 * against the source's replay guard. A refused frame goes to the {@link RejectionHandler} with
 * its reason, each by its own name (see {@link RejectReason}), and is counted under that name; the
 * {@link FrameHandler} never sees it. A source whose refusals cross the quarantine threshold, or
 * whose ring is corrupt, is quarantined: its ring is no longer read. A corrupt ring is reported
 * under the name of its fault (the reason named as the ring's {@code RingFault}, such as
 * {@link RejectReason#RECORD_LENGTH_OUT_OF_RANGE}). A fault of a ring's shared memory (its file truncated under the
 * mapping) quarantines that source with {@link RejectReason#MAPPING_FAULT} instead of escaping {@code poll}; a JVM
 * that reports such faults only asynchronously (JDK 17) may raise the error at a later safepoint instead, which is
 * why rings are handed over as sealed anonymous memory that cannot shrink where the platform has it.
 * <p>
 * On a channel sealed by batches ({@link #sealing(SealingMode)} {@link SealingMode#HMAC_BATCH}) a record holds one or
 * more frames under one tag: the record is always copied (a zero-copy source too), every frame of it is checked for
 * structure, channel, producer, batch flag, one key id and zero inner tags, the one tag is verified, and only then is
 * each frame checked against the replay guard and dispatched, in order. A structural fault or a bad tag refuses the
 * whole record with one counted reason; nothing of it is dispatched. A replayed frame is refused on its own, as in a
 * per-frame channel.
 * <p>
 * Sources are polled fairly: each poll starts one source further on.
 * <p>
 * Not thread safe: one polling thread, which also calls {@link #doWork()} in its duty cycle (it
 * caches the clock for key expiry and quarantine windows, and publishes the consumer heartbeats).
 * {@link #poll} allocates nothing, takes no lock and lets no exception out but the application
 * handler's own.
 */
public final class Subscriber implements AutoCloseable
{
    /** Default interval between consumer heartbeats. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 100;

    private static final long NANOS_PER_MILLI = 1_000_000;
    private static final int MAPPING_FAULT = Integer.MIN_VALUE;

    private final int channelId;
    private final FrameSealer defaultVerifier;
    private final RejectionHandler rejections;
    private final EpochClock clock;
    private final ChannelCounters counters;
    private final QuarantinePolicy quarantine;
    private final FrameReader reader;
    private final UnsafeBuffer scratch;
    private final RecordHandler recordHandler = this::onRecord;
    private Source[] sources = new Source[0];
    private int nextSource;
    private long cachedTimeMs;
    private long lastHeartbeatMs = Long.MIN_VALUE / 2;
    private long heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
    private Source currentSource;
    private FrameHandler currentHandler;
    private boolean inApplicationHandler;
    private SealingMode sealing = SealingMode.HMAC_PER_FRAME;
    private int recordType = SealingMode.HMAC_PER_FRAME.recordType();
    private int batchKeyId;
    private int batchProducer;

    /**
     * A subscriber for one channel.
     *
     * @param channelId      frames must carry this channel id.
     * @param maxFrameLength the largest frame accepted; sizes the private copy buffer.
     * @param verifier       checks seals of sources added without their own verifier.
     * @param quarantine     decides when a source's refusals make it quarantined; one per subscriber.
     * @param rejections     told about every refusal and quarantine.
     * @param clock          epoch milliseconds, read once per {@link #doWork()}.
     * @param counters       this endpoint's counters.
     */
    public Subscriber(
        final int channelId,
        final int maxFrameLength,
        final FrameSealer verifier,
        final QuarantinePolicy quarantine,
        final RejectionHandler rejections,
        final EpochClock clock,
        final ChannelCounters counters)
    {
        if (maxFrameLength < FrameDescriptor.MIN_FRAME_LENGTH || maxFrameLength > FrameDescriptor.MAX_FRAME_LENGTH)
        {
            throw new IllegalArgumentException("max frame length out of range: " + maxFrameLength);
        }
        this.channelId = channelId;
        this.defaultVerifier = verifier;
        this.quarantine = quarantine;
        this.rejections = rejections;
        this.clock = clock;
        this.counters = counters;
        this.reader = new FrameReader(FrameValidator.forwardCompatible(
            FrameValidator.CURRENT_VERSION, maxFrameLength - FrameDescriptor.MIN_FRAME_LENGTH));
        // A heap copy: the MAC then reads the bytes straight from the array.
        this.scratch = new UnsafeBuffer(new byte[maxFrameLength]);
        this.cachedTimeMs = clock.time();
    }

    /**
     * Set how often {@link #doWork()} publishes the consumer heartbeats.
     *
     * @param intervalMs the interval in milliseconds.
     * @return this.
     */
    public Subscriber heartbeatIntervalMs(final long intervalMs)
    {
        this.heartbeatIntervalMs = intervalMs;
        return this;
    }

    /**
     * Set how the channel's frames are sealed, as the broker announced it: the subscriber then accepts only records
     * of that mode ({@link SealingMode#recordType()}) and refuses any other with
     * {@link RejectReason#PROTOCOL_VIOLATION}. {@link SealingMode#HMAC_PER_FRAME} unless set.
     *
     * @param mode the channel's sealing mode.
     * @return this.
     */
    public Subscriber sealing(final SealingMode mode)
    {
        this.sealing = mode;
        this.recordType = mode.recordType();
        return this;
    }

    /**
     * How this subscriber expects the channel's frames to be sealed.
     *
     * @return the mode set by {@link #sealing(SealingMode)}.
     */
    public SealingMode sealing()
    {
        return sealing;
    }

    /**
     * Read a ring written by one publishing principal, checking seals with the subscriber's default
     * verifier and sequences with a strict guard that starts at {@link Publisher#FIRST_SEQUENCE}.
     * Frames are copied into private memory before they are checked.
     *
     * @param ring       the ring's consumer side.
     * @param producerId the producer id every frame in this ring must carry; unique per subscriber.
     * @return the source id, used in rejection callbacks.
     * @throws IllegalArgumentException if a source with this producer id exists already.
     */
    public int addSource(final RecordConsumer ring, final int producerId)
    {
        return addSource(ring, producerId, new StrictReplayGuard(Publisher.FIRST_SEQUENCE), defaultVerifier);
    }

    /**
     * Read a ring written by one publishing principal. Frames are copied into private memory
     * before they are checked.
     *
     * @param ring       the ring's consumer side.
     * @param producerId the producer id every frame in this ring must carry; unique per subscriber.
     * @param guard      this producer's replay guard (strict for a ring).
     * @return the source id, used in rejection callbacks.
     * @throws IllegalArgumentException if a source with this producer id exists already.
     */
    public int addSource(final RecordConsumer ring, final int producerId, final ReplayGuard guard)
    {
        return addSource(ring, producerId, guard, defaultVerifier);
    }

    /**
     * Read a ring written by one publishing principal whose frames are sealed with that
     * principal's own keys, so that no other principal's key can make a frame pass as this one's.
     * Frames are copied into private memory before they are checked.
     *
     * @param ring       the ring's consumer side.
     * @param producerId the producer id every frame in this ring must carry; unique per subscriber.
     * @param guard      this producer's replay guard (strict for a ring).
     * @param verifier   checks this source's seals; not shared with another thread.
     * @return the source id, used in rejection callbacks.
     * @throws IllegalArgumentException if a source with this producer id exists already.
     */
    public int addSource(
        final RecordConsumer ring, final int producerId, final ReplayGuard guard, final FrameSealer verifier)
    {
        return add(new Source(sources.length, ring, new int[]{producerId}, new ReplayGuard[]{guard}, verifier, false));
    }

    /**
     * Read a many-to-one ring shared by several publishers of one principal (threads of one process,
     * or processes of one user), each with its own producer id and its own strict replay guard,
     * all sealing with the same principal's keys.
     *
     * @param ring        the ring's consumer side.
     * @param producerIds the producer ids frames in this ring may carry; each unique per subscriber.
     * @param verifier    checks this source's seals; not shared with another thread.
     * @return the source id.
     * @throws IllegalArgumentException if a producer id is repeated or already has a source.
     */
    public int addSharedSource(final RecordConsumer ring, final int[] producerIds, final FrameSealer verifier)
    {
        final ReplayGuard[] guards = new ReplayGuard[producerIds.length];
        for (int i = 0; i < guards.length; i++)
        {
            guards[i] = new StrictReplayGuard(Publisher.FIRST_SEQUENCE);
        }
        return add(new Source(sources.length, ring, producerIds.clone(), guards, verifier, false));
    }

    /**
     * Read the many-to-one ring of a {@link ConcurrentPublisher}: a block of {@code lanes} consecutive producer ids
     * from {@code firstProducerId}, one per publishing thread of one session, all sealing with that session's keys,
     * each with its own strict replay guard, which starts at {@link Publisher#FIRST_SEQUENCE}. A frame's lane is
     * found by subtraction, not by a scan, whatever the block's size. Frames are copied into private memory before
     * they are checked.
     *
     * @param ring            the ring's consumer side.
     * @param firstProducerId the block's first producer id, 1 or more.
     * @param lanes           how many ids the block holds, 1 or more; the block must not pass
     *                        {@link Integer#MAX_VALUE}.
     * @param verifier        checks this source's seals; not shared with another thread.
     * @return the source id.
     * @throws IllegalArgumentException if the block is out of range or one of its ids already has a source.
     */
    public int addLaneSource(
        final RecordConsumer ring, final int firstProducerId, final int lanes, final FrameSealer verifier)
    {
        if (firstProducerId < 1 || lanes < 1 || firstProducerId > Integer.MAX_VALUE - (lanes - 1))
        {
            throw new IllegalArgumentException("bad lane block: " + firstProducerId + " + " + lanes);
        }
        final int[] producerIds = new int[lanes];
        final ReplayGuard[] guards = new ReplayGuard[lanes];
        for (int i = 0; i < lanes; i++)
        {
            producerIds[i] = firstProducerId + i;
            guards[i] = new StrictReplayGuard(Publisher.FIRST_SEQUENCE);
        }
        final Source source = new Source(sources.length, ring, producerIds, guards, verifier, false);
        source.contiguous = true;
        return add(source);
    }

    /**
     * Read a ring without copying: frames are checked and dispatched in place (batch records excepted: they are always
     * copied). Only for a publisher
     * in the subscriber's own trust domain (a thread of this process, or a process of the same
     * principal that is no less trusted than this one): such a producer could change a frame's
     * bytes after they were verified and before the handler reads them.
     *
     * @param ring       the ring's consumer side.
     * @param producerId the producer id every frame in this ring must carry; unique per subscriber.
     * @param guard      this producer's replay guard.
     * @return the source id.
     * @throws IllegalArgumentException if a source with this producer id exists already.
     */
    public int addZeroCopySource(final RecordConsumer ring, final int producerId, final ReplayGuard guard)
    {
        return add(new Source(
            sources.length, ring, new int[]{producerId}, new ReplayGuard[]{guard}, defaultVerifier, true));
    }

    /**
     * The duty-cycle step: cache the time, publish consumer heartbeats when due, and unblock any
     * many-to-one source whose producer died holding a claim.
     *
     * @return the number of heartbeats published and regions unblocked.
     */
    public int doWork()
    {
        final long nowMs = clock.time();
        cachedTimeMs = nowMs;
        int work = 0;
        final boolean heartbeatDue = nowMs - lastHeartbeatMs >= heartbeatIntervalMs;
        if (heartbeatDue)
        {
            lastHeartbeatMs = nowMs;
            counters.onHeartbeat();
        }
        for (final Source source : sources)
        {
            if (!source.quarantined && !source.removed)
            {
                work += sourceDutyCycle(source, heartbeatDue);
            }
        }
        return work;
    }

    /**
     * Read up to {@code fragmentLimit} records across the sources, dispatching the frames that pass.
     *
     * @param handler       receives each verified frame.
     * @param fragmentLimit the most records to read (refused ones count too; a batch record counts once).
     * @return the number of records read.
     */
    public int poll(final FrameHandler handler, final int fragmentLimit)
    {
        final Source[] sources = this.sources;
        final int count = sources.length;
        if (0 == count)
        {
            return 0;
        }
        currentHandler = handler;
        inApplicationHandler = false;
        final int start = nextSource;
        nextSource = start + 1 >= count ? 0 : start + 1;
        int read = 0;
        for (int i = 0; i < count && read < fragmentLimit; i++)
        {
            final int index = start + i < count ? start + i : start + i - count;
            final Source source = sources[index];
            if (source.quarantined || source.removed)
            {
                source.removed |= source.draining;
                continue;
            }
            currentSource = source;
            final int result = readSource(source, fragmentLimit - read);
            if (result < 0)
            {
                reject(source, MAPPING_FAULT == result ? RejectReason.MAPPING_FAULT : ringFault(source));
                quarantine(source);
            }
            else
            {
                read += result;
                source.removed = source.draining && 0 == result;
            }
        }
        currentSource = null;
        currentHandler = null;
        return read;
    }

    /**
     * Whether the producer of a source published a heartbeat within {@code timeoutMs}.
     *
     * @param sourceId  the source.
     * @param timeoutMs how old a heartbeat may be.
     * @return true if it counts as alive.
     */
    public boolean isSourceAlive(final int sourceId, final long timeoutMs)
    {
        final Source source = sources[sourceId];
        if (source.quarantined || source.removed)
        {
            return false;
        }
        try
        {
            return source.ring.isProducerAlive(timeoutMs);
        }
        catch (final InternalError ex)
        {
            reject(source, RejectReason.MAPPING_FAULT);
            quarantine(source);
            return false;
        }
    }

    /**
     * Stop reading a source once it is drained: its publisher is gone, so every record it committed is read (and
     * checked and dispatched as usual) by the next polls, and the first poll that finds nothing more removes it. A
     * quarantined source is removed at once. Removal keeps the source id taken, so ids stay stable.
     *
     * @param sourceId the source.
     */
    public void removeWhenDrained(final int sourceId)
    {
        final Source source = sources[sourceId];
        source.draining = true;
        if (source.quarantined)
        {
            source.removed = true;
        }
    }

    /**
     * Stop reading a source now, without draining it: its publisher's authority ended (its token expired or was
     * revoked, or its key was revoked), so nothing more of its ring is read, checked or dispatched, whatever it
     * still holds. Removal keeps the source id taken, so ids stay stable.
     *
     * @param sourceId the source.
     */
    public void removeNow(final int sourceId)
    {
        final Source source = sources[sourceId];
        source.draining = true;
        source.removed = true;
    }

    /**
     * Whether a source was removed by {@link #removeWhenDrained(int)} or {@link #removeNow(int)}; after that its ring
     * is never touched again, so its mapping may be released.
     *
     * @param sourceId the source.
     * @return true once removed.
     */
    public boolean isRemoved(final int sourceId)
    {
        return sources[sourceId].removed;
    }

    /**
     * Whether a source is quarantined.
     *
     * @param sourceId the source.
     * @return true if its ring is no longer read.
     */
    public boolean isQuarantined(final int sourceId)
    {
        return sources[sourceId].quarantined;
    }

    /**
     * Stop reading every source.
     */
    public void close()
    {
        sources = new Source[0];
    }

    private int sourceDutyCycle(final Source source, final boolean heartbeatDue)
    {
        try
        {
            int work = 0;
            if (heartbeatDue)
            {
                source.ring.consumerHeartbeat();
                work++;
            }
            if (source.ring.unblockIfStuck())
            {
                work++;
            }
            return work;
        }
        catch (final InternalError ex)
        {
            reject(source, RejectReason.MAPPING_FAULT);
            quarantine(source);
            return 1;
        }
    }

    private int readSource(final Source source, final int limit)
    {
        try
        {
            return source.ring.read(recordHandler, limit);
        }
        catch (final InternalError ex)
        {
            if (inApplicationHandler)
            {
                inApplicationHandler = false;
                throw ex;
            }
            // The ring's memory vanished under the read (a truncated file): the source is never touched again.
            return MAPPING_FAULT;
        }
    }

    /**
     * Why a source's ring returned {@code RingStatus.CORRUPT}: its fault, under the reason of the same name. A ring
     * that says it is corrupt without naming a fault breaks its own contract, and is reported as
     * {@link RejectReason#PROTOCOL_VIOLATION} rather than as no refusal at all.
     */
    private static RejectReason ringFault(final Source source)
    {
        final RejectReason reason = Refusals.of(source.ring.fault());
        return reason.isRefusal() ? reason : RejectReason.PROTOCOL_VIOLATION;
    }

    private int add(final Source source)
    {
        final int[] ids = source.producerIds;
        for (int i = 0; i < ids.length; i++)
        {
            // Two guards for one producer id would let a frame replayed from one ring into another pass twice.
            if (source.indexOf(ids[i]) != i)
            {
                throw new IllegalArgumentException("producer id repeated: " + ids[i]);
            }
            for (final Source existing : sources)
            {
                if (!existing.removed && existing.indexOf(ids[i]) >= 0)
                {
                    throw new IllegalArgumentException("producer id already has a source: " + ids[i]);
                }
            }
        }
        sources = Arrays.copyOf(sources, sources.length + 1);
        sources[source.id] = source;
        // Announce this subscriber at once, so the publisher need not wait for the next heartbeat.
        source.ring.consumerHeartbeat();
        return source.id;
    }

    private void onRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        final Source source = currentSource;
        if (source.quarantined)
        {
            // The rest of the batch that crossed the threshold: dropped unread, not reported one by one.
            return;
        }
        if (recordType != typeId)
        {
            // A record of another sealing mode than the channel's, or of no mode at all.
            reject(source, RejectReason.PROTOCOL_VIOLATION);
            return;
        }
        if (length > scratch.capacity())
        {
            reject(source, RejectReason.FRAME_TOO_LONG);
            return;
        }
        if (Publisher.BATCH_RECORD_TYPE == typeId)
        {
            onBatch(source, buffer, offset, length);
            return;
        }

        final DirectBuffer frame;
        final int frameOffset;
        if (source.zeroCopy && sealing.allowsZeroCopy())
        {
            frame = buffer;
            frameOffset = offset;
        }
        else
        {
            buffer.getBytes(offset, scratch, 0, length);
            frame = scratch;
            frameOffset = 0;
        }

        final FrameReader reader = this.reader;
        final RejectReason structure = reader.wrapValidated(frame, frameOffset, length);
        if (RejectReason.NONE != structure)
        {
            reject(source, structure);
            return;
        }
        if (0 != (reader.flags() & FrameDescriptor.FLAG_BATCH))
        {
            // A batch member outside a batch record: its tag, if any, is not a tag over this frame alone.
            reject(source, RejectReason.MALFORMED_BATCH);
            return;
        }
        final int producer = reader.channelId() == channelId ? source.indexOf(reader.producerId()) : -1;
        if (producer < 0)
        {
            reject(source, RejectReason.UNAUTHORIZED);
            return;
        }
        final RejectReason seal = source.verifier.verify(frame, frameOffset, length, reader.keyId(), cachedTimeMs);
        if (RejectReason.NONE != seal)
        {
            reject(source, seal);
            return;
        }
        deliver(source, producer, frame, length);
    }

    /**
     * A batch record: copied into private memory whatever the source (one tag covers the whole record, so none of it
     * may change until its last frame is dispatched), its structure checked frame by frame, its one tag verified, and
     * only then each frame replay-checked and dispatched in order. A fault of structure or tag refuses the whole
     * record with one counted reason, and nothing of it is dispatched.
     */
    private void onBatch(final Source source, final DirectBuffer buffer, final int offset, final int length)
    {
        final UnsafeBuffer batch = scratch;
        buffer.getBytes(offset, batch, 0, length);
        final RejectReason structure = checkBatch(source, batch, length);
        if (RejectReason.NONE != structure)
        {
            reject(source, structure);
            return;
        }
        final RejectReason seal = source.verifier.verifyBatch(batch, 0, length, batchKeyId, cachedTimeMs);
        if (RejectReason.NONE != seal)
        {
            reject(source, seal);
            return;
        }
        final FrameReader reader = this.reader;
        final int producer = batchProducer;
        int position = 0;
        while (position < length && !source.quarantined)
        {
            final int frameLength = BatchFrames.frameLengthAt(batch, position, length - position);
            // The same private bytes checkBatch accepted: this wrap accepts them again.
            reader.wrapValidated(batch, position, frameLength);
            position += frameLength;
            deliver(source, producer, batch, frameLength);
        }
    }

    /**
     * The structure of a batch record, on its private copy: whole frames that tile it exactly, each accepted by the
     * frame validator, all of this channel, of one producer of the source and of one key id, all flagged as batch
     * members, every tag field but the last zero. On success it leaves the key id in {@code batchKeyId} and the
     * producer's index in {@code batchProducer}.
     */
    private RejectReason checkBatch(final Source source, final DirectBuffer batch, final int length)
    {
        if (length < FrameDescriptor.MIN_FRAME_LENGTH)
        {
            return RejectReason.TOO_SHORT;
        }
        final FrameReader reader = this.reader;
        int keyId = 0;
        int producerId = 0;
        int lastFrame = -1;
        int position = 0;
        while (position < length)
        {
            final int remaining = length - position;
            final int frameLength = BatchFrames.frameLengthAt(batch, position, remaining);
            // A length field that cannot be a whole frame here: the validator, run over what is left, says why.
            final RejectReason structure =
                reader.wrapValidated(batch, position, frameLength < 0 ? remaining : frameLength);
            if (RejectReason.NONE != structure)
            {
                return structure;
            }
            if (reader.channelId() != channelId)
            {
                return RejectReason.UNAUTHORIZED;
            }
            if (0 == (reader.flags() & FrameDescriptor.FLAG_BATCH))
            {
                return RejectReason.MALFORMED_BATCH;
            }
            if (lastFrame < 0)
            {
                keyId = reader.keyId();
                producerId = reader.producerId();
            }
            else if (reader.keyId() != keyId)
            {
                return RejectReason.BATCH_KEY_MISMATCH;
            }
            else if (reader.producerId() != producerId || !BatchFrames.isTagZero(batch, lastFrame))
            {
                return RejectReason.MALFORMED_BATCH;
            }
            lastFrame = position;
            position += frameLength;
        }
        final int producer = source.indexOf(producerId);
        if (producer < 0)
        {
            return RejectReason.UNAUTHORIZED;
        }
        batchKeyId = keyId;
        batchProducer = producer;
        return RejectReason.NONE;
    }

    /**
     * A frame whose structure and seal passed, and which the reader shows: check its sequence against its producer's
     * replay guard, count it and dispatch it.
     */
    private void deliver(final Source source, final int producer, final DirectBuffer frame, final int length)
    {
        final FrameReader reader = this.reader;
        final long sequence = reader.sequence();
        final ReplayGuard guard = source.guards[producer];
        final ReplayStatus replay = guard.check(sequence);
        if (!replay.isAccepted())
        {
            reject(source, Refusals.of(replay));
            return;
        }
        if (ReplayStatus.GAP == replay)
        {
            counters.onSequenceGap();
        }
        guard.commit(sequence);
        counters.onFrameIn(length);
        inApplicationHandler = true;
        currentHandler.onFrame(frame, reader.payloadOffset(), reader.payloadLength(), reader);
        inApplicationHandler = false;
    }

    private void reject(final Source source, final RejectReason reason)
    {
        counters.onRejected(reason);
        rejections.onRejected(source.id, reason);
        if (!source.quarantined)
        {
            final QuarantineStatus status = quarantine.recordRejection(source.id, cachedTimeMs * NANOS_PER_MILLI);
            if (QuarantineStatus.COUNTED != status)
            {
                quarantine(source);
            }
        }
    }

    private void quarantine(final Source source)
    {
        if (!source.quarantined)
        {
            source.quarantined = true;
            counters.onQuarantine();
            rejections.onQuarantined(source.id);
        }
    }

    /**
     * One ring and what the subscriber knows about its producer.
     */
    private static final class Source
    {
        final int id;
        final RecordConsumer ring;
        final int[] producerIds;
        final ReplayGuard[] guards;
        final FrameSealer verifier;
        final boolean zeroCopy;
        /** The producer ids run from {@code producerIds[0]} up by one: a lane block. */
        boolean contiguous;
        boolean quarantined;
        boolean draining;
        boolean removed;

        Source(
            final int id,
            final RecordConsumer ring,
            final int[] producerIds,
            final ReplayGuard[] guards,
            final FrameSealer verifier,
            final boolean zeroCopy)
        {
            this.id = id;
            this.ring = ring;
            this.producerIds = producerIds;
            this.guards = guards;
            this.verifier = verifier;
            this.zeroCopy = zeroCopy;
        }

        /**
         * Index of a producer id in this source, or -1: a short linear scan, since a ring carries one
         * producer or a handful of one principal's.
         */
        int indexOf(final int producerId)
        {
            final int[] ids = producerIds;
            if (contiguous)
            {
                // The block does not pass Integer.MAX_VALUE, so the difference wraps only for ids outside it.
                final int index = producerId - ids[0];
                return index >= 0 && index < ids.length ? index : -1;
            }
            for (int i = 0; i < ids.length; i++)
            {
                if (ids[i] == producerId)
                {
                    return i;
                }
            }
            return -1;
        }
    }
}
