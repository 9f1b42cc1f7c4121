package io.bastion.ringbuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Polls scribbled rings a million times in a child JVM with Agrona's bounds checks disabled: a clean
 * exit proves the bounds are the rings' own, not Agrona's.
 */
class HostileWriterChildJvmTest
{
    private static final long POLLS = 1_000_000;
    private static final long TIMEOUT_SECONDS = 90;

    @Test
    void scribbledRingsArePolledAMillionTimesWithoutAgronaBoundsChecks(@TempDir final Path dir)
            throws IOException, InterruptedException
    {
        final String classPath = System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path"));
        final Path output = dir.resolve("poller.out");
        // Bounds checks are off in this one child only, which runs nothing but the rings (this module sees neither
        // codec nor security): it proves the rings' own checks suffice. No production or other test JVM sets it.
        final ProcessBuilder builder = new ProcessBuilder(
            System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Dagrona.disable.bounds.checks=true",
            "-Xmx256m",
            "-cp", classPath,
            ScribbledRingPoller.class.getName(),
            Long.toString(POLLS),
            "20261127")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
        final Process process = builder.start();
        try
        {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                fail("child JVM did not finish in " + TIMEOUT_SECONDS + " s: " + read(output));
            }
        }
        finally
        {
            if (process.isAlive())
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }

        final String out = read(output);
        assertEquals(0, process.exitValue(), out);
        final List<String> summary = out.lines().filter((line) -> line.startsWith(ScribbledRingPoller.SUMMARY))
            .toList();
        assertEquals(1, summary.size(), out);
        final String line = summary.get(0);
        System.out.println("child JVM: " + line);
        assertTrue(line.contains("boundsChecks=false"), line);
        assertEquals(POLLS, number(line, "polls"), line);
        assertTrue(number(line, "corruptOneToOne") > 1000, "one-to-one faults detected: " + line);
        assertTrue(number(line, "corruptManyToOne") > 1000, "many-to-one faults detected: " + line);
        assertTrue(number(line, "records") > POLLS / 10, "records delivered between scribbles: " + line);
    }

    private static String read(final Path output) throws IOException
    {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    private static long number(final String line, final String name)
    {
        final Matcher matcher = Pattern.compile("\\b" + name + "=(\\d+)").matcher(line);
        assertTrue(matcher.find(), name + " in " + line);
        return Long.parseLong(matcher.group(1));
    }
}
