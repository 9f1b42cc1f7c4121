package io.bastion.tools.broker;

import io.bastion.broker.ChannelIds;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.client.HandshakeClient;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.FanOutPolicy;
import io.bastion.security.token.Right;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;

import static io.bastion.tools.BastionProcess.TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerCommandTest
{
    private static final String CHANNEL = "prices";

    @TempDir
    Path dir;

    private Path keys;
    private Path brokerDir;

    @BeforeEach
    void makeKeys() throws Exception
    {
        keys = dir.resolve("keys");
        brokerDir = dir.resolve("broker");
        assertEquals(ExitCodes.OK, BastionProcess.run(dir, "keygen", "--dir", keys.toString()).exitCode());
    }

    @Test
    void brokerServesAHandshakeWithTheKeysKeygenMadeAndStopsOnSigterm() throws Exception
    {
        final ChildJvm.Result issued = BastionProcess.run(dir, "token", "issue",
            "--issuer-key", keys.resolve("issuer.key").toString(), "--subject", System.getProperty("user.name"),
            "--broker-key", keys.resolve("identity.pub").toString(), "--channel", CHANNEL, "--rights", "publish");
        assertEquals(ExitCodes.OK, issued.exitCode(), issued::toString);
        final byte[] token = Base64.getUrlDecoder().decode(issued.stdout().strip());
        final PublicKey identity = KeyFiles.readPublic(keys.resolve("identity.pub"));
        final Path socket = brokerDir.resolve("broker.sock");

        try (ChildJvm broker = BastionProcess.start(dir, "broker", "--dir", brokerDir.toString(),
            "--identity-key", keys.resolve("identity.key").toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString(), "--ring-capacity", "4096", "--ring-files"))
        {
            assertEquals("broker listening on " + socket,
                broker.awaitLineContaining("broker listening on ", TIMEOUT_MS));
            assertTrue(broker.awaitLineContaining("identity ", TIMEOUT_MS)
                .startsWith("identity " + KeyFiles.fingerprint(identity)));
            broker.awaitLineContaining("Press Ctrl-C to stop.", TIMEOUT_MS);
            assertTrue(Files.exists(socket));
            assertFalse(Files.exists(brokerDir.resolve("broker.pub")), "no key file: clients pin from their tokens");

            try (Session session = HandshakeClient.connect(socket, token, CHANNEL, Right.PUBLISH,
                Duration.ofSeconds(30)))
            {
                // While the session is open: a broker may remove a session's rings when it ends.
                final Path ring = session.publishRingPath();
                final ChildJvm.Result inspected = BastionProcess.run(dir, "inspect", ring.toString());
                assertEquals(ExitCodes.OK, inspected.exitCode(), inspected::toString);
                assertTrue(inspected.stdout().contains("capacity     4096 bytes of records"), inspected::toString);
            }

            assertEquals(143, broker.terminate(TIMEOUT_MS),
                "SIGTERM ends the JVM with 128 + 15 after the shutdown hook");
        }
        assertFalse(Files.exists(socket), "the shutdown hook closed the broker, which removes its socket");

        final ChildJvm.Result audit =
            BastionProcess.run(dir, "audit", "verify", brokerDir.resolve("audit").toString());
        assertEquals(ExitCodes.OK, audit.exitCode(), audit::toString);
    }

    @Test
    void secondBrokerOnTheSameSocketIsRefused() throws Exception
    {
        try (ChildJvm first = BastionProcess.start(dir, "broker", "--dir", brokerDir.toString(),
            "--identity-key", keys.resolve("identity.key").toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString()))
        {
            first.awaitLineContaining("broker listening on ", TIMEOUT_MS);
            first.awaitLineContaining("identity ", TIMEOUT_MS);
            assertTrue(first.describe().contains(keys.resolve("identity.key").toString()), first::describe);

            final ChildJvm.Result second = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString(),
                "--identity-key", keys.resolve("identity.key").toString(),
                "--issuer-public", keys.resolve("issuer.pub").toString());

            assertEquals(ExitCodes.REFUSED, second.exitCode(), second::toString);
            assertEquals("bastion: a broker already listens on " + brokerDir.resolve("broker.sock") + "\n",
                second.stderr());
            assertEquals(143, first.terminate(TIMEOUT_MS));
        }
    }

    @Test
    void wrongKeyFilesAreRefusedBeforeAnythingStarts() throws Exception
    {
        final ChildJvm.Result swapped = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString(),
            "--identity-key", keys.resolve("identity.pub").toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString());

        assertEquals(ExitCodes.REFUSED, swapped.exitCode(), swapped::toString);
        assertTrue(swapped.stderr().startsWith("bastion: " + keys.resolve("identity.pub") +
            ": not a Bastion private key file"), swapped::toString);
        assertFalse(Files.exists(brokerDir), swapped::toString);
    }

    @Test
    void withoutAnIdentityKeyTheBrokerRefusesToStart() throws Exception
    {
        final ChildJvm.Result noIdentity = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString());
        assertEquals(ExitCodes.USAGE, noIdentity.exitCode(), noIdentity::toString);
        assertTrue(noIdentity.stderr().startsWith("bastion: Missing required option: '--identity-key=FILE'"),
            noIdentity::toString);
        assertFalse(Files.exists(brokerDir), noIdentity::toString);

        Files.setPosixFilePermissions(keys.resolve("identity.key"), PosixFilePermissions.fromString("rw-r--r--"));
        final ChildJvm.Result open = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString(),
            "--identity-key", keys.resolve("identity.key").toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString());
        assertEquals(ExitCodes.REFUSED, open.exitCode(), open::toString);
        assertTrue(open.stderr().startsWith("bastion: " + keys.resolve("identity.key") +
            ": a private key must be owner-only"), open::toString);
        assertTrue(open.stderr().contains("MODE_TOO_WIDE"), open::toString);
        assertFalse(Files.exists(brokerDir), open::toString);
    }

    @Test
    void aFanOutChannelIsAnnouncedWithItsSubscribersAndPolicyInTheWelcome() throws Exception
    {
        final ChildJvm.Result issued = BastionProcess.run(dir, "token", "issue",
            "--issuer-key", keys.resolve("issuer.key").toString(), "--subject", System.getProperty("user.name"),
            "--broker-key", keys.resolve("identity.pub").toString(), "--channel", CHANNEL, "--rights", "publish");
        assertEquals(ExitCodes.OK, issued.exitCode(), issued::toString);
        final byte[] token = Base64.getUrlDecoder().decode(issued.stdout().strip());
        final Path socket = brokerDir.resolve("broker.sock");

        try (ChildJvm broker = BastionProcess.start(dir, "broker", "--dir", brokerDir.toString(),
            "--identity-key", keys.resolve("identity.key").toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString(), "--fan-out", CHANNEL + ":3:block::500"))
        {
            broker.awaitLineContaining("Press Ctrl-C to stop.", TIMEOUT_MS);
            try (Session session = HandshakeClient.connect(socket, token, CHANNEL, Right.PUBLISH,
                Duration.ofSeconds(30)))
            {
                assertEquals(3, session.maxSubscribers());
                assertEquals(FanOutPolicy.blocking(500), session.fanOut().policy());
            }
            assertEquals(143, broker.terminate(TIMEOUT_MS));
        }
    }

    @Test
    void aRelayedChannelTakesARelayAndRefusesAnOrdinaryPublisher() throws Exception
    {
        final byte[] relayToken = issue("relay");
        final byte[] publishToken = issue("publish");
        final Path socket = brokerDir.resolve("broker.sock");
        try (ChildJvm broker = BastionProcess.start(dir, "broker", "--dir", brokerDir.toString(),
            "--identity-key", keys.resolve("identity.key").toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString(), "--relayed", CHANNEL))
        {
            broker.awaitLineContaining("Press Ctrl-C to stop.", TIMEOUT_MS);
            try (Session session = HandshakeClient.connectRelay(socket, relayToken, null, CHANNEL, 7,
                Duration.ofSeconds(30)))
            {
                assertEquals(7, session.producerId());
                assertEquals(ChannelIds.of(CHANNEL), session.channelId());
            }
            final HandshakeException refused = assertThrows(HandshakeException.class,
                () -> HandshakeClient.connect(socket, publishToken, CHANNEL, Right.PUBLISH, Duration.ofSeconds(30)));
            assertEquals(RejectReason.RELAY_ONLY, refused.reason());
            assertEquals(143, broker.terminate(TIMEOUT_MS));
        }
        final ChildJvm.Result encrypted = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString(),
            "--identity-key", keys.resolve("identity.key").toString(), "--relayed", CHANNEL, "--encrypted", CHANNEL);
        assertEquals(ExitCodes.USAGE, encrypted.exitCode(), encrypted::toString);
        assertTrue(encrypted.stderr().contains("a relayed channel is sealed per frame"), encrypted::toString);
    }

    private byte[] issue(final String rights) throws Exception
    {
        final ChildJvm.Result issued = BastionProcess.run(dir, "token", "issue",
            "--issuer-key", keys.resolve("issuer.key").toString(), "--subject", System.getProperty("user.name"),
            "--broker-key", keys.resolve("identity.pub").toString(), "--channel", CHANNEL, "--rights", rights);
        assertEquals(ExitCodes.OK, issued.exitCode(), issued::toString);
        return Base64.getUrlDecoder().decode(issued.stdout().strip());
    }

    @Test
    void aFanOutEntryThatDoesNotParseOrRingFilesWithFanOutIsAUsageError() throws Exception
    {
        for (final String entry : new String[]{CHANNEL, CHANNEL + ":0", CHANNEL + ":4:sideways", CHANNEL + ":x"})
        {
            final ChildJvm.Result refused = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString(),
                "--issuer-public", keys.resolve("issuer.pub").toString(),
                "--identity-key", keys.resolve("identity.key").toString(), "--fan-out", entry);
            assertEquals(ExitCodes.USAGE, refused.exitCode(), refused::toString);
            assertTrue(refused.stderr().contains("--fan-out"), refused::toString);
        }
        final ChildJvm.Result files = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString(),
            "--identity-key", keys.resolve("identity.key").toString(), "--fan-out", CHANNEL + ":2", "--ring-files");
        assertEquals(ExitCodes.USAGE, files.exitCode(), files::toString);
        assertTrue(files.stderr().contains("--fan-out needs sealed rings"), files::toString);
        assertFalse(Files.exists(brokerDir), files::toString);
    }

    @Test
    void missingIssuerKeyOrBadCapacityIsAUsageError() throws Exception
    {
        final ChildJvm.Result noIssuer = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString());
        assertEquals(ExitCodes.USAGE, noIssuer.exitCode(), noIssuer::toString);
        assertTrue(noIssuer.stderr().startsWith("bastion: Missing required option: '--issuer-public=FILE'"),
            noIssuer::toString);

        final ChildJvm.Result capacity = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString(), "--ring-capacity", "1000");
        assertEquals(ExitCodes.USAGE, capacity.exitCode(), capacity::toString);
        assertTrue(capacity.stderr().contains("--ring-capacity must be a power of two"), capacity::toString);
        assertFalse(Files.exists(brokerDir), capacity::toString);
        final ChildJvm.Result limit = BastionProcess.run(dir, "broker", "--dir", brokerDir.toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString(),
            "--identity-key", keys.resolve("identity.key").toString(), "--max-rings-per-channel", "0");
        assertEquals(ExitCodes.USAGE, limit.exitCode(), limit::toString);
        assertTrue(limit.stderr().contains("max rings per channel must be at least 1"), limit::toString);
        assertFalse(Files.exists(brokerDir), limit::toString);
    }
}
