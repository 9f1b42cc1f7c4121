package io.bastion.ringbuffer;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;

import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.RecordDescriptor.HEADER_LENGTH;
import static io.bastion.ringbuffer.RecordDescriptor.MIN_TYPE_ID;
import static io.bastion.ringbuffer.RecordDescriptor.PADDING_TYPE_ID;

/**
 * The consuming side of a one-to-one ring (see {@link OneToOneRingDescriptor}). It only reads the
 * producer region, which may be a read-only mapping, and writes the head and its heartbeat into
 * the consumer region.
 * <p>
 * The consumer polls the header word at its head, as Agrona's consumer does, and never reads the
 * tail: a record exists once its header is non-zero, and the producer zeroes each next header word
 * before it publishes the record in front of it. Polling a word the producer writes once per record,
 * rather than a tail it writes on every record, saves a transfer of the tail's cache line between the
 * two cores on every record (the evidence and the proof are in {@code docs/one-to-one-ring.md}).
 * <p>
 * The producer region is untrusted. Each header is read once and checked (a length from the header
 * length to the end of the buffer, padding that ends exactly at the end, a type a producer may
 * write), and one call never reads further than a correct producer can have published, a lap less
 * one alignment unit past the head. A value a correct producer never writes faults the ring:
 * {@code read} returns {@link RingStatus#CORRUPT} from then on and {@link #fault()} says why.
 * Whatever the region holds, a read does work bounded by its limit and the capacity, never reads
 * outside the buffer and never hands the handler an offset or length outside a record. The
 * consumer keeps its own head and never reads it back from shared memory.
 * <p>
 * Not thread safe: one consuming thread. Reading allocates nothing and takes no lock. An exception
 * thrown by a handler propagates after the head has moved past that record.
 */
public final class OneToOneRingConsumer implements RecordConsumer
{
    private final AtomicBuffer buffer;
    private final AtomicBuffer consumerRegion;
    private final EpochClock clock;
    private final int capacity;
    private final int mask;
    private final int maxUnread;
    private final OneToOneConsumerState state;

    /**
     * Attach a consumer to a ring. The head is read once from the consumer region, so a consumer
     * can resume; a fresh, zeroed region starts at position 0.
     *
     * @param producerRegion the records and producer trailer; only read, may be a read-only mapping.
     * @param consumerRegion the consumer's region, writable.
     * @param clock          source of the epoch-millisecond heartbeat.
     * @throws IllegalArgumentException if a region has the wrong size or alignment, or the head is invalid.
     */
    public OneToOneRingConsumer(
        final AtomicBuffer producerRegion, final AtomicBuffer consumerRegion, final EpochClock clock)
    {
        this(producerRegion, consumerRegion, clock, consumerRegion.getLongVolatile(HEAD_POSITION_OFFSET), false);
    }

    /**
     * Attach a consumer to a ring at a position someone it trusts chose (a broker that joins a new consumer at the
     * live position), not at the head the consumer region holds: whoever else can write that region cannot choose
     * where this consumer starts. The head is published at once, so the producer may reuse what lies before it.
     * <p>
     * The position is only checked for its form; a position the producer never published behaves as any content
     * of an untrusted producer region does (nothing is read until a header appears there, and a bad one faults the
     * ring).
     *
     * @param producerRegion the records and producer trailer; only read, may be a read-only mapping.
     * @param consumerRegion the consumer's region, writable.
     * @param clock          source of the epoch-millisecond heartbeat.
     * @param startPosition  the position of the first record to read: not negative, a multiple of
     *                       {@link RecordDescriptor#ALIGNMENT}.
     * @throws IllegalArgumentException if a region has the wrong size or alignment, or the position is invalid.
     */
    public OneToOneRingConsumer(
        final AtomicBuffer producerRegion,
        final AtomicBuffer consumerRegion,
        final EpochClock clock,
        final long startPosition)
    {
        this(producerRegion, consumerRegion, clock, startPosition, true);
    }

    private OneToOneRingConsumer(
        final AtomicBuffer producerRegion,
        final AtomicBuffer consumerRegion,
        final EpochClock clock,
        final long head,
        final boolean publishHead)
    {
        this.capacity = RingCapacity.oneToOneCapacityOf(producerRegion, consumerRegion);
        this.buffer = producerRegion;
        this.consumerRegion = consumerRegion;
        this.clock = clock;
        this.mask = capacity - 1;
        this.maxUnread = capacity - RecordDescriptor.ALIGNMENT;
        if (head < 0 || (head & (RecordDescriptor.ALIGNMENT - 1)) != 0)
        {
            throw new IllegalArgumentException((publishHead ? "invalid start position: " :
                "consumer region holds an invalid head: ") + head);
        }
        this.state = new OneToOneConsumerState(head);
        if (publishHead)
        {
            consumerRegion.putLongRelease(HEAD_POSITION_OFFSET, head);
        }
    }

    /**
     * Read up to {@code limit} records, handing each to {@code handler}, then publish the head.
     *
     * @param handler receives each record.
     * @param limit   the most records to read.
     * @return the number of records read (0 when none are published), or {@link RingStatus#CORRUPT}
     *         when the ring is faulted and nothing was read (records read before a fault in the same
     *         call are counted; the next call returns the fault).
     */
    public int read(final RecordHandler handler, final int limit)
    {
        if (RingFault.NONE != state.fault)
        {
            return (int)RingStatus.CORRUPT;
        }

        final AtomicBuffer buffer = this.buffer;
        final long head = state.head;
        int count = 0;
        int consumed = 0;
        try
        {
            long early = 0;
            while (count < limit)
            {
                final int index = (int)(head + consumed) & mask;
                final long header = 0 != early ? early : buffer.getLongAcquire(index);
                early = 0;
                if (0 == header)
                {
                    break;
                }
                final int recordLength = checkRecord(header, index, consumed);
                if (recordLength < 0)
                {
                    break;
                }
                final int typeId = RecordDescriptor.typeOf(header);
                consumed += RecordDescriptor.align(recordLength);
                if (PADDING_TYPE_ID != typeId)
                {
                    count++;
                    if (count < limit)
                    {
                        // The next header, read before the handler runs so that its cache miss overlaps the
                        // handler's work. Published, it is used as read here (still read once); zero, it is read
                        // again after the handler.
                        early = buffer.getLongAcquire((int)(head + consumed) & mask);
                    }
                    handler.onRecord(typeId, buffer, index + HEADER_LENGTH, recordLength - HEADER_LENGTH);
                }
            }
        }
        finally
        {
            if (consumed > 0)
            {
                publishHead(head + consumed);
            }
        }

        return count > 0 || RingFault.NONE == state.fault ? count : (int)RingStatus.CORRUPT;
    }

    /**
     * Read up to {@code limit} records, letting the handler decide after each one whether to go on.
     *
     * @param handler receives each record and returns an action.
     * @param limit   the most records to read.
     * @return the number of records consumed, or {@link RingStatus#CORRUPT} as for {@link #read}.
     */
    public int controlledRead(final ControlledRecordHandler handler, final int limit)
    {
        if (RingFault.NONE != state.fault)
        {
            return (int)RingStatus.CORRUPT;
        }

        final AtomicBuffer buffer = this.buffer;
        final long head = state.head;
        int count = 0;
        int consumed = 0;
        try
        {
            while (count < limit)
            {
                final int index = (int)(head + consumed) & mask;
                final long header = buffer.getLongAcquire(index);
                if (0 == header)
                {
                    break;
                }
                final int recordLength = checkRecord(header, index, consumed);
                if (recordLength < 0)
                {
                    break;
                }
                final int typeId = RecordDescriptor.typeOf(header);
                final int alignedLength = RecordDescriptor.align(recordLength);
                if (PADDING_TYPE_ID == typeId)
                {
                    consumed += alignedLength;
                    continue;
                }

                final ControlledRecordHandler.Action action =
                    handler.onRecord(typeId, buffer, index + HEADER_LENGTH, recordLength - HEADER_LENGTH);
                if (ControlledRecordHandler.Action.ABORT == action)
                {
                    break;
                }
                consumed += alignedLength;
                count++;
                if (ControlledRecordHandler.Action.BREAK == action)
                {
                    break;
                }
                if (ControlledRecordHandler.Action.COMMIT == action)
                {
                    publishHead(head + consumed);
                }
            }
        }
        finally
        {
            if (head + consumed != state.head)
            {
                publishHead(head + consumed);
            }
        }

        return count > 0 || RingFault.NONE == state.fault ? count : (int)RingStatus.CORRUPT;
    }

    /**
     * Publish a heartbeat: the clock's time, with release semantics.
     */
    public void consumerHeartbeat()
    {
        consumerRegion.putLongRelease(CONSUMER_HEARTBEAT_OFFSET, clock.time());
    }

    /**
     * Whether the producer published a heartbeat within {@code timeoutMs} of now.
     *
     * @param timeoutMs how old a heartbeat may be.
     * @return true if the producer counts as alive.
     */
    public boolean isProducerAlive(final long timeoutMs)
    {
        final long heartbeat = buffer.getLongVolatile(capacity + PRODUCER_HEARTBEAT_OFFSET);
        return Heartbeats.isAlive(heartbeat, clock.time(), timeoutMs);
    }

    /**
     * Why this consumer stopped trusting the producer region, or {@link RingFault#NONE}.
     *
     * @return the fault.
     */
    public RingFault fault()
    {
        return state.fault;
    }

    /**
     * The consumer's head position: bytes consumed since the ring was created.
     *
     * @return the position.
     */
    public long position()
    {
        return state.head;
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
     * Check one non-zero record header against the end of the buffer and against how far a correct
     * producer can be ahead of the head.
     *
     * @param consumed bytes this call already read past the head.
     * @return the record length, or -1 after recording a fault.
     */
    private int checkRecord(final long header, final int index, final int consumed)
    {
        final int recordLength = RecordDescriptor.lengthOf(header);
        final int typeId = RecordDescriptor.typeOf(header);
        final int toEnd = capacity - index;
        // consumed <= maxUnread < capacity and toEnd <= capacity, so no comparison below overflows.
        if (recordLength < HEADER_LENGTH || recordLength > toEnd ||
            RecordDescriptor.align(recordLength) > maxUnread - consumed)
        {
            state.fault = RingFault.RECORD_LENGTH_OUT_OF_RANGE;
            return -1;
        }
        if (PADDING_TYPE_ID == typeId)
        {
            if (recordLength != toEnd)
            {
                state.fault = RingFault.PADDING_INVALID;
                return -1;
            }
        }
        else if (typeId < MIN_TYPE_ID)
        {
            state.fault = RingFault.RECORD_TYPE_INVALID;
            return -1;
        }
        return recordLength;
    }

    private void publishHead(final long newHead)
    {
        state.head = newHead;
        consumerRegion.putLongRelease(HEAD_POSITION_OFFSET, newHead);
    }
}
