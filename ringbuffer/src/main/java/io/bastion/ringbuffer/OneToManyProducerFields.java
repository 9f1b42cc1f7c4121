package io.bastion.ringbuffer;

/**
 * The fan-out producer's mutable fields, after {@link CacheLinePadding}; see {@link OneToManyProducerState}.
 */
abstract class OneToManyProducerFields extends CacheLinePadding
{
    /** The tail: position after the last published record. */
    long tail;

    /**
     * The highest tail the producer may publish without reading a head: the lowest head it accepted from a consuming
     * slot plus the policy's window, or {@code Long.MAX_VALUE} while no slot consumes.
     */
    long limit = Long.MAX_VALUE;

    /** The tail an open claim publishes on commit, or {@link OneToOneProducerState#NO_CLAIM}. */
    long claimTail = OneToOneProducerState.NO_CLAIM;

    /** Evictions since the producer was created. */
    long evictions;

    /** Where the padding before a wrapped, reserved record goes, or {@link OneToOneProducerState#NO_PADDING}. */
    int paddingIndex = OneToOneProducerState.NO_PADDING;

    /** Slots attached and not evicted. */
    int consumerCount;

    /** Evictions not yet reported by {@code pollEvictions}. */
    int unreportedEvictions;
}
