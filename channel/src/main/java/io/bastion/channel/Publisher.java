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
 */
public final class Publisher implements AutoCloseable
{
    /** Record type of a frame in the ring. */
    public static final int FRAME_RECORD_TYPE = 1;

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
        this.cachedTimeNs = clock.nanoTime();
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
     * The duty-cycle step: cache the time, publish a heartbeat when due, check the subscriber's.
     *
     * @return 1 if a heartbeat was published, else 0.
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
        return work;
    }

    /**
     * Seal and publish a message.
     *
     * @param buffer    holding the payload.
     * @param offset    of the payload in {@code buffer}.
     * @param length    of the payload.
     * @param msgTypeId the application's message type.
     * @return the new position (positive) or a {@link ChannelStatus} code.
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length, final int msgTypeId)
    {
        final long position = claimFrame(length, msgTypeId);
        if (position < 0)
        {
            return position;
        }
        writer.putPayload(buffer, offset);
        return sealAndCommit(position);
    }

    /**
     * Claim a frame whose payload the caller writes into the claim's buffer, then seals and publishes with
     * {@link FrameClaim#commit()} or gives up with {@link FrameClaim#abort()}. The ring's record is claimed now, so
     * the subscriber waits at it until the commit or abort; the claim's buffer is private to this publisher and is
     * copied into the ring only once sealed. Reuse the claim.
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
     * Stop publishing; later offers return {@link ChannelStatus#CLOSED}.
     */
    public void close()
    {
        closed = true;
    }

    long commitClaim(final long position)
    {
        return sealAndCommit(position);
    }

    void abortClaim()
    {
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
        final int keyId = sealer.sendingKeyId();
        if (keyId < 0)
        {
            return stop(ChannelStatus.NO_SENDING_KEY);
        }

        final int frameLength = FrameDescriptor.frameLength(length);
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
        return position;
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
