package io.bastion.tools;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.CountersFile;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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
        countersFile = CountersFile.create(files, folder.resolve(StatCommand.COUNTERS_FILE_NAME), 64);
        final CountersManager manager = countersFile.manager();
        channelCounters = new ChannelCounters(manager, "prices/sub");
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
        final BastionProcess.Result result = BastionProcess.run(dir, "stat", "--dir", folder.toString(), "--once");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        assertTrue(out.contains(" - " + folder.resolve("counters") + " - "), result::toString);
        assertTrue(out.contains("                   0 - prices/sub: frames out\n"), result::toString);
        assertTrue(out.contains("prices/sub: rejected "), result::toString);
        assertTrue(out.contains("               1,234 - test: frames\n"), result::toString);
        assertTrue(out.contains("                  -1 - evil?[2Jlabel \"quoted\"\n"),
            "control characters from the file are not printed: " + result);
        assertTrue(!out.contains("\u001b"), result::toString);
    }

    @Test
    void jsonIsOneObjectOnOneLine() throws Exception
    {
        final BastionProcess.Result result = BastionProcess.run(dir, "stat", "--file",
            folder.resolve(StatCommand.COUNTERS_FILE_NAME).toString(), "--json");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        final String out = result.stdout();
        assertEquals(1, out.lines().count(), result::toString);
        assertTrue(out.startsWith("{\"file\":\"" + folder.resolve("counters") + "\",\"timestamp\":\""),
            result::toString);
        assertTrue(out.contains(",\"label\":\"test: frames\",\"value\":1234}"), result::toString);
        assertTrue(out.contains("\"typeId\":" + ChannelCounters.CHANNEL_COUNTER_TYPE_ID + ",\"label\":" +
            "\"prices/sub: frames out\",\"value\":0}"), result::toString);
        assertTrue(out.contains("\"label\":\"evil\\u001b[2Jlabel \\\"quoted\\\"\",\"value\":-1}"), result::toString);
        assertTrue(out.endsWith("]}\n"), result::toString);
    }

    @Test
    void liveViewFollowsTheCountersUntilStopped() throws Exception
    {
        try (BastionProcess stat = BastionProcess.start(dir, "stat", "--dir", folder.toString(),
            "--interval", "100ms"))
        {
            stat.awaitLine("               1,234 - test: frames");

            custom.set(98_765);

            stat.awaitLine("              98,765 - test: frames");
            assertEquals(143, stat.terminate(), "stopped by SIGTERM");
        }
    }

    @Test
    void noCountersFileIsRefused() throws Exception
    {
        final Path empty = dir.resolve("empty");

        final BastionProcess.Result result = BastionProcess.run(dir, "stat", "--dir", empty.toString(), "--once");

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertEquals("bastion: " + empty.resolve("counters") +
            ": no counters file (is a broker or an endpoint running on that folder?)\n", result.stderr());
    }

    @Test
    void dirAndFileTogetherIsAUsageError() throws Exception
    {
        final BastionProcess.Result result =
            BastionProcess.run(dir, "stat", "--dir", folder.toString(), "--file", "x", "--once");

        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("mutually exclusive"), result::toString);
    }
}
