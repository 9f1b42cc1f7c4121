package io.bastion.ringbuffer;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;

import static io.bastion.ringbuffer.ManyToOneRecordDescriptor.HEADER_LENGTH;
import static io.bastion.ringbuffer.ManyToOneRecordDescriptor.LENGTH_MASK;
import static io.bastion.ringbuffer.ManyToOneRecordDescriptor.PADDING_FLAG;
import static io.bastion.ringbuffer.RecordDescriptor.ALIGNMENT;
import static io.bastion.ringbuffer.RecordDescriptor.MIN_TYPE_ID;

/**
 * A many-to-one ring (see {@link ManyToOneRingDescriptor} and {@link ManyToOneRecordDescriptor}):
 * producers that trust each other claim space with a compare-and-set on the tail; one consumer
 * reads. Producers may be threads of this process or other processes mapping the same region.
 * The protocol, the proof that no word of another lap is read, and the unblock protocol with its
 * open windows are in {@code docs/many-to-one-ring.md}.
 * <p>
 * Thread safety: {@link #write}, {@link #tryClaim} (and the claim's commit and abort),
 * {@link #producerHeartbeat()} and {@link #isConsumerAlive(long)} may be called from any number of
 * threads. {@link #read}, {@link #controlledRead}, {@link #unblock()}, {@link #unblockIfStuck()},
 * {@link #consumerHeartbeat()} and {@link #isProducerAlive(long)} belong to one consumer thread.
 * Reading, writing and claiming allocate nothing and take no lock.
 * <p>
 * The producers' methods and the layout live in {@code ManyToOneProducerSide}, the consumer's here; both halves are
 * one object, so neither pays an indirection on its hot path.
 * <p>
 * Ownership: the region is shared with the producers; the consumer keeps its own head and only
 * publishes it. It zeroes what it has read before it publishes the head past it, so a record's
 * bytes are valid only during its handler call.
 * <p>
 * The consumer treats the region as untrusted: every length is read once and bounded, types are
 * checked, and a value no producer writes faults the ring: {@link RingStatus#CORRUPT}, with
 * {@link #fault()} saying why. Producers check the head they read. Whatever the region holds, the
 * consumer never reads out of bounds and a read covers at most a lap.
 * <p>
 * Dead producers: a producer that dies between claim and commit would hold the consumer up; call
 * {@link #unblockIfStuck()} from the consumer's duty cycle, which turns the stuck claim into padding
 * once the head has not moved for the unblock timeout on the injected clock. A producer that merely
 * stalls past that timeout loses its record ({@link #write} returns {@link RingStatus#UNBLOCKED}, a
 * claim's commit returns false), and its late payload bytes may land in space already handed to
 * later records, where the channel's per-frame MAC rejects the frame. In two narrow windows, each
 * needing a producer descheduled at one precise instruction, a producer can be told a record was
 * committed that the consumer skips; a record is never read twice, and a record read carries
 * everything its producer wrote before committing it. Choose a timeout far above any scheduling
 * stall.
 */
public final class ManyToOneRing extends ManyToOneProducerSide implements RecordProducer, RecordConsumer
{
    /**
     * Milliseconds {@link #unblockIfStuck()} waits between announcing an unblock and carrying it out, on the
     * ring's clock: far longer than a running producer needs to finish a commit store it has begun.
     */
    public static final long UNBLOCK_GRACE_MS = 10;

    /**
     * Bytes a read consumes, while the consumer is behind, before it zeroes them and publishes the head without
     * waiting for the end of its batch. The consumer counts as behind when its previous read consumed half the ring
     * or more; a read then publishes each time it has consumed at least this many bytes since its last publication,
     * and once more when it returns, so producers that a full ring holds back go on filling the space already read
     * while the consumer is still reading. A consumer that keeps up publishes once per read: publishing within its
     * shorter batches only cost throughput.
     * <p>
     * The stride was chosen by measurement against one publication per read and strides of 1, 4 and 8 KiB
     * ({@code BENCHMARKS.md}, "Many-to-one design choices").
     */
    public static final int HEAD_PUBLICATION_BYTES = 2048;

    private final ManyToOneConsumerState consumer;
    private final ManyToOneUnblocker unblocker;

    /**
     * Wrap a region as a many-to-one ring. A zeroed region is an empty ring at position 0.
     *
     * @param region           records then trailer; its length minus
     *                         {@link ManyToOneRingDescriptor#TRAILER_LENGTH} must be a power of two.
     * @param clock            source of epoch milliseconds, for heartbeats and the unblock timeout.
     * @param unblockTimeoutMs how long the head may stay behind the tail without moving before
     *                         {@link #unblockIfStuck()} unblocks it.
     * @throws IllegalArgumentException if the region's size or alignment is wrong, or it holds an
     *                                  invalid head.
     */
    public ManyToOneRing(final AtomicBuffer region, final EpochClock clock, final long unblockTimeoutMs)
    {
        this(region, clock, unblockTimeoutMs, false, 0);
    }

    /**
     * Wrap a region as a many-to-one ring whose consumer starts at {@code startPosition}, a position a party it
     * trusts told it (a broker, from the producers' own word), never one read from the region: a consumer that joins
     * a ring that an earlier consumer read, at the live position. Consumer side only.
     * <p>
     * The head word the earlier consumer left is read once, as untrusted input, only to clear what lies between it
     * and the start: if it is aligned, not beyond the start and at most a lap behind it, those bytes (records the
     * earlier consumer never read) are zeroed, so that none of their bytes can pose as a state word a lap later, as
     * {@link #read} would otherwise have zeroed them. Producers claim no further than a lap past that head, so none of
     * them writes there meanwhile; any other head is left alone (the bytes stay, and are still checked as untrusted
     * input when read). Then the start is published as the head, so producers may claim up to a lap past it.
     *
     * @param region           records then trailer, as for {@link #ManyToOneRing(AtomicBuffer, EpochClock, long)}.
     * @param clock            source of epoch milliseconds, for heartbeats and the unblock timeout.
     * @param unblockTimeoutMs how long the head may stay behind the tail without moving before
     *                         {@link #unblockIfStuck()} unblocks it.
     * @param startPosition    where the consumer starts: 0 or more, 8-aligned.
     * @return the ring, its consumer at {@code startPosition}.
     * @throws IllegalArgumentException if the region's size is wrong or the start position is negative or
     *                                  misaligned.
     */
    public static ManyToOneRing consumerFrom(
        final AtomicBuffer region, final EpochClock clock, final long unblockTimeoutMs, final long startPosition)
    {
        if (startPosition < 0 || (startPosition & (ALIGNMENT - 1)) != 0)
        {
            throw new IllegalArgumentException("invalid start position: " + startPosition);
        }
        final ManyToOneRing ring = new ManyToOneRing(region, clock, unblockTimeoutMs, true, startPosition);
        ring.joinAt(startPosition);
        return ring;
    }

    private ManyToOneRing(
        final AtomicBuffer region,
        final EpochClock clock,
        final long unblockTimeoutMs,
        final boolean startGiven,
        final long startPosition)
    {
        super(region, clock);
        if (unblockTimeoutMs <= 0)
        {
            throw new IllegalArgumentException("unblock timeout must be positive: " + unblockTimeoutMs);
        }

        final long head = startGiven ? startPosition : region.getLongVolatile(headOffset);
        if (head < 0 || (head & (ALIGNMENT - 1)) != 0)
        {
            throw new IllegalArgumentException("region holds an invalid head: " + head);
        }
        this.consumer = new ManyToOneConsumerState(head);
        this.unblocker = new ManyToOneUnblocker(region, capacity, clock, unblockTimeoutMs, consumer);
    }

    /**
     * Read up to {@code limit} records, handing each to {@code handler}, then zero the bytes read and
     * publish the head. While the consumer is behind, a read that starts at least {@link #HEAD_PUBLICATION_BYTES}
     * from the end of the buffer also does so each time it has consumed that many bytes since it last did, and
     * stops at the end of the buffer. Consumer thread only. A record's bytes are valid only during its handler call.
     *
     * @param handler receives each record.
     * @param limit   the most records to read.
     * @return the number of records read, or {@link RingStatus#CORRUPT} when the ring is faulted and
     *         nothing was read.
     */
    public int read(final RecordHandler handler, final int limit)
    {
        if (RingFault.NONE != fault)
        {
            return (int)RingStatus.CORRUPT;
        }
        // Three read loops on purpose: one merged loop fell into a slow JIT mode (docs/many-to-one-ring.md).
        if (consumer.behind && capacity - ((int)consumer.head & mask) >= HEAD_PUBLICATION_BYTES)
        {
            return readToTheEndPublishing(handler, limit);
        }

        final AtomicBuffer buffer = this.buffer;
        final int capacity = this.capacity;
        final long head = consumer.head;
        final int headIndex = (int)head & mask;
        // Two segments at most: the rest of the head's lap up to the end of the buffer, then, past the padding at
        // the wrap, the next lap up to the head's index. A read covers a lap at most, so even a region full of
        // 8-byte padding costs a bounded amount of work. Within a segment the stamp is constant and a record must
        // end by the segment's end (the end of the buffer, then a lap from the head: producers claim no
        // further), so one comparison bounds a record's length.
        long segmentStart = head - headIndex;
        int end = capacity;
        int stamp = ManyToOneRecordDescriptor.stamp(head, capacity);
        int index = headIndex;
        int count = 0;
        long early = 0;
        try
        {
            while (count < limit)
            {
                if (index >= end)
                {
                    if (end != capacity || 0 == headIndex)
                    {
                        break;
                    }
                    segmentStart += capacity;
                    end = headIndex;
                    stamp = ManyToOneRecordDescriptor.stamp(segmentStart, capacity);
                    index = 0;
                    continue;
                }
                final long state = 0 != early ? early : buffer.getLongVolatile(index);
                early = 0;
                final int lengthField = ManyToOneRecordDescriptor.lengthField(state);
                if (ManyToOneRecordDescriptor.stampOf(state) != stamp || lengthField <= 0)
                {
                    pauseIfClaimed(lengthField);
                    break;
                }
                final int length = lengthField & LENGTH_MASK;
                if (length < HEADER_LENGTH || length > end - index)
                {
                    fault = RingFault.RECORD_LENGTH_OUT_OF_RANGE;
                    break;
                }
                if ((lengthField & PADDING_FLAG) != 0)
                {
                    index += RecordDescriptor.align(length);
                    continue;
                }
                final int typeId = ManyToOneRecordDescriptor.typeOf(state);
                if (typeId < MIN_TYPE_ID)
                {
                    fault = RingFault.RECORD_TYPE_INVALID;
                    break;
                }
                final int recordIndex = index;
                index += RecordDescriptor.align(length);
                count++;
                if (index < end && count < limit)
                {
                    early = committedOrZero(buffer.getLongVolatile(index));
                }
                handler.onRecord(typeId, buffer, recordIndex + HEADER_LENGTH, length - HEADER_LENGTH);
            }
        }
        finally
        {
            final long position = segmentStart + index;
            consumer.behind = position - head >= capacity >> 1;
            if (position != head)
            {
                publishHead(position);
            }
        }

        return count > 0 || RingFault.NONE == fault ? count : (int)RingStatus.CORRUPT;
    }

    /**
     * {@link #read} while the consumer is behind and at least {@link #HEAD_PUBLICATION_BYTES} from the end of the
     * buffer: up to the end only, as Agrona's reads go, zeroing and publishing the head each
     * {@link #HEAD_PUBLICATION_BYTES}. Stopping at the end keeps a record's bound exact: a publication lets producers
     * claim up to a lap past the new head, past where a second segment would end. The consumer stays behind while
     * such reads reach the end of the buffer or take half the ring.
     */
    private int readToTheEndPublishing(final RecordHandler handler, final int limit)
    {
        final AtomicBuffer buffer = this.buffer;
        final int capacity = this.capacity;
        final long head = consumer.head;
        final int headIndex = (int)head & mask;
        final long segmentStart = head - headIndex;
        final int stamp = ManyToOneRecordDescriptor.stamp(head, capacity);
        int index = headIndex;
        long published = head;
        int count = 0;
        long early = 0;
        try
        {
            while (count < limit && index < capacity)
            {
                final long state = 0 != early ? early : buffer.getLongVolatile(index);
                early = 0;
                final int lengthField = ManyToOneRecordDescriptor.lengthField(state);
                if (ManyToOneRecordDescriptor.stampOf(state) != stamp || lengthField <= 0)
                {
                    pauseIfClaimed(lengthField);
                    break;
                }
                final int length = lengthField & LENGTH_MASK;
                if (length < HEADER_LENGTH || length > capacity - index)
                {
                    fault = RingFault.RECORD_LENGTH_OUT_OF_RANGE;
                    break;
                }
                if ((lengthField & PADDING_FLAG) != 0)
                {
                    index += RecordDescriptor.align(length);
                    continue;
                }
                final int typeId = ManyToOneRecordDescriptor.typeOf(state);
                if (typeId < MIN_TYPE_ID)
                {
                    fault = RingFault.RECORD_TYPE_INVALID;
                    break;
                }
                final int recordIndex = index;
                index += RecordDescriptor.align(length);
                count++;
                if (index < capacity && count < limit)
                {
                    early = committedOrZero(buffer.getLongVolatile(index));
                }
                handler.onRecord(typeId, buffer, recordIndex + HEADER_LENGTH, length - HEADER_LENGTH);
                if (segmentStart + index - published >= HEAD_PUBLICATION_BYTES)
                {
                    published = segmentStart + index;
                    publishHead(published);
                }
            }
        }
        finally
        {
            final long position = segmentStart + index;
            consumer.behind = index == capacity || position - head >= capacity >> 1;
            if (position != published)
            {
                publishHead(position);
            }
        }

        return count > 0 || RingFault.NONE == fault ? count : (int)RingStatus.CORRUPT;
    }

    /**
     * Read up to {@code limit} records, letting the handler decide after each one whether to go on.
     * Consumer thread only. Bytes consumed are zeroed when the head is published (after the batch, at
     * {@link ControlledRecordHandler.Action#COMMIT}, and, while the consumer is behind, after a record that brings
     * what was consumed since the last publication to {@link #HEAD_PUBLICATION_BYTES}); a record's bytes are valid
     * only during its handler call.
     *
     * @param handler receives each record and returns an action.
     * @param limit   the most records to read.
     * @return the number of records consumed, or {@link RingStatus#CORRUPT} as for {@link #read}.
     */
    public int controlledRead(final ControlledRecordHandler handler, final int limit)
    {
        if (RingFault.NONE != fault)
        {
            return (int)RingStatus.CORRUPT;
        }

        final AtomicBuffer buffer = this.buffer;
        final long head = consumer.head;
        final boolean behind = consumer.behind;
        long position = head;
        int count = 0;
        try
        {
            while (count < limit && position - head < capacity)
            {
                final int index = (int)position & mask;
                final long state = buffer.getLongVolatile(index);
                final int length = checkRecord(state, position, index, consumer.head);
                if (length <= 0)
                {
                    if (0 == length)
                    {
                        pauseIfClaimed(ManyToOneRecordDescriptor.lengthField(state));
                    }
                    break;
                }
                final int alignedLength = RecordDescriptor.align(length & LENGTH_MASK);
                if ((length & PADDING_FLAG) != 0)
                {
                    position += alignedLength;
                    continue;
                }
                final int typeId = ManyToOneRecordDescriptor.typeOf(state);
                if (typeId < MIN_TYPE_ID)
                {
                    fault = RingFault.RECORD_TYPE_INVALID;
                    break;
                }
                final ControlledRecordHandler.Action action =
                    handler.onRecord(typeId, buffer, index + HEADER_LENGTH, length - HEADER_LENGTH);
                if (ControlledRecordHandler.Action.ABORT == action)
                {
                    break;
                }
                position += alignedLength;
                count++;
                if (ControlledRecordHandler.Action.BREAK == action)
                {
                    break;
                }
                if (ControlledRecordHandler.Action.COMMIT == action ||
                    (behind && position - consumer.head >= HEAD_PUBLICATION_BYTES))
                {
                    publishHead(position);
                }
            }
        }
        finally
        {
            consumer.behind = position - head >= capacity >> 1;
            if (position != consumer.head)
            {
                publishHead(position);
            }
        }

        return count > 0 || RingFault.NONE == fault ? count : (int)RingStatus.CORRUPT;
    }

    /**
     * Unblock the consumer if the head has stayed behind the tail, without moving, for the unblock
     * timeout. The first call past the timeout only announces the unblock (it moves the unblock epoch);
     * a call at least {@link #UNBLOCK_GRACE_MS} later unblocks, if the head is still stuck. Call it from
     * the consumer's duty cycle, not per record: it reads the clock.
     *
     * @return true if a stuck region was turned into padding.
     */
    public boolean unblockIfStuck()
    {
        return unblocker.isDue() && unblock();
    }

    /**
     * Turn the region at the head into padding now if it is claimed but not committed, or claimed
     * but not even stamped yet. Consumer thread only. Prefer {@link #unblockIfStuck()}: unblocking
     * a live producer's claim loses its message (its commit returns false), and a commit racing this
     * very call may still land on the padding ({@code docs/many-to-one-ring.md}), which the announcement
     * and grace of {@link #unblockIfStuck()} rule out for a producer that is running.
     *
     * @return true if a region was turned into padding.
     */
    public boolean unblock()
    {
        if (RingFault.NONE != fault)
        {
            return false;
        }
        final boolean unblocked = unblocker.unblock();
        final RingFault found = unblocker.fault();
        if (RingFault.NONE != found)
        {
            fault = found;
        }
        return unblocked;
    }

    /**
     * Publish a consumer heartbeat: the clock's time, with release semantics. Consumer thread.
     */
    public void consumerHeartbeat()
    {
        buffer.putLongRelease(consumerHeartbeatOffset, clock.time());
    }

    /**
     * Whether any producer published a heartbeat within {@code timeoutMs} of now.
     *
     * @param timeoutMs how old a heartbeat may be.
     * @return true if a producer counts as alive.
     */
    public boolean isProducerAlive(final long timeoutMs)
    {
        return Heartbeats.isAlive(buffer.getLongVolatile(producerHeartbeatOffset), clock.time(), timeoutMs);
    }

    /**
     * How many regions the consumer has unblocked over the ring's life.
     *
     * @return the count.
     */
    public long unblockCount()
    {
        return buffer.getLongVolatile(unblockCountOffset);
    }

    /**
     * The consumer's head position. Consumer thread.
     *
     * @return the position.
     */
    public long consumerPosition()
    {
        return consumer.head;
    }

    /**
     * Check a record's state word; returns its length field (flags kept) if it is a committed
     * record or padding that fits, 0 if nothing is published there yet, or -1 after a fault. A record fits if it
     * ends by the end of the buffer and within a lap of {@code publishedHead}: producers claim no further.
     */
    private int checkRecord(final long state, final long position, final int index, final long publishedHead)
    {
        final int lengthField = ManyToOneRecordDescriptor.lengthField(state);
        if (ManyToOneRecordDescriptor.stampOf(state) != ManyToOneRecordDescriptor.stamp(position, capacity) ||
            lengthField <= 0)
        {
            return 0;
        }
        final int length = lengthField & LENGTH_MASK;
        final int minLength = (lengthField & PADDING_FLAG) != 0 ? ALIGNMENT : HEADER_LENGTH;
        if (length < minLength || length > capacity - index || length > publishedHead + capacity - position)
        {
            fault = RingFault.RECORD_LENGTH_OUT_OF_RANGE;
            return -1;
        }
        return lengthField;
    }

    /**
     * Clear what an earlier consumer left unread before {@code start}, when the head it published is plausible, then
     * publish {@code start} as the head (see {@link #consumerFrom}).
     */
    private void joinAt(final long start)
    {
        final long left = buffer.getLongVolatile(headOffset);
        if (left >= 0 && (left & (ALIGNMENT - 1)) == 0 && left <= start && start - left <= capacity)
        {
            final int from = (int)left & mask;
            final int bytes = (int)(start - left);
            final int toEnd = capacity - from;
            if (bytes <= toEnd)
            {
                zero(from, bytes);
            }
            else
            {
                zero(from, toEnd);
                zero(0, bytes - toEnd);
            }
        }
        buffer.putLongRelease(headOffset, start);
    }

    /**
     * Zero what the consumer has consumed since the last head it published, then publish {@code newHead}. Zeroing
     * comes first: a producer writes there only once it has read the new head. Stamps reject a state word of an
     * earlier lap; the zeroes keep an earlier lap's payload bytes from posing as one (the stamp alone would let
     * 2^-16 of random words through), and keep messages from lingering in shared memory, whose files outlive
     * their processes, once they are read.
     */
    private void publishHead(final long newHead)
    {
        final long oldHead = consumer.head;
        final int from = (int)oldHead & mask;
        final int bytes = (int)(newHead - oldHead);
        final int toEnd = capacity - from;
        if (bytes <= toEnd)
        {
            zero(from, bytes);
        }
        else
        {
            zero(from, toEnd);
            zero(0, bytes - toEnd);
        }
        consumer.head = newHead;
        buffer.putLongRelease(headOffset, newHead);
    }

    /**
     * {@code setMemory}, as Agrona's ring zeroes, not a copy from an array of zeroes. With 256-byte messages the
     * ring runs full and the consumer sets the pace, zeroing lines it never read that sit in the producer's cache;
     * a copy's stores most likely fetch each line before overwriting it, and measured slower
     * ({@code BENCHMARKS.md}, "Many-to-one design choices").
     */
    private void zero(final int index, final int length)
    {
        buffer.setMemory(index, length, (byte)0);
    }

    /**
     * The next record's header word, read before the current record's handler runs so that its cache miss overlaps
     * the handler's work: kept when it holds a positive length (the loop's checks then judge it as if read after the
     * handler, and it is not read again), else 0, so the loop reads the word afresh.
     */
    private static long committedOrZero(final long state)
    {
        return ManyToOneRecordDescriptor.lengthField(state) > 0 ? state : 0;
    }

    /**
     * A claimed word at the head means a producer is between its claim and its commit, most likely copying its
     * payload into that very line. Reading the line again at once (the next poll of a spinning consumer) takes it
     * back before the commit store lands and costs the producer another transfer; one spin-wait hint spaces the
     * reads ({@code BENCHMARKS.md}, "Many-to-one design choices").
     */
    private static void pauseIfClaimed(final int lengthField)
    {
        if (lengthField < 0)
        {
            Thread.onSpinWait();
        }
    }

}
