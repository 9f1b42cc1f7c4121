package io.bastion.bench.latency;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one run of the suite measures: cases, message sizes and offered rates (every combination), how many round
 * trips each run has (a count, or a duration), the warm-up, the idle strategy, CPU pinning and the report folder.
 * Immutable; made with {@link Builder}, which starts from the full suite's settings, or the short suite's.
 */
public final class SuiteConfig
{
    /** The offered rate meaning "flat out": the next ping leaves as soon as the last echo is back. */
    public static final long FLAT_OUT = 0;

    private final List<LatencyCase> cases;
    private final int[] sizes;
    private final long[] rates;
    private final long messages;
    private final long durationNs;
    private final long warmup;
    private final String idle;
    private final Path report;
    private final int[] pinCpus;
    private final boolean shortSuite;
    private final int rounds;

    private SuiteConfig(final Builder builder)
    {
        this.cases = List.copyOf(builder.cases);
        this.sizes = builder.sizes.clone();
        this.rates = builder.rates.clone();
        this.messages = builder.messages;
        this.durationNs = builder.durationNs;
        this.warmup = builder.warmup;
        this.idle = builder.idle;
        this.report = builder.report;
        this.pinCpus = null == builder.pinCpus ? null : builder.pinCpus.clone();
        this.shortSuite = builder.shortSuite;
        this.rounds = builder.rounds;
    }

    /**
     * The cases, in the order they run.
     *
     * @return the cases.
     */
    public List<LatencyCase> cases()
    {
        return cases;
    }

    /**
     * The message sizes in bytes.
     *
     * @return a copy.
     */
    public int[] sizes()
    {
        return sizes.clone();
    }

    /**
     * The offered rates in messages per second, {@link #FLAT_OUT} for flat out.
     *
     * @return a copy.
     */
    public long[] rates()
    {
        return rates.clone();
    }

    /**
     * Round trips recorded per run, or 0 when the runs are timed ({@link #durationNs()}).
     *
     * @return the count.
     */
    public long messages()
    {
        return messages;
    }

    /**
     * How long each run lasts when no count is set: at a fixed rate it sets the count (rate times duration), flat
     * out it is a time limit ({@link #timeLimitNs(long)}).
     *
     * @return nanoseconds.
     */
    public long durationNs()
    {
        return durationNs;
    }

    /**
     * Round trips sent flat out and discarded before each run.
     *
     * @return the count.
     */
    public long warmup()
    {
        return warmup;
    }

    /**
     * The idle strategy's name ({@link IdleStrategies}).
     *
     * @return the name.
     */
    public String idle()
    {
        return idle;
    }

    /**
     * The report folder, or null for the default ({@link LatencySuite#defaultReportFolder()}).
     *
     * @return the folder or null.
     */
    public Path report()
    {
        return report;
    }

    /**
     * The CPUs of the pinger's and the ponger's measuring threads, or null for no pinning.
     *
     * @return two CPU numbers, or null.
     */
    public int[] pinCpus()
    {
        return null == pinCpus ? null : pinCpus.clone();
    }

    /**
     * Whether these are the short suite's settings.
     *
     * @return true for the short suite.
     */
    public boolean isShortSuite()
    {
        return shortSuite;
    }

    /**
     * How many times the whole list of cases runs, each case between two core-to-core probes ({@link CoreToCore}):
     * every round after the first runs the cases in the opposite order to the one before, so that a placement the
     * host changes during the suite falls on every case in turn, and two cases are compared within one round.
     *
     * @return at least 1.
     */
    public int rounds()
    {
        return rounds;
    }

    /**
     * Round trips one run records at a rate, or {@link Long#MAX_VALUE} for a run that only time ends.
     *
     * @param rate messages per second, or {@link #FLAT_OUT}.
     * @return the count.
     */
    public long roundsAt(final long rate)
    {
        if (messages > 0)
        {
            return messages;
        }
        if (FLAT_OUT == rate)
        {
            return Long.MAX_VALUE;
        }
        return Math.max(1, rate * durationNs / TimeUnit.SECONDS.toNanos(1));
    }

    /**
     * How long one run may last: none when a count is set; flat out the duration; at a fixed rate twice the
     * duration, so that a run that falls behind its schedule (another busy process on the cores) still ends.
     *
     * @param rate messages per second, or {@link #FLAT_OUT}.
     * @return nanoseconds, 0 for no limit.
     */
    public long timeLimitNs(final long rate)
    {
        if (messages > 0)
        {
            return 0;
        }
        return FLAT_OUT == rate ? durationNs : 2 * durationNs;
    }

    /**
     * Every setting, for the report.
     *
     * @return a line of text.
     */
    @Override
    public String toString()
    {
        return "cases=" + cases + " sizes=" + Arrays.toString(sizes) + " rates=" + Arrays.toString(rates) +
            " messages=" + messages + " durationNs=" + durationNs + " warmup=" + warmup + " idle=" + idle +
            " pinCpus=" + Arrays.toString(pinCpus) + " short=" + shortSuite + " rounds=" + rounds;
    }

    /**
     * Builds a {@link SuiteConfig}. Not thread safe.
     */
    public static final class Builder
    {
        private List<LatencyCase> cases = LatencyCase.defaults();
        private int[] sizes = {64, 256, 1024};
        private long[] rates = {FLAT_OUT, 10_000, 100_000};
        private long messages;
        private long durationNs = TimeUnit.SECONDS.toNanos(10);
        private long warmup = 100_000;
        private String idle = IdleStrategies.BUSY_SPIN;
        private Path report;
        private int[] pinCpus;
        private boolean shortSuite;
        private int rounds = 1;

        /**
         * The full suite's settings: every case that runs by default ({@link LatencyCase#defaults()}), 64, 256 and
         * 1,024 bytes, flat out, 10k/s and 100k/s, 10 s a run after 100,000 warm-up round trips, busy spin, no
         * pinning, the default report folder.
         */
        public Builder()
        {
        }

        /**
         * Switch to the short suite's duration and warm-up (0.5 s a run after 10,000 warm-up round trips; every
         * default case, size and rate still runs), or back to the full suite's.
         *
         * @param shortSuite true for the short suite.
         * @return this.
         */
        public Builder shortSuite(final boolean shortSuite)
        {
            this.shortSuite = shortSuite;
            this.durationNs = shortSuite ? TimeUnit.MILLISECONDS.toNanos(500) : TimeUnit.SECONDS.toNanos(10);
            this.warmup = shortSuite ? 10_000 : 100_000;
            return this;
        }

        /**
         * The cases to run.
         *
         * @param cases at least one case.
         * @return this.
         */
        public Builder cases(final List<LatencyCase> cases)
        {
            if (cases.isEmpty())
            {
                throw new IllegalArgumentException("no cases");
            }
            this.cases = List.copyOf(cases);
            return this;
        }

        /**
         * The message sizes.
         *
         * @param sizes bytes, each from {@link PingLoop#MIN_LENGTH} to {@link LatencySuite#MAX_SIZE}.
         * @return this.
         */
        public Builder sizes(final int... sizes)
        {
            if (0 == sizes.length)
            {
                throw new IllegalArgumentException("no sizes");
            }
            for (final int size : sizes)
            {
                if (size < PingLoop.MIN_LENGTH || size > LatencySuite.MAX_SIZE)
                {
                    throw new IllegalArgumentException("a size must be from " + PingLoop.MIN_LENGTH + " to " +
                        LatencySuite.MAX_SIZE + " bytes: " + size);
                }
            }
            this.sizes = sizes.clone();
            return this;
        }

        /**
         * The offered rates.
         *
         * @param rates messages per second, or {@link #FLAT_OUT}; at most a billion.
         * @return this.
         */
        public Builder rates(final long... rates)
        {
            if (0 == rates.length)
            {
                throw new IllegalArgumentException("no rates");
            }
            for (final long rate : rates)
            {
                if (rate < 0 || rate > TimeUnit.SECONDS.toNanos(1))
                {
                    throw new IllegalArgumentException("a rate must be from 1 to 1000000000 a second, or flat: " +
                        rate);
                }
            }
            this.rates = rates.clone();
            return this;
        }

        /**
         * Record exactly this many round trips per run, instead of running for a duration.
         *
         * @param messages at least 1.
         * @return this.
         */
        public Builder messages(final long messages)
        {
            if (messages < 1)
            {
                throw new IllegalArgumentException("messages must be at least 1: " + messages);
            }
            this.messages = messages;
            return this;
        }

        /**
         * Run each run for this long (see {@link SuiteConfig#durationNs()}); clears a count set before.
         *
         * @param durationNs at least a millisecond.
         * @return this.
         */
        public Builder durationNs(final long durationNs)
        {
            if (durationNs < TimeUnit.MILLISECONDS.toNanos(1))
            {
                throw new IllegalArgumentException("the duration must be at least 1 ms: " + durationNs + " ns");
            }
            this.durationNs = durationNs;
            this.messages = 0;
            return this;
        }

        /**
         * Round trips to discard before each run.
         *
         * @param warmup 0 or more.
         * @return this.
         */
        public Builder warmup(final long warmup)
        {
            if (warmup < 0)
            {
                throw new IllegalArgumentException("warmup must not be negative: " + warmup);
            }
            this.warmup = warmup;
            return this;
        }

        /**
         * The idle strategy of both measuring loops.
         *
         * @param idle a name {@link IdleStrategies} knows.
         * @return this.
         */
        public Builder idle(final String idle)
        {
            this.idle = IdleStrategies.check(idle);
            return this;
        }

        /**
         * The report folder.
         *
         * @param report a folder that does not exist yet (or is empty and owner-only), or null for the default.
         * @return this.
         */
        public Builder report(final Path report)
        {
            this.report = report;
            return this;
        }

        /**
         * Pin the pinger's and the ponger's measuring threads.
         *
         * @param pinCpus two CPU numbers (the same twice shares one core), or null for no pinning.
         * @return this.
         */
        public Builder pinCpus(final int[] pinCpus)
        {
            if (null != pinCpus && (2 != pinCpus.length || pinCpus[0] < 0 || pinCpus[1] < 0))
            {
                throw new IllegalArgumentException("--pin-cpus takes two CPU numbers, e.g. 0,1");
            }
            this.pinCpus = null == pinCpus ? null : pinCpus.clone();
            return this;
        }

        /**
         * Run the whole list of cases this many times ({@link SuiteConfig#rounds()}).
         *
         * @param rounds at least 1.
         * @return this.
         */
        public Builder rounds(final int rounds)
        {
            if (rounds < 1)
            {
                throw new IllegalArgumentException("rounds must be at least 1: " + rounds);
            }
            this.rounds = rounds;
            return this;
        }

        /**
         * The settings.
         *
         * @return a new config.
         */
        public SuiteConfig build()
        {
            return new SuiteConfig(this);
        }
    }
}
