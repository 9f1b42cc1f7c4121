package io.bastion.broker;

import io.bastion.channel.control.RingAllocation;
import io.bastion.security.token.Right;

import java.io.IOException;

/**
 * Creates the rings of a session once its peer and token have been checked; pluggable so that the data path can
 * decide how rings are shared between sessions. Called on a broker handshake thread, possibly by several at once:
 * implementations must be thread safe.
 */
public interface RingAllocator
{
    /**
     * Allocate (create and publish) the rings for a session.
     *
     * @param subject   the peer's user name, authenticated by the kernel and the token.
     * @param channel   the channel name, authorised by the token.
     * @param right     the right the session was granted.
     * @param sessionId the session id (unique per broker).
     * @return the allocation.
     * @throws IOException if a ring cannot be created; the broker refuses the session.
     */
    RingAllocation allocate(String subject, String channel, Right right, long sessionId) throws IOException;

    /**
     * Give back what {@link #allocate} made: the session ended, or never opened because its Welcome could not be
     * sent. Must not throw; called at most once per allocation.
     *
     * @param allocation what was allocated.
     * @param channel    the channel it was allocated for.
     * @param right      the right it was allocated for.
     * @param sessionId  the session it was allocated for.
     */
    default void release(
        final RingAllocation allocation, final String channel, final Right right, final long sessionId)
    {
    }
}
