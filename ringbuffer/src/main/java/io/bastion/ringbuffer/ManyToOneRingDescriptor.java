package io.bastion.ringbuffer;

/**
 * Layout of a many-to-one ring: one region shared by producers that trust each other (threads of
 * one process, or processes of one principal) and one consumer.
 * <pre>
 *  +----------------------------------------------+  0
 *  |  records: capacity bytes (a power of two)   ...
 *  +----------------------------------------------+  capacity
 *  |  tail position, claimed by CAS               |  + TAIL_POSITION_OFFSET
 *  +----------------------------------------------+  + 128
 *  |  head cache (producers' shared view of head) |  + HEAD_CACHE_POSITION_OFFSET
 *  +----------------------------------------------+  + 256
 *  |  head position (written by the consumer)     |  + HEAD_POSITION_OFFSET
 *  +----------------------------------------------+  + 384
 *  |  unblock count, unblock epoch (consumer)     |  + UNBLOCK_COUNT_OFFSET, UNBLOCK_EPOCH_OFFSET
 *  +----------------------------------------------+  + 512
 *  |  producer heartbeat, epoch ms                |  + PRODUCER_HEARTBEAT_OFFSET
 *  +----------------------------------------------+  + 640
 *  |  consumer heartbeat, epoch ms                |  + CONSUMER_HEARTBEAT_OFFSET
 *  +----------------------------------------------+  + TRAILER_LENGTH
 * </pre>
 * A record's state word (see {@link ManyToOneRecordDescriptor}) moves from zero (the consumer zeroes
 * what it read before it publishes the head past it) to claimed (negative length, stamped with the
 * claim's lap) to committed (positive length) or padding. The consumer's bounds never rest on those
 * zeroes, since it checks whatever a word holds. The unblock epoch orders a producer's commit against
 * the consumer's unblock: a commit is a release store while the epoch stands still, and a
 * compare-and-set against the unblock's once it has moved. The protocol is in
 * {@code docs/many-to-one-ring.md}.
 */
public final class ManyToOneRingDescriptor
{
    /** Distance between hot words: two cache lines. */
    public static final int PAD = 128;

    /** Offset of the tail position from the end of the records. */
    public static final int TAIL_POSITION_OFFSET = 0;

    /** Offset of the producers' head cache from the end of the records. */
    public static final int HEAD_CACHE_POSITION_OFFSET = PAD;

    /** Offset of the head position from the end of the records. */
    public static final int HEAD_POSITION_OFFSET = 2 * PAD;

    /** Offset of the count of unblocked claims from the end of the records. */
    public static final int UNBLOCK_COUNT_OFFSET = 3 * PAD;

    /**
     * Offset of the unblock epoch from the end of the records: bumped before every unblock attempt, so
     * a producer that stamps its claim late can tell that an unblock may have passed over it.
     */
    public static final int UNBLOCK_EPOCH_OFFSET = UNBLOCK_COUNT_OFFSET + 8;

    /** Offset of the producer heartbeat from the end of the records. */
    public static final int PRODUCER_HEARTBEAT_OFFSET = 4 * PAD;

    /** Offset of the consumer heartbeat from the end of the records. */
    public static final int CONSUMER_HEARTBEAT_OFFSET = 5 * PAD;

    /** Bytes after the records. */
    public static final int TRAILER_LENGTH = 6 * PAD;

    private ManyToOneRingDescriptor()
    {
    }

    /**
     * Length of a region holding {@code capacity} bytes of records.
     *
     * @param capacity of the records, a power of two.
     * @return the region's length in bytes.
     */
    public static int regionLength(final int capacity)
    {
        return capacity + TRAILER_LENGTH;
    }
}
