package io.bastion.broker;

import io.bastion.channel.control.ControlMessages;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.handshake.KeyWrap;
import org.agrona.concurrent.EpochClock;

import java.util.Arrays;

/**
 * The key steps of a channel's relays: sessions that republish frames sealed on another host, under the origin
 * publisher's producer id and keys. The broker derives no key for a relay and never rotates one: the relay hands it
 * each origin key, wrapped under the relay's control key ({@link KeyWrap}), and the broker hands the key on to the
 * subscribers exactly as it hands out a publisher's. For a relay {@code R}:
 * <pre>
 *  R: ORIGIN_KEY_ADDED(k, sealed)  -&gt; each subscriber told about R: KEY_ADDED(R, k)          &lt;- acks
 *                                   -&gt; R: ORIGIN_KEY_ADDED(k)   (confirmed: frames under k may be written)
 *  R: ORIGIN_KEY_RETIRED(k)        -&gt; each subscriber told about R: KEY_RETIRED(R, k, grace)
 *  R: ORIGIN_KEY_REVOKED(k)        -&gt; each subscriber told about R: KEY_REVOKED(R, k)
 *  a subscriber joins              -&gt; fan-out: R: CONSUMER_ADDED(region); R: KeyUpdate(current k)
 *  R: KEY_IN_USE(k, p)             -&gt; the joiner: ADDED(R, k, start p), then KEY_ADDED for R's other keys
 * </pre>
 * A relay's KeyUpdate asks where its ring stands, and nothing else: the relay attaches the joining subscribers'
 * consumer regions there (fan-out) and answers with its position, where the joiners start. A relay with no key yet
 * is announced to nobody; its first key's confirmation follows the position request, so a subscriber that was there
 * first reads the relay's ring from its start. Unlike a publisher's, a relay's key does not change when the
 * subscriber set does (the origin owns its keys): a joiner is given the keys the relay holds, and a subscriber that
 * left keeps what it was given until the origin rotates. The protocol and the trust it asks for are in
 * {@code docs/relay.md}.
 * <p>
 * Part of a {@link ChannelMachine}, which checks each event's form before it gets here and ends the sessions whose
 * queue overflowed; owned by the conductor thread. Key bytes never reach the audit.
 */
final class RelayKeys
{
    /** {@link RouterLink#joinKeyId} of a joiner that waits for the relay's next position request. */
    static final int JOIN_ON_NEXT_REQUEST = RouterPublisher.JOIN_ON_NEXT_ROTATION;
    /** {@link RouterLink#joinKeyId} of a joiner announced at the answer to the request under way. */
    static final int JOIN_IN_REQUEST = -2;

    private final RouterChannel state;
    private final ChannelSender sender;
    private final RouterOutput output;
    private final EpochClock clock;
    private final long ackTimeoutMs;
    private final long keyGraceMs;

    RelayKeys(
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
     * A relay's session opened: each subscriber there joins it once it names a key.
     *
     * @param relay the relay, with a pair for each subscriber.
     */
    void relayJoined(final RouterPublisher relay)
    {
        for (final RouterLink link : relay.links)
        {
            link.joinKeyId = JOIN_ON_NEXT_REQUEST;
        }
        output.audit(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, relay.session.subject, state.name,
            "relay joined: producer=" + relay.producerId + " is announced once it names an origin key");
    }

    /**
     * A subscriber joined: it is announced where the relay's ring stands once the relay says so.
     *
     * @param link the pair of the relay and the joining subscriber.
     */
    void subscriberJoined(final RouterLink link)
    {
        link.joinKeyId = JOIN_ON_NEXT_REQUEST;
        requestPosition(link.publisher);
    }

    /**
     * The relay handed over an origin key: keep it, hand it to every subscriber told about the relay, and confirm it
     * to the relay once each of them holds it.
     *
     * @param relay  the relay.
     * @param keyId  the origin key id.
     * @param sealed the key, wrapped under the relay's control key.
     * @return null, or what the relay did wrong (the machine drops it).
     */
    String onKeyAdded(final RouterPublisher relay, final int keyId, final byte[] sealed)
    {
        if (0 != relay.pendingKeyId)
        {
            return "origin key " + keyId + " while key " + relay.pendingKeyId + " is being handed out";
        }
        if (keyId <= relay.highestOriginKeyId)
        {
            return "origin key id " + keyId + " not above " + relay.highestOriginKeyId;
        }
        final byte[] key = KeyWrap.open(relay.session.controlKey, state.channelId, relay.producerId, keyId, sealed);
        if (null == key)
        {
            return "origin key " + keyId + " does not open";
        }
        relay.originKeys.put(keyId, key);
        relay.highestOriginKeyId = keyId;
        relay.pendingKeyId = keyId;
        output.audit(AuditEventType.KEY_ROTATED, AuditOutcome.INFO, relay.session.subject, state.name,
            "origin key added producer=" + relay.producerId + " keyId=" + keyId + " (relay)");
        for (final RouterLink link : relay.links)
        {
            if (link.announced && !link.draining)
            {
                link.keyAddOwed = true;
                sender.key(link, SourceAction.KEY_ADDED, keyId, 0);
                link.oweAck(clock.time(), ackTimeoutMs);
            }
        }
        if (!relay.keyAddsOwed())
        {
            confirm(relay);
        }
        return null;
    }

    /**
     * A subscriber acknowledged one of the relay's keys.
     *
     * @param link  the pair.
     * @param keyId the key it acknowledged.
     */
    void onKeyAck(final RouterLink link, final int keyId)
    {
        link.acknowledged(clock.time(), ackTimeoutMs);
        final RouterPublisher relay = link.publisher;
        if (link.keyAddOwed && keyId == relay.pendingKeyId)
        {
            link.keyAddOwed = false;
            if (!relay.keyAddsOwed())
            {
                confirm(relay);
            }
        }
    }

    /**
     * The relay retired an origin key: every subscriber told about it keeps it for the grace, then drops it.
     *
     * @param relay the relay.
     * @param keyId the key id.
     * @return null, or what the relay did wrong.
     */
    String onKeyRetired(final RouterPublisher relay, final int keyId)
    {
        if (keyId == relay.keyId || keyId == relay.pendingKeyId || !relay.originKeys.containsKey(keyId))
        {
            return "retires origin key " + keyId + ", which is not an earlier key it holds";
        }
        Arrays.fill(relay.originKeys.remove(keyId), (byte)0);
        output.audit(AuditEventType.KEY_ROTATED, AuditOutcome.SUCCESS, relay.session.subject, state.name,
            "origin key retired producer=" + relay.producerId + " keyId=" + keyId + " (relay)");
        for (final RouterLink link : relay.links)
        {
            if (link.announced && !link.draining)
            {
                sender.source(link.subscriber, SourceAction.KEY_RETIRED, relay.producerId, keyId, keyGraceMs);
            }
        }
        return null;
    }

    /**
     * The relay revoked an origin key (one it handed over, current, earlier or retired): every subscriber told about
     * it refuses frames under it from now on. A relay left without a key is announced to no joiner until it names a
     * new one.
     *
     * @param relay the relay.
     * @param keyId the key id.
     * @return null, or what the relay did wrong.
     */
    String onKeyRevoked(final RouterPublisher relay, final int keyId)
    {
        if (keyId <= 0 || keyId > relay.highestOriginKeyId || keyId == relay.pendingKeyId)
        {
            return "revokes origin key " + keyId + ", which it never handed over";
        }
        final byte[] key = relay.originKeys.remove(keyId);
        if (null != key)
        {
            Arrays.fill(key, (byte)0);
        }
        if (keyId == relay.keyId)
        {
            int latest = 0;
            for (final int id : relay.originKeys.keySet())
            {
                latest = Math.max(latest, id);
            }
            relay.keyId = latest;
        }
        output.audit(AuditEventType.REVOKED, AuditOutcome.SUCCESS, relay.session.subject, state.name,
            "producer=" + relay.producerId + " keyId=" + keyId + " (origin key, revoked by the relay)");
        for (final RouterLink link : relay.links)
        {
            if (link.announced && !link.draining)
            {
                sender.source(link.subscriber, SourceAction.KEY_REVOKED, relay.producerId, keyId, 0);
            }
        }
        return null;
    }

    /**
     * The relay said where its ring stands, after every joining subscriber's region was attached: each joiner of this
     * request is announced there; joiners that came meanwhile get the next request.
     *
     * @param relay    the relay.
     * @param position its producer position, checked for form.
     */
    void onPosition(final RouterPublisher relay, final long position)
    {
        relay.positionRequested = false;
        relay.publisherAckDueMs = 0;
        for (final RouterLink link : relay.links)
        {
            if (!link.announced && JOIN_IN_REQUEST == link.joinKeyId)
            {
                if (0 == relay.keyId)
                {
                    // Every key it held was revoked meanwhile: the joiner waits for the relay's next key.
                    link.joinKeyId = JOIN_ON_NEXT_REQUEST;
                }
                else
                {
                    announce(link, position);
                }
            }
        }
        requestPosition(relay);
    }

    /**
     * A subscriber left: the relay lets go of its consumer region (fan-out), and a key add waits for it no more.
     *
     * @param link the pair.
     */
    void subscriberLeft(final RouterLink link)
    {
        final RouterPublisher relay = link.publisher;
        relay.links.remove(link);
        if (link.consumerSent && !relay.dropped)
        {
            sender.send(relay, ControlMessages.sourceUpdate(SourceAction.CONSUMER_REMOVED, state.channelId,
                relay.producerId, link.subscriber.consumerId, 0, 0, "", null));
        }
        link.end();
        if (!relay.closing && 0 != relay.pendingKeyId && !relay.keyAddsOwed())
        {
            confirm(relay);
        }
    }

    /**
     * Ask the relay where its ring stands, for the joiners waiting (their regions first, on a fan-out channel), unless
     * a request is under way (they wait for the next) or the relay has no key yet (they wait for its first).
     */
    private void requestPosition(final RouterPublisher relay)
    {
        if (relay.closing || relay.dropped || relay.positionRequested || 0 == relay.keyId)
        {
            return;
        }
        boolean joiners = false;
        for (final RouterLink link : relay.links)
        {
            if (!link.announced && JOIN_ON_NEXT_REQUEST == link.joinKeyId)
            {
                link.joinKeyId = JOIN_IN_REQUEST;
                joiners = true;
                if (null != link.region && !link.consumerSent)
                {
                    link.consumerSent = true;
                    sender.consumerAdded(relay, link);
                }
            }
        }
        if (!joiners)
        {
            return;
        }
        relay.positionRequested = true;
        relay.requestedKeyId = relay.keyId;
        relay.owePublisherAck(clock.time(), ackTimeoutMs);
        sender.send(relay, ControlMessages.keyUpdate(relay.keyId, 0));
    }

    /**
     * Every subscriber told about the relay holds its pending key: it becomes the relay's current key, and the relay
     * is told it may write frames under it. Joiners waiting for a first key are asked for first, so that they
     * start before the relay's first frame under it.
     */
    private void confirm(final RouterPublisher relay)
    {
        final int keyId = relay.pendingKeyId;
        relay.pendingKeyId = 0;
        relay.keyId = keyId;
        requestPosition(relay);
        sender.send(relay, ControlMessages.sourceUpdate(
            SourceAction.ORIGIN_KEY_ADDED, state.channelId, relay.producerId, keyId, 0, 0, "", null));
        output.audit(AuditEventType.KEY_ROTATED, AuditOutcome.SUCCESS, relay.session.subject, state.name,
            "producer=" + relay.producerId + " keyId=" + keyId + " (origin key confirmed to the relay)");
    }

    private void announce(final RouterLink link, final long position)
    {
        final RouterPublisher relay = link.publisher;
        link.announced = true;
        link.subscriberAcked = false;
        link.joinKeyId = 0;
        sender.key(link, SourceAction.ADDED, relay.keyId, position);
        link.oweAck(clock.time(), ackTimeoutMs);
        for (final int keyId : relay.originKeys.keySet())
        {
            if (keyId != relay.keyId)
            {
                sender.key(link, SourceAction.KEY_ADDED, keyId, 0);
                link.oweAck(clock.time(), ackTimeoutMs);
                if (keyId == relay.pendingKeyId)
                {
                    link.keyAddOwed = true;
                }
            }
        }
        output.audit(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, link.subscriber.session.subject, state.name,
            "source added producer=" + relay.producerId + " keyId=" + relay.keyId + " position=" + position +
            " relay keys=" + relay.originKeys.size() + " subscriberSession=" + link.subscriber.session.idText());
    }
}
