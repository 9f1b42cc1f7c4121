package io.bastion.bench;

/**
 * A long with a cache line of padding on either side, so that a word one thread writes shares its line with nothing
 * another thread reads (fields of one class are laid out together; the padding classes keep them in order).
 * <p>
 * Not thread safe by itself: the owner decides how {@link #value} is accessed (plainly by one thread, or through a
 * {@code VarHandle} on {@link PaddedLongValue#value} with acquire / release).
 */
public final class PaddedLong extends PaddedLongValue
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
}
