package io.bastion.broker;

import io.bastion.channel.SealedConsumerRegion;

/**
 * What one subscriber was told about one publisher, and what it owes about it: the pair's state in a
 * {@link ChannelMachine}. On a fan-out channel it also holds the subscriber's consumer region in that publisher's ring,
 * whose descriptors the broker keeps until the pair ends.
 * <p>
 * Owned by the conductor thread.
 */
final class RouterLink
{
    final RouterPublisher publisher;
    final RouterSubscriber subscriber;
    /** The subscriber's own consumer region in the publisher's ring (fan-out), or null (one-to-one). */
    final SealedConsumerRegion region;
    /** The subscriber was sent ADDED for the publisher. */
    boolean announced;
    boolean subscriberAcked;
    /** The publisher said it let go of the ring (REMOVED or CUT_OFF sent), and the subscriber still owes its ack. */
    boolean draining;
    /** The key whose KEY_IN_USE announces the publisher to this joining subscriber; 0 for none. */
    int joinKeyId;
    /** The subscriber owes an acknowledgement of the pending key before the publisher may switch to it. */
    boolean keyAddOwed;
    /** Fan-out: the publisher was sent this subscriber's consumer region (CONSUMER_ADDED). */
    boolean consumerSent;
    int acksOwed;
    long ackDueMs;

    RouterLink(final RouterPublisher publisher, final RouterSubscriber subscriber, final SealedConsumerRegion region)
    {
        this.publisher = publisher;
        this.subscriber = subscriber;
        this.region = region;
    }

    void oweAck(final long nowMs, final long timeoutMs)
    {
        if (0 == acksOwed++)
        {
            ackDueMs = nowMs + timeoutMs;
        }
    }

    void acknowledged(final long nowMs, final long timeoutMs)
    {
        if (acksOwed > 0 && 0 == --acksOwed)
        {
            ackDueMs = 0;
        }
        else if (acksOwed > 0)
        {
            ackDueMs = nowMs + timeoutMs;
        }
    }

    /**
     * The pair ended: nothing the subscriber was told holds any more; the region's descriptors are released (the
     * mappings on both sides stay until each lets go).
     */
    void end()
    {
        announced = false;
        subscriberAcked = false;
        draining = false;
        joinKeyId = 0;
        keyAddOwed = false;
        acksOwed = 0;
        ackDueMs = 0;
        if (null != region)
        {
            region.close();
        }
    }
}
