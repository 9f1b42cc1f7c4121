package io.bastion.broker;

import io.bastion.channel.control.Session;
import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.peer.PeerPolicy;
import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenIssuer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * A broker in a temporary folder with its own token issuer, for tests. Sessions the broker opens are queued in
 * {@link #brokerSessions}.
 */
final class BrokerFixture implements AutoCloseable
{
    static final String CHANNEL = "market.data";
    static final int RING_CAPACITY = 4096;

    final KeyPair issuerKeys = IssuerKeys.generate();
    final TokenIssuer issuer = new TokenIssuer(issuerKeys.getPrivate());
    /** The broker's identity, fixed before launch so that tokens can name it (and a relaunch keeps it). */
    final KeyPair identity = IssuerKeys.generate();
    final BlockingQueue<Session> brokerSessions = new LinkedBlockingQueue<>();
    final Path directory;
    final Path auditDirectory;
    final BrokerContext context;
    Broker broker;

    BrokerFixture(final Path root, final Consumer<BrokerContext> configure) throws IOException
    {
        this.directory = root.resolve("broker");
        this.auditDirectory = directory.resolve("audit");
        this.context = new BrokerContext()
            .directory(directory)
            .issuerPublicKey(issuerKeys.getPublic())
            .identity(identity)
            .ringCapacity(RING_CAPACITY)
            .handshakeTimeoutMs(10_000)
            .peerPolicy(PeerPolicy.builder().allowCurrentUser().build())
            .sessionListener(brokerSessions::add);
        configure.accept(context);
        this.broker = Broker.launch(context);
    }

    static String currentUser() throws IOException
    {
        return Files.getOwner(Path.of("/proc/self")).getName();
    }

    byte[] token(final String subject, final String pattern, final long notAfterMs, final long tokenId,
        final Right... rights)
    {
        return issuer.issue(new CapabilityToken(subject, pattern, Right.mask(rights), 0, notAfterMs, tokenId,
            IssuerKeys.rawPublic(identity.getPublic()), false));
    }

    byte[] singleUseToken(final long tokenId, final Right... rights) throws IOException
    {
        return issuer.issue(new CapabilityToken(currentUser(), "market.*", Right.mask(rights), 0, Long.MAX_VALUE,
            tokenId, IssuerKeys.rawPublic(identity.getPublic()), true));
    }

    byte[] validToken(final Right... rights) throws IOException
    {
        return token(currentUser(), "market.*", Long.MAX_VALUE, 42, rights);
    }

    /**
     * Close the broker (which flushes its audit log) and read every audit record.
     *
     * @return the records in order.
     * @throws IOException if the files cannot be read.
     */
    List<AuditRecord> closeAndReadAudit() throws IOException
    {
        close();
        return AuditFiles.readAll(auditDirectory, "audit");
    }

    @Override
    public void close()
    {
        if (null != broker)
        {
            broker.close();
            broker = null;
        }
        Session session;
        while (null != (session = brokerSessions.poll()))
        {
            session.close();
        }
    }
}
