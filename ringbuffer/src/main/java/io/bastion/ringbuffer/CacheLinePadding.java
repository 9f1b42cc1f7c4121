package io.bastion.ringbuffer;

/**
 * Two cache lines of padding, the first superclass of each side's mutable state. A superclass's fields are laid out
 * before a subclass's, so the state's fields come after this padding, and its own trailing padding keeps whatever
 * the heap places after it off their lines: one thread's writes never cost the other thread a miss on a line it
 * only reads.
 */
abstract class CacheLinePadding
{
    // Fills the gap after a compressed object header, where the layout would otherwise put a subclass's int or
    // reference field before the padding.
    int p00;
    long p01;
    long p02;
    long p03;
    long p04;
    long p05;
    long p06;
    long p07;
    long p08;
    long p09;
    long p10;
    long p11;
    long p12;
    long p13;
    long p14;
    long p15;
    long p16;
}
