package io.bastion.security.replay;

/**
 * Replay guard for transports that never reorder (a ring): the next sequence must be the last accepted plus one.
 * A newer sequence is {@link ReplayStatus#GAP} with size {@link #gapSize(long)} (frames lost, not replayed); the last
 * one again is {@link ReplayStatus#DUPLICATE}; anything older is {@link ReplayStatus#STALE}.
 * <p>
 * Allocation-free, not thread safe: one guard per polling thread and sender.
 */
public final class StrictReplayGuard implements ReplayGuard
{
    private long nextExpected;

    /**
     * A guard expecting {@code firstSequence} next.
     *
     * @param firstSequence first sequence to accept, 0 or more; older ones are stale.
     */
    public StrictReplayGuard(final long firstSequence)
    {
        if (firstSequence < 0 || firstSequence == Long.MAX_VALUE)
        {
            throw new IllegalArgumentException("bad first sequence: " + firstSequence);
        }
        nextExpected = firstSequence;
    }

    /**
     * A guard expecting sequence 0 first.
     */
    public StrictReplayGuard()
    {
        this(0);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public ReplayStatus check(final long sequence)
    {
        final long next = nextExpected;
        if (sequence < 0 || sequence == Long.MAX_VALUE)
        {
            return ReplayStatus.INVALID;
        }
        if (sequence == next)
        {
            return ReplayStatus.ACCEPTED;
        }
        if (sequence > next)
        {
            return ReplayStatus.GAP;
        }
        return sequence == next - 1 ? ReplayStatus.DUPLICATE : ReplayStatus.STALE;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public ReplayStatus commit(final long sequence)
    {
        final ReplayStatus status = check(sequence);
        if (status.isAccepted())
        {
            nextExpected = sequence + 1;
        }
        return status;
    }

    /**
     * How many sequences would be missing if this one were accepted now. Pure.
     *
     * @param sequence to judge.
     * @return {@code sequence - nextExpected} for a {@link ReplayStatus#GAP}, otherwise 0.
     */
    public long gapSize(final long sequence)
    {
        return ReplayStatus.GAP == check(sequence) ? sequence - nextExpected : 0;
    }

    /**
     * The sequence that would be {@link ReplayStatus#ACCEPTED} next.
     *
     * @return the next expected sequence.
     */
    public long nextExpected()
    {
        return nextExpected;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public long highestAccepted()
    {
        return nextExpected - 1;
    }
}
