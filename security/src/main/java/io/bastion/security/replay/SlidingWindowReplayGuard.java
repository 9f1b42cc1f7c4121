package io.bastion.security.replay;

import java.util.Arrays;

/**
 * Replay guard for transports that reorder and drop (the UDP bridge): a bitmap of recently accepted sequences in the
 * style of RFC 6479. The bitmap has {@code words} 64-bit words, a power of two; the window covers
 * {@code (words - 1) * 64} sequences ending at the highest accepted one. The spare word means moving the window only
 * clears the words it enters, never shifts bits.
 * <p>
 * A sequence newer than the highest is {@link ReplayStatus#ACCEPTED} and moves the window on commit; one inside the
 * window is accepted once and {@link ReplayStatus#DUPLICATE} after; one left of the window is
 * {@link ReplayStatus#STALE}.
 * <p>
 * Allocation-free after construction, not thread safe: one guard per polling thread and sender.
 */
public final class SlidingWindowReplayGuard implements ReplayGuard
{
    private static final int BITS_PER_WORD_SHIFT = 6;
    private static final int BIT_INDEX_MASK = 63;

    private final long[] bitmap;
    private final int wordMask;
    private final long windowSize;
    private long highest = -1;

    /**
     * A guard whose bitmap has {@code words} words.
     *
     * @param words number of 64-bit words, a power of two, 2 or more; the window is {@code (words - 1) * 64}.
     */
    public SlidingWindowReplayGuard(final int words)
    {
        if (words < 2 || Integer.bitCount(words) != 1 || words > (1 << 24))
        {
            throw new IllegalArgumentException("words must be a power of two in [2, 2^24]: " + words);
        }
        bitmap = new long[words];
        wordMask = words - 1;
        windowSize = (long) (words - 1) << BITS_PER_WORD_SHIFT;
    }

    /**
     * How many sequences, ending at the highest accepted one, the window judges.
     *
     * @return {@code (words - 1) * 64}.
     */
    public long windowSize()
    {
        return windowSize;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public ReplayStatus check(final long sequence)
    {
        if (sequence < 0 || sequence == Long.MAX_VALUE)
        {
            return ReplayStatus.INVALID;
        }
        final long highest = this.highest;
        if (sequence > highest)
        {
            return ReplayStatus.ACCEPTED;
        }
        if (highest - sequence >= windowSize)
        {
            return ReplayStatus.STALE;
        }
        final long word = bitmap[(int) ((sequence >>> BITS_PER_WORD_SHIFT) & wordMask)];
        return (word & (1L << (sequence & BIT_INDEX_MASK))) != 0 ? ReplayStatus.DUPLICATE : ReplayStatus.ACCEPTED;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public ReplayStatus commit(final long sequence)
    {
        final ReplayStatus status = check(sequence);
        if (ReplayStatus.ACCEPTED != status)
        {
            return status;
        }

        final long[] bitmap = this.bitmap;
        final long highest = this.highest;
        if (sequence > highest)
        {
            // Clear the words the window moves into; they may hold bits from a lap of the ring of words ago.
            final long fromWord = highest >> BITS_PER_WORD_SHIFT;
            final long toWord = sequence >>> BITS_PER_WORD_SHIFT;
            final long entered = toWord - fromWord;
            if (entered >= bitmap.length)
            {
                Arrays.fill(bitmap, 0L);
            }
            else
            {
                for (long w = fromWord + 1; w <= toWord; w++)
                {
                    bitmap[(int) (w & wordMask)] = 0L;
                }
            }
            this.highest = sequence;
        }
        bitmap[(int) ((sequence >>> BITS_PER_WORD_SHIFT) & wordMask)] |= 1L << (sequence & BIT_INDEX_MASK);
        return status;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long highestAccepted()
    {
        return highest;
    }
}
