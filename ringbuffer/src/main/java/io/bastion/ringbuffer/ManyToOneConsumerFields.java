package io.bastion.ringbuffer;

/**
 * The many-to-one consumer's mutable fields, after {@link CacheLinePadding}; see {@link ManyToOneConsumerState}.
 */
abstract class ManyToOneConsumerFields extends CacheLinePadding
{
    /** The consumer's head position. */
    long head;

    /**
     * Whether the last read consumed half the ring or more: the consumer is behind, and producers may be waiting
     * for room, so the next read publishes the head as it goes.
     */
    boolean behind;

    /** The head position the unblock timer is watching. */
    long stuckHead = -1;

    /** When the watched head was last seen moving, or the ring empty. */
    long stuckSinceMs;

    /** When the current unblock was announced, or {@link ManyToOneConsumerState#NOT_ANNOUNCED}. */
    long announcedAtMs = ManyToOneConsumerState.NOT_ANNOUNCED;
}
