package io.bastion.ringbuffer;

/**
 * The one-to-one consumer's mutable fields, after {@link CacheLinePadding}; see {@link OneToOneConsumerState}.
 */
abstract class OneToOneConsumerFields extends CacheLinePadding
{
    /** The consumer's head position. */
    long head;

    /** The last tail read from the producer region. */
    long lastTail;

    /** Why the consumer stopped trusting the producer region, or {@link RingFault#NONE}. */
    RingFault fault = RingFault.NONE;
}
