package io.bastion.ringbuffer;

import io.bastion.test.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        // Bounds checks are off in this one child only, which runs nothing but the rings (this module sees neither
        // codec nor security): it proves the rings' own checks suffice. No production or other test JVM sets it.
        final ChildJvm.Result result = ChildJvm.launch(dir, "poller", ScribbledRingPoller.class)
            .jvmOptions("-Dagrona.disable.bounds.checks=true", "-Xmx256m")
            .classPath(classPath)
            .args(Long.toString(POLLS), "20261127")
            .run("", TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));

        final String out = result.toString();
        assertEquals(0, result.exitCode(), out);
        final List<String> summary = result.stdout().lines()
            .filter((line) -> line.startsWith(ScribbledRingPoller.SUMMARY)).toList();
        assertEquals(1, summary.size(), out);
        final String line = summary.get(0);
        System.out.println("child JVM: " + line);
        assertTrue(line.contains("boundsChecks=false"), line);
        assertEquals(POLLS, number(line, "polls"), line);
        assertTrue(number(line, "corruptOneToOne") > 1000, "one-to-one faults detected: " + line);
        assertTrue(number(line, "corruptManyToOne") > 1000, "many-to-one faults detected: " + line);
        assertTrue(number(line, "records") > POLLS / 10, "records delivered between scribbles: " + line);
    }

    private static long number(final String line, final String name)
    {
        final Matcher matcher = Pattern.compile("\\b" + name + "=(\\d+)").matcher(line);
        assertTrue(matcher.find(), name + " in " + line);
        return Long.parseLong(matcher.group(1));
    }
}
