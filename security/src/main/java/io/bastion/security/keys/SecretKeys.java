package io.bastion.security.keys;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys the JDK's {@link Mac} and {@link Cipher} engines without leaving an unzeroed copy of the key in our code, and
 * scrubs what the engines keep once they are done. For control-path use (handshakes, key derivation, key wrapping):
 * these methods allocate.
 * <p>
 * What is zeroed, and what is not. {@code new SecretKeySpec(key, ...)} would clone the key into an array only the JDK
 * can clear; instead the engine is keyed with a {@link DestroyableSecretKey}, destroyed as soon as {@code init}
 * returns. The engine takes its own copy through {@code getEncoded()}; in the SunJCE provider of JDK 17 through 25:
 * <ul>
 *   <li>HMAC ({@code HmacCore}) zeroes that copy at once and keeps {@code K xor ipad} and {@code K xor opad}, from
 *   which the key is read back, in arrays that it overwrites on the next {@code init}. {@link #scrub(Mac)} re-keys the
 *   engine with an all-zero key, so those arrays then hold only constants.</li>
 *   <li>AES-GCM keeps the copy ({@code GaloisCounterMode.lastKey}), another copy and the expanded round keys in its
 *   {@code AESCrypt} (after a decryption {@code init} it zeroes the first copy itself); re-keying with a different
 *   key for encryption zeroes all three, which {@link #scrub(Cipher, int, AlgorithmParameterSpec)} does.</li>
 *   <li>Not reachable, in AES-GCM: the GHASH subkey {@code H = AES_K(0^128)} (it does not reveal the key, but lets
 *   whoever reads it forge GCM tags under that key) stays in the GHASH object the engine drops on re-keying, and
 *   plaintext that passed through the engine may stay in its buffers. Engines here are created per call and dropped
 *   right after the scrub, so these live until a collection frees that memory and later allocations overwrite it;
 *   nothing zeroes them explicitly.</li>
 *   <li>Output the engines allocate ({@code Mac.doFinal()}, {@code Cipher.doFinal(byte[], int, int)}) belongs to the
 *   caller, who zeroes it; {@code Mac.doFinal(byte[], int)} leaves its intermediate array unzeroed, so call
 *   {@code doFinal()} and zero its result instead.</li>
 * </ul>
 * Other providers are used through the same calls but nothing is claimed about what they keep; the scrub methods then
 * do their best and report whether re-keying worked. As everywhere in Java, zeroing is best effort against a heap
 * dump: a moving collector may already have left stale copies of any array, ours included. Stateless and thread safe.
 */
public final class SecretKeys
{
    private static final int SCRUB_KEY_LENGTH = 32;

    private SecretKeys()
    {
    }

    /**
     * A {@link Mac} keyed with a copy of {@code key} that is zeroed before this method returns.
     *
     * @param algorithm the MAC algorithm, such as {@code "HmacSHA256"}; also the key's algorithm.
     * @param key       the key bytes (read, not retained; the caller zeroes its own array).
     * @return the keyed engine; pass it to {@link #scrub(Mac)} once done with it.
     * @throws GeneralSecurityException if the algorithm is missing or refuses the key.
     */
    public static Mac keyedMac(final String algorithm, final byte[] key) throws GeneralSecurityException
    {
        return keyedMac(algorithm, new DestroyableSecretKey(key, algorithm));
    }

    /**
     * A {@link Cipher} initialised with a copy of {@code key} that is zeroed before this method returns.
     *
     * @param transformation such as {@code "AES/GCM/NoPadding"}.
     * @param mode           {@link Cipher#ENCRYPT_MODE} or {@link Cipher#DECRYPT_MODE}, for instance.
     * @param key            the key bytes (read, not retained; the caller zeroes its own array).
     * @param keyAlgorithm   the key's algorithm, such as {@code "AES"}.
     * @param params         the parameters, such as a {@link javax.crypto.spec.GCMParameterSpec}; may be null.
     * @return the initialised engine; pass it to {@link #scrub(Cipher, int, AlgorithmParameterSpec)} once done.
     * @throws GeneralSecurityException if the transformation is missing or refuses the key or parameters.
     */
    public static Cipher keyedCipher(
        final String transformation,
        final int mode,
        final byte[] key,
        final String keyAlgorithm,
        final AlgorithmParameterSpec params) throws GeneralSecurityException
    {
        return keyedCipher(transformation, mode, new DestroyableSecretKey(key, keyAlgorithm), params);
    }

    /**
     * Re-key a MAC engine with an all-zero key so that the pads it holds no longer derive from the real key. The
     * engine stays usable (with a key of zeros) but should be dropped.
     *
     * @param mac the engine, keyed or not.
     * @return true if re-keying succeeded; false if the engine refused the scrub key (nothing else is tried).
     */
    public static boolean scrub(final Mac mac)
    {
        try
        {
            mac.init(new SecretKeySpec(new byte[SCRUB_KEY_LENGTH], mac.getAlgorithm()));
            return true;
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * Re-initialise a cipher under an all-zero key, which makes the SunJCE AES engines zero their copies of the
     * previous key and its round keys. Encryption mode first, because the GCM engine only replaces (and zeroes) the
     * key copy it saves for its nonce-reuse check when initialised for encryption; if the engine refuses that (a
     * second scrub with the same parameters trips the reuse check), decryption mode, which still replaces the round
     * keys. Nothing is ever encrypted with the zero key.
     *
     * @param cipher    the engine, used or not.
     * @param keyLength length of the all-zero key, valid for the cipher (32 suits every AES transformation).
     * @param params    parameters the cipher accepts with that key, such as a {@code GCMParameterSpec} over a zero
     *                  nonce; may be null.
     * @return true if re-keying succeeded in either mode; false if the engine refused both.
     */
    public static boolean scrub(final Cipher cipher, final int keyLength, final AlgorithmParameterSpec params)
    {
        final String transformation = cipher.getAlgorithm();
        final int slash = transformation.indexOf('/');
        final SecretKeySpec zeros = new SecretKeySpec(
            new byte[keyLength], slash < 0 ? transformation : transformation.substring(0, slash));
        return rekey(cipher, Cipher.ENCRYPT_MODE, zeros, params) || rekey(cipher, Cipher.DECRYPT_MODE, zeros, params);
    }

    private static boolean rekey(
        final Cipher cipher, final int mode, final SecretKeySpec key, final AlgorithmParameterSpec params)
    {
        try
        {
            cipher.init(mode, key, params);
            return true;
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * Key a MAC engine with a key this method then destroys, whatever happens.
     *
     * @param algorithm the MAC algorithm.
     * @param key       the key, owned from here on by this method.
     * @return the keyed engine.
     * @throws GeneralSecurityException if the algorithm is missing or refuses the key.
     */
    static Mac keyedMac(final String algorithm, final DestroyableSecretKey key) throws GeneralSecurityException
    {
        try (DestroyableSecretKey owned = key)
        {
            final Mac mac = Mac.getInstance(algorithm);
            mac.init(owned);
            return mac;
        }
    }

    /**
     * Initialise a cipher with a key this method then destroys, whatever happens.
     *
     * @param transformation the transformation.
     * @param mode           the cipher mode.
     * @param key            the key, owned from here on by this method.
     * @param params         the parameters; may be null.
     * @return the initialised engine.
     * @throws GeneralSecurityException if the transformation is missing or refuses the key or parameters.
     */
    static Cipher keyedCipher(
        final String transformation,
        final int mode,
        final DestroyableSecretKey key,
        final AlgorithmParameterSpec params) throws GeneralSecurityException
    {
        try (DestroyableSecretKey owned = key)
        {
            final Cipher cipher = Cipher.getInstance(transformation);
            cipher.init(mode, owned, params);
            return cipher;
        }
    }
}
