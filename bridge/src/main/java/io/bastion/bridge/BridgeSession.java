package io.bastion.bridge;

import io.bastion.security.keys.KeyDirection;

import java.util.Arrays;

/**
 * One established bridge session: its id, this side's role, the peer's fingerprint, and the session secret from
 * which every direction key is derived ({@link BridgeHandshakeCrypto#directionKey}). Published by the receiving
 * thread (which runs the handshake) through a volatile field and read by the sending thread.
 * <p>
 * Ownership: owns the secret; {@link #close()} zeroes it, after which {@link #directionKey} returns null. Thread
 * safe: derivation and close are synchronized.
 */
final class BridgeSession implements AutoCloseable
{
    private final long sessionId;
    private final BridgeRole role;
    private final String peerFingerprint;
    private final byte[] secret;
    private boolean closed;

    BridgeSession(final long sessionId, final BridgeRole role, final String peerFingerprint, final byte[] secret)
    {
        this.sessionId = sessionId;
        this.role = role;
        this.peerFingerprint = peerFingerprint;
        this.secret = secret;
    }

    long sessionId()
    {
        return sessionId;
    }

    BridgeRole role()
    {
        return role;
    }

    String peerFingerprint()
    {
        return peerFingerprint;
    }

    /**
     * A direction key of this session.
     *
     * @param direction the direction.
     * @param keyId     the key id.
     * @return a new 32-byte key the caller zeroes, or null once closed.
     */
    synchronized byte[] directionKey(final KeyDirection direction, final int keyId)
    {
        if (closed)
        {
            return null;
        }
        return BridgeHandshakeCrypto.directionKey(secret, sessionId, direction, keyId);
    }

    synchronized boolean isClosed()
    {
        return closed;
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        Arrays.fill(secret, (byte)0);
    }

    @Override
    public String toString()
    {
        return "BridgeSession{id=" + sessionId + ", role=" + role + ", peer=" + peerFingerprint + '}';
    }
}
