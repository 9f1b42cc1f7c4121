package io.bastion.broker;

import io.bastion.channel.ConcurrentPublisher;
import io.bastion.channel.control.RingAllocation;
import io.bastion.codec.RejectReason;
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
     * Allocate the ring of a concurrent publisher's session: one many-to-one ring of sealed memory
     * ({@link RingAllocation#concurrent}) and a block of {@link ConcurrentPublisher#MAX_LANES} producer ids, unique
     * within the channel, of which the publisher's threads use the first {@code lanes}. An allocator that makes no
     * such rings refuses, which is what this default does ({@link RejectReason#CHANNEL_CLOSED}: the client learns
     * that the broker takes no concurrent publisher, the audit says why).
     *
     * @param subject   the peer's user name, authenticated by the kernel and the token.
     * @param channel   the channel name, authorised for {@link Right#PUBLISH} by the token.
     * @param sessionId the session id (unique per broker).
     * @param lanes     the lanes the client asked for, 1 to {@link ConcurrentPublisher#MAX_LANES}.
     * @return the allocation.
     * @throws IOException if the ring cannot be created, or {@link AllocationRefusedException} with the reason the
     *                     client is told.
     */
    default RingAllocation allocateConcurrent(
        final String subject, final String channel, final long sessionId, final int lanes) throws IOException
    {
        throw new AllocationRefusedException(
            RejectReason.CHANNEL_CLOSED, "this broker's ring allocator makes no ring for a concurrent publisher");
    }

    /**
     * Allocate the ring of a relay's session ({@link Right#RELAY}, on a relayed channel): a ring exactly as a
     * publisher's, under the origin producer id the relay declared, which must not be in use on the channel. An
     * allocator that makes no such rings refuses, which is what this default does
     * ({@link RejectReason#CHANNEL_CLOSED}).
     *
     * @param subject          the peer's user name, authenticated by the kernel and the token.
     * @param channel          the channel name, authorised for {@link Right#RELAY} by the token.
     * @param sessionId        the session id (unique per broker).
     * @param originProducerId the producer id the relay declared, positive.
     * @return the allocation.
     * @throws IOException if the ring cannot be created, or {@link AllocationRefusedException} with the reason the
     *                     client is told ({@link RejectReason#PRODUCER_ID_IN_USE} for an id in use).
     */
    default RingAllocation allocateRelay(
        final String subject, final String channel, final long sessionId, final int originProducerId)
            throws IOException
    {
        throw new AllocationRefusedException(
            RejectReason.CHANNEL_CLOSED, "this broker's ring allocator makes no ring for a relay");
    }

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
