package io.bastion.bench.latency;

import java.util.Locale;

/**
 * Where one case ran, as far as a latency figure depends on it: the core-to-core round trip ({@link CoreToCoreProbe},
 * the median of a few samples, with the two probe threads pinned as the case's two measuring threads when they are on
 * two CPUs) taken just before the case's ponger started and just after it stopped. On a VM whose host moves its vCPUs,
 * the two CPUs can be close (sharing a cache) for one case and far apart for the next; two figures that differ a lot
 * say the placement changed during the case, so its percentiles mix the two.
 *
 * @param beforeNs nanoseconds per round trip before the case.
 * @param afterNs  nanoseconds per round trip after it.
 */
public record CoreToCore(double beforeNs, double afterNs)
{
    /** How many probe samples each of the two figures is the median of. */
    public static final int SAMPLES = 5;

    /**
     * Probe the placement now.
     *
     * @param placement where the case's pinger and ponger threads run.
     * @return the median of {@value #SAMPLES} samples, in nanoseconds per round trip.
     * @throws InterruptedException if interrupted while waiting for the probe's threads.
     */
    public static double probeNanos(final CorePlacement placement) throws InterruptedException
    {
        return CoreToCoreProbe.median(CoreToCoreProbe.sampleRoundTripNanos(placement, SAMPLES));
    }

    /**
     * The two figures as the report's table shows them.
     *
     * @return e.g. {@code 431/447}.
     */
    public String describe()
    {
        return String.format(Locale.ROOT, "%.0f/%.0f", beforeNs, afterNs);
    }
}
