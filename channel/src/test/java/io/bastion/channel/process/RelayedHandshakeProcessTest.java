package io.bastion.channel.process;

import io.bastion.channel.Bastion;
import io.bastion.channel.broker.BrokerContext;
import io.bastion.channel.broker.HandshakeClient;
import io.bastion.channel.broker.HandshakeException;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.token.Right;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A same-user process relays a client's connection to the real broker, byte for byte. The broker signs its Challenge
 * for the peer its kernel reports (the relay), the client checks it for itself, so the client refuses before its
 * token leaves: the relay never gets a session to read rings from, and the broker never sees the token.
 */
class RelayedHandshakeProcessTest
{
    private static final String CHANNEL = "exchange.prices";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private Bastion bastion;
    private Path dir;

    @AfterEach
    void tearDown()
    {
        if (null != bastion)
        {
            bastion.close();
        }
    }

    @Test
    void aRelayedHandshakeIsRefusedByTheClientBeforeTheTokenLeaves() throws Exception
    {
        dir = ProcessFolders.ownerOnly(temp, "bastion");
        bastion = Bastion.launchEmbedded(new BrokerContext().directory(dir));
        final Path socket = bastion.broker().socketPath();
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        final byte[] token = bastion.issueToken(user, CHANNEL, Right.SUBSCRIBE.bit(), System.currentTimeMillis(),
            3_600_000, false);
        final Path moved = dir.resolve("moved-aside.sock");
        try (ChildJvm relay = ChildJvm.start(temp, "relay", RelayMain.class, socket.toString(), moved.toString()))
        {
            relay.awaitLine("relaying", 30_000);
            final HandshakeException refused = assertThrows(HandshakeException.class,
                () -> HandshakeClient.connect(socket, token, CHANNEL, Right.SUBSCRIBE, TIMEOUT));
            assertEquals(RejectReason.BAD_SIGNATURE, refused.reason(), refused.getMessage());
            assertFalse(refused.refusedByPeer(), "the client itself refused");
            final String relayed = relay.awaitLine("relayed", 30_000);
            assertTrue(relayed.matches("relayed up=[1-9][0-9]* down=[1-9][0-9]*"), "bytes did pass: " + relayed);
            assertEquals(0, relay.awaitExit(30_000), relay.describe());
        }

        // The token never left the client: the broker saw no token at all.
        final List<AuditRecord> audit = closeAndReadAudit();
        assertEquals(0, audit.stream().filter((r) -> AuditEventType.TOKEN_CHECK == r.type()).count(),
            audit::toString);
        assertTrue(audit.stream().anyMatch((r) -> r.detail().contains("the client refused the broker")),
            audit::toString);
    }

    private List<AuditRecord> closeAndReadAudit() throws IOException
    {
        bastion.close();
        bastion = null;
        return ProcessTestSupport.readAudit(dir.resolve("audit"));
    }
}
