package io.bastion.ringbuffer;

/**
 * The many-to-one consumer's own mutable state (its head and the unblock timer), padded onto cache lines of its own.
 * As fields of {@link ManyToOneRing} itself they would share a line with the final fields every producer reads on
 * every write, and each read batch that moves the head would cost every producer a cache miss. Consumer thread only.
 */
final class ManyToOneConsumerState extends ManyToOneConsumerFields
{
    /** {@link #announcedAtMs} while no unblock is announced. */
    static final long NOT_ANNOUNCED = Long.MIN_VALUE;

    long q01;
    long q02;
    long q03;
    long q04;
    long q05;
    long q06;
    long q07;
    long q08;
    long q09;
    long q10;
    long q11;
    long q12;
    long q13;
    long q14;
    long q15;
    long q16;

    ManyToOneConsumerState(final long head)
    {
        this.head = head;
    }
}
