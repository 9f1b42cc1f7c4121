package io.bastion.security.keys;

import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;

/**
 * HKDF with HMAC-SHA256 (RFC 5869): {@link #extract(byte[], byte[])} then {@link #expand(byte[], byte[], int)}.
 * <p>
 * This runs when keys are set up or rotated, not per frame, so it uses {@code javax.crypto.Mac} and allocates.
 * Ownership: returned arrays belong to the caller, who should zero them ({@link Arrays#fill(byte[], byte)}) once the
 * key they hold is no longer needed; intermediate values are zeroed here: the engine is keyed through
 * {@link SecretKeys} (no {@code SecretKeySpec} copy of the salt or PRK), each output block is taken from
 * {@code Mac.doFinal()} and zeroed after use, and the engine is scrubbed before it is dropped. What the JDK's HMAC
 * engine keeps beyond that is described in {@link SecretKeys}. Thread safe (no shared state).
 */
public final class Hkdf
{
    /** Output length of SHA-256, the length of a pseudorandom key. */
    public static final int HASH_LENGTH = 32;

    /** Largest output {@link #expand(byte[], byte[], int)} can produce: 255 blocks. */
    public static final int MAX_OUTPUT_LENGTH = 255 * HASH_LENGTH;

    private static final String ALGORITHM = "HmacSHA256";

    private Hkdf()
    {
    }

    /**
     * HKDF-Extract: {@code PRK = HMAC-SHA256(salt, ikm)}.
     *
     * @param salt optional salt; null or empty means {@code HashLen} zero bytes, as RFC 5869 says.
     * @param ikm  input keying material.
     * @return the 32-byte pseudorandom key.
     */
    public static byte[] extract(final byte[] salt, final byte[] ikm)
    {
        final byte[] effectiveSalt = salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt;
        final Mac mac = newMac(effectiveSalt);
        try
        {
            return mac.doFinal(ikm);
        }
        finally
        {
            SecretKeys.scrub(mac);
        }
    }

    /**
     * HKDF-Expand: {@code T(i) = HMAC-SHA256(PRK, T(i-1) | info | i)}, concatenated and cut to {@code length}.
     *
     * @param prk    pseudorandom key, at least 32 bytes.
     * @param info   context and application specific information; null means empty.
     * @param length of the output keying material, 1 to {@link #MAX_OUTPUT_LENGTH}.
     * @return the output keying material.
     */
    public static byte[] expand(final byte[] prk, final byte[] info, final int length)
    {
        if (prk.length < HASH_LENGTH)
        {
            throw new IllegalArgumentException("PRK shorter than HashLen: " + prk.length);
        }
        if (length < 1 || length > MAX_OUTPUT_LENGTH)
        {
            throw new IllegalArgumentException("length not in [1, " + MAX_OUTPUT_LENGTH + "]: " + length);
        }

        final byte[] effectiveInfo = info == null ? new byte[0] : info;
        final Mac mac = newMac(prk);
        final byte[] okm = new byte[length];
        byte[] block = null;
        int written = 0;
        try
        {
            for (int i = 1; written < length; i++)
            {
                if (null != block)
                {
                    mac.update(block);
                    Arrays.fill(block, (byte) 0);
                }
                mac.update(effectiveInfo);
                mac.update((byte) i);
                // doFinal() hands over the provider's only copy of T(i); doFinal(byte[], int) would leave one unzeroed.
                block = mac.doFinal();
                final int n = Math.min(HASH_LENGTH, length - written);
                System.arraycopy(block, 0, okm, written, n);
                written += n;
            }
        }
        finally
        {
            if (null != block)
            {
                Arrays.fill(block, (byte) 0);
            }
            SecretKeys.scrub(mac);
        }
        return okm;
    }

    /**
     * Extract then expand.
     *
     * @param salt   optional salt; null or empty means zeros.
     * @param ikm    input keying material.
     * @param info   context information; null means empty.
     * @param length of the output, 1 to {@link #MAX_OUTPUT_LENGTH}.
     * @return the output keying material.
     */
    public static byte[] derive(final byte[] salt, final byte[] ikm, final byte[] info, final int length)
    {
        final byte[] prk = extract(salt, ikm);
        try
        {
            return expand(prk, info, length);
        }
        finally
        {
            Arrays.fill(prk, (byte) 0);
        }
    }

    private static Mac newMac(final byte[] key)
    {
        try
        {
            return SecretKeys.keyedMac(ALGORITHM, key);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is mandatory in every JDK", ex);
        }
    }
}
