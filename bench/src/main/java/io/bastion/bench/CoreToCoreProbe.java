package io.bastion.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Measures how long one cache line takes to travel from one core to another and back, with two threads
 * handing a counter to each other. On this project's 2-vCPU VM the host places the two vCPUs either close
 * (sharing a cache) or far apart, and changes that placement between benchmark forks; a two-thread ring
 * benchmark's score depends on it by about 3x. The throughput benchmarks print the probe's figure at the
 * start and end of each fork, so {@code summarize-results.py} can compare forks that ran with the same
 * placement.
 * <p>
 * Not thread safe; call it while no benchmark thread is busy. Starts one thread per sample.
 */
public final class CoreToCoreProbe
{
    /** Prefix of the line {@link #print(String)} writes, which {@code summarize-results.py} looks for. */
    public static final String LINE_PREFIX = "# core-to-core round trip";

    private static final VarHandle TURN;
    private static final int ROUND_TRIPS_PER_SAMPLE = 20_000;
    private static final int SAMPLES = 9;

    static
    {
        try
        {
            TURN = MethodHandles.lookup().findVarHandle(PaddedLongValue.class, "value", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private CoreToCoreProbe()
    {
    }

    /**
     * The fastest, over several samples, of the mean nanoseconds one round trip of a cache line between two
     * threads takes: the fastest, because other threads (the JIT's, at a fork's start) only ever add time.
     *
     * @return nanoseconds per round trip.
     * @throws InterruptedException if interrupted while waiting for the probe's threads.
     */
    public static double roundTripNanos() throws InterruptedException
    {
        double fastest = Double.MAX_VALUE;
        for (int i = 0; i < SAMPLES; i++)
        {
            fastest = Math.min(fastest, sample());
        }
        return fastest;
    }

    /**
     * Print the round trip to standard output as one line JMH copies into its log:
     * {@code # core-to-core round trip (WHEN): N ns}.
     *
     * @param when a word saying when it was taken, e.g. {@code start} or {@code end}.
     */
    public static void print(final String when)
    {
        try
        {
            System.out.printf("%s (%s): %.1f ns%n", LINE_PREFIX, when, roundTripNanos());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static double sample() throws InterruptedException
    {
        final PaddedLong line = new PaddedLong();
        final Thread echo = new Thread(() ->
        {
            // Odd values are pings; answer each with the next even value.
            for (long expected = 1; expected < 2L * ROUND_TRIPS_PER_SAMPLE; expected += 2)
            {
                while ((long)TURN.getAcquire(line) != expected)
                {
                    Thread.onSpinWait();
                }
                TURN.setRelease(line, expected + 1);
            }
        }, "core-to-core-echo");
        echo.setDaemon(true);
        echo.start();
        // The first round trip waits for the echo thread to start; the clock starts after it.
        long start = 0;
        for (long ping = 1; ping < 2L * ROUND_TRIPS_PER_SAMPLE; ping += 2)
        {
            TURN.setRelease(line, ping);
            while ((long)TURN.getAcquire(line) != ping + 1)
            {
                Thread.onSpinWait();
            }
            if (1 == ping)
            {
                start = System.nanoTime();
            }
        }
        final long elapsed = System.nanoTime() - start;
        echo.join();
        return (double)elapsed / (ROUND_TRIPS_PER_SAMPLE - 1);
    }
}
