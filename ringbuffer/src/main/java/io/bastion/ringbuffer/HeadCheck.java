package io.bastion.ringbuffer;

/**
 * The one rule by which a producer judges a head it read from the consumer's shared word, for both rings. A head a
 * correct consumer publishes is aligned, not beyond the tail, no more than a lap behind it, and never behind a head
 * published earlier. The checks run in that order and the first that fails names the fault.
 * <p>
 * The rings differ only in what the producer remembers, and that is the one parameter: a one-to-one producer keeps
 * the last head it read in its own memory, so it can also tell a head that moved backwards; many-to-one producers
 * share no trustworthy memory of the head (their head cache is a shared word any producer, or anyone who can write
 * the region, may have written), so they pass {@link #NO_EARLIER_HEAD} and check the lap bound only.
 * <p>
 * Pure, allocation-free and overflow-safe for any head, given a tail from 0 up.
 */
final class HeadCheck
{
    /** The earlier head of a producer that remembers none: no head is behind it. */
    static final long NO_EARLIER_HEAD = Long.MIN_VALUE;

    private HeadCheck()
    {
    }

    /**
     * Judge a head read from the consumer's shared word.
     *
     * @param head        the head as read, untrusted.
     * @param tail        the producer's tail, 0 or more.
     * @param capacity    the ring's capacity.
     * @param earlierHead the last head this producer read and accepted (at least {@code tail - capacity}), or
     *                    {@link #NO_EARLIER_HEAD}.
     * @return {@link RingFault#NONE}, or the first check that failed.
     */
    static RingFault check(final long head, final long tail, final int capacity, final long earlierHead)
    {
        if ((head & (RecordDescriptor.ALIGNMENT - 1)) != 0)
        {
            return RingFault.HEAD_MISALIGNED;
        }
        if (head > tail)
        {
            return RingFault.HEAD_BEYOND_TAIL;
        }
        // tail >= 0, so tail - capacity cannot overflow, and neither can comparing it with any head.
        if (head < tail - capacity)
        {
            return RingFault.HEAD_MORE_THAN_A_LAP_BEHIND;
        }
        if (head < earlierHead)
        {
            return RingFault.HEAD_BACKWARDS;
        }
        return RingFault.NONE;
    }
}
