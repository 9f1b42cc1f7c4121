package io.bastion.broker;

import io.bastion.channel.control.ControlMessages;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import org.agrona.concurrent.EpochClock;

/**
 * The rotation steps of one channel's publishers, and the live join they carry. For a publisher {@code P} on key
 * {@code n}:
 * <pre>
 *  start             -&gt; subscriber: KEY_ADDED(P, n+1)   (none told about P: KeyUpdate at once)
 *  ack KEY_ADDED     -&gt; P: KeyUpdate(n+1)
 *  KEY_IN_USE(n+1,p) -&gt; subscriber: KEY_RETIRED(P, n, grace), or ADDED(P, n+1, p) for a subscriber joining
 * </pre>
 * A joining subscriber is announced only with a key made after it joined: a rotation already under way may carry a
 * key the previous subscriber was given, so the join waits for the next one
 * ({@link RouterPublisher#JOIN_ON_NEXT_ROTATION}). A request for a publisher whose rotation is under way runs once
 * that one completes, and such requests coalesce. A leaving publisher does not rotate. The protocol is in
 * {@code docs/rotation-and-revocation.md}.
 * <p>
 * Part of a {@link ChannelMachine}, which checks each event's form before it gets here and ends the sessions whose
 * queue overflowed; owned by the conductor thread.
 */
final class KeyRotation
{
    private final RouterChannel state;
    private final ChannelSender sender;
    private final RouterOutput output;
    private final EpochClock clock;
    private final long ackTimeoutMs;
    private final long keyGraceMs;

    KeyRotation(
        final RouterChannel state,
        final ChannelSender sender,
        final RouterOutput output,
        final EpochClock clock,
        final long ackTimeoutMs,
        final long keyGraceMs)
    {
        this.state = state;
        this.sender = sender;
        this.output = output;
        this.clock = clock;
        this.ackTimeoutMs = ackTimeoutMs;
        this.keyGraceMs = keyGraceMs;
    }

    /**
     * Start a rotation of a publisher's key, or queue it behind the one under way.
     *
     * @param publisher the publisher.
     */
    void start(final RouterPublisher publisher)
    {
        if (publisher.closing)
        {
            return;
        }
        if (0 != publisher.pendingKeyId)
        {
            // A request is never dropped: it runs once the rotation under way completes. Requests coalesce, since
            // one more rotation retires every key the earlier requests wanted gone.
            publisher.rotationQueued = true;
            return;
        }
        publisher.pendingKeyId = publisher.keyId + 1;
        if (RouterPublisher.JOIN_ON_NEXT_ROTATION == publisher.joinKeyId)
        {
            publisher.joinKeyId = publisher.pendingKeyId;
        }
        if (null != state.subscriber && publisher.announced)
        {
            sendKey(state.subscriber, SourceAction.KEY_ADDED, publisher, publisher.pendingKeyId, 0);
        }
        else
        {
            // Nobody reads this ring yet: the publisher may switch at once.
            sendKeyUpdate(publisher);
        }
    }

    /**
     * A subscriber joined: rotate the publisher's key first, and announce the publisher to the subscriber only once
     * the publisher says where its first frame under the new key lies.
     *
     * @param publisher a publisher that is not leaving.
     */
    void joinAtLivePosition(final RouterPublisher publisher)
    {
        if (0 == publisher.pendingKeyId)
        {
            start(publisher);
            publisher.joinKeyId = publisher.pendingKeyId;
        }
        else
        {
            // The rotation under way may have a key the previous subscriber was given: the join waits for the next.
            publisher.rotationQueued = true;
            publisher.joinKeyId = RouterPublisher.JOIN_ON_NEXT_ROTATION;
        }
        output.audit(AuditEventType.KEY_ROTATED, AuditOutcome.INFO, publisher.session.subject, state.name,
            "subscriber joined: producer=" + publisher.producerId + " rotates before it is announced");
    }

    /**
     * Tell the subscriber about a publisher: its ring and current key, where to start, and the key of a rotation
     * under way.
     *
     * @param subscriber    the subscriber.
     * @param publisher     the publisher.
     * @param startPosition where the subscriber starts reading the ring.
     */
    void announce(final RouterSubscriber subscriber, final RouterPublisher publisher, final long startPosition)
    {
        publisher.announced = true;
        publisher.subscriberAcked = false;
        publisher.joinKeyId = 0;
        sendKey(subscriber, SourceAction.ADDED, publisher, publisher.keyId, startPosition);
        if (0 != publisher.pendingKeyId)
        {
            sendKey(subscriber, SourceAction.KEY_ADDED, publisher, publisher.pendingKeyId, 0);
        }
        output.audit(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, subscriber.session.subject, state.name,
            "source added producer=" + publisher.producerId + " keyId=" + publisher.keyId + " position=" +
            startPosition + " subscriberSession=" + subscriber.session.idText());
    }

    /**
     * The subscriber holds the new key: the publisher may switch to it.
     *
     * @param publisher the publisher whose pending key the subscriber acknowledged.
     */
    void onKeyAdded(final RouterPublisher publisher)
    {
        publisher.subscriberAcknowledged(clock.time(), ackTimeoutMs);
        sendKeyUpdate(publisher);
    }

    /**
     * The publisher switched to its pending key at a position already checked for form: the old key retires, a
     * joining subscriber is announced there, and a queued rotation starts.
     *
     * @param publisher the publisher.
     * @param keyStart  its producer position at the switch.
     */
    void onKeyInUse(final RouterPublisher publisher, final long keyStart)
    {
        final int retired = publisher.keyId;
        publisher.keyId = publisher.pendingKeyId;
        publisher.pendingKeyId = 0;
        publisher.keyInstallSent = false;
        publisher.publisherAckDueMs = 0;
        output.audit(AuditEventType.KEY_ROTATED, AuditOutcome.SUCCESS, publisher.session.subject, state.name,
            "producer=" + publisher.producerId + " keyId=" + publisher.keyId);
        final RouterSubscriber subscriber = state.subscriber;
        if (null != subscriber && publisher.announced)
        {
            sender.source(subscriber, SourceAction.KEY_RETIRED, publisher.producerId, retired, keyGraceMs);
        }
        else if (null != subscriber && publisher.keyId == publisher.joinKeyId)
        {
            announce(subscriber, publisher, keyStart);
        }
        if (publisher.rotationQueued)
        {
            publisher.rotationQueued = false;
            start(publisher);
        }
    }

    /**
     * The subscriber left: nothing it was told about the publisher holds any more, and, unless the publisher is
     * leaving too, its key changes, since the subscriber that left holds the current one.
     *
     * @param publisher the publisher.
     */
    void subscriberLeft(final RouterPublisher publisher)
    {
        publisher.announced = false;
        publisher.subscriberAcked = false;
        publisher.joinKeyId = 0;
        publisher.subscriberAcksOwed = 0;
        publisher.subscriberAckDueMs = 0;
        if (publisher.closing)
        {
            return;
        }
        if (0 != publisher.pendingKeyId && !publisher.keyInstallSent)
        {
            // Nobody left to install the new key first: the publisher may switch at once.
            sendKeyUpdate(publisher);
        }
        else
        {
            start(publisher);
        }
    }

    private void sendKey(
        final RouterSubscriber subscriber,
        final SourceAction action,
        final RouterPublisher publisher,
        final int keyId,
        final long graceMsOrPosition)
    {
        sender.key(subscriber, action, publisher, keyId, graceMsOrPosition);
        publisher.oweSubscriberAck(clock.time(), ackTimeoutMs);
    }

    private void sendKeyUpdate(final RouterPublisher publisher)
    {
        publisher.keyInstallSent = true;
        publisher.owePublisherAck(clock.time(), ackTimeoutMs);
        sender.send(publisher, ControlMessages.keyUpdate(publisher.pendingKeyId, 0));
    }
}
