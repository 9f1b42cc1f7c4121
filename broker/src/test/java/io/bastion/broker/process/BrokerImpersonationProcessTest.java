package io.bastion.broker.process;

import io.bastion.test.ChildJvm;
import io.bastion.test.RelayMain;
import io.bastion.client.HandshakeClient;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.broker.StandInBrokerMain;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.token.Right;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attack 1 of the issue on the broker's authority: a process of the broker's own user takes the broker's place.
 * <ul>
 *     <li>A stand-in ({@link StandInBrokerMain}) moves the real broker's socket aside and answers on its path with an
 *     identity of its own. The client pins the broker from its token, so it refuses the stand-in after the Challenge;
 *     the Hello carries no token, so the stand-in never sees one and gets no session.</li>
 *     <li>A relay ({@link RelayMain}) copies bytes between the client and the real broker. The broker signs for the
 *     peer its kernel reports (the relay), the client checks the signature for itself, so it refuses before its token
 *     leaves, and the relay never gets a session or a ring.</li>
 * </ul>
 */
class BrokerImpersonationProcessTest extends EmbeddedBrokerTest
{
    private static final String CHANNEL = "exchange.orders";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aStandInBrokerIsRefusedByTheClientAndNeverSeesTheToken() throws Exception
    {
        launch((context) -> context);
        final Path socket = bastion.broker().socketPath();
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        // A token nobody used yet, good any number of times: the prize a stand-in is after.
        final byte[] token = bastion.issueToken(user, CHANNEL, Right.PUBLISH.bit(), System.currentTimeMillis(),
            3_600_000, false);
        assertFalse(Files.exists(dir.resolve("broker.pub")), "no key file in the folder for a stand-in to replace");

        final Path moved = dir.resolve("moved-aside.sock");
        try (ChildJvm standIn = ChildJvm.start(temp, "stand-in", StandInBrokerMain.class,
            socket.toString(), moved.toString(), CHANNEL, Right.PUBLISH.name()))
        {
            standIn.awaitLine("listening", 30_000);

            // The client (an application starting up) reaches the stand-in on the original path.
            final HandshakeException refused = assertThrows(HandshakeException.class,
                () -> HandshakeClient.connect(socket, token, CHANNEL, Right.PUBLISH, TIMEOUT));
            assertEquals(RejectReason.BAD_SIGNATURE, refused.reason(), refused.getMessage());
            assertFalse(refused.refusedByPeer(), "the client itself refused the stand-in");

            assertEquals("hello token none", standIn.awaitLine("hello ", 30_000), standIn::describe);
            assertEquals("after-challenge REFUSAL BAD_SIGNATURE", standIn.awaitLine("after-challenge", 30_000),
                "after the Hello the client sent the stand-in only its refusal: " + standIn.describe());
            assertEquals("session none", standIn.awaitLine("session", 30_000));
            assertEquals("replay none", standIn.awaitLine("replay", 30_000), standIn::describe);
            assertEquals(0, standIn.awaitExit(30_000), standIn::describe);
        }

        // The real broker, where the stand-in put it: the token still opens a session for its holder.
        try (Session session = HandshakeClient.connect(moved, token, CHANNEL, Right.PUBLISH, TIMEOUT))
        {
            assertTrue(session.producerId() > 0);
        }
        final List<AuditRecord> audit = closeAndReadAudit();
        assertEquals(0, audit.stream().filter((r) -> AuditEventType.TOKEN_CHECK == r.type() &&
            AuditOutcome.REFUSED == r.outcome()).count(), audit::toString);
    }

    @Test
    void aRelayedHandshakeIsRefusedByTheClientBeforeTheTokenLeaves() throws Exception
    {
        launch((context) -> context);
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
}
