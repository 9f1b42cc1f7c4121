package io.bastion.bridge;

/**
 * Receives the channel keys the peer bridge sends wrapped under the session ({@link BridgeSender#offerChannelKey}),
 * once each has been opened and its sequence admitted by the replay window. Called on the receiving thread, from
 * {@link BridgeReceiver#poll}.
 */
@FunctionalInterface
public interface ChannelKeyHandler
{
    /**
     * One channel key.
     *
     * @param channelId  the origin channel's id.
     * @param producerId the producer the key seals for.
     * @param keyId      the key id the inner frames carry.
     * @param key        a fresh 32-byte copy of the key material, owned by the handler: zero it once installed
     *                   (for example with {@code KeyRing.rotateAndZero}). The receiver zeroes its own copy.
     */
    void onChannelKey(int channelId, int producerId, int keyId, byte[] key);

    /**
     * A key of an origin producer was retired or revoked, or the producer left
     * ({@link BridgeSender#offerChannelKeyAction}). Ignored unless overridden.
     *
     * @param channelId  the origin channel's id.
     * @param producerId the producer.
     * @param keyId      the key id ({@link ChannelKeyAction#SOURCE_REMOVED}: the producer's last key id, or 0).
     * @param action     {@link ChannelKeyAction#RETIRED}, {@link ChannelKeyAction#REVOKED} or
     *                   {@link ChannelKeyAction#SOURCE_REMOVED}; never {@link ChannelKeyAction#ADDED}.
     */
    default void onChannelKeyAction(
        final int channelId, final int producerId, final int keyId, final ChannelKeyAction action)
    {
    }
}
