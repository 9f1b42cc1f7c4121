package io.bastion.broker;

import io.bastion.test.AsNobody;
import io.bastion.test.TestFolders;
import io.bastion.channel.control.ControlChannel;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.audit.AuditRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A peer running as {@code nobody} is refused by the broker's {@code SO_PEERCRED} policy before it can say anything.
 * The peer is a system Python run through {@code setpriv}: it connects, reads every byte until the broker closes
 * the connection, and prints them in hex.
 */
class NobodyPeerTest
{
    /** Connects as nobody and reads until the broker closes. */
    private static final String PEER_SCRIPT = AsNobody.unixPeerScript();

    @TempDir
    Path tempDir;

    @Test
    void nobodyIsRefusedWithPeerRejected() throws Exception
    {
        assumeTrue(AsNobody.available(), "needs root, setpriv and python3 to run a peer as nobody");

        // The socket lives in a folder nobody can traverse; the broker's own folder stays 0700.
        final Path socketDir = TestFolders.traversableUnderTmp("bastion-peer-test-");
        try
        {
            final Path socket = socketDir.resolve("broker.sock");
            final List<AuditRecord> audit;
            final String output;
            try (BrokerFixture fixture = new BrokerFixture(tempDir, (context) -> context.socketPath(socket)))
            {
                // connect(2) needs write permission on the socket file: open it, so that the policy is the gate.
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxrwxrwx"));
                final Process peer = AsNobody.start(Path.of("/"), PEER_SCRIPT, socket.toString());
                assertTrue(peer.waitFor(30, TimeUnit.SECONDS), "peer finished");
                output = new String(peer.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals(0, peer.exitValue(), output);
                audit = fixture.closeAndReadAudit();
            }
            final String[] lines = output.trim().split("\n");
            assertEquals("EOF", lines[lines.length - 1].trim(), "the peer saw the connection close: " + output);
            final byte[] reply = HexFormat.of().parseHex(lines[lines.length - 2].trim());
            final int length = ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getInt();
            assertEquals(reply.length - ControlChannel.PREFIX_LENGTH, length, "one message, then close");
            final byte[] message = new byte[length];
            System.arraycopy(reply, ControlChannel.PREFIX_LENGTH, message, 0, length);
            final ControlMessage refusal = ControlMessages.parse(message, length);
            assertEquals(RefusalDecoder.TEMPLATE_ID, refusal.templateId());
            assertEquals(RejectReason.PEER_REJECTED, refusal.refusalReason);

            boolean audited = false;
            for (final AuditRecord record : audit)
            {
                audited |= record.type() == AuditEventType.PEER_CHECK && record.outcome() == AuditOutcome.REFUSED &&
                    "nobody".equals(record.principal());
            }
            assertTrue(audited, "PEER_CHECK refusal of nobody audited: " + audit);
            assertTrue(BrokerHandshakeTest.has(audit, AuditEventType.HANDSHAKE, AuditOutcome.REFUSED,
                "PEER_REJECTED"));
        }
        finally
        {
            TestFolders.deleteRecursively(socketDir);
        }
    }
}
