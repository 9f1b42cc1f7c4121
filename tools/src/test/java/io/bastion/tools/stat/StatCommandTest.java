package io.bastion.tools.stat;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.CountersFile;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.RunningBroker;
import io.bastion.tools.cli.ExitCodes;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.bastion.tools.BastionProcess.TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatCommandTest
{
    private static final int CUSTOM_TYPE_ID = 7;

    @TempDir
    Path dir;

    private Path folder;
    private CountersFile countersFile;
    private ChannelCounters channelCounters;
    private AtomicCounter custom;
    private AtomicCounter hostile;

    @BeforeEach
    void writeCounters() throws Exception
    {
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        folder = files.createDirectory(dir.resolve("bastion"));
        countersFile = CountersFile.create(files, folder.resolve(StatCommand.COUNTERS_FILE_NAME),
            ChannelCounters.countersPerEndpoint() + 2);
        final CountersManager manager = countersFile.manager();
        channelCounters = new ChannelCounters(manager, "prices/sub");
        channelCounters.progress(123_456, 64);
        channelCounters.onEviction();
        // A ring fault as the subscriber counts it: under its own name.
        manager.forEach((id, label) ->
        {
            if (label.equals("prices/sub: rejected HEAD_MORE_THAN_A_LAP_BEHIND"))
            {
                manager.setCounterValue(id, 3);
            }
        });
        custom = manager.newCounter("test: frames", CUSTOM_TYPE_ID);
        custom.set(1234);
        hostile = manager.newCounter("evil\u001b[2Jlabel \"quoted\"", CUSTOM_TYPE_ID);
        hostile.set(-1);
    }

    @AfterEach
    void close()
    {
        channelCounters.close();
        countersFile.close();
    }

    @Test
    void onceListsEveryCounterWithItsValue() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "stat", "--dir", folder.toString(), "--once");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        assertTrue(out.contains(" - " + folder.resolve("counters") + " - prices/sub, test - " +
            (ChannelCounters.countersPerEndpoint() + 2) + " counters\n" +
            "prices/sub: position 123,456 bytes read, lag 64 bytes, evictions 1\n===="),
            "a line per subscriber under the heading: " + result);
        assertTrue(out.contains("             123,456 - prices/sub: position\n"), result::toString);
        assertTrue(out.contains("                   0 - prices/sub: frames out\n"), result::toString);
        assertTrue(out.contains("prices/sub: rejected "), result::toString);
        assertTrue(out.contains("                   3 - prices/sub: rejected HEAD_MORE_THAN_A_LAP_BEHIND\n"),
            result::toString);
        assertTrue(out.contains("                   0 - prices/sub: rejected RECORD_LENGTH_OUT_OF_RANGE\n"),
            result::toString);
        assertTrue(!out.contains("rejected NONE"), result::toString);
        assertTrue(out.contains("               1,234 - test: frames\n"), result::toString);
        assertTrue(out.contains("                  -1 - evil?[2Jlabel \"quoted\"\n"),
            "control characters from the file are not printed: " + result);
        assertTrue(!out.contains("\u001b"), result::toString);
    }

    @Test
    void jsonIsOneObjectOnOneLine() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "stat", "--file",
            folder.resolve(StatCommand.COUNTERS_FILE_NAME).toString(), "--json");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        assertEquals(1, out.lines().count(), result::toString);
        assertTrue(out.startsWith("{\"counters\":{\"file\":\"" + folder.resolve("counters") +
            "\",\"timestamp\":\""), result::toString);
        assertTrue(out.contains("\"endpoints\":[\"prices/sub\",\"test\"],\"progress\":[" +
            "{\"endpoint\":\"prices/sub\",\"role\":\"subscriber\",\"position\":123456,\"lagBytes\":64," +
            "\"evictions\":1}],\"counters\":["), result::toString);
        assertTrue(out.contains(",\"label\":\"test: frames\",\"value\":1234}"), result::toString);
        assertTrue(out.contains("\"typeId\":" + ChannelCounters.CHANNEL_COUNTER_TYPE_ID + ",\"label\":" +
            "\"prices/sub: frames out\",\"value\":0}"), result::toString);
        assertTrue(out.contains("\"label\":\"evil\\u001b[2Jlabel \\\"quoted\\\"\",\"value\":-1}"), result::toString);
        assertTrue(out.endsWith("]}}\n"), result::toString);
    }

    @Test
    void liveViewFollowsTheCountersUntilStopped() throws Exception
    {
        try (ChildJvm stat = BastionProcess.start(dir, "stat", "--dir", folder.toString(),
            "--interval", "100ms"))
        {
            stat.awaitLineContaining("               1,234 - test: frames", TIMEOUT_MS);

            custom.set(98_765);

            stat.awaitLineContaining("              98,765 - test: frames", TIMEOUT_MS);
            assertEquals(143, stat.terminate(TIMEOUT_MS), "stopped by SIGTERM");
        }
    }

    @Test
    void noCountersFileIsRefused() throws Exception
    {
        final Path empty = dir.resolve("empty");

        final ChildJvm.Result result = BastionProcess.run(dir, "stat", "--dir", empty.toString(), "--once");

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertEquals("bastion: " + empty + ": no counters files (counters or *.counters; is a broker or a client " +
            "running on that folder?)\n", result.stderr());

        final ChildJvm.Result file = BastionProcess.run(dir, "stat", "--file", empty.resolve("x").toString());

        assertEquals(ExitCodes.REFUSED, file.exitCode(), file::toString);
        assertEquals("bastion: " + empty.resolve("x") +
            ": no counters file (is a broker or an endpoint running on that folder?)\n", file.stderr());
    }

    @Test
    void showsTheCountersOfEveryClientOfTheFolderWhileItRuns() throws Exception
    {
        final String channel = "quotes";
        try (RunningBroker broker = RunningBroker.start(dir.resolve("live")))
        {
            final Path token = broker.token("both.token", channel, "publish,subscribe");
            final String folder = broker.folder().toString();
            try (ChildJvm subscriber = BastionProcess.start(dir, "subscribe", "--channel", channel,
                "--token", token.toString(), "--dir", folder);
                ChildJvm publisher = BastionProcess.start(dir, "publish", "--channel", channel,
                    "--token", token.toString(), "--dir", folder, "--wait", "60s"))
            {
                publisher.send("one");
                publisher.send("two");
                subscriber.awaitLineContaining("two", TIMEOUT_MS);

                final ChildJvm.Result text = BastionProcess.run(dir, "stat", "--dir", folder, "--once");

                assertEquals(ExitCodes.OK, text.exitCode(), text::toString);
                final String out = text.stdout();
                assertTrue(out.contains(".counters - " + channel + "/sub - "), text::toString);
                assertTrue(out.contains(".counters - " + channel + "/pub producer 1 - "), text::toString);
                assertTrue(out.contains("                   2 - " + channel + "/sub: frames in\n"), text::toString);
                assertTrue(out.contains("                   2 - " + channel + "/pub producer 1: frames out\n"),
                    text::toString);
                assertTrue(out.contains("                   0 - " + channel + "/sub: rejected BAD_TAG\n"),
                    text::toString);

                final ChildJvm.Result json = BastionProcess.run(dir, "stat", "--dir", folder, "--json");

                assertEquals(ExitCodes.OK, json.exitCode(), json::toString);
                assertEquals(1, json.stdout().lines().count(), json::toString);
                assertEquals(2, json.stdout().split("\\.counters\":\\{\"file\":").length - 1, json::toString);
                assertTrue(json.stdout().contains("\"endpoints\":[\"" + channel + "/pub producer 1\"]"),
                    json::toString);

                publisher.closeStdin();
                assertEquals(ExitCodes.OK, publisher.awaitExit(TIMEOUT_MS), publisher::describe);
                subscriber.signal("INT");
                assertEquals(ExitCodes.OK, subscriber.awaitExit(TIMEOUT_MS), subscriber::describe);
            }

            final ChildJvm.Result none = BastionProcess.run(dir, "stat", "--dir", broker.folder().toString(),
                "--once");
            assertEquals(ExitCodes.REFUSED, none.exitCode(), "closed clients remove their files: " + none);
        }
    }

    @Test
    void showsEachSubscribersPositionAndLagAndTheEvictionsOfAFanOutChannel() throws Exception
    {
        final String channel = "ticks";
        // A stopped subscriber that holds the publisher back is evicted after 3 s without a heartbeat; a live one,
        // which beats every 100 ms, never is.
        try (RunningBroker broker = RunningBroker.start(dir.resolve("fan"), "--fan-out", channel + ":2:evict::3000"))
        {
            final Path token = broker.token("both.token", channel, "publish,subscribe");
            final String folder = broker.folder().toString();
            try (ChildJvm reader = BastionProcess.start(dir, "subscribe", "--channel", channel,
                "--token", token.toString(), "--dir", folder);
                ChildJvm stopped = BastionProcess.start(dir, "subscribe", "--channel", channel,
                    "--token", token.toString(), "--dir", folder))
            {
                // Both subscribed (each keeps a counters file from its Welcome on) before the publisher comes, so
                // both are attached at its first key switch and read its first frame.
                awaitProgress(broker.folder(), (all) -> 2 == subscribers(all).size());
                try (ChildJvm publisher = BastionProcess.start(dir, "publish", "--channel", channel,
                    "--token", token.toString(), "--dir", folder, "--wait", "60s"))
                {
                    publisher.send("first");
                    reader.awaitLineContaining("first", TIMEOUT_MS);
                    stopped.awaitLineContaining("first", TIMEOUT_MS);
                    awaitProgress(broker.folder(), (all) -> subscribers(all).stream()
                        .allMatch((sub) -> sub.position() > 0 && 0 == sub.lagBytes()));

                    final ChildJvm.Result before = BastionProcess.run(dir, "stat", "--dir", folder, "--once");

                    assertEquals(ExitCodes.OK, before.exitCode(), before::toString);
                    assertEquals(2, count(before.stdout(), "(?m)^" + channel +
                        "/sub: position [1-9][0-9,]* bytes read, lag 0 bytes, evictions 0$"), before::toString);
                    assertEquals(1, count(before.stdout(), "(?m)^" + channel +
                        "/pub producer 1: evictions 0 \\(subscribers it evicted\\)$"), before::toString);

                    // One subscriber stops; the publisher writes more than its 64 KiB ring holds.
                    stopped.signal("STOP");
                    final String line = "x".repeat(1_000);
                    for (int i = 0; i < 100; i++)
                    {
                        publisher.send(line + i);
                    }
                    reader.awaitLineContaining(line + 99, TIMEOUT_MS);
                    awaitProgress(broker.folder(), (all) -> all.stream().anyMatch((endpoint) ->
                        !endpoint.subscriber() && 1 == endpoint.evictions()) && subscribers(all).stream()
                        .anyMatch((sub) -> sub.position() > 100_000 && 0 == sub.lagBytes()));

                    final ChildJvm.Result after = BastionProcess.run(dir, "stat", "--dir", folder, "--once");

                    assertEquals(ExitCodes.OK, after.exitCode(), after::toString);
                    assertTrue(after.stdout().contains("\n" + channel + "/pub producer 1: evictions 1 " +
                        "(subscribers it evicted)\n"), after::toString);
                    // The reader has read all of it; the stopped one (its counters as they were) much less.
                    final List<Long> positions = Pattern.compile("(?m)^" + channel +
                        "/sub: position ([0-9,]+) bytes read, lag 0 bytes, evictions 0$").matcher(after.stdout())
                        .results().map((match) -> Long.parseLong(match.group(1).replace(",", ""))).sorted().toList();
                    assertEquals(2, positions.size(), after::toString);
                    assertTrue(positions.get(0) > 0 && positions.get(0) < 100_000, after::toString);
                    assertTrue(positions.get(1) > 100_000, after::toString);
                    assertTrue(after.stdout().contains("                   1 - " + channel +
                        "/pub producer 1: evictions\n"), "the counter row itself: " + after);

                    final ChildJvm.Result json = BastionProcess.run(dir, "stat", "--dir", folder, "--json");

                    assertEquals(ExitCodes.OK, json.exitCode(), json::toString);
                    assertTrue(json.stdout().contains("\"progress\":[{\"endpoint\":\"" + channel +
                        "/pub producer 1\",\"role\":\"publisher\",\"evictions\":1}],"), json::toString);
                    assertTrue(json.stdout().matches("(?s).*\"progress\":\\[\\{\"endpoint\":\"" + channel +
                        "/sub\",\"role\":\"subscriber\",\"position\":[1-9][0-9]{5,},\"lagBytes\":0," +
                        "\"evictions\":0}],.*"), json::toString);

                    // Once it runs again, the evicted subscriber reads why and ends.
                    stopped.signal("CONT");
                    assertEquals(ExitCodes.REFUSED, stopped.awaitExit(TIMEOUT_MS), stopped::describe);
                    assertTrue(stopped.stderr().contains("CONSUMER_STALLED"), stopped::describe);

                    publisher.closeStdin();
                    assertEquals(ExitCodes.OK, publisher.awaitExit(TIMEOUT_MS), publisher::describe);
                }
                reader.signal("INT");
                assertEquals(ExitCodes.OK, reader.awaitExit(TIMEOUT_MS), reader::describe);
            }
        }
    }

    /**
     * Read every counters file of a folder, as {@code bastion stat} does, until what the endpoints show satisfies a
     * condition: the counters move at the clients' pace, so this waits (within {@link BastionProcess#TIMEOUT_MS})
     * rather than assumes how soon.
     */
    private static void awaitProgress(final Path folder, final Predicate<List<CountersSnapshot.Progress>> condition)
            throws Exception
    {
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        List<CountersSnapshot.Progress> all = List.of();
        while (System.nanoTime() - deadlineNs < 0)
        {
            all = new ArrayList<>();
            try (Stream<Path> listing = Files.list(folder))
            {
                for (final Path file : listing.filter((f) -> f.toString().endsWith(".counters")).toList())
                {
                    try
                    {
                        all.addAll(CountersSnapshot.read(files, file).progress());
                    }
                    catch (final IOException ex)
                    {
                        // A client closed between the listing and the read.
                    }
                }
            }
            if (condition.test(all))
            {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the counters never showed what was awaited: " + all);
    }

    private static List<CountersSnapshot.Progress> subscribers(final List<CountersSnapshot.Progress> all)
    {
        return all.stream().filter(CountersSnapshot.Progress::subscriber).toList();
    }

    private static long count(final String text, final String regex)
    {
        return Pattern.compile(regex).matcher(text).results().count();
    }

    @Test
    void dirAndFileTogetherIsAUsageError() throws Exception
    {
        final ChildJvm.Result result =
            BastionProcess.run(dir, "stat", "--dir", folder.toString(), "--file", "x", "--once");

        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("mutually exclusive"), result::toString);
    }
}
