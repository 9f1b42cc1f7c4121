package io.bastion.security.token;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Ed25519 issuer keys: generation, and the two interchange forms.
 * <ul>
 *     <li><b>Raw</b>: 32 bytes each, as RFC 8032 defines them (public key = encoded point A, private key = seed k).
 *     This is what the {@code bastion keygen} command prints and what a client pins.</li>
 *     <li><b>DER</b>: X.509 {@code SubjectPublicKeyInfo} (44 bytes) and PKCS#8 v1 {@code PrivateKeyInfo} (48 bytes),
 *     RFC 8410, as {@link java.security.Key#getEncoded()} returns them, for interchange with OpenSSL and the JDK.</li>
 * </ul>
 * Raw forms are converted by adding or checking the fixed RFC 8410 DER prefix, so both forms go through the JDK's
 * {@link KeyFactory}. A malformed key is refused with {@link IllegalArgumentException}: keys come from configuration,
 * not from peers. Stateless and thread safe. The caller owns returned private key bytes and should zero them after
 * use.
 */
public final class IssuerKeys
{
    /** JCA algorithm name. */
    public static final String ALGORITHM = "Ed25519";
    /** Length of a raw public or private key. */
    public static final int RAW_KEY_LENGTH = 32;

    private static final byte[] X509_PREFIX =
        {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final byte[] PKCS8_PREFIX =
        {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

    private IssuerKeys()
    {
    }

    /**
     * A fresh issuer key pair from the JDK's default strong source.
     *
     * @return a new Ed25519 key pair.
     */
    public static KeyPair generate()
    {
        try
        {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("JDK without Ed25519", ex);
        }
    }

    /**
     * The raw 32-byte form of a public key.
     *
     * @param key an Ed25519 public key.
     * @return a new 32-byte array.
     */
    public static byte[] rawPublic(final PublicKey key)
    {
        return stripPrefix(key.getEncoded(), X509_PREFIX);
    }

    /**
     * The raw 32-byte seed of a private key.
     *
     * @param key an Ed25519 private key.
     * @return a new 32-byte array; zero it when done.
     */
    public static byte[] rawPrivate(final PrivateKey key)
    {
        final byte[] der = key.getEncoded();
        try
        {
            return stripPrefix(der, PKCS8_PREFIX);
        }
        finally
        {
            Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * A public key from its raw 32 bytes.
     *
     * @param raw 32 bytes.
     * @return the key.
     */
    public static PublicKey publicFromRaw(final byte[] raw)
    {
        return publicFromX509(withPrefix(X509_PREFIX, raw));
    }

    /**
     * A private key from its raw 32-byte seed.
     *
     * @param raw 32 bytes; not retained.
     * @return the key.
     */
    public static PrivateKey privateFromRaw(final byte[] raw)
    {
        final byte[] der = withPrefix(PKCS8_PREFIX, raw);
        try
        {
            return privateFromPkcs8(der);
        }
        finally
        {
            Arrays.fill(der, (byte) 0);
        }
    }

    /**
     * A public key from its X.509 SubjectPublicKeyInfo encoding.
     *
     * @param der the encoding.
     * @return the key.
     */
    public static PublicKey publicFromX509(final byte[] der)
    {
        try
        {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            throw new IllegalArgumentException("not an Ed25519 public key", ex);
        }
    }

    /**
     * A private key from its PKCS#8 encoding.
     *
     * @param der the encoding; not retained.
     * @return the key.
     */
    public static PrivateKey privateFromPkcs8(final byte[] der)
    {
        try
        {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            throw new IllegalArgumentException("not an Ed25519 private key", ex);
        }
    }

    /**
     * A short, comparable name for a public key, in the style of OpenSSH: {@code SHA256:} and the unpadded standard
     * base64 of the SHA-256 of the raw 32-byte key. This is what {@code bastion keygen} and {@code bastion broker}
     * print and what a token shows as its broker.
     *
     * @param key an Ed25519 public key.
     * @return the fingerprint.
     */
    public static String fingerprint(final PublicKey key)
    {
        return fingerprint(rawPublic(key));
    }

    /**
     * The fingerprint of a raw public key; see {@link #fingerprint(PublicKey)}.
     *
     * @param raw the raw key bytes (any length is hashed as given).
     * @return the fingerprint.
     */
    public static String fingerprint(final byte[] raw)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("JDK without SHA-256", ex);
        }
    }

    private static byte[] withPrefix(final byte[] prefix, final byte[] raw)
    {
        if (null == raw || raw.length != RAW_KEY_LENGTH)
        {
            throw new IllegalArgumentException("raw Ed25519 key must be " + RAW_KEY_LENGTH + " bytes");
        }
        final byte[] der = Arrays.copyOf(prefix, prefix.length + RAW_KEY_LENGTH);
        System.arraycopy(raw, 0, der, prefix.length, RAW_KEY_LENGTH);
        return der;
    }

    private static byte[] stripPrefix(final byte[] der, final byte[] prefix)
    {
        if (null == der || der.length != prefix.length + RAW_KEY_LENGTH ||
            !Arrays.equals(der, 0, prefix.length, prefix, 0, prefix.length))
        {
            throw new IllegalArgumentException("unexpected Ed25519 key encoding");
        }
        return Arrays.copyOfRange(der, prefix.length, der.length);
    }
}
