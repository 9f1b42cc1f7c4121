package io.bastion.tools.bridge;

import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.RunningBroker;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import io.bastion.tools.cli.TokenText;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.bastion.tools.BastionProcess.TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bastion bridge}: its usage errors, and a real pair of bridge processes beside two broker processes on
 * 127.0.0.1 forwarding a channel from broker A into broker B's relayed channel, where a subscriber verifies every
 * frame; {@code bastion stat} shows both bridges' counters.
 */
class BridgeCommandTest
{
    private static final String CHANNEL = "fwd.prices";
    private static final int FRAMES = 20_000;
    private static final int PAYLOAD = 48;

    @TempDir
    Path dir;

    @Test
    void usageErrorsExit2WithAClearMessage() throws Exception
    {
        final Path token = Files.writeString(dir.resolve("token"), "x");
        final String[] common = {"bridge", "--dir", dir.resolve("broker").toString(), "--identity",
            dir.resolve("identity.key").toString(), "--peer", "SHA256:abc", "--role", "initiator"};
        assertUsage(List.of("--local", "127.0.0.1:1", "--remote", "127.0.0.1:2"), common,
            "nothing to do: name at least one --forward or --relay channel");
        assertUsage(List.of("--local", "127.0.0.1:1", "--remote", "127.0.0.1:2", "--relay", CHANNEL), common,
            "--relay needs --relay-token FILE");
        assertUsage(List.of("--local", "127.0.0.1:1", "--remote", "127.0.0.1:2", "--forward", CHANNEL), common,
            "--forward needs --forward-token FILE");
        assertUsage(List.of("--local", "127.0.0.1", "--remote", "127.0.0.1:2", "--forward", CHANNEL,
            "--forward-token", token.toString()), common, "--local must be HOST:PORT");
        assertUsage(List.of("--local", "127.0.0.1:1", "--remote", "host:70000", "--forward", CHANNEL,
            "--forward-token", token.toString()), common, "--remote must be HOST:PORT");
        assertUsage(List.of("--local", "127.0.0.1:1", "--remote", "127.0.0.1:2", "--forward", "bad channel",
            "--forward-token", token.toString()), common, "is not a channel name");
        assertUsage(List.of("--local", "127.0.0.1:1", "--remote", "127.0.0.1:2", "--forward", CHANNEL,
            "--forward-token", token.toString(), "--mtu", "1000"), common, "--mtu must be a multiple of 32");
        final ChildJvm.Result role = BastionProcess.run(dir, "bridge", "--identity", "x", "--peer", "SHA256:a",
            "--role", "sideways", "--local", "127.0.0.1:1", "--remote", "127.0.0.1:2", "--forward", CHANNEL);
        assertEquals(ExitCodes.USAGE, role.exitCode(), role::toString);
        assertTrue(role.stderr().contains("--role"), role::toString);
        final ChildJvm.Result noBroker = BastionProcess.run(dir, "bridge", "--dir", dir.resolve("none").toString(),
            "--identity", "x", "--peer", "SHA256:a", "--role", "responder", "--local", "127.0.0.1:1", "--remote",
            "127.0.0.1:2", "--forward", CHANNEL, "--forward-token", token.toString());
        assertEquals(ExitCodes.REFUSED, noBroker.exitCode(), noBroker::toString);
        assertTrue(noBroker.stderr().contains("no broker on"), noBroker::toString);
    }

    private void assertUsage(final List<String> more, final String[] common, final String message) throws Exception
    {
        final String[] args = Stream.concat(Stream.of(common), more.stream()).toArray(String[]::new);
        final ChildJvm.Result result = BastionProcess.run(dir, args);
        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains(message), message + ": " + result);
    }

    @Test
    void aBridgePairForwardsAChannelFromBrokerAToBrokerBAndStatShowsItsCounters() throws Exception
    {
        final Path hostA = dir.resolve("a");
        final Path hostB = dir.resolve("b");
        try (RunningBroker brokerA = RunningBroker.start(hostA);
            RunningBroker brokerB = RunningBroker.start(hostB, "--relayed", CHANNEL))
        {
            final Path forwardToken = brokerA.token("forward.token", CHANNEL, "subscribe");
            final Path relayToken = brokerB.token("relay.token", CHANNEL, "relay");
            final Path publishToken = brokerA.token("publish.token", CHANNEL, "publish");
            final Path subscribeToken = brokerB.token("subscribe.token", CHANNEL, "subscribe");
            final int portA = freePort();
            final int portB = freePort();
            final String fingerprintA = KeyFiles.fingerprint(KeyFiles.readPublic(hostA.resolve("keys/identity.pub")));

            final Queue<String> errors = new ConcurrentLinkedQueue<>();
            final long[] received = new long[1];
            try (SubscriberClient subscriber = SubscriberClient.connect(client(brokerB.folder(), subscribeToken),
                CHANNEL, RejectionHandler.NONE);
                ChildJvm bridgeA = BastionProcess.start(hostA, "bridge", "--dir", brokerA.folder().toString(),
                    "--identity", hostA.resolve("keys/identity.key").toString(),
                    "--peer", hostB.resolve("keys/identity.pub").toString(), "--role", "responder",
                    "--local", "127.0.0.1:" + portA, "--remote", "127.0.0.1:" + portB,
                    "--forward", CHANNEL, "--forward-token", forwardToken.toString());
                ChildJvm bridgeB = BastionProcess.start(hostB, "bridge", "--dir", brokerB.folder().toString(),
                    "--identity", hostB.resolve("keys/identity.key").toString(), "--peer", fingerprintA,
                    "--role", "initiator", "--local", "127.0.0.1:" + portB, "--remote", "127.0.0.1:" + portA,
                    "--relay", CHANNEL, "--relay-token", relayToken.toString()))
            {
                assertTrue(bridgeB.awaitLineContaining("peer     ", TIMEOUT_MS).contains(fingerprintA));
                bridgeA.awaitLineContaining("session  up: ", TIMEOUT_MS);
                bridgeB.awaitLineContaining("session  up: ", TIMEOUT_MS);
                final Path countersA = countersFile(brokerA.folder());
                assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(countersA), "the counters file is owner-only");

                exchange(client(brokerA.folder(), publishToken), subscriber, errors, received);
                assertEquals(List.of(), List.copyOf(errors));
                assertEquals(FRAMES, received[0], "every frame verified at B");

                final ChildJvm.Result statA = BastionProcess.run(dir, "stat", "--dir", brokerA.folder().toString(),
                    "--json");
                assertEquals(ExitCodes.OK, statA.exitCode(), statA::toString);
                assertTrue(statA.stdout().contains("\"bridges\":[{\"endpoint\":\"bridge\","), statA::toString);
                assertTrue(statA.stdout().contains("\"framesForwarded\":" + FRAMES + ","), statA::toString);
                assertTrue(statA.stdout().contains("\"label\":\"bridge: rejected AUTHENTICATION_FAILED\""),
                    statA::toString);
                final ChildJvm.Result statB = BastionProcess.run(dir, "stat", "--dir", brokerB.folder().toString(),
                    "--once");
                assertEquals(ExitCodes.OK, statB.exitCode(), statB::toString);
                assertTrue(statB.stdout().contains("frames forwarded 0, republished " +
                    String.format(Locale.ROOT, "%,d", FRAMES) + "; loss 0 (gaps 0, late 0), " +
                    "duplicates 0"), statB::toString);
                assertTrue(statB.stdout().contains("; refused 0\n"), statB::toString);
                assertTrue(statB.stdout().contains(" - bridge: frames republished"), statB::toString);

                assertEquals(143, bridgeA.terminate(TIMEOUT_MS), "SIGTERM: a clean close, then 128 + 15");
                assertEquals(143, bridgeB.terminate(TIMEOUT_MS));
                assertFalse(Files.exists(countersA), "the counters file goes with the bridge");
            }
        }
    }

    /** Publishes frames 1 to {@link #FRAMES} on A and polls B's subscriber until each arrived or one differs. */
    private static void exchange(
        final ClientContext publisherContext, final SubscriberClient subscriber, final Queue<String> errors,
        final long[] received) throws Exception
    {
        final FrameHandler handler = (buffer, offset, length, frame) ->
        {
            final long n = received[0] + 1;
            if (PAYLOAD != length || buffer.getLong(offset) != n || buffer.getByte(offset + PAYLOAD - 1) !=
                (byte)n)
            {
                errors.add("frame " + n + " differs");
            }
            received[0] = n;
        };
        try (PublisherClient publisher = PublisherClient.connect(publisherContext, CHANNEL))
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            long sent = 0;
            while (received[0] < FRAMES && errors.isEmpty() && System.nanoTime() - deadline < 0)
            {
                publisher.doWork();
                if (sent < FRAMES)
                {
                    payload.putLong(0, sent + 1);
                    payload.putByte(PAYLOAD - 1, (byte)(sent + 1));
                    final long result = publisher.offer(payload, 0, PAYLOAD, 1);
                    if (result > 0)
                    {
                        sent++;
                    }
                    else
                    {
                        assertTrue(ChannelStatus.BACK_PRESSURED == result ||
                            ChannelStatus.NOT_CONNECTED == result || ChannelStatus.ADMIN_ACTION == result,
                            "offer: " + result);
                    }
                }
                subscriber.doWork();
                if (0 == subscriber.poll(handler, 64) && sent >= FRAMES)
                {
                    Thread.sleep(1);
                }
            }
        }
    }

    private static ClientContext client(final Path folder, final Path tokenFile) throws Exception
    {
        return new ClientContext().directory(folder).token(TokenText.readFile(tokenFile));
    }

    private static Path countersFile(final Path folder) throws Exception
    {
        try (Stream<Path> files = Files.list(folder))
        {
            return files.filter((file) ->
                file.getFileName().toString().startsWith(BridgeCommand.COUNTERS_FILE_PREFIX) &&
                file.getFileName().toString().endsWith(ClientContext.COUNTERS_FILE_SUFFIX)).findFirst().orElseThrow();
        }
    }

    private static int freePort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
