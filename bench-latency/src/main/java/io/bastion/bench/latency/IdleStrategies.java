package io.bastion.bench.latency;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * The idle strategies the suite's loops can use, by name.
 */
public final class IdleStrategies
{
    /** Spin on the core ({@link BusySpinIdleStrategy}): the lowest latency, one core per spinning thread. */
    public static final String BUSY_SPIN = "busy-spin";
    /** Yield the core to another thread between polls ({@link YieldingIdleStrategy}). */
    public static final String YIELD = "yield";
    /** Spin, then yield, then park with growing pauses ({@link BackoffIdleStrategy}, Agrona's defaults). */
    public static final String BACKOFF = "backoff";

    private IdleStrategies()
    {
    }

    /**
     * Check a name.
     *
     * @param name one of {@value #BUSY_SPIN}, {@value #YIELD}, {@value #BACKOFF}.
     * @return the name.
     * @throws IllegalArgumentException if it names none of them.
     */
    public static String check(final String name)
    {
        of(name);
        return name;
    }

    /**
     * A new idle strategy.
     *
     * @param name one of {@value #BUSY_SPIN}, {@value #YIELD}, {@value #BACKOFF}.
     * @return a new instance (they keep state: one per thread).
     * @throws IllegalArgumentException if the name is none of them.
     */
    public static IdleStrategy of(final String name)
    {
        switch (name)
        {
            case BUSY_SPIN:
                return new BusySpinIdleStrategy();
            case YIELD:
                return new YieldingIdleStrategy();
            case BACKOFF:
                return new BackoffIdleStrategy();
            default:
                throw new IllegalArgumentException(
                    "unknown idle strategy: " + name + " (" + BUSY_SPIN + ", " + YIELD + " or " + BACKOFF + ")");
        }
    }
}
