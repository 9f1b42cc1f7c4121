package io.bastion.ringbuffer;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;

import static io.bastion.ringbuffer.ManyToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.UNBLOCK_COUNT_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.UNBLOCK_EPOCH_OFFSET;
import static io.bastion.ringbuffer.RecordDescriptor.ALIGNMENT;

/**
 * The consumer's half of a many-to-one ring's unblock protocol (see {@link ManyToOneRing}): it times how long the
 * head has stood behind the tail on the ring's clock, announces an unblock by moving the unblock epoch, and, a grace
 * later, turns a claim that was never committed into padding. Producers' half (a commit settles by compare-and-set
 * once the epoch has moved) stays in {@link ManyToOneRing}. Why the two halves together are safe, and the windows they
 * leave open, is in {@code docs/many-to-one-ring.md}.
 * <p>
 * Consumer thread only. It reads the head and the timer from the consumer's state and never moves the head: the
 * consumer reads the padding like any other. It holds no fault of its own beyond a call: after each
 * {@link #unblock()} the ring takes {@link #fault()} into its own.
 */
final class ManyToOneUnblocker
{
    private final AtomicBuffer buffer;
    private final EpochClock clock;
    private final long timeoutMs;
    private final int capacity;
    private final int mask;
    private final int tailOffset;
    private final int unblockCountOffset;
    private final int unblockEpochOffset;
    private final ManyToOneConsumerState consumer;
    private RingFault fault = RingFault.NONE;

    /**
     * Unblock over a ring's region.
     *
     * @param buffer    the ring's region, records then trailer.
     * @param capacity  of the records, a power of two.
     * @param clock     the ring's clock, epoch milliseconds.
     * @param timeoutMs how long the head may stand still behind the tail before an unblock is announced.
     * @param consumer  the consumer's state: its head and the unblock timer.
     */
    ManyToOneUnblocker(
        final AtomicBuffer buffer,
        final int capacity,
        final EpochClock clock,
        final long timeoutMs,
        final ManyToOneConsumerState consumer)
    {
        this.buffer = buffer;
        this.clock = clock;
        this.timeoutMs = timeoutMs;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.tailOffset = capacity + TAIL_POSITION_OFFSET;
        this.unblockCountOffset = capacity + UNBLOCK_COUNT_OFFSET;
        this.unblockEpochOffset = capacity + UNBLOCK_EPOCH_OFFSET;
        this.consumer = consumer;
    }

    /**
     * Advance the unblock timer by one look at the clock and the tail. The first call that finds the head stuck for
     * the timeout announces the unblock (moves the epoch); a call at least {@link ManyToOneRing#UNBLOCK_GRACE_MS}
     * later, with the head still stuck, says it is time to unblock, and restarts the timer.
     *
     * @return true if the caller should call {@link #unblock()} now.
     */
    boolean isDue()
    {
        final long nowMs = clock.time();
        final long head = consumer.head;
        if (head != consumer.stuckHead)
        {
            consumer.stuckHead = head;
            restartTimer(nowMs);
            return false;
        }
        if (buffer.getLongVolatile(tailOffset) == head)
        {
            restartTimer(nowMs);
            return false;
        }
        if (nowMs - consumer.stuckSinceMs < timeoutMs)
        {
            return false;
        }
        if (ManyToOneConsumerState.NOT_ANNOUNCED == consumer.announcedAtMs)
        {
            // From here on every commit settles by compare-and-set; the grace lets a commit store that read the
            // old epoch a moment ago land before the unblock looks at the claim.
            buffer.getAndAddLong(unblockEpochOffset, 1);
            consumer.announcedAtMs = nowMs;
            return false;
        }
        if (nowMs - consumer.announcedAtMs < ManyToOneRing.UNBLOCK_GRACE_MS)
        {
            return false;
        }
        restartTimer(nowMs);
        return true;
    }

    /**
     * Turn the region at the head into padding if it is claimed but not committed, or claimed but not even stamped
     * yet. The ring calls it only while it is not faulted.
     *
     * @return true if a region was turned into padding; when false, {@link #fault()} says whether it was because
     *         the region holds a value no producer writes.
     */
    boolean unblock()
    {
        fault = RingFault.NONE;
        final long head = consumer.head;
        final long tail = buffer.getLongVolatile(tailOffset);
        final long distance = tail - head;
        if (distance <= 0 || distance > capacity || (tail & (ALIGNMENT - 1)) != 0)
        {
            if (distance != 0)
            {
                fault = (tail & (ALIGNMENT - 1)) != 0 ? RingFault.TAIL_MISALIGNED : RingFault.TAIL_OUT_OF_RANGE;
            }
            return false;
        }

        // Announce the attempt before reading the head's word: a producer that stamps or commits after this
        // sees the new epoch, and settles with a compare-and-set instead of a plain store (see the ring's publish).
        buffer.getAndAddLong(unblockEpochOffset, 1);
        final int headIndex = (int)head & mask;
        final int limit = (int)Math.min(distance, capacity - headIndex);
        final long state = buffer.getLongVolatile(headIndex);
        final int expectedStamp = ManyToOneRecordDescriptor.stamp(head, capacity);
        final int lengthField = ManyToOneRecordDescriptor.lengthField(state);
        final int padLength;
        if (ManyToOneRecordDescriptor.stampOf(state) == expectedStamp && lengthField != 0)
        {
            if (lengthField > 0)
            {
                return false;
            }
            // Compare before aligning: align(-lengthField) overflows for lengths near Integer.MAX_VALUE.
            if (lengthField == Integer.MIN_VALUE || -lengthField > limit)
            {
                fault = RingFault.RECORD_LENGTH_OUT_OF_RANGE;
                return false;
            }
            padLength = RecordDescriptor.align(-lengthField);
        }
        else
        {
            padLength = scanToNextRecord(headIndex, expectedStamp, limit);
        }

        if (!buffer.compareAndSetLong(headIndex, state, ManyToOneRecordDescriptor.padding(padLength, expectedStamp)))
        {
            return false;
        }
        buffer.getAndAddLong(unblockCountOffset, 1);
        return true;
    }

    /**
     * What the last {@link #unblock()} found wrong with the region.
     *
     * @return the fault, or {@link RingFault#NONE}.
     */
    RingFault fault()
    {
        return fault;
    }

    private void restartTimer(final long nowMs)
    {
        consumer.stuckSinceMs = nowMs;
        consumer.announcedAtMs = ManyToOneConsumerState.NOT_ANNOUNCED;
    }

    /**
     * A producer claimed the region at the head but died before stamping it: pad up to the next
     * word stamped for the head's lap (the next claim), or to the limit, which stays within the lap.
     */
    private int scanToNextRecord(final int headIndex, final int stamp, final int limit)
    {
        final AtomicBuffer buffer = this.buffer;
        for (int offset = ALIGNMENT; offset < limit; offset += ALIGNMENT)
        {
            final long state = buffer.getLongVolatile(headIndex + offset);
            if (ManyToOneRecordDescriptor.stampOf(state) == stamp && ManyToOneRecordDescriptor.lengthField(state) != 0)
            {
                return offset;
            }
        }
        return limit;
    }
}
