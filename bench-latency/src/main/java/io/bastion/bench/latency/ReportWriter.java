package io.bastion.bench.latency;

import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Writes a suite's report into an owner-only folder ({@code 0700}, every file {@code 0600}): one {@code .hgrm} file
 * per run (HdrHistogram's percentile distribution, in microseconds), {@value #SUMMARY_JSON} (the machine, the
 * settings and every run's percentiles), {@value #SUMMARY_TEXT} (the same as a table) and {@value #CHART} (every
 * run's percentile curve).
 */
final class ReportWriter
{
    /** The JSON summary's file name. */
    static final String SUMMARY_JSON = "summary.json";
    /** The text table's file name. */
    static final String SUMMARY_TEXT = "summary.txt";
    /** The chart's file name. */
    static final String CHART = "latency.svg";

    private static final double NANOS_PER_MICRO = 1000.0;

    private final Path folder;
    private final OwnerOnlyFiles files;

    private ReportWriter(final Path folder, final OwnerOnlyFiles files)
    {
        this.folder = folder;
        this.files = files;
    }

    /**
     * Create the report folder: a new one, or an existing empty owner-only one.
     *
     * @param folder the folder; its parent must exist.
     * @return the writer.
     * @throws IOException if it exists and is not empty or not owner-only, or cannot be created.
     */
    static ReportWriter create(final Path folder) throws IOException
    {
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        files.ensureDirectory(folder);
        try (Stream<Path> entries = Files.list(folder))
        {
            if (entries.findAny().isPresent())
            {
                throw new IOException("the report folder is not empty: " + folder);
            }
        }
        return new ReportWriter(folder, files);
    }

    /**
     * The report folder.
     *
     * @return its path.
     */
    Path folder()
    {
        return folder;
    }

    /**
     * Write every file of the report.
     *
     * @param config  the settings.
     * @param facts   the machine.
     * @param results every run, in the order run.
     * @throws IOException if a file cannot be written.
     */
    void write(final SuiteConfig config, final MachineFacts facts, final List<RunResult> results) throws IOException
    {
        for (final RunResult result : results)
        {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
            {
                result.histogram().outputPercentileDistribution(out, NANOS_PER_MICRO);
            }
            writeFile(result.name() + ".hgrm", bytes.toByteArray());
        }
        writeFile(SUMMARY_JSON, json(config, facts, results).getBytes(StandardCharsets.UTF_8));
        writeFile(SUMMARY_TEXT, table(facts, results).getBytes(StandardCharsets.UTF_8));
        writeFile(CHART, new PercentileChart(config.cases(), config.sizes(), config.rates(), results)
            .svg("Round-trip latency, intended send time to echo received (" + facts.cpuModel() + ", " +
                facts.cpus() + " CPUs, core-to-core " + String.format(Locale.ROOT, "%.0f", facts.coreToCoreMedian()) +
                " ns)").getBytes(StandardCharsets.UTF_8));
    }

    private void writeFile(final String name, final byte[] content) throws IOException
    {
        try (FileChannel channel = files.createFile(folder.resolve(name)))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
        }
    }

    /**
     * The JSON summary.
     *
     * @param config  the settings.
     * @param facts   the machine.
     * @param results every run.
     * @return the document.
     */
    static String json(final SuiteConfig config, final MachineFacts facts, final List<RunResult> results)
    {
        final JsonWriter json = new JsonWriter().beginObject(null);
        json.string("suite", "bastion latency").string("startedAt", facts.startedAt().toString());
        json.beginObject("machine")
            .string("cpuModel", facts.cpuModel())
            .number("cpus", facts.cpus())
            .string("jdk", facts.jdk())
            .string("vm", facts.vm())
            .string("os", facts.os())
            .number("coreToCoreMedianNs", facts.coreToCoreMedian())
            .beginArray("coreToCoreSamplesNs");
        for (final double sample : facts.coreToCoreNanos())
        {
            json.number(null, Math.round(sample * 10) / 10.0);
        }
        json.endArray().endObject();
        settings(json, config);
        json.beginArray("runs");
        for (final RunResult result : results)
        {
            json.beginObject(null)
                .string("case", result.latencyCase().label())
                .number("sizeBytes", result.size())
                .string("rate", result.rateLabel())
                .number("ratePerSecond", result.rate())
                .number("round", result.round())
                .number("coreToCoreBeforeNs", Math.round(result.coreToCore().beforeNs() * 10) / 10.0)
                .number("coreToCoreAfterNs", Math.round(result.coreToCore().afterNs() * 10) / 10.0)
                .number("count", result.histogram().getTotalCount())
                .number("p50Us", result.micros(50))
                .number("p90Us", result.micros(90))
                .number("p99Us", result.micros(99))
                .number("p999Us", result.micros(99.9))
                .number("p9999Us", result.micros(99.99))
                .number("maxUs", result.maxMicros())
                .number("meanUs", Math.round(result.histogram().getMean()) / NANOS_PER_MICRO)
                .string("hgrm", result.name() + ".hgrm")
                .endObject();
        }
        return json.endArray().endObject().text();
    }

    private static void settings(final JsonWriter json, final SuiteConfig config)
    {
        json.beginObject("settings")
            .bool("short", config.isShortSuite())
            .number("messages", config.messages())
            .number("durationMs", config.durationNs() / 1_000_000.0)
            .number("warmup", config.warmup())
            .string("idle", config.idle())
            .string("pinCpus", null == config.pinCpus() ? null : config.pinCpus()[0] + "," + config.pinCpus()[1])
            .number("rounds", config.rounds())
            .string("latencyFrom", "intended send time (start + i * interval at a fixed rate; send time flat out)")
            .string("units", "microseconds");
        json.beginArray("cases");
        for (final LatencyCase latencyCase : config.cases())
        {
            json.string(null, latencyCase.label());
        }
        json.endArray().beginArray("sizes");
        for (final int size : config.sizes())
        {
            json.number(null, size);
        }
        json.endArray().beginArray("rates");
        for (final long rate : config.rates())
        {
            json.string(null, RunResult.rateLabel(rate));
        }
        json.endArray().endObject();
    }

    /**
     * The summary table, as the suite prints it.
     *
     * @param facts   the machine.
     * @param results every run.
     * @return the text.
     */
    static String table(final MachineFacts facts, final List<RunResult> results)
    {
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "machine  %s, %d CPUs, %s; core-to-core round trip %.0f ns " +
            "(median of %d)%n", facts.cpuModel(), facts.cpus(), facts.jdk(), facts.coreToCoreMedian(),
            facts.coreToCoreNanos().length));
        final boolean rounds = results.stream().anyMatch(result -> result.round() > 1);
        text.append(String.format(Locale.ROOT, "%s%-15s %6s %10s %9s %9s %9s %9s %9s %9s %9s %9s%n",
            rounds ? "round " : "", "case", "bytes", "rate", "count", "p50 us", "p90 us", "p99 us", "p99.9 us",
            "p99.99 us", "max us", "c2c ns"));
        for (final RunResult result : results)
        {
            text.append(String.format(Locale.ROOT, "%s%-15s %6d %10s %9d %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9s%n",
                rounds ? String.format(Locale.ROOT, "%5d ", result.round()) : "",
                result.latencyCase().label(), result.size(), result.rateLabel(), result.histogram().getTotalCount(),
                result.micros(50), result.micros(90), result.micros(99), result.micros(99.9), result.micros(99.99),
                result.maxMicros(), result.coreToCore().describe()));
        }
        text.append("c2c ns: the core-to-core round trip just before and just after the case, with the case's " +
            "placement").append(System.lineSeparator());
        return text.toString();
    }
}
