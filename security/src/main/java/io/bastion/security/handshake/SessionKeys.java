package io.bastion.security.handshake;

import io.bastion.security.keys.Hkdf;
import io.bastion.security.keys.KeyDirection;

import java.util.Arrays;

/**
 * The key schedule of one handshake (see {@link HandshakeCrypto}): a 32-byte session key per direction and key id,
 * and a control key that wraps keys the broker hands on.
 * <p>
 * {@link KeyDirection#INITIATOR_TO_RESPONDER} seals frames the client writes (its publish ring);
 * {@link KeyDirection#RESPONDER_TO_INITIATOR} seals frames the client reads (its subscribe ring). The direction is
 * bound into the derivation, so the two keys differ and a frame cannot be reflected. {@link #keyId()} is the first
 * key id; a rotation derives {@link #key(KeyDirection, int)} for the next.
 * <p>
 * Ownership: this object owns the schedule's secret; every method returns a fresh array the caller must zero, and
 * {@link #close()} zeroes the secret, after which the methods throw {@link IllegalStateException}. Thread safe
 * except for close concurrent with derivations.
 */
public final class SessionKeys implements AutoCloseable
{
    private final long sessionId;
    private final int keyId;
    private final byte[] prk;
    private volatile boolean closed;

    SessionKeys(final long sessionId, final int keyId, final byte[] prk)
    {
        this.sessionId = sessionId;
        this.keyId = keyId;
        this.prk = prk;
    }

    /**
     * The key id the session starts with (the direction tells the two keys apart).
     *
     * @return the key id.
     */
    public int keyId()
    {
        return keyId;
    }

    /**
     * A copy of the first key for one direction.
     *
     * @param direction {@link KeyDirection#INITIATOR_TO_RESPONDER} for client-to-broker frames,
     *                  {@link KeyDirection#RESPONDER_TO_INITIATOR} for broker-to-client frames.
     * @return a new 32-byte array; the caller zeroes it when done.
     * @throws IllegalStateException once closed.
     */
    public byte[] key(final KeyDirection direction)
    {
        return key(direction, keyId);
    }

    /**
     * The key for one direction and key id, as both sides derive it.
     *
     * @param direction the direction.
     * @param keyId     the key id.
     * @return a new 32-byte array; the caller zeroes it when done.
     * @throws IllegalStateException once closed.
     */
    public byte[] key(final KeyDirection direction, final int keyId)
    {
        checkOpen();
        return Hkdf.expand(prk, HandshakeCrypto.info(sessionId, direction, keyId), HandshakeCrypto.KEY_LENGTH);
    }

    /**
     * The session's control key, which seals the channel keys the broker announces to this session.
     *
     * @return a fresh copy; the caller zeroes it.
     * @throws IllegalStateException once closed.
     */
    public byte[] controlKey()
    {
        checkOpen();
        return Hkdf.expand(prk, HandshakeCrypto.controlInfo(sessionId), HandshakeCrypto.KEY_LENGTH);
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("session keys closed");
        }
    }

    /**
     * Zero the schedule's secret.
     */
    @Override
    public void close()
    {
        closed = true;
        Arrays.fill(prk, (byte)0);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "SessionKeys{keyId=" + keyId + '}';
    }
}
