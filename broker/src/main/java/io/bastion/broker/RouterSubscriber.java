package io.bastion.broker;

import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.Session;
import java.util.Arrays;

/**
 * The subscribing session of a channel.
 */
final class RouterSubscriber extends RouterEndpoint
{
    final byte[] controlKey;

    RouterSubscriber(
        final ChannelRouter router, final RouterChannel state, final Session session, final ControlLink link)
    {
        super(router, state, session, link);
        this.controlKey = session.keys().controlKey();
    }

    @Override
    boolean ackOverdue(final long nowMs, final long timeoutMs)
    {
        for (final RouterPublisher publisher : state.publishers)
        {
            if (0 != publisher.subscriberAckDueMs && nowMs > publisher.subscriberAckDueMs)
            {
                return true;
            }
        }
        return false;
    }

    @Override
    void onMessage(final ControlMessage message)
    {
        router.onSubscriberMessage(this, message);
    }

    @Override
    void onGone()
    {
        Arrays.fill(controlKey, (byte)0);
        router.subscriberGone(this);
    }
}

