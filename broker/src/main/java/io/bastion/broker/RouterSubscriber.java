package io.bastion.broker;

import org.agrona.collections.IntHashSet;

/**
 * A subscribing session of a channel. What it owes is kept per publisher ({@link RouterLink}), since each
 * acknowledgement is about one publisher's ring or key.
 * <p>
 * Owned by the conductor thread.
 */
final class RouterSubscriber extends RouterEndpoint
{
    /** Names this subscriber to the channel's publishers on a fan-out channel (their consumer slot); never 0. */
    final int consumerId;

    /**
     * On a fan-out channel, the producer ids of the publishers this subscriber quarantined: their links are gone, and
     * an acknowledgement about one of them that crossed the quarantine report is ignored, not taken for a violation.
     */
    final IntHashSet quarantinedProducers = new IntHashSet();

    RouterSubscriber(final RouterChannel state, final SessionFacts session, final int consumerId)
    {
        super(state, session);
        this.consumerId = consumerId;
    }

    @Override
    boolean ackOverdue(final long nowMs)
    {
        for (final RouterPublisher publisher : state.publishers)
        {
            final RouterLink link = publisher.link(this);
            if (null != link && 0 != link.ackDueMs && nowMs > link.ackDueMs)
            {
                return true;
            }
        }
        return false;
    }
}
