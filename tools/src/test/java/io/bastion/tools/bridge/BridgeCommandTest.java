package io.bastion.tools.bridge;

import io.aeron.CncFileDescriptor;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.bastion.broker.BrokerContext;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenIssuer;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.RunningBroker;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import io.bastion.tools.cli.TokenText;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
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

    private final KeyPair issuer = IssuerKeys.generate();
    private final KeyPair broker = IssuerKeys.generate();
    private final byte[] brokerKey = IssuerKeys.rawPublic(broker.getPublic());

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
        assertUsage(List.of("--local", "127.0.0.1:1", "--remote", "127.0.0.1:2", "--forward", CHANNEL,
            "--forward-token", token.toString(), "--keepalive-ms", "500", "--session-timeout-ms", "500"), common,
            "--keepalive-ms must be positive and below --session-timeout-ms: 500 and 500");
        final ChildJvm.Result role = BastionProcess.run(dir, "bridge", "--identity", "x", "--peer", "SHA256:a",
            "--role", "sideways", "--local", "127.0.0.1:1", "--remote", "127.0.0.1:2", "--forward", CHANNEL);
        assertEquals(ExitCodes.USAGE, role.exitCode(), role::toString);
        assertTrue(role.stderr().contains("--role"), role::toString);
        final Path good = tokenFile("good.token", CHANNEL, Right.SUBSCRIBE.bit(), 0, Long.MAX_VALUE, brokerKey, user());
        final ChildJvm.Result noBroker = BastionProcess.run(dir, "bridge", "--dir", dir.resolve("none").toString(),
            "--identity", "x", "--peer", "SHA256:a", "--role", "responder", "--local", "127.0.0.1:1", "--remote",
            "127.0.0.1:2", "--forward", CHANNEL, "--forward-token", good.toString());
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
    void aTokenThatCannotServeItsChannelsIsAUsageErrorNamingTheFileAndNothingStarts() throws Exception
    {
        final Path folder = new OwnerOnlyFiles(FilePolicy.ownerOnly()).createDirectory(dir.resolve("broker"));
        // A stand-in for the broker's socket: with good tokens the command would go on, make its counters file and
        // try to connect; the early check must stop it before.
        Files.createFile(folder.resolve(BrokerContext.SOCKET_FILE_NAME));
        final Path identity = identityFile();
        final long now = System.currentTimeMillis();
        final long hour = TimeUnit.HOURS.toMillis(1);
        final String user = user();
        final List<String> common = List.of("bridge", "--dir", folder.toString(), "--identity", identity.toString(),
            "--peer", "SHA256:abc", "--role", "responder", "--local", "127.0.0.1:1", "--remote", "127.0.0.1:2");
        final int subscribe = Right.SUBSCRIBE.bit();

        final Path publishOnly = tokenFile("publish.token", CHANNEL, Right.PUBLISH.bit(), now - hour, now + hour,
            brokerKey, user);
        assertRefused(common, folder, List.of("--forward", CHANNEL, "--forward-token", publishOnly.toString()),
            "bastion: --forward-token " + publishOnly + ": grants publish but not subscribe, which --forward needs\n");
        final Path noRelay = tokenFile("subscribe.token", CHANNEL, subscribe, now - hour, now + hour, brokerKey, user);
        assertRefused(common, folder, List.of("--relay", CHANNEL, "--relay-token", noRelay.toString()),
            "bastion: --relay-token " + noRelay + ": grants subscribe but not relay, which --relay needs\n");
        final Path expired = tokenFile("expired.token", CHANNEL, subscribe, now - 2 * hour, now - hour, brokerKey,
            user);
        assertRefused(common, folder, List.of("--forward", CHANNEL, "--forward-token", expired.toString()),
            "bastion: --forward-token " + expired + ": expired ");
        final Path notBase64 = Files.writeString(dir.resolve("garbage.token"), "not a token!\n");
        assertRefused(common, folder, List.of("--forward", CHANNEL, "--forward-token", notBase64.toString()),
            "bastion: --forward-token " + notBase64 + ": not a capability token (the token is not base64 text)\n");
        final byte[] whole = TokenText.readFile(tokenFile("whole.token", CHANNEL, subscribe, now - hour, now + hour,
            brokerKey, user));
        final Path truncated = Files.writeString(dir.resolve("truncated.token"),
            TokenText.encode(Arrays.copyOf(whole, whole.length - 10)) + "\n");
        assertRefused(common, folder, List.of("--forward", CHANNEL, "--forward-token", truncated.toString()),
            "bastion: --forward-token " + truncated + ": not a capability token (TRUNCATED)\n");
        final Path otherChannels = tokenFile("other.token", "other.*", subscribe, now - hour, now + hour, brokerKey,
            user);
        assertRefused(common, folder, List.of("--forward", CHANNEL, "--forward-token", otherChannels.toString()),
            "bastion: --forward-token " + otherChannels + ": its channel pattern 'other.*' does not cover --forward " +
            CHANNEL + "\n");
        final Path someChannels = tokenFile("fwd.token", "fwd.*", subscribe, now - hour, now + hour, brokerKey, user);
        assertRefused(common, folder, List.of("--forward", CHANNEL + ",alt.quotes", "--forward-token",
            someChannels.toString()), "bastion: --forward-token " + someChannels + ": its channel pattern 'fwd.*' " +
            "does not cover --forward alt.quotes\n");
        final Path otherBroker = tokenFile("broker.token", CHANNEL, subscribe, now - hour, now + hour,
            IssuerKeys.rawPublic(IssuerKeys.generate().getPublic()), user);
        assertRefused(common, folder, List.of("--forward", CHANNEL, "--forward-token", otherBroker.toString()),
            "bastion: --forward-token " + otherBroker + ": issued for another broker (");
        final Path otherUser = tokenFile("user.token", CHANNEL, subscribe, now - hour, now + hour, brokerKey,
            "somebody-else");
        assertRefused(common, folder, List.of("--forward", CHANNEL, "--forward-token", otherUser.toString()),
            "bastion: --forward-token " + otherUser + ": issued for user 'somebody-else', but the bridge runs as '" +
            user + "'\n");
        final Path missing = dir.resolve("missing.token");
        assertRefused(common, folder, List.of("--forward", CHANNEL, "--forward-token", missing.toString()),
            "bastion: --forward-token " + missing + ": no such token file\n");

        // The control: a good token passes the check, and the command goes as far as the stand-in socket.
        final Path good = tokenFile("good.token", CHANNEL, subscribe, now - hour, now + hour, brokerKey, user);
        final ChildJvm.Result control = BastionProcess.run(dir, Stream.concat(common.stream(),
            Stream.of("--forward", CHANNEL, "--forward-token", good.toString())).toArray(String[]::new));
        assertEquals(ExitCodes.REFUSED, control.exitCode(), control::toString);
        assertEquals(List.of(BrokerContext.SOCKET_FILE_NAME), list(folder), "its counters file went with it");

        // --aeron-dir where no driver runs: refused before anything starts, not after Aeron's driver timeout.
        final Path noDriver = dir.resolve("no-driver");
        final ChildJvm.Result external = BastionProcess.run(dir, Stream.concat(common.stream(),
            Stream.of("--forward", CHANNEL, "--forward-token", good.toString(), "--aeron-dir", noDriver.toString()))
            .toArray(String[]::new));
        assertEquals(ExitCodes.REFUSED, external.exitCode(), external::toString);
        assertTrue(external.stderr().startsWith("bastion: no Aeron media driver on " + noDriver + " "),
            external::toString);
        assertEquals(List.of(BrokerContext.SOCKET_FILE_NAME), list(folder), "nothing started: " + external);
    }

    private void assertRefused(
        final List<String> common, final Path folder, final List<String> more, final String message) throws Exception
    {
        final String[] args = Stream.concat(common.stream(), more.stream()).toArray(String[]::new);
        final ChildJvm.Result result = BastionProcess.run(dir, args);
        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith(message), message + ": " + result);
        assertEquals(List.of(BrokerContext.SOCKET_FILE_NAME), list(folder), "nothing started: " + result);
    }

    @Test
    void aBridgePairForwardsAChannelFromBrokerAToBrokerBAndStatShowsItsCounters() throws Exception
    {
        final List<List<String>> lines = forwardThroughABridgePair(List.of(), List.of(), (brokerA, brokerB) ->
        {
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
        });
        assertTrue(lines.get(0).stream().anyMatch((line) -> line.startsWith("driver   embedded, " +
            dir.resolve("a").resolve("broker").resolve("bridge-"))), lines::toString);
    }

    @Test
    void aBridgePairOnExternalMediaDriversForwardsEveryFrameAndLeavesTheDriversRunning() throws Exception
    {
        final Path aeronA = dir.resolve("aeron-a");
        final Path aeronB = dir.resolve("aeron-b");
        final List<List<String>> lines;
        final String nameA;
        final String nameB;
        try (MediaDriver driverA = launchDriver(aeronA);
            MediaDriver driverB = launchDriver(aeronB))
        {
            nameA = driverA.aeronDirectoryName();
            nameB = driverB.aeronDirectoryName();
            lines = forwardThroughABridgePair(List.of("--aeron-dir", nameA), List.of("--aeron-dir", nameB),
                (brokerA, brokerB) ->
                {
                    for (final Path folder : List.of(brokerA.folder(), brokerB.folder()))
                    {
                        assertTrue(list(folder).stream().noneMatch((name) -> name.startsWith("bridge-") &&
                            Files.isDirectory(folder.resolve(name))), "no embedded driver folder: " + list(folder));
                    }
                });
            for (final Path aeron : List.of(aeronA, aeronB))
            {
                assertTrue(Files.isRegularFile(aeron.resolve(CncFileDescriptor.CNC_FILE)),
                    aeron + ": the bridge leaves the driver's folder in place");
                assertTrue(io.aeron.CommonContext.isDriverActive(aeron.toFile(), TIMEOUT_MS, (message) -> { }),
                    aeron + ": the driver keeps running");
            }
        }
        assertTrue(lines.get(0).contains("driver   external, " + nameA), lines::toString);
        assertTrue(lines.get(1).contains("driver   external, " + nameB), lines::toString);
        assertFalse(Files.exists(aeronA), "the test's drivers delete their folders when closed");
        assertFalse(Files.exists(aeronB));
    }

    /**
     * The watchdog across real processes: the responding bridge on A is killed (SIGKILL, so it sends nothing on its
     * way out); the initiating bridge on B reports the session lost once the timeout passes, and when A's bridge is
     * launched again it handshakes with it by itself and frames flow again, every one verified at B.
     */
    @Test
    void aKilledPeerBridgeIsNoticedAndARelaunchedOneIsFoundAgain() throws Exception
    {
        final Path hostA = dir.resolve("a");
        final Path hostB = dir.resolve("b");
        final List<String> watchdog = List.of("--keepalive-ms", "50", "--session-timeout-ms", "500");
        try (RunningBroker brokerA = RunningBroker.start(hostA);
            RunningBroker brokerB = RunningBroker.start(hostB, "--relayed", CHANNEL))
        {
            final BridgePair pair = BridgePair.over(hostA, hostB, brokerA, brokerB, watchdog, watchdog);

            final Queue<String> errors = new ConcurrentLinkedQueue<>();
            try (SubscriberClient subscriber = SubscriberClient.connect(client(brokerB.folder(), pair.subscribeToken()),
                CHANNEL, RejectionHandler.NONE);
                ChildJvm bridgeB = BastionProcess.start(hostB, pair.argsB()))
            {
                try (ChildJvm bridgeA = BastionProcess.start(hostA, pair.argsA()))
                {
                    bridgeA.awaitLineContaining("session  up: ", TIMEOUT_MS);
                    bridgeB.awaitLineContaining("session  up: ", TIMEOUT_MS);
                    final long[] received = new long[1];
                    exchange(client(brokerA.folder(), pair.publishToken()), subscriber, errors, received);
                    assertEquals(List.of(), List.copyOf(errors));
                    assertEquals(FRAMES, received[0], "every frame verified at B before the kill");
                    bridgeA.kill();
                }
                final String lost = bridgeB.awaitLineContaining("session  lost: ", TIMEOUT_MS);
                assertTrue(lost.contains("1 timeout(s) so far") && lost.contains("handshaking again"), lost);

                try (ChildJvm relaunched = BastionProcess.start(hostA, pair.argsA()))
                {
                    relaunched.awaitLineContaining("session  up: ", TIMEOUT_MS);
                    final String again = bridgeB.awaitLineContaining("session  new: ", TIMEOUT_MS);
                    assertTrue(again.contains("2 handshake(s) so far"), again);
                    final long[] received = new long[1];
                    exchange(client(brokerA.folder(), pair.publishToken()), subscriber, errors, received);
                    assertEquals(List.of(), List.copyOf(errors));
                    assertEquals(FRAMES, received[0], "every frame verified at B through the relaunched bridge");
                    assertEquals(143, relaunched.terminate(TIMEOUT_MS));
                }
                assertEquals(143, bridgeB.terminate(TIMEOUT_MS));
            }
        }
    }

    /**
     * The command lines of two bridges over two running brokers, and the tokens of the clients at either end: A
     * responds and forwards {@link #CHANNEL} with a subscribe token of broker A, B initiates and relays it with a relay
     * token of broker B and pins A by its fingerprint, each on a free local port.
     */
    private record BridgePair(
        String[] argsA, String[] argsB, String fingerprintA, Path publishToken, Path subscribeToken)
    {
        static BridgePair over(
            final Path hostA,
            final Path hostB,
            final RunningBroker brokerA,
            final RunningBroker brokerB,
            final List<String> moreA,
            final List<String> moreB) throws Exception
        {
            final Path forwardToken = brokerA.token("forward.token", CHANNEL, "subscribe");
            final Path relayToken = brokerB.token("relay.token", CHANNEL, "relay");
            final int portA = freePort();
            final int portB = freePort();
            final String fingerprintA = KeyFiles.fingerprint(KeyFiles.readPublic(hostA.resolve("keys/identity.pub")));
            final List<String> argsA = new ArrayList<>(List.of("bridge", "--dir", brokerA.folder().toString(),
                "--identity", hostA.resolve("keys/identity.key").toString(),
                "--peer", hostB.resolve("keys/identity.pub").toString(), "--role", "responder",
                "--local", "127.0.0.1:" + portA, "--remote", "127.0.0.1:" + portB,
                "--forward", CHANNEL, "--forward-token", forwardToken.toString()));
            argsA.addAll(moreA);
            final List<String> argsB = new ArrayList<>(List.of("bridge", "--dir", brokerB.folder().toString(),
                "--identity", hostB.resolve("keys/identity.key").toString(), "--peer", fingerprintA,
                "--role", "initiator", "--local", "127.0.0.1:" + portB, "--remote", "127.0.0.1:" + portA,
                "--relay", CHANNEL, "--relay-token", relayToken.toString()));
            argsB.addAll(moreB);
            return new BridgePair(argsA.toArray(new String[0]), argsB.toArray(new String[0]), fingerprintA,
                brokerA.token("publish.token", CHANNEL, "publish"),
                brokerB.token("subscribe.token", CHANNEL, "subscribe"));
        }
    }

    /** What a test checks while both bridges run, after every frame was verified at B. */
    @FunctionalInterface
    private interface WhileForwarding
    {
        void check(RunningBroker brokerA, RunningBroker brokerB) throws Exception;
    }

    /**
     * Two brokers, two {@code bastion bridge} processes (A responder forwarding {@link #CHANNEL}, B initiator relaying
     * it), {@link #FRAMES} frames from a publisher on A verified by a subscriber on B, the check, then SIGTERM to both
     * bridges: each closes cleanly, its counters file gone.
     *
     * @return the stdout lines of bridge A and of bridge B.
     */
    private List<List<String>> forwardThroughABridgePair(
        final List<String> moreA, final List<String> moreB, final WhileForwarding whileForwarding) throws Exception
    {
        final Path hostA = dir.resolve("a");
        final Path hostB = dir.resolve("b");
        try (RunningBroker brokerA = RunningBroker.start(hostA);
            RunningBroker brokerB = RunningBroker.start(hostB, "--relayed", CHANNEL))
        {
            final BridgePair pair = BridgePair.over(hostA, hostB, brokerA, brokerB, moreA, moreB);

            final Queue<String> errors = new ConcurrentLinkedQueue<>();
            final long[] received = new long[1];
            try (SubscriberClient subscriber = SubscriberClient.connect(client(brokerB.folder(), pair.subscribeToken()),
                CHANNEL, RejectionHandler.NONE);
                ChildJvm bridgeA = BastionProcess.start(hostA, pair.argsA());
                ChildJvm bridgeB = BastionProcess.start(hostB, pair.argsB()))
            {
                assertTrue(bridgeB.awaitLineContaining("peer     ", TIMEOUT_MS).contains(pair.fingerprintA()));
                bridgeA.awaitLineContaining("session  up: ", TIMEOUT_MS);
                bridgeB.awaitLineContaining("session  up: ", TIMEOUT_MS);
                final Path countersA = countersFile(brokerA.folder());
                assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(countersA), "the counters file is owner-only");

                exchange(client(brokerA.folder(), pair.publishToken()), subscriber, errors, received);
                assertEquals(List.of(), List.copyOf(errors));
                assertEquals(FRAMES, received[0], "every frame verified at B");

                whileForwarding.check(brokerA, brokerB);

                assertEquals(143, bridgeA.terminate(TIMEOUT_MS), "SIGTERM: a clean close, then 128 + 15");
                assertEquals(143, bridgeB.terminate(TIMEOUT_MS));
                assertFalse(Files.exists(countersA), "the counters file goes with the bridge");
                return List.of(bridgeA.allStdoutLines(TIMEOUT_MS), bridgeB.allStdoutLines(TIMEOUT_MS));
            }
        }
    }

    private static MediaDriver launchDriver(final Path folder)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(folder.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true));
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
                file.getFileName().toString().startsWith(BridgeCountersFile.FILE_PREFIX) &&
                file.getFileName().toString().endsWith(ClientContext.COUNTERS_FILE_SUFFIX)).findFirst().orElseThrow();
        }
    }

    /** A token file for the current user's bridge, signed by this test's issuer. */
    private Path tokenFile(
        final String name, final String pattern, final int rights, final long notBeforeMs, final long notAfterMs,
        final byte[] forBroker, final String subject) throws Exception
    {
        final byte[] token = new TokenIssuer(issuer.getPrivate()).issue(new CapabilityToken(subject, pattern, rights,
            notBeforeMs, notAfterMs, notAfterMs ^ rights, forBroker, false));
        return Files.writeString(dir.resolve(name), TokenText.encode(token) + "\n");
    }

    /** This test's broker identity, owner-only in a folder of its own, as 'bastion keygen' writes it. */
    private Path identityFile() throws Exception
    {
        final Path keys = new OwnerOnlyFiles(FilePolicy.ownerOnly()).createDirectory(dir.resolve("keys"));
        final Path file = keys.resolve("identity.key");
        Files.write(file, KeyFiles.privateFileContent(broker, "test broker identity"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String user() throws Exception
    {
        return Files.getOwner(Path.of("/proc/self")).getName();
    }

    private static List<String> list(final Path folder) throws Exception
    {
        try (Stream<Path> files = Files.list(folder))
        {
            return files.map((file) -> file.getFileName().toString()).sorted().toList();
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
