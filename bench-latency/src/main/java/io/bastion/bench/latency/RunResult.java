package io.bastion.bench.latency;

import org.HdrHistogram.Histogram;

/**
 * What one run measured: the case, the message size, the offered rate and the round trips in nanoseconds.
 *
 * @param latencyCase the case.
 * @param size        bytes of each message.
 * @param rate        offered messages per second, or {@link SuiteConfig#FLAT_OUT}.
 * @param histogram   the round trips, in nanoseconds from each intended send time.
 */
public record RunResult(LatencyCase latencyCase, int size, long rate, Histogram histogram)
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
     * The run's name, usable as a file name.
     *
     * @return e.g. {@code agrona-64B-flat-out} or {@code aeron-ipc-1024B-10000-per-s}.
     */
    public String name()
    {
        return latencyCase.label() + "-" + size + "B-" + rateLabel().replace("/s", "-per-s");
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
