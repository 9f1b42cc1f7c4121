package io.bastion.tools.demo;

import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest
{
    @TempDir
    Path dir;

    @Test
    void everyFrameIsVerifiedAndTheSummaryShowsThroughputAndLatency() throws Exception
    {
        final Path folder = dir.resolve("broker");

        final ChildJvm.Result result = BastionProcess.run(dir, "demo", "--dir", folder.toString(),
            "--messages", "20000", "--pings", "200");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        assertTrue(out.contains("\nsent        20,000 frames of 64 bytes\n"), result::toString);
        assertTrue(out.contains("\nverified    20,000 (every payload byte checked, in order)\n"), result::toString);
        assertTrue(out.contains("\nrejected    0\n"), result::toString);
        assertTrue(out.matches("(?s).*\nthroughput  [0-9,]+ messages/s, [0-9,.]+ MB/s of payload .*"),
            result::toString);
        assertTrue(out.matches("(?s).*\nlatency     round trip in (\u00b5s|us) over 200 pings: p50 [0-9,.]+, " +
            "p90 [0-9,.]+, p99 [0-9,.]+, p99\\.9 [0-9,.]+, max [0-9,.]+\n.*"), result::toString);
        assertTrue(out.contains("\nOK          every frame verified, every ping came back\n"), result::toString);
        assertFalse(out.contains("\r"), "plain lines when stdout is not a terminal: " + result);
        assertEquals("", result.stderr());
        assertCleanedUp(folder);
    }

    @Test
    void tamperingIsRefusedAndQuarantinedWhileTheGoodStreamVerifies() throws Exception
    {
        final Path folder = dir.resolve("broker");

        final ChildJvm.Result result = BastionProcess.run(dir, "demo", "--tamper", "--dir", folder.toString(),
            "--messages", "20000", "--pings", "100", "--size", "100");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        assertTrue(out.contains("\nhostile     edited its token to add the subscribe right: refused by the broker " +
            "with INVALID_TOKEN\n"), result::toString);
        for (final String reason : List.of("BAD_TAG", "UNKNOWN_KEY", "UNAUTHORIZED", "TOO_SHORT"))
        {
            assertTrue(out.contains("\nsubscriber  rejected a frame: " + reason + " (source "), reason + ": " + result);
        }
        assertTrue(out.matches("(?s).*\nsubscriber  quarantined source [0-9]+ after [0-9]+ rejections within " +
            "10 s: its ring is no longer read\n.*"), result::toString);
        assertTrue(out.contains(" forged frames; its ring is no longer read\n"), result::toString);
        assertTrue(out.contains("\nverified    20,000 (every payload byte checked, in order)\n"), result::toString);
        assertTrue(out.matches("(?s).*\nrejected    [0-9,]+, all from source [0-9]+: BAD_TAG [0-9,]+, " +
            "UNKNOWN_KEY 4, UNAUTHORIZED [0-9]+, .*"), result::toString);
        assertTrue(out.contains("\nOK          every frame verified, every ping came back, every forgery refused\n"),
            result::toString);
        assertCleanedUp(folder);
    }

    @Test
    void valuesOutOfRangeAreUsageErrors() throws Exception
    {
        final Path folder = dir.resolve("broker");

        final ChildJvm.Result small = BastionProcess.run(dir, "demo", "--dir", folder.toString(),
            "--size", "8");

        assertEquals(ExitCodes.USAGE, small.exitCode(), small::toString);
        assertTrue(small.stderr().startsWith("bastion: --size must be from 16 to 65536: 8\n"), small::toString);

        final ChildJvm.Result none = BastionProcess.run(dir, "demo", "--dir", folder.toString(),
            "--messages", "0");

        assertEquals(ExitCodes.USAGE, none.exitCode(), none::toString);
        assertFalse(Files.exists(folder), "nothing started: " + none);
    }

    private static void assertCleanedUp(final Path folder) throws Exception
    {
        try (Stream<Path> files = Files.list(folder))
        {
            final List<String> left = files.map((file) -> file.getFileName().toString()).sorted()
                .collect(Collectors.toList());
            assertEquals(List.of("audit"), left, "counters, rings, the children's logs and the socket are gone; no " +
                "token or key file was ever written");
        }
        final ChildJvm.Result audit = BastionProcess.run(folder.getParent(), "audit", "verify",
            folder.resolve("audit").toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::toString);
    }
}
