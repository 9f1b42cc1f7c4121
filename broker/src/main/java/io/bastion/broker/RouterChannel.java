package io.bastion.broker;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel's publishers and subscriber: the state its {@link ChannelMachine} keeps, and {@link SessionWatch} reads.
 * Owned by the conductor thread.
 */
final class RouterChannel
{
    final String name;
    final int channelId;
    final List<RouterPublisher> publishers = new ArrayList<>();
    RouterSubscriber subscriber;

    RouterChannel(final String name, final int channelId)
    {
        this.name = name;
        this.channelId = channelId;
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

