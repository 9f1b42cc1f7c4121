package io.bastion.ringbuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;

import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static io.bastion.ringbuffer.RecordDescriptor.HEADER_LENGTH;

/**
 * The producing side of a one-to-one ring (see {@link OneToOneRingDescriptor}). It writes records
 * and the tail into the producer region and only reads the consumer region, which may be a
 * read-only mapping.
 * <p>
 * A record is published by its header word, written last with release semantics. Before it, the
 * producer zeroes the header word of the record that will follow, so the consumer, which polls the
 * header at its head and cannot clear what it read, never takes a word left from an earlier lap
 * for a record. That zeroed word must never be a record the consumer has yet to read, so the
 * producer always leaves at least {@link RecordDescriptor#ALIGNMENT} bytes free. The tail is
 * written after each record for observers and for a producer that resumes the ring; the consumer
 * never reads it. The protocol and its proof are in {@code docs/one-to-one-ring.md}.
 * <p>
 * The producer keeps its own tail and never reads it back from shared memory. It reads the
 * consumer's head only when its cached view says the ring is full, checks every head it reads by
 * {@code HeadCheck} (aligned, not beyond the tail, within a lap of it, never behind the head it read before) and
 * faults with {@link RingStatus#CORRUPT} on a value a correct consumer never writes.
 * <p>
 * Not thread safe: one producing thread. {@code write}, {@code tryClaim} and commit allocate
 * nothing, take no lock and throw only on caller misuse (a bad length or type id, a second open
 * claim).
 */
public final class OneToOneRingProducer implements RecordProducer, RingClaim.Owner
{
    private final AtomicBuffer buffer;
    private final AtomicBuffer consumerRegion;
    private final EpochClock clock;
    private final int capacity;
    private final int mask;
    private final int maxPayloadLength;
    private final int tailOffset;
    private final int heartbeatOffset;
    private final OneToOneProducerState state;

    /**
     * Attach a producer to a ring. The tail is read once from the producer region, so a producer
     * can resume a ring it created earlier; a fresh, zeroed region starts at position 0.
     *
     * @param producerRegion the records and producer trailer, writable; its length minus
     *                       {@link OneToOneRingDescriptor#PRODUCER_TRAILER_LENGTH} must be a power of two.
     * @param consumerRegion the consumer's region, read only by this producer.
     * @param clock          source of the epoch-millisecond heartbeat.
     * @throws IllegalArgumentException if a region has the wrong size, alignment or a bad tail.
     */
    public OneToOneRingProducer(
        final AtomicBuffer producerRegion, final AtomicBuffer consumerRegion, final EpochClock clock)
    {
        this.capacity = RingCapacity.oneToOneCapacityOf(producerRegion, consumerRegion);
        this.buffer = producerRegion;
        this.consumerRegion = consumerRegion;
        this.clock = clock;
        this.mask = capacity - 1;
        this.maxPayloadLength = RingCapacity.maxPayloadLength(capacity);
        this.tailOffset = capacity + TAIL_POSITION_OFFSET;
        this.heartbeatOffset = capacity + PRODUCER_HEARTBEAT_OFFSET;

        final long tail = OneToOnePublication.resumeTail(producerRegion, tailOffset);
        final long head = consumerRegion.getLongVolatile(HEAD_POSITION_OFFSET);
        this.state = new OneToOneProducerState(
            tail, (head >= 0 && head <= tail && tail - head <= capacity) ? head : Math.max(0, tail - capacity));
    }

    /**
     * Copy a record into the ring and publish it.
     *
     * @param typeId a type id of at least {@link RecordDescriptor#MIN_TYPE_ID}.
     * @param src    the payload's buffer.
     * @param offset of the payload in {@code src}.
     * @param length of the payload, at most {@link #maxPayloadLength()}.
     * @return the new tail position (positive) on success, else {@link RingStatus#BACK_PRESSURED} or
     *         {@link RingStatus#CORRUPT}.
     * @throws IllegalArgumentException if the type id or length is out of range.
     * @throws IllegalStateException    if a claim is open.
     */
    public long write(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        RecordDescriptor.checkTypeId(typeId);
        RingCapacity.checkPayloadLength(length, maxPayloadLength);
        checkNoOpenClaim();

        final int recordLength = length + HEADER_LENGTH;
        final int recordIndex = reserve(recordLength);
        if (recordIndex < 0)
        {
            return recordIndex;
        }

        buffer.putBytes(recordIndex + HEADER_LENGTH, src, offset, length);
        return publish(recordIndex, RecordDescriptor.header(recordLength, typeId));
    }

    /**
     * Claim space for a record to be written in place, then committed or aborted through the claim.
     * Only one claim may be open at a time.
     *
     * @param typeId a type id of at least {@link RecordDescriptor#MIN_TYPE_ID}.
     * @param length of the payload, at most {@link #maxPayloadLength()}.
     * @param claim  a reusable claim to fill in.
     * @return the tail position the record reaches once committed (positive), else
     *         {@link RingStatus#BACK_PRESSURED} or {@link RingStatus#CORRUPT}.
     * @throws IllegalArgumentException if the type id or length is out of range.
     * @throws IllegalStateException    if a claim is already open, or {@code claim} is in use.
     */
    public long tryClaim(final int typeId, final int length, final RingClaim claim)
    {
        RecordDescriptor.checkTypeId(typeId);
        RingCapacity.checkPayloadLength(length, maxPayloadLength);
        checkNoOpenClaim();
        if (claim.isActive())
        {
            throw new IllegalStateException("claim object is already open");
        }

        final int recordLength = length + HEADER_LENGTH;
        final int recordIndex = reserve(recordLength);
        if (recordIndex < 0)
        {
            return recordIndex;
        }
        claim.open(this, buffer, recordIndex, recordIndex + HEADER_LENGTH, length, typeId, state.claimTail);
        return state.claimTail;
    }

    /**
     * Publish a claim this producer handed out; {@link RingClaim#commit()} calls it.
     *
     * @param claim the open claim.
     * @return true: a one-to-one claim is never taken back.
     * @throws IllegalStateException if the claim is not open on this producer.
     */
    public boolean commit(final RingClaim claim)
    {
        checkOwnClaim(claim);
        final int recordIndex = claim.recordIndex();
        final long header = RecordDescriptor.header(claim.length() + HEADER_LENGTH, claim.typeId());
        claim.close();
        publish(recordIndex, header);
        return true;
    }

    /**
     * Give up a claim this producer handed out; {@link RingClaim#abort()} calls it.
     *
     * @param claim the open claim.
     * @throws IllegalStateException if the claim is not open on this producer.
     */
    public void abort(final RingClaim claim)
    {
        checkOwnClaim(claim);
        // Nothing was published, not even the header: the tail stays where it was and the space is reused.
        state.claimTail = OneToOneProducerState.NO_CLAIM;
        state.paddingIndex = OneToOneProducerState.NO_PADDING;
        claim.close();
    }

    /**
     * Publish a heartbeat: the clock's time, with release semantics.
     */
    public void producerHeartbeat()
    {
        buffer.putLongRelease(heartbeatOffset, clock.time());
    }

    /**
     * Whether the consumer published a heartbeat within {@code timeoutMs} of now.
     *
     * @param timeoutMs how old a heartbeat may be.
     * @return true if the consumer counts as alive.
     */
    public boolean isConsumerAlive(final long timeoutMs)
    {
        return Heartbeats.isAlive(consumerRegion.getLongVolatile(CONSUMER_HEARTBEAT_OFFSET), clock.time(), timeoutMs);
    }

    /**
     * Why this producer stopped trusting the consumer region, or {@link RingFault#NONE}.
     *
     * @return the fault.
     */
    public RingFault fault()
    {
        return state.fault;
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
     * The producer's tail position: bytes published since the ring was created.
     *
     * @return the position.
     */
    public long position()
    {
        return state.tail;
    }

    /**
     * Publish the record reserved at {@code recordIndex}, its payload already written: zero the next
     * record's header word, then release the header, then the padding before it if the record
     * wrapped, then the tail ({@link OneToOnePublication#publish}).
     *
     * @return the new tail.
     */
    private long publish(final int recordIndex, final long header)
    {
        final OneToOneProducerState state = this.state;
        final long newTail = state.claimTail;
        final int paddingIndex = state.paddingIndex;
        state.paddingIndex = OneToOneProducerState.NO_PADDING;
        state.claimTail = OneToOneProducerState.NO_CLAIM;
        state.tail = newTail;
        OneToOnePublication.publish(buffer, capacity, mask, tailOffset, recordIndex, header, newTail, paddingIndex);
        return newTail;
    }

    /**
     * Find room for a record of {@code recordLength} bytes, leaving one alignment unit free after it
     * for the zeroed header word, and noting where padding goes if the record wraps. Sets the
     * state's claim tail to the tail once the record is published.
     *
     * @return the record's index, or a negative {@link RingStatus} code.
     */
    private int reserve(final int recordLength)
    {
        if (RingFault.NONE != state.fault)
        {
            return (int)RingStatus.CORRUPT;
        }

        final int capacity = this.capacity;
        final long tail = state.tail;
        final int alignedLength = RecordDescriptor.align(recordLength);
        final int tailIndex = (int)tail & mask;
        final int toEnd = capacity - tailIndex;
        final int required = alignedLength > toEnd ? alignedLength + toEnd : alignedLength;
        // The word after the record is zeroed on publication, so it must not be the head's unread header.
        final int requiredFree = required + RecordDescriptor.ALIGNMENT;

        if (requiredFree > capacity - (int)(tail - state.headCache))
        {
            final long head = consumerRegion.getLongVolatile(HEAD_POSITION_OFFSET);
            final RingFault headFault = HeadCheck.check(head, tail, capacity, state.headCache);
            if (RingFault.NONE != headFault)
            {
                state.fault = headFault;
                return (int)RingStatus.CORRUPT;
            }
            state.headCache = head;
            if (requiredFree > capacity - (int)(tail - head))
            {
                return (int)RingStatus.BACK_PRESSURED;
            }
        }

        int recordIndex = tailIndex;
        if (alignedLength > toEnd)
        {
            state.paddingIndex = tailIndex;
            recordIndex = 0;
        }
        state.claimTail = tail + required;
        return recordIndex;
    }

    private void checkNoOpenClaim()
    {
        if (OneToOneProducerState.NO_CLAIM != state.claimTail)
        {
            throw new IllegalStateException("a claim is open: commit or abort it first");
        }
    }

    private void checkOwnClaim(final RingClaim claim)
    {
        if (claim.owner() != this || OneToOneProducerState.NO_CLAIM == state.claimTail)
        {
            throw new IllegalStateException("claim is not open on this producer");
        }
    }
}
