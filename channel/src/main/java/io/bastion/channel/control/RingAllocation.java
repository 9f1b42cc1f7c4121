package io.bastion.channel.control;

import io.bastion.channel.ConcurrentPublisher;
import io.bastion.channel.SealedManyToOneRing;
import io.bastion.channel.SealedRing;

import java.nio.file.Path;

/**
 * What the broker's ring allocator gives a session: the channel id, the producer id the client stamps into its frames,
 * the rings' record capacity, and the ring the client writes: either the two rings' paths (producer regions), on the
 * named-file fallback, or a {@link SealedRing} of anonymous memory that travels as descriptors; or, for a concurrent
 * publisher ({@link #concurrent}), a {@link SealedManyToOneRing} and the first id of its block of lane producer ids.
 * Immutable but for the sealed ring's descriptors, which its holder closes.
 */
public final class RingAllocation
{
    private final int channelId;
    private final int producerId;
    private final int ringCapacity;
    private final Path publishRingPath;
    private final Path subscribeRingPath;
    private final SealedRing sealedRing;
    private final SealedManyToOneRing sharedRing;
    private final int lanes;

    /**
     * An allocation.
     *
     * @param channelId         the channel's id in frames.
     * @param producerId        the producer id of the client's frames (unique per channel), or 0 for a client
     *                          that does not publish.
     * @param ringCapacity      record capacity of both rings, or 0 when there is no ring.
     * @param publishRingPath   the ring the client writes, or null for none.
     * @param subscribeRingPath the ring the client reads, or null for none.
     */
    public RingAllocation(
        final int channelId,
        final int producerId,
        final int ringCapacity,
        final Path publishRingPath,
        final Path subscribeRingPath)
    {
        this(channelId, producerId, ringCapacity, publishRingPath, subscribeRingPath, null, null, 0);
    }

    /**
     * An allocation whose publishing ring is sealed anonymous memory rather than a file.
     *
     * @param channelId    the channel's id in frames.
     * @param producerId   the producer id of the client's frames (unique per channel).
     * @param ringCapacity record capacity of the ring.
     * @param sealedRing   the ring the client writes; the allocation's holder closes it.
     */
    public RingAllocation(
        final int channelId, final int producerId, final int ringCapacity, final SealedRing sealedRing)
    {
        this(channelId, producerId, ringCapacity, null, null, sealedRing, null, 0);
    }

    private RingAllocation(
        final int channelId,
        final int producerId,
        final int ringCapacity,
        final Path publishRingPath,
        final Path subscribeRingPath,
        final SealedRing sealedRing,
        final SealedManyToOneRing sharedRing,
        final int lanes)
    {
        this.channelId = channelId;
        this.producerId = producerId;
        this.ringCapacity = ringCapacity;
        this.publishRingPath = publishRingPath;
        this.subscribeRingPath = subscribeRingPath;
        this.sealedRing = sealedRing;
        this.sharedRing = sharedRing;
        this.lanes = lanes;
    }

    /**
     * An allocation for a concurrent publisher: a many-to-one ring of sealed anonymous memory, written by up to
     * {@code lanes} threads, each under its own producer id of the block of {@link ConcurrentPublisher#MAX_LANES} ids
     * from {@code firstProducerId}.
     *
     * @param channelId       the channel's id in frames.
     * @param firstProducerId the block's first producer id (unique per channel, as is every id of the block).
     * @param lanes           how many lanes the publisher asked for, 1 to {@link ConcurrentPublisher#MAX_LANES}.
     * @param ringCapacity    record capacity of the ring.
     * @param sharedRing      the ring; the allocation's holder closes it.
     * @return the allocation.
     */
    public static RingAllocation concurrent(
        final int channelId,
        final int firstProducerId,
        final int lanes,
        final int ringCapacity,
        final SealedManyToOneRing sharedRing)
    {
        return new RingAllocation(channelId, firstProducerId, ringCapacity, null, null, null, sharedRing, lanes);
    }

    /**
     * The many-to-one ring of a concurrent publisher.
     *
     * @return the ring, or null for any other session.
     */
    public SealedManyToOneRing sharedRing()
    {
        return sharedRing;
    }

    /**
     * How many lanes a concurrent publisher's session was granted.
     *
     * @return 1 or more for a concurrent publisher, 0 for any other session.
     */
    public int lanes()
    {
        return lanes;
    }

    /**
     * The ring the client writes, when it is sealed anonymous memory.
     *
     * @return the ring, or null when the ring is a file ({@link #publishRingPath()}) or there is none.
     */
    public SealedRing sealedRing()
    {
        return sealedRing;
    }

    /**
     * The channel id.
     *
     * @return the id.
     */
    public int channelId()
    {
        return channelId;
    }

    /**
     * The producer id of the client's frames.
     *
     * @return the id (a concurrent publisher's first lane id), or 0 for a client that does not publish.
     */
    public int producerId()
    {
        return producerId;
    }

    /**
     * Record capacity of the rings.
     *
     * @return the capacity in bytes, or 0 when there is no ring.
     */
    public int ringCapacity()
    {
        return ringCapacity;
    }

    /**
     * The ring the client writes.
     *
     * @return the path or null.
     */
    public Path publishRingPath()
    {
        return publishRingPath;
    }

    /**
     * The ring the client reads.
     *
     * @return the path or null.
     */
    public Path subscribeRingPath()
    {
        return subscribeRingPath;
    }
}
