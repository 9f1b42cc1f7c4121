package io.bastion.broker;

import io.bastion.channel.RingFiles;
import io.bastion.channel.SealedRing;
import io.bastion.channel.control.Session;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditOutcome;
import org.agrona.collections.Long2ObjectHashMap;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;

/**
 * The conductor's {@link RouterOutput}: it carries out what the channels' machines decide on the sessions' sockets,
 * the ring files, the slots and the audit log. It finds each endpoint's socket by its session id among the
 * connections the conductor opened.
 * <p>
 * Ownership: it holds the open connections, from {@link #add} until {@link #close} closes the session and gives back
 * its slots and rings. Owned by the conductor thread.
 */
final class SocketOutput implements RouterOutput
{
    private final Selector selector;
    private final RingAllocator slots;
    private final AuditLog audit;
    private final Long2ObjectHashMap<RouterConnection> connections = new Long2ObjectHashMap<>();

    SocketOutput(final Selector selector, final RingAllocator slots, final AuditLog audit)
    {
        this.selector = selector;
        this.slots = slots;
        this.audit = audit;
    }

    /**
     * Hold a connection, before its channel's machine hears of it.
     *
     * @param connection the connection.
     */
    void add(final RouterConnection connection)
    {
        connections.put(connection.session.sessionId(), connection);
    }

    /**
     * Close a session and give back its slots and rings; for a session no machine holds.
     *
     * @param session the session.
     */
    void closeAndRelease(final Session session)
    {
        session.close();
        slots.release(session.rings(), session.channel(), session.right(), session.sessionId());
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean send(final RouterEndpoint to, final byte[] message, final SealedRing ring)
    {
        final RouterConnection connection = connections.get(to.session.sessionId);
        if (null == connection)
        {
            return false;
        }
        return null == ring ? connection.link.send(message) :
            connection.link.send(message, ring.consumerSideDescriptors());
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean sendWithDescriptors(final RouterEndpoint to, final byte[] message, final int[] descriptors)
    {
        final RouterConnection connection = connections.get(to.session.sessionId);
        return null != connection && connection.link.send(message, descriptors);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void detach(final RouterEndpoint endpoint)
    {
        final RouterConnection connection = connections.get(endpoint.session.sessionId);
        final SelectionKey key = null == connection ? null : connection.session.controlChannel().keyFor(selector);
        if (null != key)
        {
            key.cancel();
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void close(final RouterEndpoint endpoint)
    {
        final RouterConnection connection = connections.remove(endpoint.session.sessionId);
        if (null != connection)
        {
            closeAndRelease(connection.session);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean unlink(final Path ringPath)
    {
        try
        {
            RingFiles.unlink(ringPath);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void audit(
        final AuditEventType type, final AuditOutcome outcome, final String subject, final String channel,
        final String detail)
    {
        audit.log(type, outcome, subject, channel, detail);
    }
}
