package io.bastion.security.handshake;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Wraps a publisher's frame key for the subscriber the broker hands it to: AES-256-GCM under the subscriber's session
 * control key (see {@link HandshakeCrypto}), with the key's identity as associated data.
 * <pre>
 *  sealed = nonce (12, random) | AES-256-GCM(control key, nonce, key (32), aad) (32) | tag (16)      60 bytes
 *  aad    = "bastion/keywrap/v1" | channelId (4, BE) | producerId (4, BE) | keyId (4, BE)
 * </pre>
 * The associated data means a wrapped key moved to another producer or key id does not open. Even though the control
 * socket already runs between two processes the kernel identified, the key is never in the clear outside the two
 * parties' memory. Stateless and thread safe; allocates (control path only).
 * <p>
 * Key copies: the control key reaches the cipher through {@link io.bastion.security.keys.SecretKeys#keyedCipher} (no
 * {@code SecretKeySpec} copy), and each cipher is scrubbed before it is dropped (see {@link AeadBox}), which zeroes
 * the AES engine's copies of the control key and its round keys. What stays until
 * the next garbage collection, out of reach: the discarded GHASH subkey of the control key and whatever the GCM engine
 * buffered of the frame key in the clear; see {@link io.bastion.security.keys.SecretKeys}.
 */
public final class KeyWrap
{
    /** Length of a sealed key. */
    static final int SEALED_LENGTH = AeadBox.OVERHEAD + HandshakeCrypto.KEY_LENGTH;

    private static final byte[] LABEL = "bastion/keywrap/v1".getBytes(StandardCharsets.US_ASCII);

    private KeyWrap()
    {
    }

    /**
     * Seal a channel key under a control key, bound to the channel, producer and key id it is announced for.
     *
     * @param controlKey the receiving side's control key.
     * @param channelId  the channel id.
     * @param producerId the producer id.
     * @param keyId      the key id.
     * @param key        the 32-byte key to carry.
     * @return the sealed bytes: the key, its tag and nonce.
     * @throws IllegalArgumentException if the key is not 32 bytes.
     */
    public static byte[] seal(
        final byte[] controlKey, final int channelId, final int producerId, final int keyId, final byte[] key)
    {
        if (HandshakeCrypto.KEY_LENGTH != key.length)
        {
            throw new IllegalArgumentException("key length " + key.length);
        }
        return AeadBox.seal(controlKey, aad(channelId, producerId, keyId), key);
    }

    /**
     * Open a sealed key. Never throws.
     *
     * @param controlKey this side's control key.
     * @param channelId  the channel id the key is announced for.
     * @param producerId the producer id it is announced for.
     * @param keyId      the key id it is announced for.
     * @param sealed     the received bytes, untrusted.
     * @return the 32-byte key (the caller zeroes it), or null if it does not open.
     */
    public static byte[] open(
        final byte[] controlKey, final int channelId, final int producerId, final int keyId, final byte[] sealed)
    {
        if (null == sealed || SEALED_LENGTH != sealed.length)
        {
            return null;
        }
        return AeadBox.open(controlKey, aad(channelId, producerId, keyId), sealed);
    }

    private static byte[] aad(final int channelId, final int producerId, final int keyId)
    {
        return ByteBuffer.allocate(LABEL.length + 12).order(ByteOrder.BIG_ENDIAN)
            .put(LABEL).putInt(channelId).putInt(producerId).putInt(keyId).array();
    }
}
