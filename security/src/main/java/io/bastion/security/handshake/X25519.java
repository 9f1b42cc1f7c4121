package io.bastion.security.handshake;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * Ephemeral X25519 (RFC 7748) through the JDK: key generation, the raw 32-byte little-endian u-coordinate form that
 * travels in Hello and Challenge, and the shared secret.
 * <p>
 * What cannot be zeroed: the JDK's {@code XECPrivateKey} keeps its scalar inside the provider object and does not
 * implement {@code destroy()}, and {@code KeyAgreement} keeps a reference until it is garbage collected. This class
 * drops every reference as soon as the secret is computed and zeroes the secret bytes it owns; the caller zeroes the
 * returned secret. Stateless and thread safe.
 */
public final class X25519
{
    /** Length of a raw public key and of the shared secret. */
    static final int KEY_LENGTH = 32;

    private static final String ALGORITHM = "X25519";

    private X25519()
    {
    }

    /**
     * Make an ephemeral X25519 key pair.
     *
     * @return the pair.
     */
    public static KeyPair generate()
    {
        try
        {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("JDK without X25519", ex);
        }
    }

    /**
     * The raw form of a public key: the u-coordinate, 32 bytes little-endian (RFC 7748, section 5).
     *
     * @param key an X25519 public key.
     * @return a new 32-byte array.
     */
    public static byte[] rawPublic(final PublicKey key)
    {
        final BigInteger u = ((XECPublicKey)key).getU();
        final byte[] bigEndian = u.toByteArray();
        final byte[] raw = new byte[KEY_LENGTH];
        // toByteArray may carry a leading sign byte (33 bytes) or be shorter than 32: copy the low 32 bytes reversed.
        for (int i = 0; i < KEY_LENGTH && i < bigEndian.length; i++)
        {
            raw[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return raw;
    }

    /**
     * A public key from its raw form. The most significant bit is masked, as RFC 7748 requires.
     *
     * @param raw 32 bytes, untrusted.
     * @return the key, or null if the bytes are not 32 long or the provider refuses them.
     */
    static PublicKey publicFromRaw(final byte[] raw)
    {
        if (null == raw || raw.length != KEY_LENGTH)
        {
            return null;
        }
        final byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++)
        {
            bigEndian[i] = raw[KEY_LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7F;
        try
        {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(
                new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bigEndian)));
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * The shared secret of a private key and a peer's public key.
     *
     * @param privateKey our ephemeral private key.
     * @param peerRaw    the peer's raw public key, untrusted.
     * @return 32 bytes the caller must zero, or null if the peer key is malformed or of small order (an all-zero
     *         secret, which RFC 7748 says to refuse).
     */
    public static byte[] sharedSecret(final PrivateKey privateKey, final byte[] peerRaw)
    {
        final PublicKey peer = publicFromRaw(peerRaw);
        if (null == peer)
        {
            return null;
        }
        final byte[] secret;
        try
        {
            final KeyAgreement agreement = KeyAgreement.getInstance(ALGORITHM);
            agreement.init(privateKey);
            agreement.doPhase(peer, true);
            secret = agreement.generateSecret();
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            // The JDK refuses a small-order point itself (InvalidKeyException): as malformed as any other.
            return null;
        }
        int bits = 0;
        for (final byte b : secret)
        {
            bits |= b;
        }
        if (0 == bits || secret.length != KEY_LENGTH)
        {
            Arrays.fill(secret, (byte)0);
            return null;
        }
        return secret;
    }
}
