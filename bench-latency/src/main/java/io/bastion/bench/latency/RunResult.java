package io.bastion.bench.latency;

import org.HdrHistogram.Histogram;

/**
 * What one run measured: the case, the message size, the offered rate, the round of the suite it ran in, the
 * core-to-core round trip around its case, and the round trips in nanoseconds.
 *
 * @param latencyCase the case.
 * @param size        bytes of each message.
 * @param rate        offered messages per second, or {@link SuiteConfig#FLAT_OUT}.
 * @param round       the suite's round, from 1 ({@link SuiteConfig#rounds()}).
 * @param coreToCore  the core-to-core round trip just before and just after the case (every size and rate of a case
 *                    runs between the same two probes).
 * @param histogram   the round trips, in nanoseconds from each intended send time.
 */
public record RunResult(LatencyCase latencyCase, int size, long rate, int round, CoreToCore coreToCore,
    Histogram histogram)
{
    /** The percentiles the suite reports, besides the maximum. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    /**
     * The rate as the report names it.
     *
     * @return {@code flat-out}, or e.g. {@code 10000/s}.
     */
    public String rateLabel()
    {
        return rateLabel(rate);
    }

    /**
     * A rate as the report names it.
     *
     * @param rate messages per second, or {@link SuiteConfig#FLAT_OUT}.
     * @return {@code flat-out}, or e.g. {@code 10000/s}.
     */
    public static String rateLabel(final long rate)
    {
        return SuiteConfig.FLAT_OUT == rate ? "flat-out" : rate + "/s";
    }

    /**
     * The run's name, usable as a file name; a run of a round after the first ends in {@code -r<round>}.
     *
     * @return e.g. {@code agrona-64B-flat-out}, {@code aeron-ipc-1024B-10000-per-s} or {@code agrona-64B-flat-out-r2}.
     */
    public String name()
    {
        return latencyCase.label() + "-" + size + "B-" + rateLabel().replace("/s", "-per-s") +
            (round > 1 ? "-r" + round : "");
    }

    /**
     * A percentile in microseconds.
     *
     * @param percentile e.g. 99.9.
     * @return the round trip at that percentile, in microseconds.
     */
    public double micros(final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * The longest round trip in microseconds.
     *
     * @return microseconds.
     */
    public double maxMicros()
    {
        return histogram.getMaxValue() / 1000.0;
    }
}
