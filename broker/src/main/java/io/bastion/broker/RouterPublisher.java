package io.bastion.broker;

import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.Session;

/**
 * A publishing session.
 */
final class RouterPublisher extends RouterEndpoint
{
    final int producerId;
    int keyId;
    int pendingKeyId;
    boolean rotationQueued;
    boolean keyInstallSent;
    boolean announced;
    boolean subscriberAcked;
    boolean mapped;
    boolean unlinked;
    boolean closing;
    boolean cutOff;
    /** The key whose KEY_IN_USE announces this publisher to a joining subscriber; 0 for none. */
    int joinKeyId;
    int subscriberAcksOwed;
    long subscriberAckDueMs;
    long publisherAckDueMs;

    RouterPublisher(
        final ChannelRouter router, final RouterChannel state, final Session session, final ControlLink link)
    {
        super(router, state, session, link);
        this.producerId = session.producerId();
        this.keyId = session.keys().keyId();
    }

    void oweSubscriberAck(final long nowMs, final long timeoutMs)
    {
        if (0 == subscriberAcksOwed++)
        {
            subscriberAckDueMs = nowMs + timeoutMs;
        }
    }

    void subscriberAcknowledged(final long nowMs, final long timeoutMs)
    {
        if (subscriberAcksOwed > 0 && 0 == --subscriberAcksOwed)
        {
            subscriberAckDueMs = 0;
        }
        else if (subscriberAcksOwed > 0)
        {
            subscriberAckDueMs = nowMs + timeoutMs;
        }
    }

    void owePublisherAck(final long nowMs, final long timeoutMs)
    {
        publisherAckDueMs = nowMs + timeoutMs;
    }

    @Override
    boolean ackOverdue(final long nowMs, final long timeoutMs)
    {
        return 0 != publisherAckDueMs && nowMs > publisherAckDueMs;
    }

    @Override
    void onMessage(final ControlMessage message)
    {
        router.onPublisherMessage(this, message);
    }

    @Override
    void onGone()
    {
        router.publisherGone(this);
    }
}

