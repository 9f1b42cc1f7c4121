package io.bastion.broker;

import io.bastion.channel.SealedManyToOneRing;
import io.bastion.channel.SealedRing;
import io.bastion.security.token.CapabilityToken;

import java.nio.file.Path;
import java.util.function.IntFunction;

/**
 * What a {@link ChannelMachine} knows of one open session: the facts its handshake fixed, and nothing of its socket.
 * The conductor makes one from each {@code Session} it is handed ({@link RouterConnection}); a test makes one from
 * plain values, with keys and tokens of its choosing.
 * <p>
 * Ownership: the publisher's key schedule stays the session's (each call returns a fresh array the caller zeroes);
 * the subscriber's control key is a copy this object owns, zeroed by the machine when the subscriber leaves.
 * Immutable apart from that zeroing; owned by the conductor thread.
 */
final class SessionFacts
{
    final long sessionId;
    final String subject;
    final CapabilityToken token;
    final int producerId;
    final int firstKeyId;
    final IntFunction<byte[]> frameKeys;
    final byte[] controlKey;
    final int ringCapacity;
    final Path ringPath;
    final SealedRing sealedRing;
    /** A concurrent publisher's many-to-one ring, or null; set once, before a machine hears of the session. */
    SealedManyToOneRing sharedRing;
    /**
     * A relay's session: its keys are the origin's, handed over wrapped under {@link #controlKey}; set once, before a
     * machine hears of the session.
     */
    boolean relay;

    /**
     * The facts of one session.
     *
     * @param sessionId    the session id, unique among the broker's sessions.
     * @param subject      the token's subject, or null.
     * @param token        the verified token whose expiry and id bound the session, or null for none.
     * @param producerId   a publisher's producer id; 0 for a subscriber.
     * @param firstKeyId   the key id the publisher starts with.
     * @param frameKeys    a publisher's frame key for a key id, as both sides derive it (fresh array each call); null
     *                     for a subscriber.
     * @param controlKey   a subscriber's control key, which seals the keys it is handed, or a relay's, which opens
     *                     the keys it hands over (owned from now on); null for a publisher.
     * @param ringCapacity a publisher's ring capacity in bytes.
     * @param ringPath     a publisher's ring file, or null when its ring is sealed memory or it has none.
     * @param sealedRing   a publisher's sealed-memory ring, or null.
     */
    SessionFacts(
        final long sessionId,
        final String subject,
        final CapabilityToken token,
        final int producerId,
        final int firstKeyId,
        final IntFunction<byte[]> frameKeys,
        final byte[] controlKey,
        final int ringCapacity,
        final Path ringPath,
        final SealedRing sealedRing)
    {
        this.sessionId = sessionId;
        this.subject = subject;
        this.token = token;
        this.producerId = producerId;
        this.firstKeyId = firstKeyId;
        this.frameKeys = frameKeys;
        this.controlKey = controlKey;
        this.ringCapacity = ringCapacity;
        this.ringPath = ringPath;
        this.sealedRing = sealedRing;
    }

    /**
     * Mark the session a concurrent publisher's: its ring is a many-to-one ring, announced to the subscriber with
     * {@code SHARED_ADDED}.
     *
     * @param ring the session's sealed many-to-one ring, or null for any other session.
     * @return this.
     */
    SessionFacts sharedRing(final SealedManyToOneRing ring)
    {
        this.sharedRing = ring;
        return this;
    }

    /**
     * Mark the session a relay's: it publishes sealed frames of another host under the origin's producer id and
     * keys, and its {@link #controlKey} opens the keys it hands over.
     *
     * @param relay true for a relay.
     * @return this.
     */
    SessionFacts relay(final boolean relay)
    {
        this.relay = relay;
        return this;
    }

    /**
     * The session id as the audit log writes it.
     *
     * @return hexadecimal.
     */
    String idText()
    {
        return Long.toHexString(sessionId);
    }
}
