package io.bastion.broker;

/**
 * The subscribing session of a channel. What it owes is kept per publisher ({@link RouterPublisher}), since each
 * acknowledgement is about one publisher's ring or key.
 * <p>
 * Owned by the conductor thread.
 */
final class RouterSubscriber extends RouterEndpoint
{
    RouterSubscriber(final RouterChannel state, final SessionFacts session)
    {
        super(state, session);
    }

    @Override
    boolean ackOverdue(final long nowMs)
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
}
