package io.bastion.channel.process;

import io.bastion.channel.Bastion;
import io.bastion.channel.broker.BrokerContext;
import io.bastion.channel.broker.HandshakeClient;
import io.bastion.channel.broker.HandshakeException;
import io.bastion.channel.broker.Session;
import io.bastion.channel.broker.StandInBrokerMain;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
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
 * A process of the broker's own user moves the real broker's socket aside and answers on its path with an identity
 * of its own ({@link StandInBrokerMain}). The client pins the broker from its token, so it refuses the stand-in
 * after the Challenge, and the stand-in never gets a session; the single-use token it collected from the Hello is
 * refused when it replays it to the real broker.
 */
class StandInBrokerProcessTest
{
    private static final String CHANNEL = "exchange.orders";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
    void aStandInBrokerIsRefusedByTheClientAndNeverSeesTheToken() throws Exception
    {
        dir = ProcessFolders.ownerOnly(temp, "bastion");
        bastion = Bastion.launchEmbedded(new BrokerContext().directory(dir));
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

    private List<AuditRecord> closeAndReadAudit() throws IOException
    {
        bastion.close();
        bastion = null;
        return ProcessTestSupport.readAudit(dir.resolve("audit"));
    }
}
