package io.bastion.broker;

import io.bastion.channel.SealedRing;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;

import java.nio.file.Path;

/**
 * Everything a {@link ChannelMachine} does to the world: queue a control message for a session, stop listening to
 * one, close one, unlink a ring's file names, write an audit record. The machine decides; an output only carries
 * out. The conductor's output ({@link SocketOutput}) writes to the sessions' sockets; a test's records what it is
 * told.
 * <p>
 * Called only on the thread that drives the machine (the conductor). No method may call back into the machine.
 */
interface RouterOutput
{
    /**
     * Queue a control message for a session.
     *
     * @param to      the session.
     * @param message the encoded message.
     * @param ring    a ring whose consumer-side descriptors go with the message, or null.
     * @return false if the session's control queue cannot take it (the machine then ends the session).
     */
    boolean send(RouterEndpoint to, byte[] message, SealedRing ring);

    /**
     * Queue a control message for a session, with descriptors that go with it (they stay the caller's).
     *
     * @param to          the session.
     * @param message     the encoded message.
     * @param descriptors the descriptors, not null.
     * @return false if the session's control queue cannot take it (the machine then ends the session).
     */
    boolean sendWithDescriptors(RouterEndpoint to, byte[] message, int[] descriptors);

    /**
     * Stop reading a session's control socket: the machine dropped it. Its session stays open (a leaving publisher's
     * ring is still being drained) until {@link #close}.
     *
     * @param endpoint the session.
     */
    void detach(RouterEndpoint endpoint);

    /**
     * Close a session (its keys zeroed, its socket closed) and give back its slots and rings. Called once per
     * session.
     *
     * @param endpoint the session.
     */
    void close(RouterEndpoint endpoint);

    /**
     * Remove a ring's file names; the mappings of both sides stay.
     *
     * @param ringPath the ring's producer region file.
     * @return true if removed, false if that failed.
     */
    boolean unlink(Path ringPath);

    /**
     * Write an audit record.
     *
     * @param type    the event type.
     * @param outcome the outcome.
     * @param subject the principal, or null.
     * @param channel the channel name, or null.
     * @param detail  the detail.
     */
    void audit(AuditEventType type, AuditOutcome outcome, String subject, String channel, String detail);
}
