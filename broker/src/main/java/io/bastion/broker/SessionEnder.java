package io.bastion.broker;

import io.bastion.channel.control.ControlMessages;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayList;
import java.util.Arrays;

/**
 * How sessions leave one channel, whatever ends them: the client's Goodbye or closed socket, a protocol violation, an
 * authority that ended (expiry, revocation), an overdue acknowledgement, a quarantine, a control queue that
 * overflowed, the broker stopping.
 * <ul>
 *     <li>A publisher that leaves is drained: the subscriber is told {@code REMOVED}, reads what was committed and
 *     acknowledges; only then is the session closed and its ring deleted. A publisher whose authority ended, or that
 *     was quarantined, is cut off instead ({@code CUT_OFF}): nothing more of its ring is read.</li>
 *     <li>A subscriber that leaves held every publisher's current key: each of them rotates
 *     ({@link KeyRotation#subscriberLeft}), and on a fan-out channel lets go of its consumer region.</li>
 *     <li>A fan-out subscriber a publisher evicted (it lagged beyond the channel's bound, stopped beating while it held
 *     the publisher back, or wrote a head no consumer writes) is told why, with a Refusal naming the reason, and
 *     leaves; the channel's other subscribers carry on.</li>
 * </ul>
 * Part of a {@link ChannelMachine}, which decides when; this class carries the ending out through the
 * {@link RouterOutput}. Owned by the conductor thread.
 */
final class SessionEnder
{
    private final RouterChannel state;
    private final ChannelSender sender;
    private final KeyRotation rotation;
    private final RelayKeys relayKeys;
    private final RouterOutput output;
    private final RouterCounters counters;
    private final EpochClock clock;
    private final long ackTimeoutMs;

    SessionEnder(
        final RouterChannel state,
        final ChannelSender sender,
        final KeyRotation rotation,
        final RelayKeys relayKeys,
        final RouterOutput output,
        final RouterCounters counters,
        final EpochClock clock,
        final long ackTimeoutMs)
    {
        this.state = state;
        this.sender = sender;
        this.rotation = rotation;
        this.relayKeys = relayKeys;
        this.output = output;
        this.counters = counters;
        this.clock = clock;
        this.ackTimeoutMs = ackTimeoutMs;
    }

    /**
     * End a session whose authority ended: tell it why, and for a publisher tell the subscriber to stop reading its
     * ring at once (a revoked or expired publisher may go on writing whatever it likes into it).
     *
     * @param endpoint the session.
     * @param reason   {@link GoodbyeReason#SESSION_EXPIRED}, {@link GoodbyeReason#TOKEN_REVOKED} or
     *                 {@link GoodbyeReason#KEY_REVOKED}.
     * @param why      the audit's words for it.
     */
    void endForAuthority(final RouterEndpoint endpoint, final GoodbyeReason reason, final String why)
    {
        output.audit(GoodbyeReason.SESSION_EXPIRED == reason ? AuditEventType.CHANNEL_CLOSED : AuditEventType.REVOKED,
            AuditOutcome.SUCCESS, endpoint.session.subject, state.name,
            "session " + endpoint.session.idText() + " ended: " + why + " (" + reason + ")");
        sender.lastWord(endpoint, ControlMessages.goodbye(reason));
        if (endpoint instanceof RouterPublisher)
        {
            ((RouterPublisher)endpoint).cutOff = true;
        }
        drop(endpoint, null);
    }

    /**
     * Evict a session that owed an acknowledgement for too long: Refusal {@link RejectReason#TIMED_OUT}.
     *
     * @param endpoint the session.
     */
    void evict(final RouterEndpoint endpoint)
    {
        counters.ackTimeouts.increment();
        output.audit(AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, endpoint.session.subject, state.name,
            RejectReason.TIMED_OUT + ": no acknowledgement within " + ackTimeoutMs + " ms, session " +
            endpoint.session.idText() + " evicted");
        sender.lastWord(endpoint, ControlMessages.refusal(RejectReason.TIMED_OUT));
        drop(endpoint, null);
    }

    /**
     * A subscriber quarantined a publisher: audit it. On a one-to-one channel, unless the publisher is leaving
     * already, refuse it ({@link RejectReason#QUARANTINED}) and cut it off. On a fan-out channel only that subscriber
     * stops reading it (the publisher lets go of its consumer region), so that one subscriber's word cannot cut a
     * publisher off from the others.
     *
     * @param link       the pair of the subscriber that reported it and the publisher.
     * @param reasonCode the subscriber's last refusal of that publisher's frames, as a {@link RejectReason} code; the
     *                   subscriber's word, so only a code that names a refusal is named in the audit.
     */
    void quarantine(final RouterLink link, final long reasonCode)
    {
        final RouterPublisher publisher = link.publisher;
        final RejectReason reason = reasonCode > 0 && reasonCode <= RejectReason.maxCode() ?
            RejectReason.fromCode((int)reasonCode) : null;
        output.audit(AuditEventType.QUARANTINED, AuditOutcome.REFUSED, publisher.session.subject, state.name,
            "producer=" + publisher.producerId + " quarantined by subscriber session=" +
            link.subscriber.session.idText() + " last refusal=" + (null == reason ? "unnamed" : reason.name()));
        if (state.fanOut.isFanOut())
        {
            link.subscriber.quarantinedProducers.add(publisher.producerId);
            // Told to let go of the ring and keys now: no REMOVED will come for a publisher that stays.
            sender.source(link.subscriber, SourceAction.CUT_OFF, publisher.producerId, 0, 0);
            subscriberLeft(link);
            if (publisher.closing && !publisher.draining())
            {
                remove(publisher);
            }
        }
        else if (!publisher.closing)
        {
            sender.lastWord(publisher, ControlMessages.refusal(RejectReason.QUARANTINED));
            // The subscriber stopped reading it already; what the publisher wrote since stays unread.
            publisher.cutOff = true;
            drop(publisher, null);
        }
    }

    /**
     * A fan-out publisher evicted a subscriber from its ring: audit and count it, tell the subscriber why, and end its
     * session, as if it had left; the other subscribers carry on.
     *
     * @param link   the pair of the publisher that evicted and the subscriber.
     * @param reason {@link RejectReason#CONSUMER_LAGGED}, {@link RejectReason#CONSUMER_STALLED} or
     *               {@link RejectReason#CONSUMER_HEAD_INVALID}.
     */
    void evictSubscriber(final RouterLink link, final RejectReason reason)
    {
        final RouterSubscriber subscriber = link.subscriber;
        counters.subscriberEvictions.increment();
        output.audit(AuditEventType.RATE_LIMITED, AuditOutcome.REFUSED, subscriber.session.subject, state.name,
            reason + ": subscriber session=" + subscriber.session.idText() + " consumer=" + subscriber.consumerId +
            " evicted by producer=" + link.publisher.producerId);
        // The publisher let go of the region already: no CONSUMER_REMOVED for it.
        link.consumerSent = false;
        sender.lastWord(subscriber, ControlMessages.refusal(reason));
        drop(subscriber, null);
    }

    /**
     * Drop a session: audit a violation (and tell the client), stop reading it, then let the channel go on without
     * it. Nothing happens for a session dropped already.
     *
     * @param endpoint  the session.
     * @param violation what it did wrong; null when it did nothing wrong.
     */
    void drop(final RouterEndpoint endpoint, final String violation)
    {
        if (endpoint.dropped)
        {
            return;
        }
        endpoint.dropped = true;
        if (null != violation)
        {
            output.audit(AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, endpoint.session.subject, state.name,
                RejectReason.PROTOCOL_VIOLATION + ": " + violation);
            sender.lastWord(endpoint, ControlMessages.refusal(RejectReason.PROTOCOL_VIOLATION));
        }
        output.detach(endpoint);
        if (endpoint instanceof RouterPublisher)
        {
            publisherGone((RouterPublisher)endpoint);
        }
        else
        {
            subscriberGone((RouterSubscriber)endpoint);
        }
    }

    /**
     * A leaving publisher's ring is let go of: close its session, which deletes the ring.
     *
     * @param publisher the publisher.
     */
    void remove(final RouterPublisher publisher)
    {
        state.publishers.remove(publisher);
        for (final RouterLink link : publisher.links)
        {
            link.end();
        }
        publisher.links.clear();
        publisher.zeroRelayKeys();
        output.close(publisher);
        output.audit(AuditEventType.CHANNEL_CLOSED, AuditOutcome.INFO, publisher.session.subject, state.name,
            "source removed producer=" + publisher.producerId);
    }

    /**
     * End the sessions whose control queue overflowed during the step just taken.
     */
    void endOverflowed()
    {
        RouterEndpoint endpoint;
        while (null != (endpoint = sender.pollOverflowed()))
        {
            if (!endpoint.dropped)
            {
                counters.controlOverflows.increment();
                output.audit(AuditEventType.RATE_LIMITED, AuditOutcome.REFUSED, endpoint.session.subject, state.name,
                    "control queue overflow: session " + endpoint.session.idText() + " ended");
                drop(endpoint, null);
            }
        }
    }

    /**
     * The broker stops: every session is told (Goodbye SHUTDOWN) and closed.
     */
    void shutdown()
    {
        for (final RouterPublisher publisher : state.publishers)
        {
            sender.lastWord(publisher, ControlMessages.goodbye(GoodbyeReason.SHUTDOWN));
            publisher.zeroRelayKeys();
            output.close(publisher);
        }
        for (final RouterPublisher publisher : state.publishers)
        {
            for (final RouterLink link : publisher.links)
            {
                link.end();
            }
        }
        state.publishers.clear();
        for (final RouterSubscriber subscriber : state.subscribers)
        {
            sender.lastWord(subscriber, ControlMessages.goodbye(GoodbyeReason.SHUTDOWN));
            zeroControlKey(subscriber);
            output.close(subscriber);
        }
        state.subscribers.clear();
    }

    private void publisherGone(final RouterPublisher publisher)
    {
        publisher.closing = true;
        publisher.publisherAckDueMs = 0;
        for (final RouterLink link : publisher.links)
        {
            if (link.announced)
            {
                // The subscriber drains what the publisher committed, then acknowledges; only then is the ring
                // deleted. A publisher whose authority ended is cut off instead: nothing more of its ring is read.
                link.draining = true;
                sender.source(link.subscriber, publisher.cutOff ? SourceAction.CUT_OFF : SourceAction.REMOVED,
                    publisher.producerId, 0, 0);
                link.oweAck(clock.time(), ackTimeoutMs);
            }
        }
        if (!publisher.draining())
        {
            remove(publisher);
        }
    }

    private void subscriberGone(final RouterSubscriber subscriber)
    {
        state.subscribers.remove(subscriber);
        zeroControlKey(subscriber);
        for (final RouterPublisher publisher : new ArrayList<>(state.publishers))
        {
            final RouterLink link = publisher.link(subscriber);
            if (null != link)
            {
                subscriberLeft(link);
            }
            if (publisher.closing && !publisher.draining())
            {
                remove(publisher);
            }
        }
        output.close(subscriber);
        output.audit(AuditEventType.CHANNEL_CLOSED, AuditOutcome.INFO, subscriber.session.subject, state.name,
            "subscriber left session=" + subscriber.session.idText());
    }

    private void subscriberLeft(final RouterLink link)
    {
        if (link.publisher.isRelay())
        {
            relayKeys.subscriberLeft(link);
        }
        else
        {
            rotation.subscriberLeft(link);
        }
    }

    private static void zeroControlKey(final RouterSubscriber subscriber)
    {
        if (null != subscriber.session.controlKey)
        {
            Arrays.fill(subscriber.session.controlKey, (byte)0);
        }
    }
}
