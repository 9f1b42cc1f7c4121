package io.bastion.broker;

import io.bastion.channel.control.Session;

/**
 * Receives each session the broker opens, on the handshake thread that opened it, right after the Welcome was sent.
 * The listener takes ownership of the {@link Session} (its keys and control socket) and must close it when done.
 * Implementations must be thread safe (several handshakes may finish at once) and should return quickly: the
 * handshake slot stays taken until they do.
 */
@FunctionalInterface
public interface SessionListener
{
    /**
     * A session is open.
     *
     * @param session the session; owned by the listener from now on.
     */
    void onSession(Session session);
}
