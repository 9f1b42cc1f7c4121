package io.bastion.channel.broker;

import io.bastion.security.keys.SecretKeys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

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
 * Key copies: the control key reaches the cipher through {@link SecretKeys#keyedCipher} (no {@code SecretKeySpec}
 * copy), and each cipher is scrubbed ({@link SecretKeys#scrub(Cipher, int, java.security.spec.AlgorithmParameterSpec)})
 * before it is dropped, which zeroes the AES engine's copies of the control key and its round keys. What stays until
 * the next garbage collection, out of reach: the discarded GHASH subkey of the control key and whatever the GCM engine
 * buffered of the frame key in the clear; see {@link SecretKeys}.
 */
final class KeyWrap
{
    /** Length of a sealed key. */
    static final int SEALED_LENGTH = 12 + HandshakeCrypto.KEY_LENGTH + 16;

    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] LABEL = "bastion/keywrap/v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final GCMParameterSpec SCRUB_PARAMETERS = new GCMParameterSpec(TAG_BITS, new byte[NONCE_LENGTH]);

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
        Cipher cipher = null;
        try
        {
            cipher = cipher(Cipher.ENCRYPT_MODE, controlKey, sealed);
            cipher.updateAAD(aad(channelId, producerId, keyId));
            cipher.doFinal(key, 0, key.length, sealed, NONCE_LENGTH);
            return sealed;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("AES-GCM is mandatory in every JDK", ex);
        }
        finally
        {
            scrub(cipher);
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
        Cipher cipher = null;
        try
        {
            cipher = cipher(Cipher.DECRYPT_MODE, controlKey, sealed);
            cipher.updateAAD(aad(channelId, producerId, keyId));
            return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return null;
        }
        finally
        {
            scrub(cipher);
        }
    }

    private static Cipher cipher(final int mode, final byte[] controlKey, final byte[] sealed)
            throws GeneralSecurityException
    {
        final byte[] nonce = Arrays.copyOf(sealed, NONCE_LENGTH);
        return SecretKeys.keyedCipher(
            TRANSFORMATION, mode, controlKey, "AES", new GCMParameterSpec(TAG_BITS, nonce));
    }

    private static void scrub(final Cipher cipher)
    {
        if (null != cipher)
        {
            SecretKeys.scrub(cipher, HandshakeCrypto.KEY_LENGTH, SCRUB_PARAMETERS);
        }
    }

    private static byte[] aad(final int channelId, final int producerId, final int keyId)
    {
        return ByteBuffer.allocate(LABEL.length + 12).order(ByteOrder.BIG_ENDIAN)
            .put(LABEL).putInt(channelId).putInt(producerId).putInt(keyId).array();
    }
}
