package io.bastion.channel.broker;

import io.bastion.security.keys.Hkdf;
import io.bastion.security.keys.SecretKeys;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The client's token on the wire: sealed (AES-256-GCM) under a key derived from the handshake's X25519 secret and
 * transcript, so that it is sent only once the broker proved its identity (its Challenge signature verified under
 * the key the token names) and only the process holding that broker's ephemeral private key can read it. A process
 * that answers on the socket in the broker's place gets the Hello, which carries no token, and nothing more.
 * <pre>
 *  key    = HKDF-SHA256(salt = transcript, ikm = X25519 secret, info = "bastion/credentials/v1", 32 bytes)
 *  sealed = nonce (12 random bytes) || AES-GCM(key, nonce, aad = "bastion/credentials/v1" || transcript, token) || tag
 * </pre>
 * The key is used for this one message and zeroed by the caller; the transcript in the associated data binds the
 * token to this handshake, so a sealed token cannot be replayed into another one. Stateless and thread safe.
 */
final class CredentialSeal
{
    /** Nonce, then the tag: the sealed form is the token plus this many bytes. */
    static final int OVERHEAD = 12 + 16;

    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] LABEL = "bastion/credentials/v1".getBytes(StandardCharsets.US_ASCII);
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final GCMParameterSpec SCRUB_PARAMETERS = new GCMParameterSpec(TAG_BITS, new byte[NONCE_LENGTH]);
    private static final SecureRandom RANDOM = new SecureRandom();

    private CredentialSeal()
    {
    }

    /**
     * The key for one handshake's credentials.
     *
     * @param transcript   the handshake transcript (see {@link HandshakeCrypto#transcript}).
     * @param sharedSecret the X25519 secret.
     * @return a 32-byte key the caller zeroes.
     */
    static byte[] key(final byte[] transcript, final byte[] sharedSecret)
    {
        return Hkdf.derive(transcript, sharedSecret, LABEL, HandshakeCrypto.KEY_LENGTH);
    }

    /**
     * Seal a token.
     *
     * @param key        from {@link #key}.
     * @param transcript the handshake transcript.
     * @param token      the token bytes.
     * @return nonce, ciphertext and tag.
     */
    static byte[] seal(final byte[] key, final byte[] transcript, final byte[] token)
    {
        final byte[] sealed = new byte[OVERHEAD + token.length];
        RANDOM.nextBytes(sealed);
        Cipher cipher = null;
        try
        {
            cipher = cipher(Cipher.ENCRYPT_MODE, key, sealed);
            cipher.updateAAD(aad(transcript));
            cipher.doFinal(token, 0, token.length, sealed, NONCE_LENGTH);
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
     * Open a sealed token. Never throws.
     *
     * @param key        from {@link #key}.
     * @param transcript the handshake transcript.
     * @param sealed     the received bytes, untrusted.
     * @return the token bytes (the caller zeroes them), or null if they do not open.
     */
    static byte[] open(final byte[] key, final byte[] transcript, final byte[] sealed)
    {
        if (null == sealed || sealed.length < OVERHEAD)
        {
            return null;
        }
        Cipher cipher = null;
        try
        {
            cipher = cipher(Cipher.DECRYPT_MODE, key, sealed);
            cipher.updateAAD(aad(transcript));
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

    private static byte[] aad(final byte[] transcript)
    {
        final byte[] aad = Arrays.copyOf(LABEL, LABEL.length + transcript.length);
        System.arraycopy(transcript, 0, aad, LABEL.length, transcript.length);
        return aad;
    }
}
