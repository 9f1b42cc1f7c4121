package io.bastion.tools.bench;

import io.bastion.bench.latency.IdleStrategies;
import io.bastion.bench.latency.LatencyCase;
import io.bastion.bench.latency.LatencySuite;
import io.bastion.bench.latency.SuiteConfig;
import io.bastion.bench.latency.SuiteOptions;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bastion bench}: the cross-process round-trip latency suite ({@link LatencySuite}), short by default, with its
 * report in an owner-only folder. Progress goes to stderr; the table and the report's place to stdout.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    header = "Measure round-trip latency between two processes: Bastion beside Agrona's ring and Aeron IPC.",
    description = {
        "Runs the latency suite: for each case (bastion-sealed, -encrypted, -batched, bastion-plain, agrona, " +
            "aeron-ipc) this process sets the transport up and starts a second process that echoes every " +
            "message; every message size runs flat out and at each offered rate, after warm-up round trips " +
            "that are discarded. Each round trip is recorded in an HdrHistogram from its intended send time " +
            "(no coordinated omission).",
        "",
        "By default the short suite (every case, 64, 256 and 1,024 bytes, flat out, 10k/s and 100k/s, 0.5 s a " +
            "run; about a minute on an idle machine); --full runs 10 s a run. The bridge and aeron-udp cases (the " +
            "bridge over Aeron UDP beside raw Aeron UDP, a media driver in each process) run only when named with " +
            "--cases: each driver needs a core beside the two measuring threads. Figures from a machine where other " +
            "work shares the cores describe that machine, not the library.",
        "",
        "The report folder (created 0700, every file 0600) holds one .hgrm file per run, summary.json (the " +
            "machine's CPU, core count, JDK and core-to-core round trip, the settings and every run's percentiles), " +
            "summary.txt and latency.svg (every run's percentile curve)."
    })
public final class BenchCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--full", description = "The full suite: 10 s a run after 100,000 warm-up round trips.")
    private boolean full;

    @Option(names = "--cases", split = ",", paramLabel = "CASE",
        description = "Cases to run, of bastion-sealed, bastion-encrypted, bastion-batched, bastion-plain, agrona, " +
            "aeron-ipc, bridge, aeron-udp (default: all but bridge and aeron-udp).")
    private List<String> cases;

    @Option(names = "--sizes", split = ",", paramLabel = "BYTES",
        description = "Message sizes (default: 64,256,1024).")
    private int[] sizes;

    @Option(names = "--rates", split = ",", paramLabel = "RATE",
        description = "Offered messages a second, e.g. 10k, or flat (default: flat,10k,100k).")
    private List<String> rates;

    @Option(names = "--duration", paramLabel = "TIME",
        description = "Each run's length, e.g. 500ms or 10s; at a fixed rate it sets the count.")
    private String duration;

    @Option(names = "--messages", paramLabel = "N", description = "Round trips each run records, not a duration.")
    private Long messages;

    @Option(names = "--warmup", paramLabel = "N", description = "Round trips discarded before each run.")
    private Long warmup;

    @Option(names = "--idle", paramLabel = "NAME", defaultValue = IdleStrategies.BUSY_SPIN,
        description = "Idle strategy of both loops: busy-spin, yield or backoff (default: ${DEFAULT-VALUE}).")
    private String idle;

    @Option(names = "--pin-cpus", split = ",", paramLabel = "CPU",
        description = "Pin the pinger's and the ponger's measuring threads to two CPUs, e.g. 0,1: two hyperthreads " +
            "of one core for the near placement, two cores for the far one; ignored on a machine with one CPU.")
    private int[] pinCpus;

    @Option(names = "--report", paramLabel = "DIR",
        description = "Report folder, new or empty, created 0700 (default: ./bench-report-<UTC time>).")
    private Path report;

    private BenchCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws Exception
    {
        final SuiteConfig config = config();
        final PrintWriter out = spec.commandLine().getOut();
        final LatencySuite.Report result;
        try
        {
            result = LatencySuite.run(config, spec.commandLine().getErr());
        }
        catch (final IllegalStateException ex)
        {
            throw new CommandFailure("the latency suite failed: " + ex.getMessage());
        }
        out.print(result.table());
        out.println("report   " + result.folder().toAbsolutePath());
        out.flush();
        return ExitCodes.OK;
    }

    private SuiteConfig config()
    {
        try
        {
            final SuiteConfig.Builder builder = new SuiteConfig.Builder().shortSuite(!full).idle(idle).report(
                null == report ? LatencySuite.defaultReportFolder() : report);
            if (null != cases)
            {
                final List<LatencyCase> chosen = new ArrayList<>();
                for (final String label : cases)
                {
                    chosen.add(LatencyCase.of(label));
                }
                builder.cases(chosen);
            }
            if (null != sizes)
            {
                builder.sizes(sizes);
            }
            if (null != rates)
            {
                builder.rates(rates.stream().mapToLong(SuiteOptions::rate).toArray());
            }
            if (null != duration)
            {
                builder.durationNs(SuiteOptions.durationNs(duration));
            }
            if (null != messages)
            {
                builder.messages(messages);
            }
            if (null != warmup)
            {
                builder.warmup(warmup);
            }
            return builder.pinCpus(pinCpus).build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
    }
}
