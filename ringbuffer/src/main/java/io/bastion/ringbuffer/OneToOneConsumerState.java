package io.bastion.ringbuffer;

/**
 * The one-to-one consumer's own mutable state, padded onto cache lines of its own, so that a producer object the heap
 * happens to place beside the consumer never shares a line with the fields the consumer writes on every read.
 * Consumer thread only.
 */
final class OneToOneConsumerState extends OneToOneConsumerFields
{
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

    OneToOneConsumerState(final long head)
    {
        this.head = head;
    }
}
