package io.bastion.broker;

import io.bastion.channel.RingFiles;
import io.bastion.channel.SealedRing;
import io.bastion.client.HandshakeClient;
import io.bastion.channel.control.Session;
import io.bastion.security.token.Right;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BastionEmbeddedTest
{
    @TempDir
    Path temp;

    @Test
    void anEmbeddedBrokerIssuesTokensThatItsOwnHandshakeAccepts() throws Exception
    {
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        final Path dir = temp.resolve("bastion");
        final Path socket;
        try (Bastion bastion = Bastion.launchEmbedded(new BrokerContext().directory(dir)))
        {
            final byte[] token = bastion.issueToken(
                user, "prices", Right.mask(Right.PUBLISH), System.currentTimeMillis(), 60_000);
            try (Session session = HandshakeClient.connect(bastion.broker().socketPath(), token,
                bastion.identityPublicKey(), "prices", Right.PUBLISH, Duration.ofSeconds(10)))
            {
                if (SealedRing.isSupported())
                {
                    assertNull(session.publishRingPath(), "the embedded default is a sealed ring, with no name");
                    assertNotNull(session.rings().sealedRing());
                }
                else
                {
                    assertTrue(Files.isRegularFile(session.publishRingPath()));
                    assertTrue(Files.isRegularFile(RingFiles.consumerFile(session.publishRingPath())));
                }
            }
            socket = bastion.broker().socketPath();
            assertTrue(Files.exists(socket));
        }
        assertFalse(Files.exists(socket), "closing the embedded broker removes its socket");
    }

    @Test
    void aBrokerWithAnExternalIssuerIssuesNoTokens() throws Exception
    {
        final java.security.KeyPair external = io.bastion.security.token.IssuerKeys.generate();
        try (Bastion bastion = Bastion.launchEmbedded(
            new BrokerContext().directory(temp.resolve("b")).issuerPublicKey(external.getPublic())))
        {
            assertThrows(IllegalStateException.class,
                () -> bastion.issueToken("x", "prices", Right.mask(Right.PUBLISH), 0, 1));
            assertArrayEquals(bastion.identityPublicKey().getEncoded(),
                bastion.broker().identityPublicKey().getEncoded());
        }
    }
}
