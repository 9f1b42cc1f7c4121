package io.bastion.tools.demo;

import io.bastion.client.ClientContext;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.bridge.BridgeCountersFile;
import io.bastion.tools.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.bastion.tools.BastionProcess.TIMEOUT_MS;
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
    void theBridgeDemoForwardsEveryFrameFromBrokerAToBrokerBVerified() throws Exception
    {
        final Path folder = dir.resolve("demo");

        final ChildJvm.Result result = BastionProcess.run(dir, "demo", "--bridge", "--dir", folder.toString(),
            "--messages", "20000");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        assertTrue(out.contains("\nsent        20,000 frames of 64 bytes on broker A\n"), result::toString);
        assertTrue(out.contains("\nforwarded   20,000 frames by bridge A"), result::toString);
        assertTrue(out.contains("\nrepublished 20,000 frames by bridge B into demo.bridge on broker B"),
            result::toString);
        assertTrue(out.contains("\nverified    20,000 on broker B"), result::toString);
        assertTrue(out.contains("\nrejected    0 by the subscriber; "), result::toString);
        assertTrue(out.contains("frames refused by the relay 0; sequence gaps 0\n"), result::toString);
        assertTrue(out.matches("(?s).*\nthroughput  [0-9,]+ messages/s, [0-9,.]+ MB/s of payload, host A to host B.*"),
            result::toString);
        assertTrue(out.contains("\nOK          every frame verified on broker B\n"), result::toString);
        for (final String host : List.of("host-a", "host-b"))
        {
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(folder.resolve(host))), host);
            assertFalse(Files.exists(folder.resolve(host).resolve("broker.sock")), host + ": the broker stopped");
            assertEquals(List.of(), bridgeCountersFiles(folder.resolve(host)), host + ": no counters file left");
        }
        final ChildJvm.Result tamper = BastionProcess.run(dir, "demo", "--bridge", "--tamper", "--dir",
            folder.toString());
        assertEquals(ExitCodes.USAGE, tamper.exitCode(), tamper::toString);
        assertTrue(tamper.stderr().contains("--bridge runs one publisher and one subscriber"), tamper::toString);
    }

    @Test
    void whileTheBridgeDemoRunsStatShowsBothBridgesAndNoCountersFileOutlivesIt() throws Exception
    {
        final Path folder = dir.resolve("demo");
        final Path hostA = folder.resolve("host-a");
        final Path hostB = folder.resolve("host-b");

        // Far more frames than the test waits for: it stops the demo with SIGTERM once stat saw both bridges at work.
        try (ChildJvm demo = BastionProcess.start(dir, "demo", "--bridge", "--dir", folder.toString(),
            "--messages", "1000000000"))
        {
            final String counters = demo.awaitLine("counters    ", TIMEOUT_MS);
            assertTrue(counters.contains(hostA.resolve("bridge-").toString()) &&
                counters.contains(hostB.resolve("bridge-").toString()), counters);
            demo.awaitLine("session     up: ", TIMEOUT_MS);

            assertTrue(awaitBridgeCount(hostA, "framesForwarded") > 0);
            assertTrue(awaitBridgeCount(hostB, "framesRepublished") > 0);
            for (final Path host : List.of(hostA, hostB))
            {
                final List<Path> files = bridgeCountersFiles(host);
                assertEquals(1, files.size(), host + ": " + files);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))),
                    "owner-only: " + files);
            }

            assertEquals(143, demo.terminate(TIMEOUT_MS), "SIGTERM: everything closed, then 128 + 15");
        }
        for (final Path host : List.of(hostA, hostB))
        {
            assertEquals(List.of(), bridgeCountersFiles(host), host + ": the counters files go with the bridges");
            assertFalse(Files.exists(host.resolve("broker.sock")), host + ": the broker stopped");
        }
    }

    /** Run {@code bastion stat --json} on a host's folder until its bridge's count is above zero; returns it. */
    private long awaitBridgeCount(final Path host, final String field) throws Exception
    {
        final Pattern count = Pattern.compile("\"bridges\":\\[\\{\"endpoint\":\"bridge\",[^}]*\"" + field +
            "\":([0-9]+)");
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        String last = "";
        while (System.nanoTime() - deadline < 0)
        {
            final ChildJvm.Result stat = BastionProcess.run(dir, "stat", "--dir", host.toString(), "--json");
            assertEquals(ExitCodes.OK, stat.exitCode(), stat::toString);
            last = stat.stdout();
            final Matcher matcher = count.matcher(last);
            if (matcher.find() && Long.parseLong(matcher.group(1)) > 0)
            {
                return Long.parseLong(matcher.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError(host + ": no bridge with " + field + " above 0 in " + last);
    }

    private static List<Path> bridgeCountersFiles(final Path host) throws Exception
    {
        try (Stream<Path> files = Files.list(host))
        {
            return files.filter((file) -> file.getFileName().toString().startsWith(BridgeCountersFile.FILE_PREFIX) &&
                file.getFileName().toString().endsWith(ClientContext.COUNTERS_FILE_SUFFIX)).sorted()
                .collect(Collectors.toList());
        }
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
    void everySubscriberOfAFanOutChannelVerifiesEveryFrame() throws Exception
    {
        final Path folder = dir.resolve("broker");

        final ChildJvm.Result result = BastionProcess.run(dir, "demo", "--subscribers", "3", "--dir",
            folder.toString(), "--messages", "20000", "--pings", "200");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        assertTrue(out.matches("(?s)broker      in this process on .*; demo\\.data fans out to 3 subscribers\n.*"),
            result::toString);
        assertTrue(out.matches("(?s).*\nsubscriber 1 process [0-9]+ on demo\\.data \\(echoes pings on " +
            "demo\\.echo\\)\nsubscriber 2 process [0-9]+ on demo\\.data \\(verifies only\\)\n" +
            "subscriber 3 process [0-9]+ on demo\\.data \\(verifies only\\)\npublisher   process .*"),
            "one line per subscriber, all before the publisher: " + result);
        assertTrue(out.contains("\nsending     20,000 frames of 64 bytes on demo.data, each read by all 3 " +
            "subscribers\n"), result::toString);
        assertTrue(out.contains("\n  verified 20,000 of 20,000 frames by each (100%)\n"), result::toString);
        assertTrue(out.contains("\nverified    subscriber 1: 20,000 of 20,000 frames, no mismatch (every payload " +
            "byte checked, in order, by each)\n" +
            "            subscriber 2: 20,000 of 20,000 frames, no mismatch\n" +
            "            subscriber 3: 20,000 of 20,000 frames, no mismatch\n" +
            "rejected    0\n"), result::toString);
        assertTrue(out.matches("(?s).*\nthroughput  [0-9,]+ messages/s, [0-9,.]+ MB/s of payload \\(at the slowest " +
            "of 3 subscribers, first to last frame\\)\n.*"), result::toString);
        assertTrue(out.contains("\nOK          every frame verified by each of 3 subscribers, every ping came " +
            "back\n"), result::toString);
        assertEquals("", result.stderr());
        assertCleanedUp(folder);
    }

    @Test
    void onAFanOutChannelEverySubscriberQuarantinesTheHostileAndVerifiesTheGoodStream() throws Exception
    {
        final Path folder = dir.resolve("broker");

        final ChildJvm.Result result = BastionProcess.run(dir, "demo", "--tamper", "--subscribers", "2", "--dir",
            folder.toString(), "--messages", "20000", "--pings", "100", "--size", "100");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        for (final String reason : List.of("BAD_TAG", "UNKNOWN_KEY", "UNAUTHORIZED", "TOO_SHORT"))
        {
            assertTrue(out.matches("(?s).*\nsubscriber [12] rejected a frame: " + reason + " \\(source .*"),
                reason + ": " + result);
        }
        for (int i = 1; i <= 2; i++)
        {
            assertTrue(out.matches("(?s).*\nsubscriber " + i + " quarantined source [0-9]+ after [0-9]+ " +
                "rejections within 10 s: its ring is no longer read by it\n.*"), result::toString);
            assertTrue(out.matches("(?s).*\n(rejected    | {12})subscriber " + i + ": [0-9,]+, all from source " +
                "[0-9]+: BAD_TAG [0-9,]+, UNKNOWN_KEY 4, UNAUTHORIZED [0-9]+, .*"), result::toString);
        }
        assertTrue(out.contains(" forged frames; its ring is no longer read\n"), result::toString);
        assertTrue(out.contains("\nverified    subscriber 1: 20,000 of 20,000 frames, no mismatch"), result::toString);
        assertTrue(out.contains("\n            subscriber 2: 20,000 of 20,000 frames, no mismatch\n"),
            result::toString);
        assertTrue(out.matches("(?s).*\nquarantined by subscriber 1 \\(source [0-9]+\\), subscriber 2 \\(source " +
            "[0-9]+\\): the hostile's ring is no longer read\n.*"), result::toString);
        assertTrue(out.contains("\nOK          every frame verified by each of 2 subscribers, every ping came back, " +
            "every forgery refused\n"), result::toString);
        assertCleanedUp(folder);
    }

    @Test
    void aSubscriberCountOutOfRangeIsAUsageError() throws Exception
    {
        final Path folder = dir.resolve("broker");

        for (final String count : List.of("0", "9"))
        {
            final ChildJvm.Result result = BastionProcess.run(dir, "demo", "--dir", folder.toString(),
                "--subscribers", count);

            assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
            assertTrue(result.stderr().startsWith("bastion: --subscribers must be from 1 to 8: " + count + "\n"),
                result::toString);
        }
        assertFalse(Files.exists(folder), "nothing started");
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
