package io.bastion.security.keys;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;

import javax.crypto.SecretKey;

/**
 * A raw {@link SecretKey} whose one copy of the key bytes this class can zero, unlike
 * {@link javax.crypto.spec.SecretKeySpec}: on JDK 17 through 25 a {@code SecretKeySpec} clones the bytes it is given
 * into a private array that only a package-private method of {@code javax.crypto.spec} clears, and its inherited
 * {@code destroy()} throws {@link javax.security.auth.DestroyFailedException}, so that copy would stay on the heap
 * unzeroed until the collector reuses the memory.
 * <p>
 * Contract: the constructor copies the given range (the caller still owns, and should zero, its own array);
 * {@link #getEncoded()} returns a fresh copy each time, as {@link java.security.Key} requires (the JDK's providers zero
 * the copy they take, see {@link SecretKeys}); {@link #destroy()} (or {@link #close()}) zeroes this object's copy,
 * after which {@link #getEncoded()} throws {@link IllegalStateException}. Use it in try-with-resources around a
 * provider's {@code init}. The algorithm name and format ({@code "RAW"}) are not secret. Instances refuse to be
 * serialised, and {@link #toString()} never shows key bytes. Thread safety: not for concurrent use while destroyed.
 */
public final class DestroyableSecretKey implements SecretKey, AutoCloseable
{
    private static final long serialVersionUID = 1L;

    /** This object's copy of the key bytes; never serialised. */
    private final transient byte[] key;
    /** The JCA algorithm name. */
    private final String algorithm;
    /** Whether {@link #destroy()} has run. */
    private volatile boolean destroyed;

    /**
     * Copy a range of bytes into a new key.
     *
     * @param key       array holding the key bytes (copied, not retained).
     * @param offset    of the key in {@code key}.
     * @param length    of the key in bytes; at least 1.
     * @param algorithm the JCA algorithm name the key is for, such as {@code "HmacSHA256"} or {@code "AES"}.
     * @throws IllegalArgumentException if the range is empty or outside the array, or the algorithm is null.
     */
    public DestroyableSecretKey(final byte[] key, final int offset, final int length, final String algorithm)
    {
        if (null == key || offset < 0 || length <= 0 || length > key.length - offset)
        {
            throw new IllegalArgumentException("bad key range: offset=" + offset + " length=" + length);
        }
        if (null == algorithm)
        {
            throw new IllegalArgumentException("null algorithm");
        }
        this.key = Arrays.copyOfRange(key, offset, offset + length);
        this.algorithm = algorithm;
    }

    /**
     * Copy a whole array into a new key.
     *
     * @param key       the key bytes (copied, not retained); at least 1 byte.
     * @param algorithm the JCA algorithm name the key is for.
     */
    public DestroyableSecretKey(final byte[] key, final String algorithm)
    {
        this(key, 0, null == key ? 0 : key.length, algorithm);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String getAlgorithm()
    {
        return algorithm;
    }

    /**
     * {@inheritDoc}
     *
     * @return {@code "RAW"}.
     */
    @Override
    public String getFormat()
    {
        return "RAW";
    }

    /**
     * A fresh copy of the key bytes, which the receiver owns and should zero.
     *
     * @return a new array holding the key.
     * @throws IllegalStateException once the key has been destroyed.
     */
    @Override
    public byte[] getEncoded()
    {
        if (destroyed)
        {
            throw new IllegalStateException("key destroyed");
        }
        return key.clone();
    }

    /**
     * Zero this object's copy of the key bytes. Idempotent; never throws.
     */
    @Override
    public void destroy()
    {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean isDestroyed()
    {
        return destroyed;
    }

    /**
     * Same as {@link #destroy()}, for try-with-resources.
     */
    @Override
    public void close()
    {
        destroy();
    }

    /**
     * {@inheritDoc} Never shows key material.
     */
    @Override
    public String toString()
    {
        return "DestroyableSecretKey{algorithm=" + algorithm + ", destroyed=" + destroyed + "}";
    }

    /**
     * Refuses: key material is never serialised.
     *
     * @param out unused.
     * @throws IOException always, a {@link NotSerializableException}.
     */
    private void writeObject(final ObjectOutputStream out) throws IOException
    {
        throw new NotSerializableException("key material is never serialised");
    }

    /**
     * Refuses: key material is never deserialised.
     *
     * @param in unused.
     * @throws IOException always, a {@link NotSerializableException}.
     */
    private void readObject(final ObjectInputStream in) throws IOException
    {
        throw new NotSerializableException("key material is never serialised");
    }
}
