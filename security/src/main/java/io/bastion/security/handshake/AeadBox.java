package io.bastion.security.handshake;

import io.bastion.security.keys.SecretKeys;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * AES-256-GCM boxes for the control channel: {@code nonce (12 random bytes) || ciphertext || tag (16 bytes)}, with
 * associated data that binds a box to what it is for. The engine is keyed through {@link SecretKeys} (no unzeroed
 * key copy of ours) and scrubbed after every use. Used for channel keys ({@link KeyWrap}) and for the client's token
 * ({@link CredentialSeal}). Stateless and thread safe.
 */
public final class AeadBox
{
    /** Bytes a box adds to its plaintext: the nonce, then the tag. */
    static final int OVERHEAD = 12 + 16;

    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final GCMParameterSpec SCRUB_PARAMETERS = new GCMParameterSpec(TAG_BITS, new byte[NONCE_LENGTH]);
    private static final SecureRandom RANDOM = new SecureRandom();

    private AeadBox()
    {
    }

    /**
     * Seal a plaintext.
     *
     * @param key       a 32-byte key.
     * @param aad       the associated data.
     * @param plaintext the bytes to seal.
     * @return the box.
     */
    static byte[] seal(final byte[] key, final byte[] aad, final byte[] plaintext)
    {
        final byte[] sealed = new byte[OVERHEAD + plaintext.length];
        RANDOM.nextBytes(sealed);
        Cipher cipher = null;
        try
        {
            cipher = cipher(Cipher.ENCRYPT_MODE, key, sealed);
            cipher.updateAAD(aad);
            cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_LENGTH);
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
     * Open a box. Never throws.
     *
     * @param key    a 32-byte key.
     * @param aad    the associated data it was sealed with.
     * @param sealed the received bytes, untrusted.
     * @return the plaintext (the caller zeroes it if secret), or null if the box does not open.
     */
    static byte[] open(final byte[] key, final byte[] aad, final byte[] sealed)
    {
        if (null == sealed || sealed.length < OVERHEAD)
        {
            return null;
        }
        Cipher cipher = null;
        try
        {
            cipher = cipher(Cipher.DECRYPT_MODE, key, sealed);
            cipher.updateAAD(aad);
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

    private static Cipher cipher(final int mode, final byte[] key, final byte[] sealed) throws GeneralSecurityException
    {
        final byte[] nonce = Arrays.copyOf(sealed, NONCE_LENGTH);
        return SecretKeys.keyedCipher(TRANSFORMATION, mode, key, "AES", new GCMParameterSpec(TAG_BITS, nonce));
    }

    private static void scrub(final Cipher cipher)
    {
        if (null != cipher)
        {
            SecretKeys.scrub(cipher, HandshakeCrypto.KEY_LENGTH, SCRUB_PARAMETERS);
        }
    }
}
