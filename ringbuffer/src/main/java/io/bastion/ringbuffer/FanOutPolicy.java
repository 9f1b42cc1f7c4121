package io.bastion.ringbuffer;

/**
 * Per-channel bounds of a fan-out ring ({@link OneToManyRingProducer}): how far a consumer may fall behind and how
 * long a consumer that holds the producer back may go without a heartbeat before it is evicted. Immutable and thread
 * safe; compare with {@link #equals(Object)}.
 * <p>
 * Two modes, after Aeron's untethered and tethered subscriptions:
 * <ul>
 *     <li>{@link Mode#EVICT}: when the producer is about to publish a record that would leave a consumer more than
 *     {@link #maxLagBytes()} behind, that consumer is evicted ({@link EvictionReason#LAGGED}), so it never holds the
 *     producer back. This needs a bound the ring can exceed: one below a lap (its capacity less one alignment unit).
 *     A bound of a lap or more ({@link #FULL_RING}, the default) evicts nobody for lag: a consumer that fills the ring
 *     holds the producer back, and only the stall rule below frees it. So a consumer that is merely descheduled for
 *     a moment on a busy machine is not evicted, and a stopped one holds the producer back at most the stall
 *     timeout.</li>
 *     <li>{@link Mode#BLOCK}: no consumer is evicted for lag; a live but slow consumer back-pressures the producer
 *     for as long as it is slow (indefinitely, if it keeps beating and never reads). Only a consumer that holds the
 *     producer back and whose heartbeat is older than {@link #stallTimeoutMs()} is evicted
 *     ({@link EvictionReason#STALLED}), so a stopped consumer holds the producer back at most that long.</li>
 * </ul>
 * The stall rule applies in both modes; under {@code EVICT} with a bound below a lap the lag bound always evicts
 * first, since a consumer only holds the producer back there when it is over the bound.
 */
public final class FanOutPolicy
{
    /**
     * What the producer does about a consumer that falls behind.
     */
    public enum Mode
    {
        /** Back-pressure the producer; evict only consumers that stopped beating while they hold it back. */
        BLOCK,
        /** Evict a consumer that falls more than the lag bound behind; never back-pressure for it. */
        EVICT
    }

    /**
     * Default stall timeout: 1 s, ten of a subscriber's default 100 ms heartbeat intervals, and well above the pauses
     * of a healthy JVM, so only a stopped or wedged process is evicted for it.
     */
    public static final long DEFAULT_STALL_TIMEOUT_MS = 1_000;

    /** The lag bound that means "a full ring": no lag is too much until a record would be overwritten. */
    public static final long FULL_RING = Long.MAX_VALUE;

    private static final FanOutPolicy DEFAULTS = new FanOutPolicy(Mode.EVICT, FULL_RING, DEFAULT_STALL_TIMEOUT_MS);

    private final Mode mode;
    private final long maxLagBytes;
    private final long stallTimeoutMs;

    private FanOutPolicy(final Mode mode, final long maxLagBytes, final long stallTimeoutMs)
    {
        this.mode = mode;
        this.maxLagBytes = maxLagBytes;
        this.stallTimeoutMs = stallTimeoutMs;
    }

    /**
     * A policy that evicts a consumer more than {@code maxLagBytes} behind the position the producer is about to
     * publish, or holding the producer back with a heartbeat older than {@code stallTimeoutMs}.
     * <p>
     * A bound below the longest record (plus the padding a wrap may add) evicts every consumer that is not caught up
     * when such a record is written; a bound of a lap or more ({@link #FULL_RING}) evicts nobody for lag, so a consumer
     * that fills the ring holds the producer back until the stall rule evicts it (if it stopped beating).
     *
     * @param maxLagBytes    the largest lag a consumer may have, in bytes, at least 1; from the ring's capacity less
     *                       {@link RecordDescriptor#ALIGNMENT} up, no lag bound.
     * @param stallTimeoutMs how old a heartbeat may be, in milliseconds, 0 or more.
     * @return the policy.
     * @throws IllegalArgumentException if a bound is out of range.
     */
    public static FanOutPolicy evicting(final long maxLagBytes, final long stallTimeoutMs)
    {
        if (maxLagBytes < 1)
        {
            throw new IllegalArgumentException("maxLagBytes must be at least 1: " + maxLagBytes);
        }
        checkStallTimeout(stallTimeoutMs);
        return new FanOutPolicy(Mode.EVICT, maxLagBytes, stallTimeoutMs);
    }

    /**
     * A policy that never evicts a consumer for lag: the slowest live consumer back-pressures the producer. A consumer
     * that holds the producer back and has not beaten for longer than {@code stallTimeoutMs} is still evicted.
     * Its {@link #maxLagBytes()} is {@link #FULL_RING}.
     *
     * @param stallTimeoutMs how old a heartbeat may be, in milliseconds, 0 or more; {@code Long.MAX_VALUE} evicts
     *                       only a consumer that never beat since it was attached more than that long ago (never).
     * @return the policy.
     * @throws IllegalArgumentException if the timeout is negative.
     */
    public static FanOutPolicy blocking(final long stallTimeoutMs)
    {
        checkStallTimeout(stallTimeoutMs);
        return new FanOutPolicy(Mode.BLOCK, FULL_RING, stallTimeoutMs);
    }

    /**
     * The default policy: {@link Mode#EVICT} with a lag bound of a full ring ({@link #FULL_RING}) and a stall
     * timeout of {@link #DEFAULT_STALL_TIMEOUT_MS}. A slow consumer never holds the producer back: it is evicted as
     * soon as the next record would overwrite one it has not read.
     *
     * @return the shared default policy.
     */
    public static FanOutPolicy defaults()
    {
        return DEFAULTS;
    }

    /**
     * The mode.
     *
     * @return {@link Mode#EVICT} or {@link Mode#BLOCK}.
     */
    public Mode mode()
    {
        return mode;
    }

    /**
     * The lag bound in bytes; {@link #FULL_RING} for a full ring, and always for {@link Mode#BLOCK}.
     *
     * @return bytes, at least 1.
     */
    public long maxLagBytes()
    {
        return maxLagBytes;
    }

    /**
     * How old the heartbeat of a consumer holding the producer back may be before it is evicted.
     *
     * @return milliseconds, 0 or more.
     */
    public long stallTimeoutMs()
    {
        return stallTimeoutMs;
    }

    /**
     * The lag bound that applies to a ring of this capacity: {@link #maxLagBytes()} when it is below the most a ring
     * can leave unread (the capacity less one alignment unit), else none.
     *
     * @param capacity of the ring's records.
     * @return bytes, or {@link Long#MAX_VALUE} for no lag eviction.
     */
    long effectiveMaxLag(final int capacity)
    {
        return maxLagBytes < capacity - RecordDescriptor.ALIGNMENT ? maxLagBytes : Long.MAX_VALUE;
    }

    /**
     * Whether another object is a policy with the same mode and bounds.
     *
     * @param o the other object.
     * @return true if equal.
     */
    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof FanOutPolicy))
        {
            return false;
        }
        final FanOutPolicy that = (FanOutPolicy)o;
        return mode == that.mode && maxLagBytes == that.maxLagBytes && stallTimeoutMs == that.stallTimeoutMs;
    }

    /**
     * A hash consistent with {@link #equals(Object)}.
     *
     * @return the hash.
     */
    @Override
    public int hashCode()
    {
        return 31 * (31 * mode.hashCode() + Long.hashCode(maxLagBytes)) + Long.hashCode(stallTimeoutMs);
    }

    /**
     * The mode and bounds, for logs.
     *
     * @return a short description.
     */
    @Override
    public String toString()
    {
        return "FanOutPolicy{mode=" + mode + ", maxLagBytes=" + (FULL_RING == maxLagBytes ? "full ring" : maxLagBytes) +
            ", stallTimeoutMs=" + stallTimeoutMs + "}";
    }

    private static void checkStallTimeout(final long stallTimeoutMs)
    {
        if (stallTimeoutMs < 0)
        {
            throw new IllegalArgumentException("stallTimeoutMs must not be negative: " + stallTimeoutMs);
        }
    }
}
