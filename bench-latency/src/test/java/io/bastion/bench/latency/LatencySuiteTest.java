package io.bastion.bench.latency;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole suite in a tiny configuration, across real processes: every case, one size, flat out and at a fixed rate,
 * a few thousand round trips each. It checks what the report holds and how it is protected, never a timing. The
 * loops yield rather than spin, so that the test stays short when other work shares the cores (two spinning threads
 * beside two busy ones wait a scheduler slice per round trip).
 */
class LatencySuiteTest
{
    private static final int MESSAGES = 1_000;
    private static final String[] PERCENTILE_KEYS = {"p50Us", "p90Us", "p99Us", "p999Us", "p9999Us", "maxUs"};

    @TempDir
    Path temp;

    @Test
    @SuppressWarnings("unchecked")
    void everyCaseRunsAcrossProcessesAndTheReportIsComplete() throws Exception
    {
        final Path folder = temp.resolve("report");
        final SuiteConfig config = SuiteOptions.parse("--cases", LatencyCase.labels(), "--sizes", "64",
            "--rates", "flat,20k", "--messages", Integer.toString(MESSAGES), "--warmup", "200",
            "--idle", IdleStrategies.YIELD, "--report", folder.toString());
        final StringWriter progressText = new StringWriter();
        final LatencySuite.Report report = LatencySuite.run(config, new PrintWriter(progressText));
        final String progress = progressText.toString();
        final int runCount = 2 * LatencyCase.values().length;
        assertTrue(progress.contains("case 1/" + runCount + " bastion-sealed 64 B flat-out ..."), progress);
        final LatencyCase last = LatencyCase.values()[LatencyCase.values().length - 1];
        assertTrue(progress.contains("case " + runCount + "/" + runCount + " " + last.label() + " 64 B 20000/s ..."),
            progress);
        assertEquals(runCount, report.results().size());

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        try (Stream<Path> files = Files.list(folder))
        {
            for (final Path file : files.toList())
            {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                    file.toString());
            }
        }

        final Map<String, Object> summary = (Map<String, Object>)MiniJson.parse(
            Files.readString(folder.resolve(ReportWriter.SUMMARY_JSON), StandardCharsets.UTF_8));
        final Map<String, Object> machine = (Map<String, Object>)summary.get("machine");
        assertFalse(((String)machine.get("cpuModel")).isEmpty());
        assertTrue((Double)machine.get("cpus") >= 1);
        assertTrue(((String)machine.get("jdk")).contains(System.getProperty("java.runtime.version")));
        assertTrue((Double)machine.get("coreToCoreMedianNs") > 0);
        assertEquals(CoreToCoreProbe.SAMPLES, ((List<Object>)machine.get("coreToCoreSamplesNs")).size());

        final List<Object> runs = (List<Object>)summary.get("runs");
        assertEquals(runCount, runs.size());
        for (final Object item : runs)
        {
            final Map<String, Object> run = (Map<String, Object>)item;
            assertEquals(MESSAGES, ((Double)run.get("count")).longValue(), run.toString());
            assertEquals(64.0, run.get("sizeBytes"));
            double previous = 0;
            for (final String key : PERCENTILE_KEYS)
            {
                final double value = (Double)run.get(key);
                assertTrue(value > 0, key + " of " + run);
                assertTrue(value >= previous, key + " decreases in " + run);
                previous = value;
            }
            checkHgrm(folder.resolve((String)run.get("hgrm")));
            assertEquals(1.0, run.get("round"), run.toString());
            assertTrue((Double)run.get("coreToCoreBeforeNs") > 0, run.toString());
            assertTrue((Double)run.get("coreToCoreAfterNs") > 0, run.toString());
        }
        for (final LatencyCase latencyCase : LatencyCase.values())
        {
            assertEquals(2, runs.stream().filter(run ->
                latencyCase.label().equals(((Map<String, Object>)run).get("case"))).count(), latencyCase.label());
        }

        final String svg = Files.readString(folder.resolve(ReportWriter.CHART), StandardCharsets.UTF_8);
        assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), svg);
        assertTrue(svg.strip().endsWith("</svg>"));
        assertEquals(2 * LatencyCase.values().length, count(svg, "<path class=\"curve\""));
        for (final LatencyCase latencyCase : LatencyCase.values())
        {
            assertEquals(2, count(svg, "class=\"curve\" data-case=\"" + latencyCase.label() + "\""));
        }
        final String table = Files.readString(folder.resolve(ReportWriter.SUMMARY_TEXT));
        for (final LatencyCase latencyCase : LatencyCase.values())
        {
            assertTrue(table.contains(latencyCase.label()), latencyCase.label() + " missing from " + table);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void roundsRunTheCasesAgainInTurnEachBetweenTwoProbes() throws Exception
    {
        final Path folder = temp.resolve("rounds");
        final SuiteConfig config = SuiteOptions.parse("--cases", "bastion-plain,agrona", "--sizes", "64",
            "--rates", "flat", "--messages", Integer.toString(MESSAGES), "--warmup", "200",
            "--idle", IdleStrategies.YIELD, "--rounds", "2", "--report", folder.toString());
        final StringWriter progressText = new StringWriter();
        final LatencySuite.Report report = LatencySuite.run(config, new PrintWriter(progressText));
        final String progress = progressText.toString();

        // The second round runs the cases in the opposite order, so the last case of one round is the first of the
        // next and neither case always runs first.
        final List<String> order = report.results().stream()
            .map(result -> result.round() + " " + result.latencyCase().label()).toList();
        assertEquals(List.of("1 bastion-plain", "1 agrona", "2 agrona", "2 bastion-plain"), order);
        assertTrue(progress.contains("round 2/2"), progress);
        assertTrue(progress.contains("case 4/4 bastion-plain 64 B flat-out ..."), progress);
        assertEquals(4, count(progress, "  core-to-core round trip "), progress);
        for (final RunResult result : report.results())
        {
            assertTrue(result.coreToCore().beforeNs() > 0 && result.coreToCore().afterNs() > 0, result.toString());
            assertEquals(MESSAGES, result.histogram().getTotalCount());
        }

        final Map<String, Object> summary = (Map<String, Object>)MiniJson.parse(
            Files.readString(folder.resolve(ReportWriter.SUMMARY_JSON), StandardCharsets.UTF_8));
        assertEquals(2.0, ((Map<String, Object>)summary.get("settings")).get("rounds"));
        final List<Object> runs = (List<Object>)summary.get("runs");
        assertEquals(4, runs.size());
        for (final Object item : runs)
        {
            final Map<String, Object> run = (Map<String, Object>)item;
            final String hgrm = (String)run.get("hgrm");
            assertEquals(2.0 == (Double)run.get("round"), hgrm.endsWith("-r2.hgrm"), hgrm);
            checkHgrm(folder.resolve(hgrm));
        }
        final String svg = Files.readString(folder.resolve(ReportWriter.CHART), StandardCharsets.UTF_8);
        assertEquals(2, count(svg, "data-round=\"2\""));
        final String table = Files.readString(folder.resolve(ReportWriter.SUMMARY_TEXT));
        assertTrue(table.contains("round case"), table);
        assertEquals(report.table(), table);
    }

    private static void checkHgrm(final Path file) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue(text.contains("Percentile TotalCount 1/(1-Percentile)"), text);
        final Matcher total = Pattern.compile("#\\[Max +=  *([0-9.]+), Total count +=  *([0-9]+)\\]").matcher(text);
        assertTrue(total.find(), text);
        assertTrue(Double.parseDouble(total.group(1)) > 0);
        assertEquals(MESSAGES, Long.parseLong(total.group(2)));
        double previous = 0;
        for (final String line : text.split("\n"))
        {
            final String[] fields = line.strip().split(" +");
            if (4 == fields.length && !line.startsWith("#") && Character.isDigit(fields[0].charAt(0)))
            {
                final double value = Double.parseDouble(fields[0]);
                assertTrue(value > 0 && value >= previous, line);
                previous = value;
            }
        }
    }

    private static int count(final String text, final String part)
    {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1))
        {
            count++;
        }
        return count;
    }
}
