package io.bastion.tools.demo;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The demo's messages: message types, and payload bytes derived from a sequence number, so that the receiver checks
 * every byte of every payload against what the sender must have written.
 * <p>
 * A payload is a run of 8-byte words, each a mix of the sequence and the word's index (the last word cut to the
 * payload's length). A ping carries its index in word 0 and the sender's {@link System#nanoTime()} in word 1; the
 * echo sends it back unchanged. Filling and checking allocate nothing.
 */
final class DemoPayload
{
    /** Message type of a data frame of the throughput phase. */
    static final int DATA = 1;

    /** Message type of a ping, publisher to subscriber. */
    static final int PING = 2;

    /** Message type of a ping's echo, subscriber to publisher. */
    static final int ECHO = 3;

    /** The smallest payload: a ping's index and timestamp. */
    static final int MIN_LENGTH = 16;

    /** The largest payload the demo sends. */
    static final int MAX_LENGTH = 64 * 1024;

    /** Offset of a ping's send time. */
    static final int PING_TIME_OFFSET = 8;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long MIX = 0xD6E8FEB86659FD93L;

    private DemoPayload()
    {
    }

    /**
     * Word {@code index} of the payload of {@code sequence}.
     *
     * @param sequence the message's sequence.
     * @param index    the word's index.
     * @return the word.
     */
    static long word(final long sequence, final int index)
    {
        long x = sequence * GOLDEN + index * MIX;
        x ^= x >>> 32;
        x *= MIX;
        x ^= x >>> 29;
        return x;
    }

    /**
     * Write the payload of {@code sequence}.
     *
     * @param buffer   where to.
     * @param offset   where the payload starts.
     * @param length   its length.
     * @param sequence the message's sequence.
     */
    static void fill(final MutableDirectBuffer buffer, final int offset, final int length, final long sequence)
    {
        final int words = length >>> 3;
        for (int i = 0; i < words; i++)
        {
            buffer.putLong(offset + (i << 3), word(sequence, i), ORDER);
        }
        final int rest = length & 7;
        if (0 != rest)
        {
            final long last = word(sequence, words);
            final int base = offset + (words << 3);
            for (int j = 0; j < rest; j++)
            {
                buffer.putByte(base + j, (byte)(last >>> (j << 3)));
            }
        }
    }

    /**
     * Whether a payload is exactly the one of {@code sequence}, from word {@code fromWord} on.
     *
     * @param buffer   the payload's buffer.
     * @param offset   where the payload starts.
     * @param length   its length.
     * @param sequence the sequence it must belong to.
     * @param fromWord the first word to check (a ping's index and time are checked apart).
     * @return true if every byte checked matches.
     */
    static boolean matches(
        final DirectBuffer buffer, final int offset, final int length, final long sequence, final int fromWord)
    {
        final int words = length >>> 3;
        for (int i = fromWord; i < words; i++)
        {
            if (buffer.getLong(offset + (i << 3), ORDER) != word(sequence, i))
            {
                return false;
            }
        }
        final int rest = length & 7;
        if (0 != rest && words >= fromWord)
        {
            final long last = word(sequence, words);
            final int base = offset + (words << 3);
            for (int j = 0; j < rest; j++)
            {
                if (buffer.getByte(base + j) != (byte)(last >>> (j << 3)))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Write a ping: the payload of its index, with the index in word 0 and the send time in word 1.
     *
     * @param buffer where to.
     * @param length the payload's length, at least {@link #MIN_LENGTH}.
     * @param index  the ping's index.
     * @param sentNs the send time, {@link System#nanoTime()}.
     */
    static void fillPing(final MutableDirectBuffer buffer, final int length, final long index, final long sentNs)
    {
        fill(buffer, 0, length, index);
        buffer.putLong(0, index, ORDER);
        buffer.putLong(PING_TIME_OFFSET, sentNs, ORDER);
    }

    /**
     * A ping's index.
     *
     * @param buffer the payload's buffer.
     * @param offset where the payload starts.
     * @return the index.
     */
    static long pingIndex(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset, ORDER);
    }

    /**
     * A ping's send time.
     *
     * @param buffer the payload's buffer.
     * @param offset where the payload starts.
     * @return the time, {@link System#nanoTime()} of the sender.
     */
    static long pingTime(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + PING_TIME_OFFSET, ORDER);
    }
}
