package io.bastion.broker;

import io.bastion.channel.ChannelFanOut;
import java.util.ArrayList;
import java.util.List;

/**
 * A channel's publishers and subscribers: the state its {@link ChannelMachine} keeps, and {@link SessionWatch} reads.
 * A one-to-one channel has at most one subscriber; a fan-out channel up to its {@link ChannelFanOut#maxSubscribers()}.
 * Owned by the conductor thread.
 */
final class RouterChannel
{
    final String name;
    final int channelId;
    final ChannelFanOut fanOut;
    final List<RouterPublisher> publishers = new ArrayList<>();
    final List<RouterSubscriber> subscribers = new ArrayList<>();
    private int lastConsumerId;

    RouterChannel(final String name, final int channelId, final ChannelFanOut fanOut)
    {
        this.name = name;
        this.channelId = channelId;
        this.fanOut = fanOut;
    }

    /**
     * A consumer id for a joining subscriber: unique in this channel for the broker's life, never 0.
     *
     * @return the id.
     */
    int nextConsumerId()
    {
        lastConsumerId = lastConsumerId == Integer.MAX_VALUE ? 1 : lastConsumerId + 1;
        return lastConsumerId;
    }

    RouterPublisher publisher(final int producerId)
    {
        for (final RouterPublisher publisher : publishers)
        {
            if (publisher.producerId == producerId)
            {
                return publisher;
            }
        }
        return null;
    }
}

