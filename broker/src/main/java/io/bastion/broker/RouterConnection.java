package io.bastion.broker;

import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.Session;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.token.Right;

/**
 * One session's control socket as the conductor sees it: the session, its {@link ControlLink}, and its endpoint in
 * its channel's {@link ChannelMachine}. It reads what the client sent and hands each message, parsed and validated,
 * to the machine; it makes no decision of its own.
 * <p>
 * Ownership: it holds the session (keys, socket, rings) from the moment the conductor opens it until the machine
 * closes it through the output ({@link SocketOutput#close}). Owned by the conductor thread.
 */
final class RouterConnection
{
    /** Most messages read per wake-up, so that one chatty client cannot starve the others. */
    private static final int MESSAGES_PER_WAKE_UP = 16;

    final Session session;
    final ControlLink link;
    final ChannelMachine machine;
    RouterEndpoint endpoint;

    RouterConnection(final Session session, final ControlLink link, final ChannelMachine machine)
    {
        this.session = session;
        this.link = link;
        this.machine = machine;
    }

    /**
     * What the machine is told of a session: a publisher's key schedule and ring, a copy of a subscriber's control
     * key, or a relay's ring and a copy of its control key (which opens the origin keys it hands over).
     *
     * @param session the session.
     * @return its facts.
     */
    static SessionFacts facts(final Session session)
    {
        if (Right.RELAY == session.right())
        {
            // A relay's frame keys are the origin's, which it hands over wrapped under its control key.
            return new SessionFacts(session.sessionId(), session.subject(), session.token(), session.producerId(), 0,
                null, session.keys().controlKey(), session.ringCapacity(), session.publishRingPath(),
                session.rings().sealedRing()).relay(true);
        }
        final boolean publisher = Right.PUBLISH == session.right();
        return new SessionFacts(
            session.sessionId(),
            session.subject(),
            session.token(),
            session.producerId(),
            session.keys().keyId(),
            publisher ? (keyId) -> session.keys().key(KeyDirection.INITIATOR_TO_RESPONDER, keyId) : null,
            publisher ? null : session.keys().controlKey(),
            publisher ? session.ringCapacity() : 0,
            publisher ? session.publishRingPath() : null,
            publisher ? session.rings().sealedRing() : null)
            .sharedRing(publisher ? session.rings().sharedRing() : null);
    }

    /**
     * The socket is readable: read a few messages and hand each to the machine; a socket that closed or broke the
     * framing ends the session.
     */
    void onReadable()
    {
        for (int i = 0; i < MESSAGES_PER_WAKE_UP && !endpoint.dropped; i++)
        {
            final int length = link.poll();
            if (ControlLink.NONE == length)
            {
                link.flush();
                return;
            }
            if (length < 0)
            {
                machine.onLinkEnded(endpoint, ControlLink.BAD_LENGTH == length ? "bad message length" :
                    ControlLink.TOO_MANY_DESCRIPTORS == length ? "too many descriptors" : null);
                return;
            }
            final ControlMessage message = ControlMessages.parse(link.messageBuffer(), length);
            if (!message.isValid())
            {
                machine.onLinkEnded(endpoint, "malformed message: " + message.detail());
                return;
            }
            machine.onMessage(endpoint, message);
        }
    }
}
