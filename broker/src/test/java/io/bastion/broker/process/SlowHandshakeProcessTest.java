package io.bastion.broker.process;

import io.bastion.test.TestFolders;
import io.bastion.test.AsNobody;
import io.bastion.test.ChildJvm;
import io.bastion.broker.Bastion;
import io.bastion.broker.BrokerContext;
import io.bastion.client.HandshakeClient;
import io.bastion.channel.control.Session;
import io.bastion.broker.SilentConnectionsMain;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.peer.PeerPolicy;
import io.bastion.security.token.Right;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process opens many silent connections to hold the broker's handshake slots ({@link SilentConnectionsMain}). The
 * per-uid limit lets it hold only its share and refuses the rest at once ({@code RATE_LIMITED}, audited, counted)
 * while the global pool still has room: a peer of another user ({@code nobody}, through {@code setpriv}, when this
 * runs as root) still gets a handshake slot, and once the hostile process is gone its user connects again.
 */
class SlowHandshakeProcessTest
{
    private static final int PER_UID = 4;
    private static final int GLOBAL = 16;
    private static final int SILENT = 12;
    private static final String CHANNEL = "exchange.quotes";
    /** Connects as nobody, sends a length prefix beyond any control message, and reads until the broker closes. */
    private static final String PEER_SCRIPT = AsNobody.unixPeerScript(
        // Only a handshake thread reads it and refuses it.
        "s.sendall(struct.pack('<I', 1 << 30))");

    @TempDir
    Path temp;

    private Bastion bastion;
    private Path socketDir;

    @AfterEach
    void tearDown() throws Exception
    {
        if (null != bastion)
        {
            bastion.close();
        }
        if (null != socketDir)
        {
            TestFolders.deleteRecursively(socketDir);
        }
    }

    @Test
    void oneUsersSilentConnectionsHoldOnlyItsShareOfTheHandshakeSlots() throws Exception
    {
        final boolean nobodyCanRun = AsNobody.available();
        final Path dir = TestFolders.ownerOnly(temp, "bastion");
        // The socket sits in a folder another user can traverse, so that the peer policy is the gate.
        socketDir = TestFolders.traversableUnderTmp("bastion-slow-test-");
        final Path socket = socketDir.resolve("broker.sock");
        final PeerPolicy.Builder policy = PeerPolicy.builder().allowCurrentUser();
        if (nobodyCanRun)
        {
            policy.allowUser("nobody");
        }
        bastion = Bastion.launchEmbedded(new BrokerContext().directory(dir).socketPath(socket)
            .peerPolicy(policy.build()).maxPendingHandshakes(GLOBAL).maxPendingHandshakesPerUid(PER_UID)
            .handshakeTimeoutMs(60_000));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));

        try (ChildJvm silent = ChildJvm.start(temp, "silent", SilentConnectionsMain.class, socket.toString(),
            Integer.toString(SILENT)))
        {
            assertEquals("held " + PER_UID + " refused {RATE_LIMITED=" + (SILENT - PER_UID) + "}",
                silent.awaitLine("held ", 60_000), silent::describe);
            assertEquals(PER_UID, bastion.broker().pendingHandshakes(), "global slots remain free");
            assertEquals(SILENT - PER_UID, bastion.broker().rateLimitedConnections());

            if (nobodyCanRun)
            {
                final Process peer = AsNobody.start(Path.of("/"), PEER_SCRIPT, socket.toString());
                assertTrue(peer.waitFor(30, TimeUnit.SECONDS), "peer finished");
                final String output = new String(peer.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals(0, peer.exitValue(), output);
                assertTrue(output.strip().endsWith("EOF"), output);
            }
            assertEquals(SILENT - PER_UID, bastion.broker().rateLimitedConnections(), "nobody was not refused");
            silent.process().getOutputStream().close();
            assertEquals(0, silent.awaitExit(30_000), silent::describe);
        }

        // Its connections gone, the same user gets through again.
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        final byte[] token = bastion.issueToken(user, CHANNEL, Right.PUBLISH.bit(), System.currentTimeMillis(),
            3_600_000);
        final long deadline = System.currentTimeMillis() + 30_000;
        while (bastion.broker().pendingHandshakes() > 0 && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
        }
        try (Session session = HandshakeClient.connect(socket, token, CHANNEL, Right.PUBLISH, Duration.ofSeconds(30)))
        {
            assertTrue(session.producerId() > 0);
        }

        bastion.close();
        bastion = null;
        final List<AuditRecord> audit = AuditFiles.readAll(dir.resolve("audit"), "audit");
        assertEquals(SILENT - PER_UID, audit.stream().filter((r) -> AuditEventType.HANDSHAKE == r.type() &&
            AuditOutcome.REFUSED == r.outcome() && r.detail().startsWith("RATE_LIMITED: uid ")).count());
        if (nobodyCanRun)
        {
            assertTrue(audit.stream().anyMatch((r) -> AuditEventType.HANDSHAKE == r.type() &&
                AuditOutcome.REFUSED == r.outcome() && "nobody".equals(r.principal()) &&
                r.detail().contains("message length")), "nobody's connection reached a handshake thread: " + audit);
        }
    }
}
