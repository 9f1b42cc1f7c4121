package io.bastion.ringbuffer;

import org.agrona.concurrent.AtomicBuffer;

import static io.bastion.ringbuffer.RecordDescriptor.PADDING_TYPE_ID;

/**
 * The steps every producer of the one-to-one producer region ({@link OneToOneRingProducer} and
 * {@link OneToManyRingProducer}) takes to resume a region and to publish a record, written once so the ordering that
 * {@code docs/one-to-one-ring.md} proves holds for both. Static and small, so the JIT inlines each into the caller's
 * hot path: sharing them costs the one-to-one producer nothing.
 * <p>
 * Stateless; each method is called by the one producing thread of its ring.
 */
final class OneToOnePublication
{
    private OneToOnePublication()
    {
    }

    /**
     * Read the tail of a producer region once, for a producer that creates or resumes it.
     *
     * @param producerRegion the region.
     * @param tailOffset     where its tail word lies.
     * @return the tail: 0 for a fresh, zeroed region.
     * @throws IllegalArgumentException if the tail is negative or misaligned.
     */
    static long resumeTail(final AtomicBuffer producerRegion, final int tailOffset)
    {
        final long tail = producerRegion.getLongVolatile(tailOffset);
        if (tail < 0 || (tail & (RecordDescriptor.ALIGNMENT - 1)) != 0)
        {
            throw new IllegalArgumentException("producer region holds an invalid tail: " + tail);
        }
        return tail;
    }

    /**
     * Publish a record whose payload is already written: zero the header word of the record that will follow, then
     * release the header, then the padding before the record if it wrapped, then the tail. A consumer that reads the
     * header with acquire sees the payload and the zeroed next word; one that passes the padding finds the record at
     * 0, never a word from an earlier lap.
     *
     * @param buffer       the producer region.
     * @param capacity     of the records.
     * @param mask         {@code capacity - 1}.
     * @param tailOffset   where the tail word lies.
     * @param recordIndex  where the record starts (0 after a wrap).
     * @param header       the record's header word.
     * @param newTail      the position after the record.
     * @param paddingIndex where the padding before a wrapped record starts, or
     *                     {@link OneToOneProducerState#NO_PADDING}.
     */
    static void publish(
        final AtomicBuffer buffer,
        final int capacity,
        final int mask,
        final int tailOffset,
        final int recordIndex,
        final long header,
        final long newTail,
        final int paddingIndex)
    {
        buffer.putLong((int)newTail & mask, 0L);
        buffer.putLongRelease(recordIndex, header);
        if (OneToOneProducerState.NO_PADDING != paddingIndex)
        {
            // Released after the record at 0: a consumer that passes the padding finds that record, never a stale word.
            buffer.putLongRelease(paddingIndex, RecordDescriptor.header(capacity - paddingIndex, PADDING_TYPE_ID));
        }
        buffer.putLongRelease(tailOffset, newTail);
    }
}
