package io.bastion.bench.latency;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The cross-process round-trip latency suite. For each case it sets the transport up in this process (the pinger),
 * starts a ponger process on the same class path that echoes every message, and runs every message size at every
 * offered rate: warm-up round trips first (discarded), then the measured ones ({@link PingLoop}), each recorded from
 * its intended send time in an HdrHistogram. Each case runs between two core-to-core probes ({@link CoreToCore}),
 * taken while its ponger is not running, and the whole list of cases can run several rounds, every other one in
 * reverse order ({@link SuiteConfig#rounds()}): on a VM whose vCPUs the host moves, the placement can change from one
 * case to the next, and only cases that ran with the same placement compare. The report ({@link ReportWriter}) holds
 * every histogram, a JSON summary with the machine's facts and each case's probes, and one chart.
 * <p>
 * {@code java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED
 * --add-opens=java.base/sun.security.provider=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -cp CP
 * io.bastion.bench.latency.LatencySuite [options]} runs it; {@link SuiteOptions} lists the options, and
 * {@code bastion bench} runs the short suite.
 */
public final class LatencySuite
{
    /** The largest message size the suite sends. */
    public static final int MAX_SIZE = 16 * 1024;
    /** How long one echo may take before the run fails. */
    public static final long STALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private static final long READY_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(60);
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final String PINGER_THREAD = "bastion-pinger";
    private static final DateTimeFormatter STAMP =
        DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final SuiteConfig config;
    private final PrintWriter progress;
    private final List<RunResult> results = new ArrayList<>();
    private int runIndex;

    /**
     * What a suite run produced.
     *
     * @param folder  the report folder.
     * @param facts   the machine.
     * @param results every run, in the order run.
     * @param table   the summary table.
     */
    public record Report(Path folder, MachineFacts facts, List<RunResult> results, String table)
    {
    }

    private LatencySuite(final SuiteConfig config, final PrintWriter progress)
    {
        this.config = config;
        this.progress = progress;
    }

    /**
     * Run the suite from the command line: the table on stdout, progress on stderr.
     *
     * @param args options, see {@link SuiteOptions}.
     */
    public static void main(final String[] args)
    {
        final SuiteConfig config;
        try
        {
            config = SuiteOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("latency suite: " + ex.getMessage());
            System.err.println(SuiteOptions.USAGE);
            System.exit(2);
            return;
        }
        if (null == config)
        {
            System.out.println(SuiteOptions.USAGE);
            return;
        }
        try
        {
            final Report report = run(config, new PrintWriter(System.err, true));
            System.out.print(report.table());
            System.out.println("report   " + report.folder().toAbsolutePath());
        }
        catch (final Exception ex)
        {
            System.err.println("latency suite: " + ex.getMessage());
            if (null != System.getenv("BASTION_DEBUG"))
            {
                ex.printStackTrace();
            }
            System.exit(1);
        }
    }

    /**
     * The default report folder: {@code bench-report-<UTC time>} in the working folder.
     *
     * @return the path.
     */
    public static Path defaultReportFolder()
    {
        return Path.of("bench-report-" + STAMP.format(Instant.now()));
    }

    /**
     * Run the suite and write its report.
     *
     * @param config   the settings.
     * @param progress where to say what runs now, one line per run (flushed after each).
     * @return what it measured and where the report is.
     * @throws Exception if a case cannot be set up, a ponger fails, an echo is missing or altered, or the report
     *                   cannot be written.
     */
    public static Report run(final SuiteConfig config, final PrintWriter progress) throws Exception
    {
        final Path folder = null == config.report() ? defaultReportFolder() : config.report();
        final ReportWriter writer = ReportWriter.create(folder);
        final MachineFacts facts = MachineFacts.probe();
        progress.printf(Locale.ROOT, "machine  %s, %d CPUs, %s; core-to-core round trip %.0f ns (median)%n",
            facts.cpuModel(), facts.cpus(), facts.jdk(), facts.coreToCoreMedian());
        final String pinning = null == config.pinCpus() ? null : ThreadAffinity.unavailableReason();
        if (null != pinning)
        {
            progress.println("pinning  off: " + pinning);
        }
        progress.flush();
        final LatencySuite suite = new LatencySuite(config, progress);
        for (int round = 1; round <= config.rounds(); round++)
        {
            final List<LatencyCase> cases = new ArrayList<>(config.cases());
            if (0 == round % 2)
            {
                Collections.reverse(cases);
            }
            if (config.rounds() > 1)
            {
                progress.printf(Locale.ROOT, "round %d/%d%n", round, config.rounds());
            }
            // A folder per round: a case's files keep their names from one round to the next.
            try (SharedFolder shared = SharedFolder.create())
            {
                for (final LatencyCase latencyCase : cases)
                {
                    suite.runCase(latencyCase, round, shared, null == pinning);
                }
            }
        }
        writer.write(config, facts, suite.results);
        return new Report(writer.folder(), facts, List.copyOf(suite.results), ReportWriter.table(facts, suite.results));
    }

    private void runCase(final LatencyCase latencyCase, final int round, final SharedFolder shared, final boolean pin)
            throws Exception
    {
        final int[] cpus = pin && null != config.pinCpus() ? config.pinCpus() : null;
        final int pingerCpu = null == cpus ? MeasuringThread.NO_CPU : cpus[0];
        final int pongerCpu = null == cpus ? MeasuringThread.NO_CPU : cpus[1];
        // Probed while nothing of the case runs: the ponger busy-spins on its CPU from its start to its stop. With
        // both measuring threads on one CPU the probe is left unpinned: two spinning threads on one CPU would measure
        // the scheduler.
        final CorePlacement placement = null == cpus || cpus[0] == cpus[1] ?
            CorePlacement.UNPINNED : CorePlacement.parse(cpus[0] + "/" + cpus[1]);
        final double beforeNs = CoreToCore.probeNanos(placement);
        final List<Run> runs;
        try (CaseTransport transport = latencyCase.open(shared);
            PongerProcess ponger = PongerProcess.start(
                latencyCase, shared, transport, config.idle(), pongerCpu, READY_TIMEOUT_MS))
        {
            awaitConnected(latencyCase, transport.pinger(), ponger);
            runs = MeasuringThread.call(PINGER_THREAD, pingerCpu, () -> measure(latencyCase, transport.pinger()));
            final long sent = runs.stream().mapToLong(Run::sent).sum();
            final long echoed = ponger.stop();
            if (echoed != sent)
            {
                throw new IllegalStateException(latencyCase.label() + ": " + sent + " pings sent but the ponger " +
                    "echoed " + echoed);
            }
        }
        final CoreToCore coreToCore = new CoreToCore(beforeNs, CoreToCore.probeNanos(placement));
        progress.printf(Locale.ROOT, "  core-to-core round trip %.0f ns before %s, %.0f ns after%n",
            coreToCore.beforeNs(), latencyCase.label(), coreToCore.afterNs());
        progress.flush();
        for (final Run run : runs)
        {
            results.add(new RunResult(latencyCase, run.size(), run.rate(), round, coreToCore, run.histogram()));
        }
    }

    /**
     * One run's measurements, before the case's placement is known.
     *
     * @param size      bytes of each message.
     * @param rate      offered messages per second, or {@link SuiteConfig#FLAT_OUT}.
     * @param histogram the recorded round trips.
     * @param sent      round trips sent, warm-up included.
     */
    private record Run(int size, long rate, Histogram histogram, long sent)
    {
    }

    private static void awaitConnected(final LatencyCase latencyCase, final Duplex pinger, final PongerProcess ponger)
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!pinger.isConnected())
        {
            pinger.doWork();
            if (!ponger.isAlive())
            {
                throw new IllegalStateException(latencyCase.label() + ": the ponger ended: " + ponger.stderr());
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException(latencyCase.label() + ": not connected within 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * Every size at every rate over one transport, on the measuring thread.
     *
     * @return every run, in the order run.
     */
    private List<Run> measure(final LatencyCase latencyCase, final Duplex pinger)
    {
        final int totalRuns = config.rounds() * config.cases().size() * config.sizes().length * config.rates().length;
        final int maxSize = maxOf(config.sizes());
        final IdleStrategy idle = IdleStrategies.of(config.idle());
        final PingLoop loop = new PingLoop(pinger, SystemNanoClock.INSTANCE, idle, maxSize, STALL_TIMEOUT_NS);
        final List<Run> runs = new ArrayList<>();
        for (final int size : config.sizes())
        {
            for (final long rate : config.rates())
            {
                runIndex++;
                progress.printf(Locale.ROOT, "case %d/%d %s %d B %s ...%n", runIndex, totalRuns,
                    latencyCase.label(), size, RunResult.rateLabel(rate));
                progress.flush();
                // Both allocated before the loops run: the measured loop allocates nothing.
                final Histogram histogram = PingLoop.newHistogram();
                final long intervalNs = SuiteConfig.FLAT_OUT == rate ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
                final long warmedUp = loop.run(size, config.warmup(), 0, 0, null);
                final long rounds = config.roundsAt(rate);
                final long recorded = loop.run(size, rounds, intervalNs, config.timeLimitNs(rate), histogram);
                if (SuiteConfig.FLAT_OUT != rate && recorded < rounds)
                {
                    progress.printf(Locale.ROOT, "  stopped after %d of %d round trips: the run fell behind its " +
                        "schedule (is something else busy on this machine?)%n", recorded, rounds);
                    progress.flush();
                }
                runs.add(new Run(size, rate, histogram, warmedUp + recorded));
            }
        }
        return runs;
    }

    private static int maxOf(final int[] values)
    {
        int max = 0;
        for (final int value : values)
        {
            max = Math.max(max, value);
        }
        return max;
    }
}
