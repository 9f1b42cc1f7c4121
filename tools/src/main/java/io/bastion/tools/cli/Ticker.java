package io.bastion.tools.cli;

/**
 * Says when a periodic chore of a duty cycle is due (a client's {@code doWork}, which reads a socket; a progress
 * line), reading the clock only every few calls, since {@link System#nanoTime()} is not free on a hot loop.
 */
public final class Ticker
{
    private static final int CALLS_PER_CLOCK_READ = 64;

    private final long intervalNs;
    private long nextNs;
    private int countdown;

    /**
     * A ticker that is due at once, then every {@code intervalNs}.
     *
     * @param intervalNs the interval.
     */
    public Ticker(final long intervalNs)
    {
        this.intervalNs = intervalNs;
        this.nextNs = System.nanoTime();
    }

    /**
     * Whether the chore is due; if so, the next one is an interval from now.
     *
     * @return true when due.
     */
    public boolean due()
    {
        if (--countdown > 0)
        {
            return false;
        }
        countdown = CALLS_PER_CLOCK_READ;
        final long nowNs = System.nanoTime();
        if (nowNs - nextNs >= 0)
        {
            nextNs = nowNs + intervalNs;
            return true;
        }
        return false;
    }
}
