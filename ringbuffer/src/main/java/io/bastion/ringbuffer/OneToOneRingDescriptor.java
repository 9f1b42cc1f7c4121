package io.bastion.ringbuffer;

/**
 * Layout of a one-to-one ring, split into two regions so that each side writes only its own words
 * and each region can be its own mapping (the consumer maps the producer region read-only, the
 * producer maps the consumer region read-only).
 * <pre>
 * Producer region (written by the producer only):
 *  +----------------------------------------------+  0
 *  |  records: capacity bytes (a power of two)   ...
 *  +----------------------------------------------+  capacity
 *  |  tail position (8 bytes, for observers), pad |  + TAIL_POSITION_OFFSET
 *  +----------------------------------------------+  + 128
 *  |  producer heartbeat, epoch ms (8 bytes)      |  + PRODUCER_HEARTBEAT_OFFSET
 *  +----------------------------------------------+  + PRODUCER_TRAILER_LENGTH
 *
 * Consumer region (written by the consumer only):
 *  +----------------------------------------------+  0
 *  |  head position (8 bytes), then padding       |  HEAD_POSITION_OFFSET
 *  +----------------------------------------------+  128
 *  |  consumer heartbeat, epoch ms (8 bytes)      |  CONSUMER_HEARTBEAT_OFFSET
 *  +----------------------------------------------+  CONSUMER_REGION_LENGTH
 * </pre>
 * A record is published by its header word, written last with release semantics; the consumer
 * polls the header at its head and never reads the tail. Because the consumer cannot clear what it
 * read (its view may be read-only), the producer zeroes the next record's header word before it
 * publishes each record, and always leaves at least {@link RecordDescriptor#ALIGNMENT} bytes free so
 * that zeroed word is never a record still to be read. A word left from an earlier lap is
 * therefore never taken for a record. The tail is kept for observers and for a producer resuming
 * the ring. Hot words sit {@link #PAD} bytes apart, so neither false sharing nor the
 * adjacent-line prefetcher couples them.
 * <p>
 * A fan-out ring ({@link OneToManyRingProducer}) has the same producer region and one consumer region per consumer.
 */
public final class OneToOneRingDescriptor
{
    /** Distance between hot words: two cache lines. */
    public static final int PAD = 128;

    /** Offset of the tail position from the end of the records. */
    public static final int TAIL_POSITION_OFFSET = 0;

    /** Offset of the producer heartbeat from the end of the records. */
    public static final int PRODUCER_HEARTBEAT_OFFSET = PAD;

    /** Bytes after the records in the producer region. */
    public static final int PRODUCER_TRAILER_LENGTH = 2 * PAD;

    /** Offset of the head position in the consumer region. */
    public static final int HEAD_POSITION_OFFSET = 0;

    /** Offset of the consumer heartbeat in the consumer region. */
    public static final int CONSUMER_HEARTBEAT_OFFSET = PAD;

    /** Length of the consumer region. */
    public static final int CONSUMER_REGION_LENGTH = 2 * PAD;

    private OneToOneRingDescriptor()
    {
    }

    /**
     * Length of a producer region holding {@code capacity} bytes of records.
     *
     * @param capacity of the records, a power of two.
     * @return the region's length in bytes.
     */
    public static int producerRegionLength(final int capacity)
    {
        return capacity + PRODUCER_TRAILER_LENGTH;
    }
}
