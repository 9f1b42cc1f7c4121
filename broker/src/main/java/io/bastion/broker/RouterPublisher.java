package io.bastion.broker;

/**
 * A publishing session of a channel: its key schedule's progress, whether the subscriber was told about it, and
 * the acknowledgements owed about it, by itself and by the subscriber.
 * <p>
 * Owned by the conductor thread.
 */
final class RouterPublisher extends RouterEndpoint
{
    /** {@link #joinKeyId} when the join waits for the rotation after the one under way. */
    static final int JOIN_ON_NEXT_ROTATION = -1;

    final int producerId;
    /** The key it seals with, as far as the broker knows. */
    int keyId;
    /** The key of the rotation under way; 0 for none. */
    int pendingKeyId;
    boolean rotationQueued;
    /** The publisher was sent its KeyUpdate for {@link #pendingKeyId}. */
    boolean keyInstallSent;
    /** The subscriber was sent ADDED for it. */
    boolean announced;
    boolean subscriberAcked;
    boolean mapped;
    boolean unlinked;
    /** It left, or was dropped: the subscriber is draining or letting go of its ring. */
    boolean closing;
    /** Its authority ended: the subscriber stops reading its ring at once, without draining. */
    boolean cutOff;
    /** The key whose KEY_IN_USE announces this publisher to a joining subscriber; 0 for none. */
    int joinKeyId;
    int subscriberAcksOwed;
    long subscriberAckDueMs;
    long publisherAckDueMs;

    RouterPublisher(final RouterChannel state, final SessionFacts session)
    {
        super(state, session);
        this.producerId = session.producerId;
        this.keyId = session.firstKeyId;
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
    boolean ackOverdue(final long nowMs)
    {
        return 0 != publisherAckDueMs && nowMs > publisherAckDueMs;
    }
}
