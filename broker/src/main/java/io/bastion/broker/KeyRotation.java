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
 *  start             -&gt; every subscriber told about P: KEY_ADDED(P, n+1)   (none: KeyUpdate at once)
 *  every ack         -&gt; fan-out: P: CONSUMER_ADDED(region) for each subscriber joining on n+1; then KeyUpdate(n+1)
 *  KEY_IN_USE(n+1,p) -&gt; each told subscriber: KEY_RETIRED(P, n, grace); each joining one: ADDED(P, n+1, p)
 * </pre>
 * A joining subscriber is announced only with a key made after it joined: a rotation already under way may carry a
 * key a subscriber that left was given, so the join waits for the next one
 * ({@link RouterPublisher#JOIN_ON_NEXT_ROTATION}). On a fan-out channel the publisher attaches a joining subscriber's
 * consumer region exactly where it switches to the new key, so the position it reports is both where the subscriber
 * starts and where the key starts: the subscriber never meets a frame sealed before it came. A request for a
 * publisher whose rotation is under way runs once that one completes, and such requests coalesce. A leaving publisher
 * does not rotate. The protocol is in {@code docs/rotation-and-revocation.md} and {@code docs/fan-out.md}.
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
        for (final RouterLink link : publisher.links)
        {
            if (RouterPublisher.JOIN_ON_NEXT_ROTATION == link.joinKeyId)
            {
                link.joinKeyId = publisher.pendingKeyId;
            }
            if (link.announced && !link.draining)
            {
                link.keyAddOwed = true;
                sendKey(link, SourceAction.KEY_ADDED, publisher.pendingKeyId, 0);
            }
        }
        if (!publisher.keyAddsOwed())
        {
            // Nobody reads this ring yet: the publisher may switch at once.
            sendKeyUpdate(publisher);
        }
    }

    /**
     * A subscriber joined: rotate the publisher's key first, and announce the publisher to the subscriber only once
     * the publisher says where its first frame under the new key lies.
     *
     * @param link the pair of the publisher, which is not leaving, and the joining subscriber.
     */
    void joinAtLivePosition(final RouterLink link)
    {
        final RouterPublisher publisher = link.publisher;
        if (0 == publisher.pendingKeyId)
        {
            link.joinKeyId = publisher.keyId + 1;
            start(publisher);
        }
        else
        {
            // The rotation under way may have a key a subscriber that left was given: the join waits for the next.
            publisher.rotationQueued = true;
            link.joinKeyId = RouterPublisher.JOIN_ON_NEXT_ROTATION;
        }
        output.audit(AuditEventType.KEY_ROTATED, AuditOutcome.INFO, publisher.session.subject, state.name,
            "subscriber joined: producer=" + publisher.producerId + " rotates before it is announced" +
            (state.fanOut.isFanOut() ? " consumer=" + link.subscriber.consumerId : ""));
    }

    /**
     * A fan-out publisher arrived while subscribers were there: its ring has no consumer yet, and nobody ever held its
     * next key, so every subscriber joins on its first switch.
     *
     * @param publisher the new publisher, with a pair for each subscriber.
     */
    void joinAllAtLivePosition(final RouterPublisher publisher)
    {
        if (publisher.links.isEmpty())
        {
            return;
        }
        for (final RouterLink link : publisher.links)
        {
            link.joinKeyId = publisher.keyId + 1;
        }
        start(publisher);
        output.audit(AuditEventType.KEY_ROTATED, AuditOutcome.INFO, publisher.session.subject, state.name,
            "publisher joined: producer=" + publisher.producerId + " rotates before it is announced to " +
            publisher.links.size() + " subscribers");
    }

    /**
     * Tell a subscriber about a publisher: its ring and current key, where to start, and the key of a rotation under
     * way.
     *
     * @param link          the pair.
     * @param startPosition where the subscriber starts reading the ring.
     */
    void announce(final RouterLink link, final long startPosition)
    {
        final RouterPublisher publisher = link.publisher;
        link.announced = true;
        link.subscriberAcked = false;
        link.joinKeyId = 0;
        sendKey(link, SourceAction.ADDED, publisher.keyId, startPosition);
        if (0 != publisher.pendingKeyId)
        {
            // Before the switch the publisher waits for this subscriber too; after it, this is only an ack.
            link.keyAddOwed = !publisher.keyInstallSent;
            sendKey(link, SourceAction.KEY_ADDED, publisher.pendingKeyId, 0);
        }
        output.audit(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, link.subscriber.session.subject, state.name,
            "source added producer=" + publisher.producerId + " keyId=" + publisher.keyId + " position=" +
            startPosition + " subscriberSession=" + link.subscriber.session.idText());
    }

    /**
     * A subscriber holds the new key: once every subscriber told about the publisher does, it may switch to it.
     *
     * @param link the pair whose subscriber acknowledged the publisher's pending key.
     */
    void onKeyAdded(final RouterLink link)
    {
        link.acknowledged(clock.time(), ackTimeoutMs);
        link.keyAddOwed = false;
        final RouterPublisher publisher = link.publisher;
        if (!publisher.keyInstallSent && !publisher.keyAddsOwed())
        {
            sendKeyUpdate(publisher);
        }
    }

    /**
     * The publisher switched to its pending key at a position already checked for form: the old key retires, each
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
        for (final RouterLink link : publisher.links)
        {
            if (link.announced && !link.draining)
            {
                sender.source(link.subscriber, SourceAction.KEY_RETIRED, publisher.producerId, retired, keyGraceMs);
            }
            else if (!link.announced && publisher.keyId == link.joinKeyId)
            {
                announce(link, keyStart);
            }
        }
        if (publisher.rotationQueued)
        {
            publisher.rotationQueued = false;
            start(publisher);
        }
    }

    /**
     * A subscriber left: nothing it was told about the publisher holds any more; on a fan-out channel the publisher
     * lets go of its consumer region; and, unless the publisher is leaving too, its key changes, since the subscriber
     * that left holds the current one.
     *
     * @param link the pair.
     */
    void subscriberLeft(final RouterLink link)
    {
        final RouterPublisher publisher = link.publisher;
        publisher.links.remove(link);
        if (link.consumerSent && !publisher.dropped)
        {
            sender.send(publisher, ControlMessages.sourceUpdate(SourceAction.CONSUMER_REMOVED, state.channelId,
                publisher.producerId, link.subscriber.consumerId, 0, 0, "", null));
        }
        link.end();
        if (publisher.closing)
        {
            return;
        }
        if (0 != publisher.pendingKeyId && !publisher.keyInstallSent)
        {
            if (!publisher.keyAddsOwed())
            {
                // Nobody left to install the new key first: the publisher may switch at once.
                sendKeyUpdate(publisher);
            }
            if (publisher.announcedToAny())
            {
                // The subscriber that left may hold the pending key too: the others get one made after it left.
                publisher.rotationQueued = true;
            }
        }
        else
        {
            start(publisher);
        }
    }

    private void sendKey(final RouterLink link, final SourceAction action, final int keyId, final long position)
    {
        sender.key(link, action, keyId, position);
        link.oweAck(clock.time(), ackTimeoutMs);
    }

    private void sendKeyUpdate(final RouterPublisher publisher)
    {
        publisher.keyInstallSent = true;
        publisher.owePublisherAck(clock.time(), ackTimeoutMs);
        for (final RouterLink link : publisher.links)
        {
            if (null != link.region && !link.consumerSent && publisher.pendingKeyId == link.joinKeyId)
            {
                // Attached where the publisher switches: the subscriber starts exactly where the new key starts.
                link.consumerSent = true;
                sender.consumerAdded(publisher, link);
            }
        }
        sender.send(publisher, ControlMessages.keyUpdate(publisher.pendingKeyId, 0));
    }
}
