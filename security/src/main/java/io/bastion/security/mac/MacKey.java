package io.bastion.security.mac;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * An HMAC-SHA256 key held as its two padded blocks, {@code K xor ipad} and {@code K xor opad} (RFC 2104), so that
 * {@link HmacSha256} can start each tag by feeding one block to a digest instead of re-deriving the pads.
 * <p>
 * Ownership and lifetime: the constructor copies the key bytes it is given (the caller still owns and should zero its
 * own array); {@link #destroy()} zeroes both blocks. A destroyed key computes tags that match nothing, so a frame
 * signed or verified with a key destroyed concurrently is refused rather than accepted.
 * <p>
 * Thread safety: after construction the blocks are only read, so one instance may be shared by any number of
 * {@link HmacSha256} engines on different threads. {@link #destroy()} may race with such readers: they then compute a
 * wrong tag, which fails safe.
 */
public final class MacKey
{
    /** SHA-256 block length in bytes, the length of each padded key block. */
    public static final int BLOCK_LENGTH = 64;

    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    final byte[] innerPad = new byte[BLOCK_LENGTH];
    final byte[] outerPad = new byte[BLOCK_LENGTH];
    private volatile boolean destroyed;

    /**
     * Build the padded blocks of a key. A key longer than the block is first hashed, as RFC 2104 says.
     *
     * @param key    array holding the key bytes (copied, not retained).
     * @param offset of the key in {@code key}.
     * @param length of the key in bytes; at least 1.
     * @throws IllegalArgumentException if the range is empty or outside the array.
     */
    public MacKey(final byte[] key, final int offset, final int length)
    {
        if (offset < 0 || length <= 0 || length > key.length - offset)
        {
            throw new IllegalArgumentException("bad key range: offset=" + offset + " length=" + length);
        }

        final byte[] k = new byte[BLOCK_LENGTH];
        if (length > BLOCK_LENGTH)
        {
            final MessageDigest sha256 = newSha256();
            sha256.update(key, offset, length);
            final byte[] hashed = sha256.digest();
            System.arraycopy(hashed, 0, k, 0, hashed.length);
            Arrays.fill(hashed, (byte) 0);
        }
        else
        {
            System.arraycopy(key, offset, k, 0, length);
        }

        for (int i = 0; i < BLOCK_LENGTH; i++)
        {
            innerPad[i] = (byte) (k[i] ^ IPAD);
            outerPad[i] = (byte) (k[i] ^ OPAD);
        }
        Arrays.fill(k, (byte) 0);
    }

    /**
     * Build the padded blocks of a whole key array.
     *
     * @param key bytes of the key (copied, not retained); at least 1 byte.
     */
    public MacKey(final byte[] key)
    {
        this(key, 0, key.length);
    }

    /**
     * Zero both padded blocks. Idempotent. After this the key computes tags that match nothing.
     */
    public void destroy()
    {
        destroyed = true;
        Arrays.fill(innerPad, (byte) 0);
        Arrays.fill(outerPad, (byte) 0);
    }

    /**
     * Has {@link #destroy()} been called?
     *
     * @return true once the key has been destroyed.
     */
    public boolean isDestroyed()
    {
        return destroyed;
    }

    /**
     * {@inheritDoc} Never shows key material.
     */
    @Override
    public String toString()
    {
        return "MacKey{destroyed=" + destroyed + "}";
    }

    static MessageDigest newSha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", ex);
        }
    }
}
