package io.bastion.ringbuffer;

import org.agrona.concurrent.AtomicBuffer;

/**
 * Capacity rules shared by both rings.
 */
public final class RingCapacity
{
    /** Smallest capacity of a ring's records, in bytes. */
    public static final int MIN_CAPACITY = 64;

    /** Largest capacity of a ring's records, in bytes: keeps every index and length sum in an int, and
     * leaves the many-to-one header a spare bit for its padding flag. */
    public static final int MAX_CAPACITY = 1 << 29;

    private RingCapacity()
    {
    }

    /**
     * The largest record (header included) a ring of this capacity accepts: an eighth of it, so a
     * ring always holds several records and padding at the wrap stays small beside the capacity.
     *
     * @param capacity of the records.
     * @return the maximum record length in bytes.
     */
    public static int maxRecordLength(final int capacity)
    {
        return capacity >> 3;
    }

    /**
     * The largest payload a ring of this capacity accepts.
     *
     * @param capacity of the records.
     * @return the maximum payload length in bytes.
     */
    public static int maxPayloadLength(final int capacity)
    {
        return maxRecordLength(capacity) - RecordDescriptor.HEADER_LENGTH;
    }

    /**
     * Whether a number is a valid record capacity: a power of two from {@link #MIN_CAPACITY} to
     * {@link #MAX_CAPACITY}. The one rule every place that takes a capacity (a broker setting, an
     * announced ring, a file's size) checks.
     *
     * @param capacity the candidate, in bytes; any value, such as one read from a file or a socket.
     * @return true if valid.
     */
    public static boolean isValid(final long capacity)
    {
        return capacity >= MIN_CAPACITY && capacity <= MAX_CAPACITY && 1 == Long.bitCount(capacity);
    }

    /**
     * Derive and check the capacity of records in a region that ends with a trailer.
     *
     * @param buffer        the region.
     * @param trailerLength bytes after the records.
     * @return the capacity of the records.
     * @throws IllegalArgumentException if the capacity is not a power of two in range, or the region
     *                                  is not aligned for atomic 8-byte access.
     */
    static int capacityOf(final AtomicBuffer buffer, final int trailerLength)
    {
        final int capacity = buffer.capacity() - trailerLength;
        if (!isValid(capacity))
        {
            throw new IllegalArgumentException("records capacity must be a power of two in [" + MIN_CAPACITY +
                ", " + MAX_CAPACITY + "], was " + capacity + " (region " + buffer.capacity() + " bytes, trailer " +
                trailerLength + ")");
        }
        checkAlignment(buffer);
        return capacity;
    }

    /**
     * Check both regions of a one-to-one ring and derive the capacity of its records.
     *
     * @param producerRegion records then producer trailer.
     * @param consumerRegion head and consumer heartbeat.
     * @return the capacity of the records.
     * @throws IllegalArgumentException if a region has the wrong size or alignment.
     */
    static int oneToOneCapacityOf(final AtomicBuffer producerRegion, final AtomicBuffer consumerRegion)
    {
        final int capacity = capacityOf(producerRegion, OneToOneRingDescriptor.PRODUCER_TRAILER_LENGTH);
        checkConsumerRegion(consumerRegion);
        return capacity;
    }

    /**
     * Check a consumer region of the one-to-one layout (a one-to-one ring's, or one consumer's of a fan-out ring).
     *
     * @param consumerRegion head and consumer heartbeat.
     * @throws IllegalArgumentException if it is shorter than {@link OneToOneRingDescriptor#CONSUMER_REGION_LENGTH}
     *                                  or not aligned for atomic 8-byte access.
     */
    static void checkConsumerRegion(final AtomicBuffer consumerRegion)
    {
        if (consumerRegion.capacity() < OneToOneRingDescriptor.CONSUMER_REGION_LENGTH)
        {
            throw new IllegalArgumentException("consumer region too short: " + consumerRegion.capacity());
        }
        checkAlignment(consumerRegion);
    }

    /**
     * Check that a region is aligned for atomic 8-byte access.
     *
     * @param buffer the region.
     * @throws IllegalArgumentException if it is not.
     */
    static void checkAlignment(final AtomicBuffer buffer)
    {
        try
        {
            buffer.verifyAlignment();
        }
        catch (final IllegalStateException ex)
        {
            throw new IllegalArgumentException(ex.getMessage(), ex);
        }
    }

    /**
     * Check a payload length for a write or claim.
     *
     * @param length           of the payload.
     * @param maxPayloadLength of the ring.
     * @throws IllegalArgumentException if it is negative or too long.
     */
    static void checkPayloadLength(final int length, final int maxPayloadLength)
    {
        if (length < 0 || length > maxPayloadLength)
        {
            throw new IllegalArgumentException("payload length must be in [0, " + maxPayloadLength + "]: " + length);
        }
    }
}
