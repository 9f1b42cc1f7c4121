package io.bastion.ringbuffer;

/**
 * The one-to-one producer's mutable fields, after {@link CacheLinePadding}; see {@link OneToOneProducerState}.
 */
abstract class OneToOneProducerFields extends CacheLinePadding
{
    /** The tail: position after the last published record. */
    long tail;

    /** The last head read from the consumer region. */
    long headCache;

    /** The tail an open claim publishes on commit, or {@link OneToOneProducerState#NO_CLAIM}. */
    long claimTail = OneToOneProducerState.NO_CLAIM;

    /** Where the padding before a wrapped, reserved record goes, or {@link OneToOneProducerState#NO_PADDING}. */
    int paddingIndex = OneToOneProducerState.NO_PADDING;

    /** Why the producer stopped trusting the consumer region, or {@link RingFault#NONE}. */
    RingFault fault = RingFault.NONE;
}
