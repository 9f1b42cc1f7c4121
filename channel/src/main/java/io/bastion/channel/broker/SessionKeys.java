package io.bastion.channel.broker;

import io.bastion.security.keys.KeyDirection;

import java.util.Arrays;

/**
 * The two 32-byte session keys of one handshake, one per direction, under one key id.
 * <p>
 * {@link KeyDirection#INITIATOR_TO_RESPONDER} seals frames the client writes (its publish ring);
 * {@link KeyDirection#RESPONDER_TO_INITIATOR} seals frames the client reads (its subscribe ring). The direction is
 * bound into the derivation (see {@link HandshakeCrypto}), so the two keys differ and a frame cannot be reflected.
 * <p>
 * Ownership: this object owns the key bytes; {@link #key(KeyDirection)} returns a copy the caller must zero, and
 * {@link #close()} zeroes the originals. Not thread safe for close concurrent with reads.
 */
public final class SessionKeys implements AutoCloseable
{
    private final int keyId;
    private final byte[] clientToBroker;
    private final byte[] brokerToClient;

    SessionKeys(final int keyId, final byte[] clientToBroker, final byte[] brokerToClient)
    {
        this.keyId = keyId;
        this.clientToBroker = clientToBroker;
        this.brokerToClient = brokerToClient;
    }

    /**
     * The key id both keys carry in frames (the direction tells them apart).
     *
     * @return the key id.
     */
    public int keyId()
    {
        return keyId;
    }

    /**
     * A copy of the key for one direction.
     *
     * @param direction {@link KeyDirection#INITIATOR_TO_RESPONDER} for client-to-broker frames,
     *                  {@link KeyDirection#RESPONDER_TO_INITIATOR} for broker-to-client frames.
     * @return a new 32-byte array; the caller zeroes it when done.
     */
    public byte[] key(final KeyDirection direction)
    {
        return (direction == KeyDirection.INITIATOR_TO_RESPONDER ? clientToBroker : brokerToClient).clone();
    }

    /**
     * Zero both keys.
     */
    @Override
    public void close()
    {
        Arrays.fill(clientToBroker, (byte)0);
        Arrays.fill(brokerToClient, (byte)0);
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
