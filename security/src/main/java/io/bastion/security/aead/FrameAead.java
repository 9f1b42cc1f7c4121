package io.bastion.security.aead;

import io.bastion.security.keys.DestroyableSecretKey;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;

/**
 * Encrypts, or opens, frames in place under one key with a JDK AEAD: the text is replaced by its ciphertext, the
 * associated data (a frame's header) is authenticated as it stands, and the 16-byte tag is written to, or read from,
 * the place the caller names.
 * <p>
 * <b>Nonce.</b> The 12-byte nonce is the key id (4 bytes, big-endian) followed by the frame's sequence (8 bytes,
 * big-endian). An encrypting instance accepts only sequences that strictly increase, so under one key no nonce is
 * ever used twice: one not above the last sealed returns {@link #SEQUENCE_NOT_INCREASING}. A key's sequence space is
 * also bounded: once it has sealed its {@linkplain #frameLimit() limit} of frames, or reached the largest sequence,
 * it returns {@link #SEQUENCE_SPACE_EXHAUSTED}. Either way nothing is encrypted. Exhaustion forces a rotation: the only
 * way on is a new key, whose space starts afresh while the sequence carries on. A restarted publisher gets a
 * fresh key from its broker, so restarting its sequence reuses no nonce. The key id in the nonce separates keys that
 * a careless deployment might derive alike; uniqueness itself rests on the key and the sequence.
 * <p>
 * <b>Results.</b> Methods return {@link #OK} or a negative status and never throw for bad input; {@link #open} returns
 * {@link #AUTHENTICATION_FAILED} for any change to the associated data, the ciphertext, the tag, the key id or the
 * sequence. On that failure the JDK has released no plaintext, but the text bytes are left in an unspecified state:
 * open a private copy, never the only copy. {@link #destroy()} zeroes this object's copy of the key; later calls
 * return {@link #KEY_DESTROYED}.
 * <p>
 * <b>Cost.</b> The JDK's {@link Cipher} must be initialised once per nonce, and its initialisation allocates (the
 * parameter spec, the key copy the provider takes, its per-message state); BENCHMARKS.md gives the bytes per frame of
 * each algorithm. That is the one allocation on this path, and why it is opt-in per channel.
 * <p>
 * Thread safety: none; one instance per sealing or opening thread.
 */
public final class FrameAead implements AutoCloseable
{
    /** Length of the tag the AEAD writes. */
    public static final int TAG_LENGTH = 16;

    /** Length of the nonce: key id and sequence. */
    public static final int NONCE_LENGTH = 12;

    /** Length of a key: 256 bits for either algorithm. */
    public static final int KEY_LENGTH = 32;

    /**
     * Default bound on the frames one key may seal: 2^48, far below both algorithms' limits for 96-bit
     * nonces and 16-byte tags, and days of traffic at tens of millions of frames a second.
     */
    public static final long DEFAULT_FRAME_LIMIT = 1L << 48;

    /** Done. */
    public static final int OK = 0;
    /** The key has sealed its limit of frames, or the sequence is the largest: nothing sealed; rotate. */
    public static final int SEQUENCE_SPACE_EXHAUSTED = -1;
    /** The sequence is not above the last one sealed under this key: sealing would reuse a nonce. Nothing sealed. */
    public static final int SEQUENCE_NOT_INCREASING = -2;
    /** The tag does not match: the frame was changed, or it was sealed under another key, key id or sequence. */
    public static final int AUTHENTICATION_FAILED = -3;
    /** {@link #destroy()} has run. */
    public static final int KEY_DESTROYED = -4;
    /** A region lies outside the array, overlaps another wrongly, or the sequence is negative. */
    public static final int OUT_OF_BOUNDS = -5;
    /** The wrong method for this instance's direction ({@link #seal} on an opening instance, or the reverse). */
    public static final int WRONG_DIRECTION = -6;

    private static final int TAG_BITS = TAG_LENGTH * Byte.SIZE;

    private final AeadAlgorithm algorithm;
    private final int keyId;
    private final boolean sealing;
    private final long frameLimit;
    private long sealedFrames;
    private final DestroyableSecretKey key;
    private final Cipher cipher;
    private final byte[] nonce = new byte[NONCE_LENGTH];
    private final byte[] tail = new byte[2 * TAG_LENGTH];
    private byte[] work = new byte[256];
    private long lastSealedSequence = -1;
    private boolean destroyed;

    private FrameAead(
        final AeadAlgorithm algorithm,
        final byte[] key,
        final int keyId,
        final boolean sealing,
        final long frameLimit)
    {
        if (null == algorithm)
        {
            throw new IllegalArgumentException("null algorithm");
        }
        if (null == key || KEY_LENGTH != key.length)
        {
            throw new IllegalArgumentException("key must be " + KEY_LENGTH + " bytes");
        }
        if (frameLimit <= 0)
        {
            throw new IllegalArgumentException("frameLimit must be positive: " + frameLimit);
        }
        this.algorithm = algorithm;
        this.keyId = keyId;
        this.sealing = sealing;
        this.frameLimit = frameLimit;
        this.key = new DestroyableSecretKey(key, algorithm.keyAlgorithm());
        try
        {
            this.cipher = Cipher.getInstance(algorithm.transformation());
        }
        catch (final GeneralSecurityException ex)
        {
            this.key.destroy();
            throw new IllegalStateException(algorithm.transformation() + " is missing from this JDK", ex);
        }
        putNonce(keyId, 0);
    }

    /**
     * An instance that seals frames.
     *
     * @param algorithm     the AEAD.
     * @param key           {@link #KEY_LENGTH} bytes, copied (the caller still owns, and should zero, its array).
     * @param keyId         the key's id, carried by each frame and part of each nonce.
     * @param frameLimit    how many frames this key may seal; {@link #DEFAULT_FRAME_LIMIT} unless a test
     *                      needs a small space.
     * @return the instance.
     * @throws IllegalArgumentException if an argument is out of range.
     */
    public static FrameAead forSealing(
        final AeadAlgorithm algorithm, final byte[] key, final int keyId, final long frameLimit)
    {
        return new FrameAead(algorithm, key, keyId, true, frameLimit);
    }

    /**
     * An instance that opens frames.
     *
     * @param algorithm the AEAD.
     * @param key       {@link #KEY_LENGTH} bytes, copied.
     * @param keyId     the key's id.
     * @return the instance.
     * @throws IllegalArgumentException if an argument is out of range.
     */
    public static FrameAead forOpening(final AeadAlgorithm algorithm, final byte[] key, final int keyId)
    {
        return new FrameAead(algorithm, key, keyId, false, Long.MAX_VALUE);
    }

    /**
     * The AEAD.
     *
     * @return the algorithm given at construction.
     */
    public AeadAlgorithm algorithm()
    {
        return algorithm;
    }

    /**
     * The key's id.
     *
     * @return the id given at construction.
     */
    public int keyId()
    {
        return keyId;
    }

    /**
     * How many frames this key may seal.
     *
     * @return the limit; {@link Long#MAX_VALUE} for an opening instance.
     */
    public long frameLimit()
    {
        return frameLimit;
    }

    /**
     * How many frames this instance has sealed.
     *
     * @return the count, at most {@link #frameLimit()}.
     */
    public long sealedFrames()
    {
        return sealedFrames;
    }

    /**
     * The last sequence sealed under this key.
     *
     * @return the sequence, or -1 before the first.
     */
    public long lastSealedSequence()
    {
        return lastSealedSequence;
    }

    /**
     * Encrypt {@code [textOffset, textOffset + textLength)} of {@code frame} in place and write the tag, over that
     * and the associated data, at {@code tagOffset}.
     *
     * @param frame      the frame's bytes, private to the caller.
     * @param aadOffset  start of the associated data.
     * @param aadLength  its length; 0 or more.
     * @param textOffset start of the text to encrypt.
     * @param textLength its length; 0 or more.
     * @param tagOffset  where the {@link #TAG_LENGTH} tag bytes go; must not overlap the text.
     * @param sequence   the frame's sequence: above every sequence sealed before under this key.
     * @return {@link #OK}, {@link #SEQUENCE_SPACE_EXHAUSTED}, {@link #SEQUENCE_NOT_INCREASING},
     * {@link #OUT_OF_BOUNDS}, {@link #KEY_DESTROYED} or {@link #WRONG_DIRECTION}; only {@link #OK} changes the frame.
     */
    public int seal(
        final byte[] frame,
        final int aadOffset,
        final int aadLength,
        final int textOffset,
        final int textLength,
        final int tagOffset,
        final long sequence)
    {
        return seal(frame, aadOffset, aadLength, textOffset, textLength, frame, tagOffset, sequence);
    }

    /**
     * As {@link #seal(byte[], int, int, int, int, int, long)}, with the tag written to an array of its own: for a
     * frame whose tag field lies inside its associated data (the field is then authenticated as it stood, zeros for
     * instance, and the tag written there afterwards).
     *
     * @param frame      the frame's bytes, private to the caller.
     * @param aadOffset  start of the associated data.
     * @param aadLength  its length; 0 or more.
     * @param textOffset start of the text to encrypt.
     * @param textLength its length; 0 or more.
     * @param tag        where the tag goes.
     * @param tagOffset  where in {@code tag}; when {@code tag} is {@code frame}, not overlapping the text.
     * @param sequence   the frame's sequence: above every sequence sealed before under this key.
     * @return as {@link #seal(byte[], int, int, int, int, int, long)}.
     */
    public int seal(
        final byte[] frame,
        final int aadOffset,
        final int aadLength,
        final int textOffset,
        final int textLength,
        final byte[] tag,
        final int tagOffset,
        final long sequence)
    {
        final int checked = check(
            true, frame, aadOffset, aadLength, textOffset, textLength, tag, tagOffset, sequence);
        if (OK != checked)
        {
            return checked;
        }
        if (sealedFrames >= frameLimit || Long.MAX_VALUE == sequence)
        {
            return SEQUENCE_SPACE_EXHAUSTED;
        }
        if (sequence <= lastSealedSequence)
        {
            return SEQUENCE_NOT_INCREASING;
        }
        // Recorded before the cipher runs: even a failure below must not let this nonce be tried again.
        lastSealedSequence = sequence;
        sealedFrames++;
        try
        {
            init(Cipher.ENCRYPT_MODE, sequence);
            cipher.updateAAD(frame, aadOffset, aadLength);
            final int produced = cipher.update(frame, textOffset, textLength, frame, textOffset);
            // The rest of the ciphertext (a block mode may hold back a partial block) and the tag: never written
            // past the text, where the caller's array may end.
            final int finished = cipher.doFinal(tail, 0);
            return placeTail(frame, textOffset + produced, finished, textLength - produced, tag, tagOffset);
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return OUT_OF_BOUNDS;
        }
    }

    /**
     * Check the tag at {@code tagOffset} over the associated data and the ciphertext, and decrypt the ciphertext in
     * place.
     *
     * @param frame      a private copy of the frame.
     * @param aadOffset  start of the associated data.
     * @param aadLength  its length.
     * @param textOffset start of the ciphertext.
     * @param textLength its length.
     * @param tagOffset  where the tag is; must not overlap the text.
     * @param sequence   the frame's sequence, as read once from its header.
     * @return {@link #OK}, {@link #AUTHENTICATION_FAILED}, {@link #OUT_OF_BOUNDS}, {@link #KEY_DESTROYED} or
     * {@link #WRONG_DIRECTION}.
     */
    public int open(
        final byte[] frame,
        final int aadOffset,
        final int aadLength,
        final int textOffset,
        final int textLength,
        final int tagOffset,
        final long sequence)
    {
        return open(frame, aadOffset, aadLength, textOffset, textLength, frame, tagOffset, sequence);
    }

    /**
     * As {@link #open(byte[], int, int, int, int, int, long)}, with the tag read from an array of its own.
     *
     * @param frame      a private copy of the frame.
     * @param aadOffset  start of the associated data.
     * @param aadLength  its length.
     * @param textOffset start of the ciphertext.
     * @param textLength its length.
     * @param tag        holds the tag.
     * @param tagOffset  where in {@code tag}; when {@code tag} is {@code frame}, not overlapping the text.
     * @param sequence   the frame's sequence, as read once from its header.
     * @return as {@link #open(byte[], int, int, int, int, int, long)}.
     */
    public int open(
        final byte[] frame,
        final int aadOffset,
        final int aadLength,
        final int textOffset,
        final int textLength,
        final byte[] tag,
        final int tagOffset,
        final long sequence)
    {
        final int checked = check(
            false, frame, aadOffset, aadLength, textOffset, textLength, tag, tagOffset, sequence);
        if (OK != checked)
        {
            return checked;
        }
        try
        {
            init(Cipher.DECRYPT_MODE, sequence);
            cipher.updateAAD(frame, aadOffset, aadLength);
            // The JDK wants ciphertext and tag as one input, and buffers (allocating) what comes in pieces or
            // overlaps the output: hand it one private copy of both in one call.
            final byte[] input = ciphertextAndTag(frame, textOffset, textLength, tag, tagOffset);
            cipher.doFinal(input, 0, textLength + TAG_LENGTH, frame, textOffset);
            return OK;
        }
        catch (final AEADBadTagException ex)
        {
            return AUTHENTICATION_FAILED;
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return OUT_OF_BOUNDS;
        }
    }

    /**
     * Zero this object's copy of the key. Idempotent. The JDK's cipher keeps its own expanded key until it is
     * re-keyed; drop the instance with it.
     */
    public void destroy()
    {
        if (!destroyed)
        {
            destroyed = true;
            key.destroy();
        }
    }

    /**
     * Whether {@link #destroy()} has run.
     *
     * @return true if so.
     */
    public boolean isDestroyed()
    {
        return destroyed;
    }

    /**
     * Same as {@link #destroy()}.
     */
    @Override
    public void close()
    {
        destroy();
    }

    @Override
    public String toString()
    {
        return "FrameAead{" + algorithm + ", keyId=" + keyId + ", " + (sealing ? "sealing" : "opening") +
            ", destroyed=" + destroyed + "}";
    }

    private int check(
        final boolean forSealing,
        final byte[] frame,
        final int aadOffset,
        final int aadLength,
        final int textOffset,
        final int textLength,
        final byte[] tag,
        final int tagOffset,
        final long sequence)
    {
        if (destroyed)
        {
            return KEY_DESTROYED;
        }
        if (sealing != forSealing)
        {
            return WRONG_DIRECTION;
        }
        if (null == frame || null == tag || sequence < 0 ||
            !inside(frame.length, aadOffset, aadLength) ||
            !inside(frame.length, textOffset, textLength) ||
            !inside(tag.length, tagOffset, TAG_LENGTH) ||
            (tag == frame && overlaps(textOffset, textLength, tagOffset, TAG_LENGTH)))
        {
            return OUT_OF_BOUNDS;
        }
        return OK;
    }

    private void init(final int mode, final long sequence) throws GeneralSecurityException
    {
        putNonce(keyId, sequence);
        try
        {
            cipher.init(mode, key, parameters());
        }
        catch (final InvalidKeyException | InvalidAlgorithmParameterException ex)
        {
            if (sealing)
            {
                // The JDK refuses to encrypt twice under one nonce; seal() never asks it to.
                throw ex;
            }
            // Opening the same frame twice (a duplicate the replay guard will refuse): the JDK's ChaCha20 also
            // refuses to be initialised twice in a row with one nonce, so step through a nonce no frame carries
            // (sequence -1).
            putNonce(~keyId, -1);
            cipher.init(mode, key, parameters());
            putNonce(keyId, sequence);
            cipher.init(mode, key, parameters());
        }
    }

    private AlgorithmParameterSpec parameters()
    {
        return AeadAlgorithm.AES_GCM == algorithm ? new GCMParameterSpec(TAG_BITS, nonce) : new IvParameterSpec(nonce);
    }

    private byte[] ciphertextAndTag(
        final byte[] frame, final int textOffset, final int textLength, final byte[] tag, final int tagOffset)
    {
        final int length = textLength + TAG_LENGTH;
        if (work.length < length)
        {
            // Grows to the largest frame seen, once; ciphertext and tag are not secret.
            work = new byte[length];
        }
        System.arraycopy(frame, textOffset, work, 0, textLength);
        System.arraycopy(tag, tagOffset, work, textLength, TAG_LENGTH);
        return work;
    }

    /**
     * Copy what {@code doFinal} wrote to {@link #tail}: the ciphertext still owed in place, then the tag to its own
     * place.
     */
    private int placeTail(
        final byte[] frame,
        final int position,
        final int written,
        final int owed,
        final byte[] tag,
        final int tagOffset)
    {
        if (written != owed + TAG_LENGTH)
        {
            return OUT_OF_BOUNDS;
        }
        System.arraycopy(tail, 0, frame, position, owed);
        System.arraycopy(tail, owed, tag, tagOffset, TAG_LENGTH);
        return OK;
    }

    private void putNonce(final int id, final long sequence)
    {
        nonce[0] = (byte)(id >>> 24);
        nonce[1] = (byte)(id >>> 16);
        nonce[2] = (byte)(id >>> 8);
        nonce[3] = (byte)id;
        for (int i = 0; i < Long.BYTES; i++)
        {
            nonce[4 + i] = (byte)(sequence >>> (56 - 8 * i));
        }
    }

    private static boolean inside(final int capacity, final int offset, final int length)
    {
        return offset >= 0 && length >= 0 && offset <= capacity && length <= capacity - offset;
    }

    private static boolean overlaps(final int offsetA, final int lengthA, final int offsetB, final int lengthB)
    {
        return offsetA < offsetB + lengthB && offsetB < offsetA + lengthA;
    }
}
