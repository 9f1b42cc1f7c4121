package io.bastion.bench.latency;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * Measures how long one cache line takes to travel from one core to another and back, with two threads
 * handing a counter to each other. On this project's 2-vCPU VM the host places the two vCPUs either close
 * (sharing a cache) or far apart, and changes that placement between benchmark forks; a two-thread ring
 * benchmark's score depends on it by about 3x. The throughput benchmarks print the probe's figure at the
 * start and end of each fork, so {@code summarize-results.py} can compare forks that ran with the same
 * placement.
 * <p>
 * The latency suite quotes the median of the samples ({@link #sampleRoundTripNanos()}) with its figures.
 * <p>
 * Not thread safe; call it while no benchmark thread is busy. Starts one thread per sample.
 */
public final class CoreToCoreProbe
{
    /** Prefix of the line {@link #print(String)} writes, which {@code summarize-results.py} looks for. */
    public static final String LINE_PREFIX = "# core-to-core round trip";

    /** How many samples {@link #roundTripNanos()} and {@link #sampleRoundTripNanos()} take. */
    public static final int SAMPLES = 9;

    private static final VarHandle TURN = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int ROUND_TRIPS_PER_SAMPLE = 20_000;
    /**
     * A sample ends early after this long: where other threads keep both cores busy, every round trip can wait a
     * scheduler slice, and 20,000 of them would take a minute to say only that the machine is busy.
     */
    private static final long MAX_SAMPLE_NS = 200_000_000L;
    private static final int CLOCK_CHECK_MASK = 15;
    /** The line is the middle of an array with a cache line and more (128 bytes) of padding on either side. */
    private static final int PADDED_LENGTH = 33;
    private static final int SLOT = 16;

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
     * Every sample, in the order taken: each the mean nanoseconds of one round trip of a cache line between two
     * threads over {@value #ROUND_TRIPS_PER_SAMPLE} round trips (fewer if they take more than 0.2 s). Their median
     * is the figure to quote beside latency percentiles taken while other work may share the cores; the fastest
     * is {@link #roundTripNanos()}.
     *
     * @return {@link #SAMPLES} samples, in nanoseconds per round trip.
     * @throws InterruptedException if interrupted while waiting for the probe's threads.
     */
    public static double[] sampleRoundTripNanos() throws InterruptedException
    {
        return sampleRoundTripNanos(CorePlacement.UNPINNED, SAMPLES);
    }

    /**
     * As {@link #sampleRoundTripNanos()}, with the pinging thread where {@code placement} puts a producer and the
     * echoing thread where it puts a consumer, and as many samples as asked for.
     *
     * @param placement where the two probe threads run.
     * @param samples   how many samples, at least 1.
     * @return the samples, in nanoseconds per round trip, in the order taken.
     * @throws IllegalArgumentException if {@code samples} is less than 1.
     * @throws InterruptedException     if interrupted while waiting for the probe's threads.
     */
    public static double[] sampleRoundTripNanos(final CorePlacement placement, final int samples)
            throws InterruptedException
    {
        if (samples < 1)
        {
            throw new IllegalArgumentException("at least one sample: " + samples);
        }
        final double[] result = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            result[i] = sample(placement);
        }
        return result;
    }

    /**
     * The median of some samples.
     *
     * @param samples at least one value; not changed.
     * @return the middle value, or the mean of the two middle values for an even count.
     * @throws IllegalArgumentException if there are no samples.
     */
    public static double median(final double[] samples)
    {
        if (0 == samples.length)
        {
            throw new IllegalArgumentException("no samples");
        }
        final double[] sorted = samples.clone();
        Arrays.sort(sorted);
        final int middle = sorted.length / 2;
        return 0 == sorted.length % 2 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle];
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
        final long[] line = new long[PADDED_LENGTH];
        final Thread echo = new Thread(() ->
        {
            placement.pinConsumer();
            // Odd values are pings; answer each with the next even value; a negative one ends the sample.
            for (long expected = 1; true; expected += 2)
            {
                long value;
                while ((value = (long)TURN.getAcquire(line, SLOT)) != expected)
                {
                    if (value < 0)
                    {
                        return;
                    }
                    Thread.onSpinWait();
                }
                TURN.setRelease(line, SLOT, expected + 1);
            }
        }, "core-to-core-echo");
        final double[] result = new double[1];
        // The pinging side is a thread of its own too, so pinning it never moves the caller (a benchmark thread).
        final Thread ping = new Thread(() ->
        {
            placement.pinProducer();
            result[0] = ping(line);
        }, "core-to-core-ping");
        echo.setDaemon(true);
        ping.setDaemon(true);
        echo.start();
        ping.start();
        ping.join();
        echo.join();
        return result[0];
    }

    private static double ping(final long[] line)
    {
        // The first round trip waits for the echo thread to start; the clock starts after it.
        long start = 0;
        long deadline = 0;
        long trips = 0;
        for (long ping = 1; trips < ROUND_TRIPS_PER_SAMPLE; ping += 2)
        {
            TURN.setRelease(line, SLOT, ping);
            while ((long)TURN.getAcquire(line, SLOT) != ping + 1)
            {
                Thread.onSpinWait();
            }
            if (1 == ping)
            {
                start = System.nanoTime();
                deadline = start + MAX_SAMPLE_NS;
            }
            else if ((++trips & CLOCK_CHECK_MASK) == 0 && System.nanoTime() - deadline > 0)
            {
                break;
            }
        }
        final long elapsed = System.nanoTime() - start;
        TURN.setRelease(line, SLOT, -1L);
        return (double)elapsed / trips;
    }
}
