package io.bastion.bench;

/**
 * What a benchmark's consuming thread does after each poll, named by the benchmarks' {@code idle} parameter:
 * <ul>
 *     <li>{@code none}: polls again at once, a bare loop;</li>
 *     <li>{@code spin}: one {@link Thread#onSpinWait()} after a poll that found nothing, as an agent with Agrona's
 *     {@code BusySpinIdleStrategy} does;</li>
 *     <li>{@code batch}: {@link #BATCH_SPINS} spin-wait hints after a poll that found fewer than
 *     {@link #BATCH_THRESHOLD} records, so that records gather while the consumer waits and it reads them as a batch,
 *     away from the lines the producer is still writing. A throughput setting: it adds up to the hints' time to a
 *     record's latency.</li>
 * </ul>
 * On a host where the two cores are far apart a bare loop makes a two-thread ring bistable (a consumer that keeps up
 * reads each line while the producer fills it, and both slow down; one that falls behind reads whole batches and
 * both run faster), so one implementation can land in either mode from fork to fork. {@code batch} keeps forks in the
 * second mode, which makes A/B runs far steadier there (the runs are in {@code BENCHMARKS.md}).
 * <p>
 * Thread safety: immutable; each consuming thread calls {@link #afterPoll(int)} on its own. Allocates nothing.
 */
public enum ConsumerIdle
{
    /** Poll again at once. */
    NONE,
    /** One spin-wait hint after an empty poll. */
    SPIN,
    /** Spin-wait hints after a poll that found fewer than {@link #BATCH_THRESHOLD} records. */
    BATCH;

    /** A poll that finds fewer records than this is followed by the {@code batch} wait. */
    public static final int BATCH_THRESHOLD = 16;

    /** Spin-wait hints in the {@code batch} wait. */
    public static final int BATCH_SPINS = 64;

    /**
     * The policy a parameter value names.
     *
     * @param name {@code none}, {@code spin} or {@code batch}.
     * @return the policy.
     * @throws IllegalArgumentException for any other name.
     */
    public static ConsumerIdle parse(final String name)
    {
        switch (name)
        {
            case "none":
                return NONE;
            case "spin":
                return SPIN;
            case "batch":
                return BATCH;
            default:
                throw new IllegalArgumentException("unknown idle strategy: " + name);
        }
    }

    /**
     * Wait as this policy says after a poll.
     *
     * @param read what the poll returned: records read, 0 for none, or a negative status.
     */
    public void afterPoll(final int read)
    {
        if (SPIN == this)
        {
            if (read <= 0)
            {
                Thread.onSpinWait();
            }
        }
        else if (BATCH == this && read < BATCH_THRESHOLD)
        {
            for (int i = 0; i < BATCH_SPINS; i++)
            {
                Thread.onSpinWait();
            }
        }
    }
}
