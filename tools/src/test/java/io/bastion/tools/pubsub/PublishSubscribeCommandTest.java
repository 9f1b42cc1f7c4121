package io.bastion.tools.pubsub;

import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.RunningBroker;
import io.bastion.tools.cli.ExitCodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.bastion.tools.BastionProcess.TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishSubscribeCommandTest
{
    private static final String CHANNEL = "prices.eur";

    @TempDir
    Path dir;

    private RunningBroker broker;
    private Path token;

    @BeforeEach
    void startBroker() throws Exception
    {
        broker = RunningBroker.start(dir);
        token = broker.token("both.token", "prices.*", "publish,subscribe");
    }

    @AfterEach
    void stopBroker() throws Exception
    {
        broker.close();
    }

    @Test
    void subscriberPrintsExactlyTheLinesThePublisherRead() throws Exception
    {
        try (ChildJvm subscriber = BastionProcess.start(dir, "subscribe", "--channel", CHANNEL,
            "--token", token.toString(), "--dir", broker.folder().toString(), "--count", "3"))
        {
            final ChildJvm.Result published = BastionProcess.run(dir, Map.of(),
                "first line\nzweite Zeile: \u00fcber \u20ac5\n\tthird, tab-indented\n", "publish",
                "--channel", CHANNEL, "--token", token.toString(), "--dir", broker.folder().toString(),
                "--wait", "60s");

            assertEquals(ExitCodes.OK, published.exitCode(), published::toString);
            assertEquals("published 3 frames on " + CHANNEL + " as producer 1\n", published.stdout());
            assertEquals("", published.stderr());
            assertEquals(ExitCodes.OK, subscriber.awaitExit(TIMEOUT_MS), subscriber::describe);
            assertEquals(List.of("first line", "zweite Zeile: \u00fcber \u20ac5", "\tthird, tab-indented"),
                subscriber.allStdoutLines(TIMEOUT_MS));
            assertEquals("", subscriber.stderr());
        }
    }

    @Test
    void subscriberStopsWithExitZeroOnCtrlC() throws Exception
    {
        try (ChildJvm subscriber = BastionProcess.start(dir, "subscribe", "-c", CHANNEL,
            "-t", token.toString(), "-d", broker.folder().toString()))
        {
            final ChildJvm.Result published = BastionProcess.run(dir, Map.of(), "hello\n", "publish",
                "-c", CHANNEL, "-t", token.toString(), "-d", broker.folder().toString(), "--wait", "60s");
            assertEquals(ExitCodes.OK, published.exitCode(), published::toString);
            subscriber.awaitLineContaining("hello", TIMEOUT_MS);

            subscriber.signal("INT");

            assertEquals(ExitCodes.OK, subscriber.awaitExit(TIMEOUT_MS), subscriber::describe);
            assertEquals(List.of("hello"), subscriber.allStdoutLines(TIMEOUT_MS));
        }
    }

    @Test
    void subscriberEndsWithExitZeroWhenTheBrokerSaysGoodbye() throws Exception
    {
        try (ChildJvm subscriber = BastionProcess.start(dir, "subscribe", "-c", CHANNEL,
            "-t", token.toString(), "-d", broker.folder().toString()))
        {
            final ChildJvm.Result published = BastionProcess.run(dir, Map.of(), "last words\n", "publish",
                "-c", CHANNEL, "-t", token.toString(), "-d", broker.folder().toString(), "--wait", "60s");
            assertEquals(ExitCodes.OK, published.exitCode(), published::toString);
            subscriber.awaitLineContaining("last words", TIMEOUT_MS);

            broker.close();

            assertEquals(ExitCodes.OK, subscriber.awaitExit(TIMEOUT_MS), subscriber::describe);
            assertEquals(List.of("last words"), subscriber.allStdoutLines(TIMEOUT_MS));
            assertEquals("", subscriber.stderr());
        }
    }

    @Test
    void tokensComeFromStdinOrAnInheritedDescriptorAndASingleUseTokenOpensOneSession() throws Exception
    {
        final String subscribeToken = broker.tokenText("prices.*", "subscribe", true);
        final String publishToken = broker.tokenText("prices.*", "publish", true);
        try (ChildJvm subscriber = BastionProcess.startWithTokenOnFd3(dir, subscribeToken, "subscribe",
            "--channel", CHANNEL, "--token-fd", "3", "--dir", broker.folder().toString(), "--count", "2"))
        {
            // The first line of stdin is the token, the lines after it the frames.
            final ChildJvm.Result published = BastionProcess.run(dir, Map.of(),
                publishToken + "\nfrom stdin\nsecond\n", "publish", "--channel", CHANNEL, "--token", "-",
                "--dir", broker.folder().toString(), "--wait", "60s");

            assertEquals(ExitCodes.OK, published.exitCode(), published::toString);
            assertEquals("published 2 frames on " + CHANNEL + " as producer 1\n", published.stdout());
            assertEquals(ExitCodes.OK, subscriber.awaitExit(TIMEOUT_MS), subscriber::describe);
            assertEquals(List.of("from stdin", "second"), subscriber.allStdoutLines(TIMEOUT_MS));
        }

        final ChildJvm.Result again = BastionProcess.run(dir, Map.of(), publishToken + "\nagain\n", "publish",
            "--channel", CHANNEL, "--token", "-", "--dir", broker.folder().toString(), "--wait", "1s");
        assertEquals(ExitCodes.REFUSED, again.exitCode(), again::toString);
        assertEquals("bastion: the broker refused to let you publish on " + CHANNEL + ": REPLAY\n", again.stderr());

        final ChildJvm.Result noDescriptor = BastionProcess.run(dir, "subscribe", "--channel", CHANNEL,
            "--token-fd", "987", "--dir", broker.folder().toString());
        assertEquals(ExitCodes.REFUSED, noDescriptor.exitCode(), noDescriptor::toString);
        assertTrue(noDescriptor.stderr().startsWith("bastion: descriptor 987 is not open"), noDescriptor::toString);

        final ChildJvm.Result both = BastionProcess.run(dir, "subscribe", "--channel", CHANNEL,
            "--token", "-", "--token-fd", "3", "--dir", broker.folder().toString());
        assertEquals(ExitCodes.USAGE, both.exitCode(), both::toString);
    }

    @Test
    void refusalsNameTheTypedReason() throws Exception
    {
        final Path publishOnly = broker.token("publish.token", "prices.*", "publish");

        final ChildJvm.Result subscribe = BastionProcess.run(dir, "subscribe", "--channel", CHANNEL,
            "--token", publishOnly.toString(), "--dir", broker.folder().toString());

        assertEquals(ExitCodes.REFUSED, subscribe.exitCode(), subscribe::toString);
        assertEquals("bastion: the broker refused to let you subscribe to " + CHANNEL + ": UNAUTHORIZED\n",
            subscribe.stderr());
        assertEquals("", subscribe.stdout());

        final ChildJvm.Result otherChannel = BastionProcess.run(dir, Map.of(), "x\n", "publish",
            "--channel", "orders", "--token", publishOnly.toString(), "--dir", broker.folder().toString());

        assertEquals(ExitCodes.REFUSED, otherChannel.exitCode(), otherChannel::toString);
        assertEquals("bastion: the broker refused to let you publish on orders: UNAUTHORIZED\n",
            otherChannel.stderr());

        final ChildJvm.Result nobody = BastionProcess.run(dir, Map.of(), "x\n", "publish",
            "--channel", CHANNEL, "--token", publishOnly.toString(), "--dir", broker.folder().toString(),
            "--wait", "1s");

        assertEquals(ExitCodes.REFUSED, nobody.exitCode(), nobody::toString);
        assertEquals("bastion: no subscriber read " + CHANNEL + " within 1.00s\n", nobody.stderr());

        final ChildJvm.Result noBroker = BastionProcess.run(dir, "subscribe", "--channel", CHANNEL,
            "--token", token.toString(), "--dir", dir.resolve("elsewhere").toString());

        assertEquals(ExitCodes.REFUSED, noBroker.exitCode(), noBroker::toString);
        assertTrue(noBroker.stderr().startsWith("bastion: no broker on " + dir.resolve("elsewhere")),
            noBroker::toString);
    }

    @Test
    void wrongCommandLinesAreUsageErrors() throws Exception
    {
        final ChildJvm.Result noChannel = BastionProcess.run(dir, "publish", "--token", token.toString());
        assertEquals(ExitCodes.USAGE, noChannel.exitCode(), noChannel::toString);
        assertTrue(noChannel.stderr().startsWith("bastion: Missing required option: '--channel=CHANNEL'"),
            noChannel::toString);

        final ChildJvm.Result badChannel = BastionProcess.run(dir, "subscribe", "--channel", "prices/*",
            "--token", token.toString(), "--dir", broker.folder().toString());
        assertEquals(ExitCodes.USAGE, badChannel.exitCode(), badChannel::toString);
        assertTrue(badChannel.stderr().startsWith("bastion: --channel 'prices/*' is not a channel name"),
            badChannel::toString);

        final ChildJvm.Result zero = BastionProcess.run(dir, "subscribe", "--channel", CHANNEL,
            "--token", token.toString(), "--count", "0");
        assertEquals(ExitCodes.USAGE, zero.exitCode(), zero::toString);
        assertTrue(zero.stderr().contains("Try 'bastion subscribe --help'"), zero::toString);
    }
}
