package io.bastion.ringbuffer;

/**
 * The fan-out producer's own mutable state, padded onto cache lines of its own, so that a consumer object the heap
 * happens to place beside the producer never shares a line with the fields the producer writes on every record.
 * Producer thread only.
 */
final class OneToManyProducerState extends OneToManyProducerFields
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
    long q17;

    OneToManyProducerState(final long tail)
    {
        this.tail = tail;
    }
}
