package io.bastion.ringbuffer;

/**
 * The one-to-one consumer's mutable fields, after {@link CacheLinePadding}; see {@link OneToOneConsumerState}.
 */
abstract class OneToOneConsumerFields extends CacheLinePadding
{
    /** The consumer's head position. */
    long head;

    /** Why the consumer stopped trusting the producer region, or {@link RingFault#NONE}. */
    RingFault fault = RingFault.NONE;
}
