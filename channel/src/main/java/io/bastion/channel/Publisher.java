package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameWriter;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.RecordProducer;
import io.bastion.ringbuffer.RingClaim;
import io.bastion.ringbuffer.RingStatus;
import io.bastion.security.rate.TokenBucket;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Publishes sealed frames into one ring: each frame carries the channel id, this producer's id,
 * the sending key id, a sequence number, a timestamp and the message type, and its tag covers
 * every other byte of the record.
 * <p>
 * Frames are built and sealed in memory private to the publisher and only then copied into the ring, so a process
 * that can write the ring's memory can change what the subscriber reads (and have it refused as a bad tag), but can
 * never get bytes of its own choosing sealed. {@link #tryClaim} follows the same rule: the claim's buffer is private,
 * and {@link FrameClaim#commit()} seals it and copies it in.
 * <p>
 * A fault of the ring's shared memory (its file truncated, or its pages not backed) closes the publisher for good:
 * the call that met it and every later one return {@link ChannelStatus#MAPPING_FAULT}. On a JVM that reports such a
 * fault only asynchronously (JDK 17), the error can surface at a later safepoint instead; rings handed over as
 * sealed anonymous memory cannot be truncated, see {@code io.bastion.channel.shm}.
 * <p>
 * Not thread safe: one publishing thread, which also calls {@link #doWork()} in its duty cycle.
 * {@code doWork} reads the clock once and caches it for frame timestamps (no clock read per frame),
 * publishes the producer heartbeat, and checks the subscriber's. {@link #offer} and
 * {@link #tryClaim} allocate nothing, take no lock, throw nothing for a full ring or a dead peer,
 * and return a position or a {@link ChannelStatus} code. A new publisher is not connected until
 * {@code doWork} has seen the subscriber's heartbeat.
 * <p>
 * <b>Batch sealing.</b> On a channel the broker announced as {@link SealingMode#HMAC_BATCH} (set with
 * {@link #sealing(SealingMode)}), frames are built back to back in the private buffer and sealed together under one
 * tag, as one ring record of type {@link #BATCH_RECORD_TYPE}; each keeps its own header and sequence. A batch is
 * committed when it is full ({@link #batchLimits}: frames or bytes), when its first frame has waited the linger
 * (checked by {@link #doWork()}), or on {@link #flush()}. {@link #beginBatch()} opens an explicit batch: what is
 * offered until {@link #flush()} is committed as one record, all or nothing. The key id is stamped into every frame
 * of a batch when it is sealed, so one batch is always under one key, the current one. An offer taken into a batch
 * that is not yet committed returns a positive position: the position the ring reaches once that batch is committed,
 * were no padding needed; {@link #close()} drops a batch not yet committed, so {@link #flush()} first.
 */
public final class Publisher implements AutoCloseable
{
    /** Record type of a frame in the ring ({@link SealingMode#HMAC_PER_FRAME}). */
    public static final int FRAME_RECORD_TYPE = 1;

    /** Record type of a batch of frames under one tag in the ring ({@link SealingMode#HMAC_BATCH}). */
    public static final int BATCH_RECORD_TYPE = 2;

    /** Default most frames in one batch. */
    public static final int DEFAULT_MAX_BATCH_FRAMES = 32;

    /** Default most bytes of frames in one batch (a single larger frame still goes, alone). */
    public static final int DEFAULT_MAX_BATCH_BYTES = 4096;

    /** Default time the first frame of an automatic batch waits for more before {@link #doWork()} commits it. */
    public static final long DEFAULT_BATCH_LINGER_NS = 100_000;

    /** Sequence number of a publisher's first frame; a subscriber's strict replay guard starts here. */
    public static final long FIRST_SEQUENCE = 1;

    /** Default subscriber liveness timeout. */
    public static final long DEFAULT_LIVENESS_TIMEOUT_MS = 5_000;

    /** Default interval between producer heartbeats. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 100;

    private static final long NANOS_PER_MILLI = 1_000_000;
    /** {@link #stoppedStatus} of a publisher that has not stopped; every other value is the status it stopped with. */
    private static final long RUNNING = 0;

    private final RecordProducer ring;
    private final FrameSealer sealer;
    private final int channelId;
    private final int producerId;
    private final EpochNanoClock clock;
    private final ChannelCounters counters;
    private final int maxPayloadLength;
    private final FrameWriter writer = new FrameWriter();
    private final UnsafeBuffer frameBuffer;
    private final RingClaim ringClaim = new RingClaim();
    private long livenessTimeoutMs = DEFAULT_LIVENESS_TIMEOUT_MS;
    private long heartbeatIntervalNs = DEFAULT_HEARTBEAT_INTERVAL_MS * NANOS_PER_MILLI;
    private TokenBucket rateLimit;
    private long nextSequence = FIRST_SEQUENCE;
    private long cachedTimeNs;
    private long lastHeartbeatNs = Long.MIN_VALUE / 2;
    private boolean connected;
    private boolean closed;
    private long stoppedStatus = RUNNING;
    private SealingMode sealingMode = SealingMode.HMAC_PER_FRAME;
    private boolean batching;
    private int maxBatchFrames = DEFAULT_MAX_BATCH_FRAMES;
    private int maxBatchBytes;
    private long batchLingerNs = DEFAULT_BATCH_LINGER_NS;
    private boolean explicitBatch;
    private boolean batchClaimOpen;
    private int batchFrames;
    private int batchBytes;
    private long batchStartNs;
    private long committedPosition;

    /**
     * A publisher over one ring.
     *
     * @param ring       the ring this publisher alone writes (its producer side).
     * @param sealer     seals each frame; one per publisher.
     * @param channelId  stamped into every frame.
     * @param producerId stamped into every frame; the subscriber checks it against the ring's owner.
     * @param clock      epoch nanoseconds, read once per {@link #doWork()}.
     * @param counters   this endpoint's counters.
     */
    public Publisher(
        final RecordProducer ring,
        final FrameSealer sealer,
        final int channelId,
        final int producerId,
        final EpochNanoClock clock,
        final ChannelCounters counters)
    {
        this.ring = ring;
        this.sealer = sealer;
        this.channelId = channelId;
        this.producerId = producerId;
        this.clock = clock;
        this.counters = counters;
        this.maxPayloadLength = Math.min(
            FrameDescriptor.MAX_PAYLOAD_LENGTH, ring.maxPayloadLength() - FrameDescriptor.MIN_FRAME_LENGTH);
        if (maxPayloadLength < 0)
        {
            throw new IllegalArgumentException("ring too small for a frame: " + ring.maxPayloadLength());
        }
        // A heap array: the MAC then reads the frame straight from it.
        this.frameBuffer = new UnsafeBuffer(new byte[FrameDescriptor.frameLength(maxPayloadLength)]);
        this.maxBatchBytes = Math.min(DEFAULT_MAX_BATCH_BYTES, frameBuffer.capacity());
        this.cachedTimeNs = clock.nanoTime();
    }

    /**
     * Set how frames are sealed, as the broker announced it for the channel: {@link SealingMode#HMAC_PER_FRAME} (the
     * default), {@link SealingMode#HMAC_BATCH} or {@link SealingMode#AEAD_PER_FRAME} (which needs the sealer of that
     * mode, {@link SealingMode#newSealer}).
     *
     * @param mode the channel's sealing mode.
     * @return this.
     * @throws IllegalStateException if frames wait in a batch or a claim is open.
     */
    public Publisher sealing(final SealingMode mode)
    {
        checkNoBatchPending();
        this.sealingMode = mode;
        this.batching = SealingMode.HMAC_BATCH == mode;
        return this;
    }

    /**
     * How frames are sealed.
     *
     * @return the mode set by {@link #sealing(SealingMode)}.
     */
    public SealingMode sealing()
    {
        return sealingMode;
    }

    /**
     * Set the bounds of a batch ({@link SealingMode#HMAC_BATCH} only): a batch is committed once it holds
     * {@code maxFrames} frames or cannot take another frame within {@code maxBytes}; an automatic batch also once its
     * first frame waited {@code lingerNs} (checked by {@link #doWork()}, on its cached clock).
     *
     * @param maxFrames most frames in one batch, at least 1.
     * @param maxBytes  most bytes of frames in one batch, at least {@link FrameDescriptor#MIN_FRAME_LENGTH}; clamped
     *                  to the ring's largest record. A single frame longer than this still goes, alone.
     * @param lingerNs  how long the first frame of an automatic batch may wait for more, 0 or more.
     * @return this.
     * @throws IllegalArgumentException if a bound is out of range.
     * @throws IllegalStateException    if frames wait in a batch or a claim is open.
     */
    public Publisher batchLimits(final int maxFrames, final int maxBytes, final long lingerNs)
    {
        if (maxFrames < 1 || maxBytes < FrameDescriptor.MIN_FRAME_LENGTH || lingerNs < 0)
        {
            throw new IllegalArgumentException(
                "batch limits out of range: frames=" + maxFrames + " bytes=" + maxBytes + " lingerNs=" + lingerNs);
        }
        checkNoBatchPending();
        this.maxBatchFrames = maxFrames;
        this.maxBatchBytes = Math.min(maxBytes, frameBuffer.capacity());
        this.batchLingerNs = lingerNs;
        return this;
    }

    /**
     * Open an explicit batch ({@link SealingMode#HMAC_BATCH} only): the frames offered or claimed from now until
     * {@link #flush()} are sealed under one tag and committed as one record, all or none; neither size nor linger
     * commits them earlier, and an offer the batch cannot take returns {@link ChannelStatus#BATCH_FULL}. Frames
     * already waiting for an automatic commit join it.
     *
     * @return true if opened (or already open); false on a channel sealed per frame, where offers keep going one by
     *         one.
     */
    public boolean beginBatch()
    {
        if (!batching)
        {
            return false;
        }
        explicitBatch = true;
        return true;
    }

    /**
     * Seal and commit the frames waiting in the batch, automatic or explicit, as one record, and end an explicit
     * batch.
     *
     * @return the new position (or the current one when nothing waited, or on a channel sealed per frame), or a
     *         {@link ChannelStatus} code: after {@link ChannelStatus#BACK_PRESSURED} or
     *         {@link ChannelStatus#ADMIN_ACTION} the batch still waits, so flush again; any other code stopped the
     *         publisher and the batch is lost.
     * @throws IllegalStateException if a claim is open.
     */
    public long flush()
    {
        if (batchClaimOpen)
        {
            throw new IllegalStateException("a frame claim is open");
        }
        if (closed)
        {
            return ChannelStatus.CLOSED;
        }
        if (RUNNING != stoppedStatus)
        {
            return stoppedStatus;
        }
        if (0 == batchFrames)
        {
            explicitBatch = false;
            return committedPosition;
        }
        return commitBatch();
    }

    /**
     * Drop the frames waiting in the batch, unpublished, and end an explicit batch; the next frame takes the sequence
     * the first dropped one had.
     *
     * @throws IllegalStateException if a claim is open.
     */
    public void abortBatch()
    {
        if (batchClaimOpen)
        {
            throw new IllegalStateException("a frame claim is open");
        }
        nextSequence -= batchFrames;
        batchFrames = 0;
        batchBytes = 0;
        explicitBatch = false;
    }

    /**
     * How many frames wait in the batch, not yet committed to the ring.
     *
     * @return 0 on a channel sealed per frame.
     */
    public int pendingFrames()
    {
        return batchFrames;
    }

    /**
     * Set how old the subscriber's heartbeat may be before offers return {@link ChannelStatus#NOT_CONNECTED}.
     *
     * @param timeoutMs the timeout in milliseconds.
     * @return this.
     */
    public Publisher livenessTimeoutMs(final long timeoutMs)
    {
        this.livenessTimeoutMs = timeoutMs;
        return this;
    }

    /**
     * Set how often {@link #doWork()} publishes the producer heartbeat.
     *
     * @param intervalMs the interval in milliseconds.
     * @return this.
     */
    public Publisher heartbeatIntervalMs(final long intervalMs)
    {
        this.heartbeatIntervalNs = intervalMs * NANOS_PER_MILLI;
        return this;
    }

    /**
     * Limit the frame rate: an offer the bucket refuses returns {@link ChannelStatus#RATE_LIMITED}.
     *
     * @param bucket the token bucket, on the same epoch-nanosecond time as the clock; null for no limit.
     * @return this.
     */
    public Publisher rateLimit(final TokenBucket bucket)
    {
        this.rateLimit = bucket;
        return this;
    }

    /**
     * The duty-cycle step: cache the time, publish a heartbeat when due, check the subscriber's, and commit an
     * automatic batch whose first frame waited the linger.
     *
     * @return the number of heartbeats published and batches committed or tried.
     */
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        cachedTimeNs = nowNs;
        if (ChannelStatus.MAPPING_FAULT == stoppedStatus)
        {
            return 0;
        }
        int work = 0;
        try
        {
            if (nowNs - lastHeartbeatNs >= heartbeatIntervalNs)
            {
                lastHeartbeatNs = nowNs;
                ring.producerHeartbeat();
                counters.onHeartbeat();
                work = 1;
            }
            connected = ring.isConsumerAlive(livenessTimeoutMs);
        }
        catch (final InternalError ex)
        {
            onMappingFault();
        }
        if (batchFrames > 0 && !explicitBatch && !batchClaimOpen && !closed && RUNNING == stoppedStatus &&
            nowNs - batchStartNs >= batchLingerNs)
        {
            // A failure is kept: a stop in stoppedStatus, back pressure counted, the batch waiting for the next cycle.
            commitBatch();
            work++;
        }
        return work;
    }

    /**
     * Seal and publish a message. On a channel sealed by batch the message joins the waiting batch, which this offer
     * commits first if the message does not fit in it, and after it if it is then full.
     *
     * @param buffer    holding the payload.
     * @param offset    of the payload in {@code buffer}.
     * @param length    of the payload.
     * @param msgTypeId the application's message type.
     * @return the new position (positive; for a message waiting in a batch, the position its batch will reach) or a
     *         {@link ChannelStatus} code, with nothing taken ({@link ChannelStatus#BATCH_FULL} in an explicit batch).
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length, final int msgTypeId)
    {
        final long position = claimFrame(length, msgTypeId);
        if (position < 0)
        {
            return position;
        }
        writer.putPayload(buffer, offset);
        return batching ? appendFrame() : sealAndCommit(position);
    }

    /**
     * Claim a frame whose payload the caller writes into the claim's buffer, then seals and publishes with
     * {@link FrameClaim#commit()} or gives up with {@link FrameClaim#abort()}. The ring's record is claimed now, so
     * the subscriber waits at it until the commit or abort; the claim's buffer is private to this publisher and is
     * copied into the ring only once sealed. On a channel sealed by batch the frame is claimed in the waiting batch
     * instead (no ring record yet), and the commit adds it to the batch. Reuse the claim.
     *
     * @param length    of the payload.
     * @param msgTypeId the application's message type.
     * @param claim     a reusable claim to fill in.
     * @return the position the frame will reach (positive) or a {@link ChannelStatus} code.
     */
    public long tryClaim(final int length, final int msgTypeId, final FrameClaim claim)
    {
        final long position = claimFrame(length, msgTypeId);
        if (position < 0)
        {
            return position;
        }
        claim.open(this, frameBuffer, writer.payloadOffset(), length, position);
        batchClaimOpen = batching;
        return position;
    }

    /**
     * Whether the last {@link #doWork()} saw a live subscriber.
     *
     * @return true if connected.
     */
    public boolean isConnected()
    {
        return connected;
    }

    /**
     * The largest payload one frame may carry on this ring.
     *
     * @return bytes.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * The sequence number the next frame will carry.
     *
     * @return the sequence.
     */
    public long nextSequence()
    {
        return nextSequence;
    }

    /**
     * Whether the ring's shared memory faulted, which closed this publisher for good.
     *
     * @return true after a {@link ChannelStatus#MAPPING_FAULT}.
     */
    public boolean isFaulted()
    {
        return ChannelStatus.MAPPING_FAULT == stoppedStatus;
    }

    /**
     * Stop publishing; later offers return {@link ChannelStatus#CLOSED}. Frames waiting in a batch are dropped:
     * {@link #flush()} first to publish them.
     */
    public void close()
    {
        closed = true;
    }

    long commitClaim(final long position)
    {
        if (batchClaimOpen)
        {
            batchClaimOpen = false;
            return appendFrame();
        }
        return sealAndCommit(position);
    }

    void abortClaim()
    {
        if (batchClaimOpen)
        {
            // Nothing of it reached the batch: the next frame is written over it.
            batchClaimOpen = false;
            return;
        }
        try
        {
            ringClaim.abort();
        }
        catch (final InternalError ex)
        {
            onMappingFault();
        }
    }

    private long claimFrame(final int length, final int msgTypeId)
    {
        if (closed)
        {
            return ChannelStatus.CLOSED;
        }
        if (RUNNING != stoppedStatus)
        {
            return stoppedStatus;
        }
        if (length < 0 || length > maxPayloadLength)
        {
            return ChannelStatus.MESSAGE_TOO_LARGE;
        }
        if (!connected)
        {
            return ChannelStatus.NOT_CONNECTED;
        }
        final TokenBucket rateLimit = this.rateLimit;
        if (null != rateLimit && !rateLimit.tryAcquire(cachedTimeNs))
        {
            counters.onRateLimited();
            return ChannelStatus.RATE_LIMITED;
        }
        final int frameLength = FrameDescriptor.frameLength(length);
        if (batching)
        {
            // The key is taken when the batch is sealed, and a missing one stops the publisher then.
            return startBatchedFrame(frameLength, length, msgTypeId);
        }
        final int keyId = sealer.sendingKeyId();
        if (keyId < 0)
        {
            return stop(ChannelStatus.NO_SENDING_KEY);
        }
        final long position;
        try
        {
            // Claimed before sealing, so a full ring costs no MAC.
            position = ring.tryClaim(FRAME_RECORD_TYPE, frameLength, ringClaim);
        }
        catch (final InternalError ex)
        {
            return onMappingFault();
        }
        if (position < 0)
        {
            return mapRingStatus(position);
        }
        writer.wrap(frameBuffer, 0, frameLength, length);
        writer.channelId(channelId)
            .producerId(producerId)
            .keyId(keyId)
            .sequence(nextSequence)
            .timestamp(cachedTimeNs)
            .messageTypeId(msgTypeId)
            .flags(0);
        return position;
    }

    private long sealAndCommit(final long position)
    {
        final int frameLength = writer.frameLength();
        final MutableDirectBuffer frame = writer.buffer();
        final int frameOffset = writer.offset();
        final RingClaim ringClaim = this.ringClaim;
        try
        {
            if (!sealer.seal(frame, frameOffset, frameLength))
            {
                ringClaim.abort();
                return stop(ChannelStatus.NO_SENDING_KEY);
            }
            ringClaim.buffer().putBytes(ringClaim.offset(), frame, frameOffset, frameLength);
            if (!ringClaim.commit())
            {
                // The subscriber unblocked the claim (this thread stalled past the ring's timeout): try again.
                counters.onUnblocked();
                return ChannelStatus.ADMIN_ACTION;
            }
        }
        catch (final InternalError ex)
        {
            return onMappingFault();
        }
        nextSequence++;
        counters.onFrameOut(frameLength);
        committedPosition = position;
        return position;
    }

    /**
     * Start a frame in the batch, after the checks every offer passes: make room (commit the waiting frames when this
     * one does not fit, or say {@link ChannelStatus#BATCH_FULL} in an explicit batch), then write its header where
     * the batch ends. Its key id is stamped when the batch is sealed.
     */
    private long startBatchedFrame(final int frameLength, final int payloadLength, final int msgTypeId)
    {
        if (batchClaimOpen)
        {
            throw new IllegalStateException("a frame claim is open");
        }
        if (batchFrames > 0 && (batchFrames >= maxBatchFrames || frameLength > maxBatchBytes - batchBytes))
        {
            if (explicitBatch)
            {
                return ChannelStatus.BATCH_FULL;
            }
            final long committed = commitBatch();
            if (committed < 0)
            {
                return committed;
            }
        }
        writer.wrap(frameBuffer, batchBytes, frameBuffer.capacity() - batchBytes, payloadLength);
        writer.channelId(channelId)
            .producerId(producerId)
            .sequence(nextSequence)
            .timestamp(cachedTimeNs)
            .messageTypeId(msgTypeId)
            .flags(FrameDescriptor.FLAG_BATCH);
        return committedPosition + batchBytes + frameLength;
    }

    /**
     * Take the frame just written into the batch; commit the batch if it is now full and not explicit.
     *
     * @return the new position if the batch was committed, else the position it will reach; or the code that
     *         stopped the publisher.
     */
    private long appendFrame()
    {
        if (0 == batchFrames)
        {
            batchStartNs = cachedTimeNs;
        }
        batchFrames++;
        batchBytes += writer.frameLength();
        nextSequence++;
        if (!explicitBatch &&
            (batchFrames >= maxBatchFrames || batchBytes > maxBatchBytes - FrameDescriptor.MIN_FRAME_LENGTH))
        {
            final long committed = commitBatch();
            if (committed >= 0 || RUNNING != stoppedStatus)
            {
                return committed;
            }
            // Back pressure or an unblocked claim: the frame waits in the batch for the next offer, doWork or flush.
        }
        return committedPosition + batchBytes;
    }

    /**
     * Seal the waiting frames under the current key and commit them as one record. The ring is claimed before the MAC
     * is computed, so a full ring costs no MAC.
     */
    private long commitBatch()
    {
        final int keyId = sealer.sendingKeyId();
        if (keyId < 0)
        {
            abortBatch();
            return stop(ChannelStatus.NO_SENDING_KEY);
        }
        final UnsafeBuffer batch = frameBuffer;
        final int length = batchBytes;
        int lastFrame = 0;
        int frame = 0;
        while (frame < length)
        {
            // The publisher's own frames: every length field is that of a whole frame of the batch.
            batch.putInt(frame + FrameDescriptor.KEY_ID_FIELD_OFFSET, keyId, FrameDescriptor.BYTE_ORDER);
            lastFrame = frame;
            frame += BatchFrames.frameLengthAt(batch, frame, length - frame);
        }
        final RingClaim ringClaim = this.ringClaim;
        final long position;
        try
        {
            position = ring.tryClaim(BATCH_RECORD_TYPE, length, ringClaim);
            if (position < 0)
            {
                return mapRingStatus(position);
            }
            if (!sealer.sealBatch(batch, 0, length))
            {
                ringClaim.abort();
                abortBatch();
                return stop(ChannelStatus.NO_SENDING_KEY);
            }
            ringClaim.buffer().putBytes(ringClaim.offset(), batch, 0, length);
            if (!ringClaim.commit())
            {
                // Unblocked by the subscriber: the batch waits; its last tag goes back to zero, as more may follow.
                batch.setMemory(lastFrame + FrameDescriptor.TAG_OFFSET, FrameDescriptor.TAG_LENGTH, (byte)0);
                counters.onUnblocked();
                return ChannelStatus.ADMIN_ACTION;
            }
        }
        catch (final InternalError ex)
        {
            return onMappingFault();
        }
        counters.onFramesOut(batchFrames, length);
        committedPosition = position;
        batchFrames = 0;
        batchBytes = 0;
        explicitBatch = false;
        return position;
    }

    private void checkNoBatchPending()
    {
        if (batchFrames > 0 || batchClaimOpen)
        {
            throw new IllegalStateException("frames wait in a batch or a claim is open");
        }
    }

    private long onMappingFault()
    {
        // The ring's memory is gone: nothing of it may be touched again, not even to abort the claim. It overrides
        // any earlier stop, so that doWork() touches the ring no more.
        if (ChannelStatus.MAPPING_FAULT != stoppedStatus)
        {
            stoppedStatus = ChannelStatus.MAPPING_FAULT;
            connected = false;
            counters.onRejected(RejectReason.MAPPING_FAULT);
        }
        return ChannelStatus.MAPPING_FAULT;
    }

    /**
     * Stop for good with {@code status}; every later offer returns it (a mapping fault, which leaves the ring
     * untouchable, still overrides it).
     */
    private long stop(final long status)
    {
        stoppedStatus = status;
        return status;
    }

    /**
     * A ring status as the channel's: each keeps its value ({@link RingStatus}), {@code UNBLOCKED} becoming
     * {@link ChannelStatus#ADMIN_ACTION}. A corrupt ring stops the publisher, its fault counted under its own name.
     */
    private long mapRingStatus(final long status)
    {
        if (RingStatus.BACK_PRESSURED == status)
        {
            counters.onBackPressure();
            return ChannelStatus.BACK_PRESSURED;
        }
        if (RingStatus.UNBLOCKED == status)
        {
            counters.onUnblocked();
            return ChannelStatus.ADMIN_ACTION;
        }
        // RingStatus.CORRUPT, and fail closed on any code a ring may add.
        final RejectReason fault = Refusals.of(ring.fault());
        if (fault.isRefusal())
        {
            counters.onRejected(fault);
        }
        return stop(ChannelStatus.CORRUPT);
    }
}
