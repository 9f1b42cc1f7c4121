package io.bastion.ringbuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;

import static io.bastion.ringbuffer.ManyToOneRecordDescriptor.HEADER_LENGTH;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.HEAD_CACHE_POSITION_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.TRAILER_LENGTH;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.UNBLOCK_COUNT_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.UNBLOCK_EPOCH_OFFSET;
import static io.bastion.ringbuffer.RecordDescriptor.ALIGNMENT;

/**
 * The producers' half of a {@link ManyToOneRing}: the region's layout, claiming space with a compare-and-set on the
 * tail, writing, committing and aborting records, and the fault both halves share. {@link ManyToOneRing} adds the
 * consumer's half on the same object, so the hot paths reach every field without an indirection. Every method here
 * may be called from any number of producer threads; see {@link ManyToOneRing} for the protocol and the contracts.
 */
abstract class ManyToOneProducerSide implements RingClaim.Owner
{
    final AtomicBuffer buffer;
    final EpochClock clock;
    final int capacity;
    final int mask;
    final int maxPayloadLength;
    final int tailOffset;
    final int headCacheOffset;
    final int headOffset;
    final int unblockCountOffset;
    final int unblockEpochOffset;
    final int producerHeartbeatOffset;
    final int consumerHeartbeatOffset;
    /** Set by whichever half first finds a value no producer writes; it stops both halves for good. */
    volatile RingFault fault = RingFault.NONE;

    /**
     * Lay the ring out over {@code region}.
     *
     * @param region records then trailer; its length minus {@link ManyToOneRingDescriptor#TRAILER_LENGTH} must be
     *               a power of two.
     * @param clock  source of epoch milliseconds, for heartbeats.
     * @throws IllegalArgumentException if the region's size or alignment is wrong.
     */
    ManyToOneProducerSide(final AtomicBuffer region, final EpochClock clock)
    {
        this.capacity = RingCapacity.capacityOf(region, TRAILER_LENGTH);
        this.buffer = region;
        this.clock = clock;
        this.mask = capacity - 1;
        this.maxPayloadLength = RingCapacity.maxRecordLength(capacity) - HEADER_LENGTH;
        if (maxPayloadLength < 0)
        {
            throw new IllegalArgumentException("capacity " + capacity + " holds no many-to-one record");
        }
        this.tailOffset = capacity + TAIL_POSITION_OFFSET;
        this.headCacheOffset = capacity + HEAD_CACHE_POSITION_OFFSET;
        this.headOffset = capacity + HEAD_POSITION_OFFSET;
        this.unblockCountOffset = capacity + UNBLOCK_COUNT_OFFSET;
        this.unblockEpochOffset = capacity + UNBLOCK_EPOCH_OFFSET;
        this.producerHeartbeatOffset = capacity + PRODUCER_HEARTBEAT_OFFSET;
        this.consumerHeartbeatOffset = capacity + CONSUMER_HEARTBEAT_OFFSET;
    }

    /**
     * Copy a record into the ring and publish it. Safe from any thread.
     *
     * @param typeId a type id from {@link RecordDescriptor#MIN_TYPE_ID} to
     *               {@link ManyToOneRecordDescriptor#MAX_TYPE_ID}.
     * @param src    the payload's buffer.
     * @param offset of the payload in {@code src}.
     * @param length of the payload, at most {@link #maxPayloadLength()}.
     * @return the position after the record (positive) on success, else
     *         {@link RingStatus#BACK_PRESSURED}, {@link RingStatus#CORRUPT} or, when this thread stalled past
     *         the unblock timeout and the consumer unblocked its claim, {@link RingStatus#UNBLOCKED}.
     * @throws IllegalArgumentException if the type id or length is out of range.
     */
    public long write(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        ManyToOneRecordDescriptor.checkTypeId(typeId);
        RingCapacity.checkPayloadLength(length, maxPayloadLength);

        final int recordLength = length + HEADER_LENGTH;
        final AtomicBuffer buffer = this.buffer;
        final long epoch = epochBeforeClaim();
        final long position = claimCapacity(RecordDescriptor.align(recordLength));
        if (position < 0)
        {
            return position;
        }

        final int index = (int)position & mask;
        final int stamp = ManyToOneRecordDescriptor.stamp(position, capacity);
        buffer.putLongRelease(index, ManyToOneRecordDescriptor.claimed(recordLength, typeId, stamp));
        buffer.putBytes(index + HEADER_LENGTH, src, offset, length);
        if (!publish(index, recordLength, typeId, stamp, position, epoch))
        {
            return RingStatus.UNBLOCKED;
        }

        return position + RecordDescriptor.align(recordLength);
    }

    /**
     * Claim space for a record to be written in place and then committed or aborted through the
     * claim. Safe from any thread, each with its own claim object.
     *
     * @param typeId a type id from {@link RecordDescriptor#MIN_TYPE_ID} to
     *               {@link ManyToOneRecordDescriptor#MAX_TYPE_ID}.
     * @param length of the payload, at most {@link #maxPayloadLength()}.
     * @param claim  a reusable claim to fill in.
     * @return the position after the record (positive) on success, else
     *         {@link RingStatus#BACK_PRESSURED} or {@link RingStatus#CORRUPT}. A claim the consumer unblocks
     *         because this thread stalled past the unblock timeout is refused by its commit.
     * @throws IllegalArgumentException if the type id or length is out of range.
     * @throws IllegalStateException    if {@code claim} is already open.
     */
    public long tryClaim(final int typeId, final int length, final RingClaim claim)
    {
        ManyToOneRecordDescriptor.checkTypeId(typeId);
        RingCapacity.checkPayloadLength(length, maxPayloadLength);
        if (claim.isActive())
        {
            throw new IllegalStateException("claim object is already open");
        }

        final int recordLength = length + HEADER_LENGTH;
        final long epoch = epochBeforeClaim();
        final long position = claimCapacity(RecordDescriptor.align(recordLength));
        if (position < 0)
        {
            return position;
        }

        final int index = (int)position & mask;
        final int stamp = ManyToOneRecordDescriptor.stamp(position, capacity);
        buffer.putLongRelease(index, ManyToOneRecordDescriptor.claimed(recordLength, typeId, stamp));
        claim.open(this, buffer, index, index + HEADER_LENGTH, length, typeId, position);
        claim.unblockEpoch(epoch);
        return position + RecordDescriptor.align(recordLength);
    }

    /**
     * Publish a claim this ring handed out; {@link RingClaim#commit()} calls it.
     *
     * @param claim the open claim.
     * @return true if published; false if the consumer unblocked the claim first (the message is lost).
     * @throws IllegalStateException if the claim is not open on this ring.
     */
    public boolean commit(final RingClaim claim)
    {
        checkOwnClaim(claim);
        final int index = claim.recordIndex();
        final long position = claim.position();
        final int recordLength = claim.length() + HEADER_LENGTH;
        final int typeId = claim.typeId();
        final long epoch = claim.unblockEpoch();
        claim.close();
        return publish(
            index, recordLength, typeId, ManyToOneRecordDescriptor.stamp(position, capacity), position, epoch);
    }

    /**
     * Give up a claim this ring handed out; {@link RingClaim#abort()} calls it.
     *
     * @param claim the open claim.
     * @throws IllegalStateException if the claim is not open on this ring.
     */
    public void abort(final RingClaim claim)
    {
        checkOwnClaim(claim);
        final int index = claim.recordIndex();
        final long position = claim.position();
        final int recordLength = claim.length() + HEADER_LENGTH;
        final int typeId = claim.typeId();
        final int stamp = ManyToOneRecordDescriptor.stamp(position, capacity);
        claim.close();
        buffer.compareAndSetLong(
            index, ManyToOneRecordDescriptor.claimed(recordLength, typeId, stamp),
            ManyToOneRecordDescriptor.padding(RecordDescriptor.align(recordLength), stamp));
    }

    /**
     * Publish a producer heartbeat: the clock's time, with release semantics. Any producer thread.
     */
    public void producerHeartbeat()
    {
        buffer.putLongRelease(producerHeartbeatOffset, clock.time());
    }

    /**
     * Whether the consumer published a heartbeat within {@code timeoutMs} of now.
     *
     * @param timeoutMs how old a heartbeat may be.
     * @return true if the consumer counts as alive.
     */
    public boolean isConsumerAlive(final long timeoutMs)
    {
        return Heartbeats.isAlive(buffer.getLongVolatile(consumerHeartbeatOffset), clock.time(), timeoutMs);
    }

    /**
     * Why this ring stopped trusting its region, or {@link RingFault#NONE}.
     *
     * @return the fault.
     */
    public RingFault fault()
    {
        return fault;
    }

    /**
     * The capacity of the records.
     *
     * @return capacity in bytes.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * The largest payload a record may carry.
     *
     * @return bytes.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * The tail position: bytes claimed since the ring was created.
     *
     * @return the position.
     */
    public long producerPosition()
    {
        return buffer.getLongVolatile(tailOffset);
    }

    /**
     * Claim {@code alignedLength} bytes, with padding first if they would run past the end.
     *
     * @return the record's position, or a negative {@link RingStatus} code.
     */
    private long claimCapacity(final int alignedLength)
    {
        final AtomicBuffer buffer = this.buffer;
        final int capacity = this.capacity;
        long head = buffer.getLongVolatile(headCacheOffset);
        while (true)
        {
            if (RingFault.NONE != fault)
            {
                return RingStatus.CORRUPT;
            }
            final long tail = buffer.getLongVolatile(tailOffset);
            if (tail < 0 || (tail & (ALIGNMENT - 1)) != 0)
            {
                fault = tail < 0 ? RingFault.TAIL_OUT_OF_RANGE : RingFault.TAIL_MISALIGNED;
                return RingStatus.CORRUPT;
            }
            final int tailIndex = (int)tail & mask;
            final int toEnd = capacity - tailIndex;
            final int padding = alignedLength > toEnd ? toEnd : 0;
            final long required = (long)alignedLength + padding;
            // The head cache is a shared word like any other: trust it only inside [tail - capacity, tail].
            if (head > tail || tail - head > capacity || required > capacity - (tail - head))
            {
                head = buffer.getLongVolatile(headOffset);
                // Other producers may have moved the tail, and the consumer the head past our tail, since
                // we read it: a head beyond a stale tail is no fault, so read the tail again first.
                if (buffer.getLongVolatile(tailOffset) != tail)
                {
                    continue;
                }
                final RingFault headFault = HeadCheck.check(head, tail, capacity, HeadCheck.NO_EARLIER_HEAD);
                if (RingFault.NONE != headFault)
                {
                    fault = headFault;
                    return RingStatus.CORRUPT;
                }
                if (required > capacity - (tail - head))
                {
                    return RingStatus.BACK_PRESSURED;
                }
                buffer.putLongRelease(headCacheOffset, head);
            }
            if (buffer.compareAndSetLong(tailOffset, tail, tail + required))
            {
                if (padding != 0)
                {
                    final int stamp = ManyToOneRecordDescriptor.stamp(tail, capacity);
                    buffer.putLongRelease(tailIndex, ManyToOneRecordDescriptor.padding(padding, stamp));
                }
                return tail + padding;
            }
        }
    }

    /**
     * The unblock epoch, read before a claim's tail CAS as the reference its commit compares against. A plain read
     * suffices: it stays before the CAS, and the epoch only grows, so a stale value can only send the commit down the
     * compare-and-set path, never let it skip that path after an unblock attempt.
     */
    private long epochBeforeClaim()
    {
        return buffer.getLong(unblockEpochOffset);
    }

    /**
     * Turn a claimed record into a committed one. While no unblock attempt has begun since the claim (the epoch
     * still holds what the claim read), a release store suffices and keeps the commit free of a second locked
     * instruction; otherwise a compare-and-set decides between this commit and the consumer's unblock.
     *
     * @return false if the consumer unblocked the claim first: the record is lost.
     */
    private boolean publish(
        final int index,
        final int recordLength,
        final int typeId,
        final int stamp,
        final long position,
        final long epoch)
    {
        final AtomicBuffer buffer = this.buffer;
        final long committed = ManyToOneRecordDescriptor.committed(recordLength, typeId, stamp);
        if (buffer.getLongVolatile(unblockEpochOffset) == epoch)
        {
            buffer.putLongRelease(index, committed);
            return true;
        }
        // The consumer passes a record that is not committed only over an unblock's padding: the claim is lost,
        // and committing it would leave a word the consumer never reads.
        if (buffer.getLongVolatile(headOffset) > position)
        {
            return false;
        }
        return buffer.compareAndSetLong(
            index, ManyToOneRecordDescriptor.claimed(recordLength, typeId, stamp), committed);
    }

    private void checkOwnClaim(final RingClaim claim)
    {
        if (claim.owner() != this)
        {
            throw new IllegalStateException("claim is not open on this ring");
        }
    }
}
