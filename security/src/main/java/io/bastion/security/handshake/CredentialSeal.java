package io.bastion.security.handshake;

import io.bastion.security.keys.Hkdf;

import java.nio.charset.StandardCharsets;
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
public final class CredentialSeal
{
    private static final byte[] LABEL = "bastion/credentials/v1".getBytes(StandardCharsets.US_ASCII);

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
    public static byte[] key(final byte[] transcript, final byte[] sharedSecret)
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
    public static byte[] seal(final byte[] key, final byte[] transcript, final byte[] token)
    {
        return AeadBox.seal(key, aad(transcript), token);
    }

    /**
     * Open a sealed token. Never throws.
     *
     * @param key        from {@link #key}.
     * @param transcript the handshake transcript.
     * @param sealed     the received bytes, untrusted.
     * @return the token bytes (the caller zeroes them), or null if they do not open.
     */
    public static byte[] open(final byte[] key, final byte[] transcript, final byte[] sealed)
    {
        return AeadBox.open(key, aad(transcript), sealed);
    }

    private static byte[] aad(final byte[] transcript)
    {
        final byte[] aad = Arrays.copyOf(LABEL, LABEL.length + transcript.length);
        System.arraycopy(transcript, 0, aad, LABEL.length, transcript.length);
        return aad;
    }
}
