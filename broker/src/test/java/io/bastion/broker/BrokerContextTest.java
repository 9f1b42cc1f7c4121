package io.bastion.broker;

import io.bastion.channel.control.Session;
import io.bastion.client.HandshakeClient;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditLogConfig;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.files.FileCheckReason;
import io.bastion.security.files.SecureFileException;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.KeyFile;
import io.bastion.security.token.KeyFileException;
import io.bastion.security.token.Right;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The context's system properties, defaults and validation, and the broker's lifecycle on disk.
 */
class BrokerContextTest
{
    @TempDir
    Path tempDir;

    @AfterEach
    void clearProperties()
    {
        for (final String name : new String[] {BrokerContext.DIR_PROP, BrokerContext.SOCKET_PROP,
            BrokerContext.HANDSHAKE_TIMEOUT_PROP, BrokerContext.MAX_PENDING_PROP, BrokerContext.RING_CAPACITY_PROP,
            BrokerContext.ISSUER_KEY_PROP, BrokerContext.AUDIT_DIR_PROP, BrokerContext.MAX_PENDING_PER_UID_PROP,
            BrokerContext.IDENTITY_KEY_PROP, BrokerContext.SINGLE_USE_CAPACITY_PROP})
        {
            System.clearProperty(name);
        }
    }

    @Test
    void systemPropertiesConfigureEverySetting() throws Exception
    {
        final KeyPair issuer = IssuerKeys.generate();
        final Path dir = tempDir.resolve("b");
        System.setProperty(BrokerContext.DIR_PROP, dir.toString());
        System.setProperty(BrokerContext.SOCKET_PROP, dir.resolve("s.sock").toString());
        System.setProperty(BrokerContext.HANDSHAKE_TIMEOUT_PROP, "1234");
        System.setProperty(BrokerContext.MAX_PENDING_PROP, "3");
        System.setProperty(BrokerContext.MAX_PENDING_PER_UID_PROP, "2");
        System.setProperty(BrokerContext.SINGLE_USE_CAPACITY_PROP, "99");
        System.setProperty(BrokerContext.RING_CAPACITY_PROP, "8192");
        System.setProperty(BrokerContext.AUDIT_DIR_PROP, dir.resolve("log").toString());
        System.setProperty(BrokerContext.ISSUER_KEY_PROP,
            HexFormat.of().formatHex(IssuerKeys.rawPublic(issuer.getPublic())));
        final BrokerContext context = new BrokerContext();
        try
        {
            context.conclude();
            assertEquals(dir, context.directory());
            assertEquals(dir.resolve("s.sock"), context.socketPath());
            assertEquals(1234, context.handshakeTimeoutMs());
            assertEquals(3, context.maxPendingHandshakes());
            assertEquals(2, context.maxPendingHandshakesPerUid());
            assertEquals(99, context.singleUseTokenCapacity());
            assertTrue(context.identityInMemory(), "no identity key named: one made in memory");
            assertEquals(8192, context.ringCapacity());
            assertEquals(dir.resolve("log"), context.auditDirectory());
            assertEquals(issuer.getPublic(), context.issuerPublicKey());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir,
                LinkOption.NOFOLLOW_LINKS)));
        }
        finally
        {
            context.auditLog().close();
        }
    }

    @Test
    void theContextClosesTheAuditLogItOpenedAndNotOneItWasGiven() throws Exception
    {
        final KeyPair issuer = IssuerKeys.generate();
        final BrokerContext owning = new BrokerContext().directory(tempDir.resolve("owning"))
            .issuerPublicKey(issuer.getPublic()).conclude();
        assertTrue(owning.auditLog().log(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, null, null, "test"));
        owning.close();
        assertFalse(owning.auditLog().log(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, null, null, "late"));
        owning.close();

        try (AuditLog given = AuditLog.open(new AuditLogConfig().directory(tempDir.resolve("given-audit"))))
        {
            final BrokerContext borrowing = new BrokerContext().directory(tempDir.resolve("borrowing"))
                .issuerPublicKey(issuer.getPublic()).auditLog(given).conclude();
            borrowing.close();
            assertTrue(given.log(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, null, null, "still open"));
        }
    }

    @Test
    void concludeRefusesMissingIssuerAndBadValues()
    {
        assertThrows(IllegalStateException.class, () -> new BrokerContext().directory(tempDir).conclude());
        final KeyPair issuer = IssuerKeys.generate();
        assertThrows(IllegalStateException.class, () -> new BrokerContext().directory(tempDir)
            .issuerPublicKey(issuer.getPublic()).handshakeTimeoutMs(0).conclude());
        assertThrows(IllegalStateException.class, () -> new BrokerContext().directory(tempDir)
            .issuerPublicKey(issuer.getPublic()).maxPendingHandshakes(0).conclude());
        assertThrows(IllegalStateException.class, () -> new BrokerContext().directory(tempDir)
            .issuerPublicKey(issuer.getPublic()).maxPendingHandshakesPerUid(0).conclude());
        assertThrows(IllegalStateException.class, () -> new BrokerContext().directory(tempDir)
            .issuerPublicKey(issuer.getPublic()).singleUseTokenCapacity(0).conclude());
        assertThrows(IllegalArgumentException.class, () -> new BrokerContext().directory(tempDir.resolve("x"))
            .issuerPublicKey(issuer.getPublic()).ringCapacity(1000).conclude());
    }

    @Test
    void theIdentityComesFromAnOwnerOnlyKeyFileReadBeforeAnythingIsCreated() throws Exception
    {
        final KeyPair issuer = IssuerKeys.generate();
        final KeyPair identity = IssuerKeys.generate();
        final Path keys = Files.createDirectory(tempDir.resolve("keys"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        final Path keyFile = keys.resolve("identity.key");
        Files.write(keyFile, KeyFile.privateFileContent(identity, "broker identity key"));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        System.setProperty(BrokerContext.IDENTITY_KEY_PROP, keyFile.toString());
        final BrokerContext context = new BrokerContext().directory(tempDir.resolve("b"))
            .issuerPublicKey(issuer.getPublic());
        try
        {
            context.conclude();
            assertEquals(keyFile, context.identityKeyFile());
            assertEquals(identity.getPublic(), context.identity().getPublic());
            assertFalse(context.identityInMemory());
        }
        finally
        {
            context.auditLog().close();
        }

        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        final SecureFileException wide = assertThrows(SecureFileException.class, () -> new BrokerContext()
            .directory(tempDir.resolve("c")).issuerPublicKey(issuer.getPublic()).identityKeyFile(keyFile).conclude());
        assertEquals(FileCheckReason.MODE_TOO_WIDE, wide.reason());
        assertFalse(Files.exists(tempDir.resolve("c")), "nothing created before the key is read");

        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        Files.write(keyFile, KeyFile.publicFileContent(identity.getPublic()));
        final KeyFileException notPrivate = assertThrows(KeyFileException.class, () -> new BrokerContext()
            .directory(tempDir.resolve("c")).issuerPublicKey(issuer.getPublic()).identityKeyFile(keyFile).conclude());
        assertEquals(KeyFileException.Reason.NOT_A_PRIVATE_KEY_FILE, notPrivate.reason());
        assertFalse(Files.exists(tempDir.resolve("c")));
    }

    @Test
    void defaultDirectoryFollowsXdgOrDevShm()
    {
        final String runtime = System.getenv("XDG_RUNTIME_DIR");
        final Path expected = null != runtime && !runtime.isEmpty() ? Path.of(runtime, "bastion") :
            Path.of("/dev/shm").resolve("bastion-" + (null != System.getenv("USER") && !System.getenv("USER")
                .isEmpty() ? System.getenv("USER") : System.getProperty("user.name")));
        assertEquals(expected, BrokerContext.defaultDirectory());
    }

    @Test
    void refusesAWidelyOpenBrokerFolder() throws Exception
    {
        final Path open = Files.createDirectory(tempDir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThrows(java.io.IOException.class, () -> new BrokerContext().directory(open)
            .issuerPublicKey(IssuerKeys.generate().getPublic()).conclude());
    }

    @Test
    void brokerPublishesNoKeyFileAndRemovesItsSocketOnClose() throws Exception
    {
        final Path socket;
        try (BrokerFixture fixture = new BrokerFixture(tempDir, (context) -> { }))
        {
            socket = fixture.broker.socketPath();
            assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(fixture.directory.resolve("broker.pub"), LinkOption.NOFOLLOW_LINKS),
                "clients pin the broker from their tokens: no key file in the folder");
            assertThrows(java.io.IOException.class, () -> Broker.launch(new BrokerContext()
                .directory(fixture.directory).socketPath(socket).issuerPublicKey(fixture.issuerKeys.getPublic())
                .auditLog(fixture.broker.context().auditLog())), "a second broker on a live socket");
            try (Session session = HandshakeClient.connect(socket, fixture.validToken(Right.PUBLISH),
                fixture.broker.identityPublicKey(), BrokerFixture.CHANNEL, Right.PUBLISH, Duration.ofSeconds(10)))
            {
                assertTrue(null != session.publishRingPath() || null != session.rings().sealedRing(),
                    "the live broker still has its socket");
            }
        }
        assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theSocketFileHasTheModeTheJdksBindGaveNotJunixsocketsOpenOne() throws Exception
    {
        final Path reference = tempDir.resolve("reference.sock");
        try (java.nio.channels.ServerSocketChannel jdk =
            java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX))
        {
            jdk.bind(java.net.UnixDomainSocketAddress.of(reference));
            try (BrokerFixture fixture = new BrokerFixture(tempDir, (context) -> { }))
            {
                final String mode = PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(fixture.broker.socketPath(), LinkOption.NOFOLLOW_LINKS));
                assertEquals(PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(reference, LinkOption.NOFOLLOW_LINKS)), mode);
            }
        }
    }

    @Test
    void staleSocketFileIsReplaced() throws Exception
    {
        final Path socket;
        try (BrokerFixture fixture = new BrokerFixture(tempDir, (context) -> { }))
        {
            socket = fixture.broker.socketPath();
        }
        // Leave a socket file with nobody listening, as a killed broker would.
        try (java.nio.channels.ServerSocketChannel stale =
            java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX))
        {
            stale.bind(java.net.UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        try (BrokerFixture fixture = new BrokerFixture(tempDir, (context) -> { }))
        {
            assertEquals(socket, fixture.broker.socketPath());
            try (Session session = HandshakeClient.connect(socket, fixture.validToken(Right.PUBLISH),
                fixture.broker.identityPublicKey(), BrokerFixture.CHANNEL, Right.PUBLISH, Duration.ofSeconds(10)))
            {
                assertTrue(null != session.publishRingPath() || null != session.rings().sealedRing());
            }
        }
    }
}
