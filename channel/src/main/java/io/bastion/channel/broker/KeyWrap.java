package io.bastion.channel.broker;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

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
 */
final class KeyWrap
{
    /** Length of a sealed key. */
    static final int SEALED_LENGTH = 12 + HandshakeCrypto.KEY_LENGTH + 16;

    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] LABEL = "bastion/keywrap/v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyWrap()
    {
    }

    static byte[] seal(
        final byte[] controlKey, final int channelId, final int producerId, final int keyId, final byte[] key)
    {
        if (HandshakeCrypto.KEY_LENGTH != key.length)
        {
            throw new IllegalArgumentException("key length " + key.length);
        }
        final byte[] sealed = new byte[SEALED_LENGTH];
        RANDOM.nextBytes(sealed);
        try
        {
            final Cipher cipher = cipher(Cipher.ENCRYPT_MODE, controlKey, sealed);
            cipher.updateAAD(aad(channelId, producerId, keyId));
            cipher.doFinal(key, 0, key.length, sealed, NONCE_LENGTH);
            return sealed;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM is mandatory in every JDK", ex);
        }
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
    static byte[] open(
        final byte[] controlKey, final int channelId, final int producerId, final int keyId, final byte[] sealed)
    {
        if (null == sealed || SEALED_LENGTH != sealed.length)
        {
            return null;
        }
        try
        {
            final Cipher cipher = cipher(Cipher.DECRYPT_MODE, controlKey, sealed);
            cipher.updateAAD(aad(channelId, producerId, keyId));
            return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return null;
        }
    }

    private static Cipher cipher(final int mode, final byte[] controlKey, final byte[] sealed)
            throws GeneralSecurityException
    {
        final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        final byte[] nonce = Arrays.copyOf(sealed, NONCE_LENGTH);
        cipher.init(mode, new SecretKeySpec(controlKey, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        return cipher;
    }

    private static byte[] aad(final int channelId, final int producerId, final int keyId)
    {
        return ByteBuffer.allocate(LABEL.length + 12).order(ByteOrder.BIG_ENDIAN)
            .put(LABEL).putInt(channelId).putInt(producerId).putInt(keyId).array();
    }
}
