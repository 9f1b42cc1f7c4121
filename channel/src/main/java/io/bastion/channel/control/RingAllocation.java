package io.bastion.channel.control;

import io.bastion.channel.SealedRing;

import java.nio.file.Path;

/**
 * What the broker's ring allocator gives a session: the channel id, the producer id the client stamps into its frames,
 * the rings' record capacity, and the ring the client writes: either the two rings' paths (producer regions), on the
 * named-file fallback, or a {@link SealedRing} of anonymous memory that travels as descriptors. Immutable but for the
 * sealed ring's descriptors, which its holder closes.
 */
public final class RingAllocation
{
    private final int channelId;
    private final int producerId;
    private final int ringCapacity;
    private final Path publishRingPath;
    private final Path subscribeRingPath;
    private final SealedRing sealedRing;

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
        this(channelId, producerId, ringCapacity, publishRingPath, subscribeRingPath, null);
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
        this(channelId, producerId, ringCapacity, null, null, sealedRing);
    }

    private RingAllocation(
        final int channelId,
        final int producerId,
        final int ringCapacity,
        final Path publishRingPath,
        final Path subscribeRingPath,
        final SealedRing sealedRing)
    {
        this.channelId = channelId;
        this.producerId = producerId;
        this.ringCapacity = ringCapacity;
        this.publishRingPath = publishRingPath;
        this.subscribeRingPath = subscribeRingPath;
        this.sealedRing = sealedRing;
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
     * @return the id, or 0 for a client that does not publish.
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
