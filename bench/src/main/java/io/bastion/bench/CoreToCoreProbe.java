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
        return roundTripNanos(CorePlacement.UNPINNED);
    }

    /**
     * As {@link #roundTripNanos()}, with the pinging thread where {@code placement} puts a producer and the echoing
     * thread where it puts a consumer, so the figure describes the placement a benchmark measured.
     *
     * @param placement where the two probe threads run.
     * @return nanoseconds per round trip.
     * @throws InterruptedException if interrupted while waiting for the probe's threads.
     */
    public static double roundTripNanos(final CorePlacement placement) throws InterruptedException
    {
        double fastest = Double.MAX_VALUE;
        for (int i = 0; i < SAMPLES; i++)
        {
            fastest = Math.min(fastest, sample(placement));
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
        print(when, CorePlacement.UNPINNED);
    }

    /**
     * As {@link #print(String)}, with the probe's threads placed as {@code placement} says, and the placement
     * described on a second line when the threads are pinned.
     *
     * @param when      a word saying when it was taken, e.g. {@code start} or {@code end}.
     * @param placement where the two probe threads run.
     */
    public static void print(final String when, final CorePlacement placement)
    {
        try
        {
            System.out.printf("%s (%s): %.1f ns%n", LINE_PREFIX, when, roundTripNanos(placement));
            if (placement.isPinned())
            {
                System.out.printf("# placement (%s): %s%n", when, placement.describe());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static double sample(final CorePlacement placement) throws InterruptedException
    {
        final PaddedLong line = new PaddedLong();
        final Thread echo = new Thread(() ->
        {
            placement.pinConsumer();
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
        final long[] elapsed = new long[1];
        // The pinging side is a thread of its own too, so pinning it never moves the caller (a benchmark thread).
        final Thread ping = new Thread(() ->
        {
            placement.pinProducer();
            // The first round trip waits for the echo thread to start; the clock starts after it.
            long start = 0;
            for (long turn = 1; turn < 2L * ROUND_TRIPS_PER_SAMPLE; turn += 2)
            {
                TURN.setRelease(line, turn);
                while ((long)TURN.getAcquire(line) != turn + 1)
                {
                    Thread.onSpinWait();
                }
                if (1 == turn)
                {
                    start = System.nanoTime();
                }
            }
            elapsed[0] = System.nanoTime() - start;
        }, "core-to-core-ping");
        echo.setDaemon(true);
        ping.setDaemon(true);
        echo.start();
        ping.start();
        ping.join();
        echo.join();
        return (double)elapsed[0] / (ROUND_TRIPS_PER_SAMPLE - 1);
    }
}
