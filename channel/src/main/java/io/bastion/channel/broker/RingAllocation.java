package io.bastion.channel.broker;

import java.nio.file.Path;

/**
 * What a {@link RingAllocator} gives a session: the channel id and the two rings' paths (producer regions).
 * Immutable.
 */
public final class RingAllocation
{
    private final int channelId;
    private final Path publishRingPath;
    private final Path subscribeRingPath;

    /**
     * An allocation.
     *
     * @param channelId         the channel's id in frames.
     * @param publishRingPath   the ring the client writes, or null for none.
     * @param subscribeRingPath the ring the client reads, or null for none.
     */
    public RingAllocation(final int channelId, final Path publishRingPath, final Path subscribeRingPath)
    {
        this.channelId = channelId;
        this.publishRingPath = publishRingPath;
        this.subscribeRingPath = subscribeRingPath;
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
