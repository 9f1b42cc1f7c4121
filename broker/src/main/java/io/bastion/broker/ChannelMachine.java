package io.bastion.broker;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.SealedConsumerRegion;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayList;

/**
 * One channel's routing state machine: it decides, for each event of the channel's sessions, what each of them is
 * told, which sessions end and why, and what is audited and counted. It knows nothing of sockets, selectors or
 * threads: the conductor ({@link ChannelRouter}) turns what it reads and its timers into the events below, and the
 * machine acts only through its {@link RouterOutput}.
 * <pre>
 *  event                                      what the machine does
 *  publisher joined                           announce it to each subscriber at position 0 (new ring, new key);
 *                                             fan-out: join each subscriber as below (the ring has no consumer yet)
 *  subscriber joined                          rotate every publisher; announce each at its KEY_IN_USE position
 *                                             (fan-out: its own consumer region, attached by the publisher there)
 *  publisher: MAPPED, subscriber: ack ADDED   unlink the ring's file names once both sides mapped it (if asked to)
 *  rotation requested                         KEY_ADDED to the subscriber, then KeyUpdate once it acknowledged
 *  publisher: KEY_IN_USE(key, position)       audit; KEY_RETIRED(old key) to the subscriber, or announce a joiner
 *  revokeKey                                  KEY_REVOKED to the subscriber; the publisher's session ends
 *  subscriber: QUARANTINED(producer)          audit; the publisher is refused and cut off (fan-out: only that
 *                                             subscriber lets go of it; an ack about it still on its way is ignored)
 *  publisher: EVICTED(consumer, reason)       audit, count; the subscriber is refused with the reason and leaves
 *  publisher left or dropped                  REMOVED (drain) or CUT_OFF to the subscriber; closed once it acked
 *  subscriber left or dropped                 every publisher rotates: the subscriber that left holds its keys
 *                                             (fan-out: each publisher lets go of its consumer region)
 *  tick                                       end sessions whose token expired or was revoked, or that owe an ack
 * </pre>
 * The protocol and its reasons are in {@code docs/rotation-and-revocation.md} and {@code docs/broker-authority.md};
 * the rotation steps are {@link KeyRotation}'s, the ways a session leaves {@link SessionEnder}'s, and the messages
 * {@link ChannelSender}'s.
 * <p>
 * Every event is one step. A session whose control queue could not take a message is ended after the step that
 * overflowed, never in the middle of it (so the lists a step walks do not change under it), and never left running
 * without the message. A client that sends a message it should not (an acknowledgement of something it was never
 * sent, a malformed position) is audited, refused {@link RejectReason#PROTOCOL_VIOLATION} and dropped.
 * <p>
 * Threads: not thread safe; one thread (the conductor) drives it. It owns the channel's {@link RouterChannel} state
 * and its endpoints; the sessions behind them are closed through the output. Time comes from the injected clock and
 * the ticks, keys from each session's {@link SessionFacts}, so that a test drives it deterministically.
 */
final class ChannelMachine
{
    private final RouterChannel state;
    private final RouterOutput output;
    private final ChannelSender sender;
    private final KeyRotation rotation;
    private final RelayKeys relayKeys;
    private final SessionEnder ender;
    private final RouterCounters counters;
    private final EpochClock clock;
    private final SessionWatch watch;
    private final boolean unlinkRings;

    /**
     * A channel with no sessions yet.
     *
     * @param name        the channel name.
     * @param channelId   the channel id.
     * @param fanOut      how many subscribers the channel takes, and whether each has a consumer region of its own.
     * @param output      what the machine acts through.
     * @param counters    where limits and ended sessions are counted.
     * @param clock       epoch milliseconds, for acknowledgement deadlines.
     * @param watch       judges which sessions must end on a tick; its timeout is the acknowledgement deadline.
     * @param keyGraceMs  how long a subscriber still accepts a publisher's key after a rotation.
     * @param unlinkRings remove a ring's file names once both sides mapped it.
     */
    ChannelMachine(
        final String name,
        final int channelId,
        final ChannelFanOut fanOut,
        final RouterOutput output,
        final RouterCounters counters,
        final EpochClock clock,
        final SessionWatch watch,
        final long keyGraceMs,
        final boolean unlinkRings)
    {
        this.state = new RouterChannel(name, channelId, fanOut);
        this.output = output;
        this.sender = new ChannelSender(output, channelId);
        this.rotation = new KeyRotation(state, sender, output, clock, watch.ackTimeoutMs(), keyGraceMs);
        this.relayKeys = new RelayKeys(state, sender, output, clock, watch.ackTimeoutMs(), keyGraceMs);
        this.ender = new SessionEnder(state, sender, rotation, relayKeys, output, counters, clock,
            watch.ackTimeoutMs());
        this.counters = counters;
        this.clock = clock;
        this.watch = watch;
        this.unlinkRings = unlinkRings;
    }

    /**
     * The channel's state, for reading.
     *
     * @return the state.
     */
    RouterChannel state()
    {
        return state;
    }

    /**
     * A publisher's session opened: a new ring under a key nobody held before. On a one-to-one channel a subscriber
     * that is there is told at once and starts at the ring's beginning; on a fan-out channel the ring has no consumer
     * region yet, so each subscriber joins it as at the live position.
     *
     * @param session the session.
     * @return its endpoint, which the events about it name.
     */
    RouterPublisher onPublisherJoined(final SessionFacts session)
    {
        final RouterPublisher publisher = new RouterPublisher(state, session);
        state.publishers.add(publisher);
        if (publisher.isRelay())
        {
            // A relay has no key until it hands over the origin's: each subscriber joins it then.
            for (final RouterSubscriber subscriber : new ArrayList<>(state.subscribers))
            {
                if (state.fanOut.isFanOut())
                {
                    link(publisher, subscriber);
                }
                else
                {
                    publisher.links.add(new RouterLink(publisher, subscriber, null));
                }
            }
            relayKeys.relayJoined(publisher);
        }
        else if (state.fanOut.isFanOut())
        {
            for (final RouterSubscriber subscriber : new ArrayList<>(state.subscribers))
            {
                link(publisher, subscriber);
            }
            // Nobody ever held this ring's next key: every subscriber joins on the same first switch.
            rotation.joinAllAtLivePosition(publisher);
        }
        else
        {
            for (final RouterSubscriber subscriber : state.subscribers)
            {
                final RouterLink link = new RouterLink(publisher, subscriber, null);
                publisher.links.add(link);
                rotation.announce(link, 0);
            }
        }
        ender.endOverflowed();
        return publisher;
    }

    /**
     * A subscriber opened its session: it joins at the live position. Every publisher rotates first, and is
     * announced, with only the new key, where its first frame under that key lies.
     *
     * @param session the session.
     * @return its endpoint, which the events about it name.
     */
    RouterSubscriber onSubscriberJoined(final SessionFacts session)
    {
        final RouterSubscriber subscriber = new RouterSubscriber(state, session, state.nextConsumerId());
        state.subscribers.add(subscriber);
        for (final RouterPublisher publisher : new ArrayList<>(state.publishers))
        {
            final RouterLink link = !publisher.closing && !publisher.dropped && !subscriber.dropped ?
                link(publisher, subscriber) : null;
            if (null != link && publisher.isRelay())
            {
                relayKeys.subscriberJoined(link);
            }
            else if (null != link)
            {
                rotation.joinAtLivePosition(link);
            }
        }
        ender.endOverflowed();
        return subscriber;
    }

    /**
     * The pair of a publisher and a joining subscriber, with the subscriber's own consumer region on a fan-out channel;
     * null (and the subscriber refused) when that region cannot be made.
     */
    private RouterLink link(final RouterPublisher publisher, final RouterSubscriber subscriber)
    {
        SealedConsumerRegion region = null;
        if (state.fanOut.isFanOut())
        {
            region = output.newConsumerRegion();
            if (null == region)
            {
                // Without a region of its own it cannot read this publisher: refused rather than left half-joined.
                sender.lastWord(subscriber, ControlMessages.refusal(RejectReason.CHANNEL_CLOSED));
                ender.drop(subscriber, null);
                return null;
            }
        }
        final RouterLink link = new RouterLink(publisher, subscriber, region);
        publisher.links.add(link);
        return link;
    }

    /**
     * A valid control message from one of the channel's sessions. Ignored once the session was dropped.
     *
     * @param from    the session.
     * @param message the parsed message.
     */
    void onMessage(final RouterEndpoint from, final ControlMessage message)
    {
        if (from.dropped)
        {
            return;
        }
        if (from instanceof RouterPublisher && ((RouterPublisher)from).isRelay())
        {
            onRelayMessage((RouterPublisher)from, message);
        }
        else if (from instanceof RouterPublisher)
        {
            onPublisherMessage((RouterPublisher)from, message);
        }
        else
        {
            onSubscriberMessage((RouterSubscriber)from, message);
        }
        ender.endOverflowed();
    }

    /**
     * A session's socket closed or broke the framing below the message level.
     *
     * @param endpoint  the session.
     * @param violation what it did wrong, audited and refused; null for a plain close.
     */
    void onLinkEnded(final RouterEndpoint endpoint, final String violation)
    {
        ender.drop(endpoint, violation);
        ender.endOverflowed();
    }

    /**
     * Rotate every publisher's key, on request or by the rotation timer. A publisher whose previous rotation is under
     * way rotates once that one completes; requests coalesce.
     */
    void rotateKeys()
    {
        for (final RouterPublisher publisher : state.publishers)
        {
            if (!publisher.isRelay())
            {
                // A relay's keys are the origin's: they change when the origin rotates, never here.
                rotation.start(publisher);
            }
        }
        ender.endOverflowed();
    }

    /**
     * Revoke one key of one publisher: the subscriber refuses every frame under it from now on, and the publisher's
     * session ends, since all its keys derive from its session secret.
     *
     * @param producerId the publisher's producer id.
     * @param keyId      the key id.
     */
    void revokeKey(final int producerId, final int keyId)
    {
        output.audit(AuditEventType.REVOKED, AuditOutcome.SUCCESS, null, state.name,
            "producer=" + producerId + " keyId=" + keyId);
        final RouterPublisher publisher = state.publisher(producerId);
        // A subscriber that was never told of this publisher holds none of its keys, and would rightly take a
        // revocation of one as a broker's violation.
        for (final RouterSubscriber subscriber : state.subscribers)
        {
            final RouterLink link = null == publisher ? null : publisher.link(subscriber);
            if (null == publisher || (null != link && link.announced))
            {
                sender.source(subscriber, SourceAction.KEY_REVOKED, producerId, keyId, 0);
            }
        }
        if (null != publisher && !publisher.dropped)
        {
            ender.endForAuthority(publisher, GoodbyeReason.KEY_REVOKED, "key " + keyId + " revoked");
            counters.revokedSessions.increment();
        }
        ender.endOverflowed();
    }

    /**
     * The conductor's tick: end each session whose token expired or was revoked, or that owes an acknowledgement
     * for longer than the timeout.
     *
     * @param nowMs epoch milliseconds.
     */
    void onTick(final long nowMs)
    {
        for (final RouterEndpoint endpoint : watch.due(state, nowMs))
        {
            if (endpoint.dropped)
            {
                continue;
            }
            if (GoodbyeReason.SESSION_EXPIRED == endpoint.endsFor)
            {
                counters.expiredSessions.increment();
                ender.endForAuthority(endpoint, GoodbyeReason.SESSION_EXPIRED, "token expired");
            }
            else if (GoodbyeReason.TOKEN_REVOKED == endpoint.endsFor)
            {
                counters.revokedSessions.increment();
                ender.endForAuthority(endpoint, GoodbyeReason.TOKEN_REVOKED, "token revoked");
            }
            else
            {
                ender.evict(endpoint);
            }
        }
        ender.endOverflowed();
    }

    /**
     * The broker stops: every session is told (Goodbye SHUTDOWN) and closed.
     */
    void shutdown()
    {
        ender.shutdown();
    }

    private void onPublisherMessage(final RouterPublisher publisher, final ControlMessage message)
    {
        if (GoodbyeDecoder.TEMPLATE_ID == message.templateId())
        {
            ender.drop(publisher, null);
        }
        else if (SourceUpdateDecoder.TEMPLATE_ID != message.templateId() || message.producerId != publisher.producerId)
        {
            ender.drop(publisher, "unexpected message " + message.templateId());
        }
        else if (SourceAction.MAPPED == message.action)
        {
            publisher.mapped = true;
            for (final RouterLink link : publisher.links)
            {
                unlinkIfBothMapped(link);
            }
        }
        else if (SourceAction.EVICTED == message.action && state.fanOut.isFanOut())
        {
            onEvicted(publisher, message.keyId, message.graceMs);
        }
        else if (SourceAction.KEY_IN_USE == message.action && message.keyId == publisher.pendingKeyId &&
            publisher.keyInstallSent)
        {
            final long keyStart = message.graceMs;
            if (keyStart < 0 || 0 != (keyStart & (RecordDescriptor.ALIGNMENT - 1)))
            {
                ender.drop(publisher, "bad key start position " + keyStart);
            }
            else
            {
                rotation.onKeyInUse(publisher, keyStart);
            }
        }
        else
        {
            ender.drop(publisher, "unexpected acknowledgement " + message.action);
        }
    }

    private void onRelayMessage(final RouterPublisher relay, final ControlMessage message)
    {
        if (GoodbyeDecoder.TEMPLATE_ID == message.templateId())
        {
            ender.drop(relay, null);
            return;
        }
        if (SourceUpdateDecoder.TEMPLATE_ID != message.templateId() || message.producerId != relay.producerId ||
            message.channelId != state.channelId)
        {
            ender.drop(relay, "unexpected message " + message.templateId());
            return;
        }
        String violation = null;
        switch (message.action)
        {
            case MAPPED:
                relay.mapped = true;
                for (final RouterLink link : relay.links)
                {
                    unlinkIfBothMapped(link);
                }
                break;
            case EVICTED:
                if (state.fanOut.isFanOut())
                {
                    onEvicted(relay, message.keyId, message.graceMs);
                }
                else
                {
                    violation = "unexpected eviction";
                }
                break;
            case ORIGIN_KEY_ADDED:
                violation = relayKeys.onKeyAdded(relay, message.keyId, message.varData);
                break;
            case ORIGIN_KEY_RETIRED:
                violation = relayKeys.onKeyRetired(relay, message.keyId);
                break;
            case ORIGIN_KEY_REVOKED:
                violation = relayKeys.onKeyRevoked(relay, message.keyId);
                break;
            case KEY_IN_USE:
                final long position = message.graceMs;
                if (!relay.positionRequested || message.keyId != relay.requestedKeyId)
                {
                    violation = "unexpected position report";
                }
                else if (position < 0 || 0 != (position & (RecordDescriptor.ALIGNMENT - 1)))
                {
                    violation = "bad position " + position;
                }
                else
                {
                    relayKeys.onPosition(relay, position);
                }
                break;
            default:
                violation = "unexpected message from a relay " + message.action;
        }
        if (null != violation)
        {
            ender.drop(relay, violation);
        }
    }

    private void onEvicted(final RouterPublisher publisher, final int consumerId, final long reasonCode)
    {
        final RejectReason reason = reasonCode > 0 && reasonCode <= RejectReason.maxCode() ?
            RejectReason.fromCode((int)reasonCode) : null;
        if (RejectReason.CONSUMER_LAGGED != reason && RejectReason.CONSUMER_STALLED != reason &&
            RejectReason.CONSUMER_HEAD_INVALID != reason)
        {
            ender.drop(publisher, "bad eviction reason " + reasonCode);
            return;
        }
        final RouterLink link = publisher.linkOfConsumer(consumerId);
        if (null == link || !link.consumerSent)
        {
            // A subscriber that left while the report was on its way; its region is gone already.
            return;
        }
        ender.evictSubscriber(link, reason);
    }

    private void onSubscriberMessage(final RouterSubscriber subscriber, final ControlMessage message)
    {
        if (GoodbyeDecoder.TEMPLATE_ID == message.templateId())
        {
            ender.drop(subscriber, null);
            return;
        }
        final RouterPublisher publisher = SourceUpdateDecoder.TEMPLATE_ID == message.templateId() ?
            state.publisher(message.producerId) : null;
        final RouterLink link = null == publisher ? null : publisher.link(subscriber);
        if (null == link && SourceUpdateDecoder.TEMPLATE_ID == message.templateId() &&
            subscriber.quarantinedProducers.contains(message.producerId))
        {
            // Sent before the subscriber's own quarantine report reached the broker (an acknowledgement of a key
            // the publisher's rotation sent it meanwhile): that publisher is nothing to it any more.
            return;
        }
        if (null == link || !link.announced)
        {
            ender.drop(subscriber, "unexpected message " + message.templateId());
        }
        else if (publisher.isRelay() && SourceAction.KEY_ADDED == message.action)
        {
            relayKeys.onKeyAck(link, message.keyId);
        }
        else if (SourceAction.ADDED == message.action)
        {
            link.subscriberAcked = true;
            link.acknowledged(clock.time(), watch.ackTimeoutMs());
            unlinkIfBothMapped(link);
        }
        else if (SourceAction.KEY_ADDED == message.action && message.keyId == publisher.pendingKeyId)
        {
            rotation.onKeyAdded(link);
        }
        else if (SourceAction.REMOVED == message.action && link.draining)
        {
            link.draining = false;
            link.acknowledged(clock.time(), watch.ackTimeoutMs());
            if (!publisher.draining())
            {
                ender.remove(publisher);
            }
        }
        else if (SourceAction.QUARANTINED == message.action)
        {
            ender.quarantine(link, message.graceMs);
        }
        else if (SourceAction.KEY_RETIRED != message.action && SourceAction.KEY_REVOKED != message.action)
        {
            ender.drop(subscriber, "unexpected acknowledgement " + message.action);
        }
    }

    private void unlinkIfBothMapped(final RouterLink link)
    {
        final RouterPublisher publisher = link.publisher;
        if (unlinkRings && publisher.mapped && link.subscriberAcked && !publisher.unlinked &&
            null != publisher.session.ringPath)
        {
            publisher.unlinked = true;
            final boolean unlinked = output.unlink(publisher.session.ringPath);
            output.audit(AuditEventType.FILE_CHECK, unlinked ? AuditOutcome.INFO : AuditOutcome.FAILURE, null,
                state.name, (unlinked ? "ring unlinked producer=" : "ring unlink failed producer=") +
                publisher.producerId);
        }
    }
}
