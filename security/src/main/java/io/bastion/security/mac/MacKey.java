package io.bastion.security.mac;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * An HMAC-SHA256 key held as its two padded blocks, {@code K xor ipad} and {@code K xor opad} (RFC 2104), and as the
 * two SHA-256 midstates those blocks lead to, so that {@link HmacSha256} can start each tag without re-deriving the
 * pads and, on its midstate paths, without compressing them again.
 * <p>
 * Midstates: the inner midstate is the SHA-256 chaining state (eight ints) after compressing {@code K xor ipad} from
 * the initial state, the outer one after compressing {@code K xor opad}. They are computed once, here, with the plain
 * Java compression. Each is as secret as the key itself: whoever holds both can compute every tag. The padded blocks
 * stay too, for the engine that feeds them to a {@link java.security.MessageDigest} (see
 * {@link HmacSha256#implementation()}).
 * <p>
 * Ownership and lifetime: the constructor copies the key bytes it is given (the caller still owns and should zero its
 * own array); {@link #destroy()} zeroes both blocks and both midstates. A destroyed key computes nothing:
 * {@link HmacSha256} answers {@link MacResult#KEY_DESTROYED} for it, never a tag and never {@link MacResult#OK}.
 * <p>
 * Thread safety: after construction the blocks and midstates are only read, so one instance may be shared by any
 * number of {@link HmacSha256} engines on different threads, and {@link #destroy()} may be called from any thread
 * while they compute. A tag computed from zeroed (or partly zeroed) key material would be a public function of the
 * data, so anyone could forge it; the engines therefore use the key like a sequence lock's reader. {@link #destroy()}
 * sets a destroyed flag and only then, after a release fence, zeroes the blocks and midstates. An engine reads the flag
 * with acquire semantics before it first reads key material, and again after an acquire fence once it has read the
 * last of it, and discards its result if the flag was set in between. If any read saw a zero that {@code destroy}
 * wrote, the flag store precedes that zero, so the second read sees the flag: a computation either used the intact key
 * or fails closed. This costs two flag reads per tag and no lock or allocation.
 */
public final class MacKey
{
    /** SHA-256 block length in bytes, the length of each padded key block. */
    public static final int BLOCK_LENGTH = 64;

    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private static final VarHandle DESTROYED;

    static
    {
        try
        {
            DESTROYED = MethodHandles.lookup().findVarHandle(MacKey.class, "destroyed", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final byte[] innerPad = new byte[BLOCK_LENGTH];
    final byte[] outerPad = new byte[BLOCK_LENGTH];
    /** SHA-256 chaining state after compressing {@link #innerPad}; secret, zeroed by {@link #destroy()}. */
    final int[] innerState = new int[Sha256Compression.STATE_INTS];
    /** SHA-256 chaining state after compressing {@link #outerPad}; secret, zeroed by {@link #destroy()}. */
    final int[] outerState = new int[Sha256Compression.STATE_INTS];
    /** 0 while intact, 1 once {@link #destroy()} began; accessed only through {@link #DESTROYED}. */
    @SuppressWarnings("unused")
    private int destroyed;

    /**
     * Build the padded blocks and midstates of a key. A key longer than the block is first hashed, as RFC 2104 says.
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

        final int[] schedule = new int[Sha256Compression.SCHEDULE_INTS];
        Sha256Compression.midstate(innerPad, innerState, schedule);
        Sha256Compression.midstate(outerPad, outerState, schedule);
        // The schedule of the last block holds its first 16 words verbatim: the outer pad, i.e. the key.
        Arrays.fill(schedule, 0);
    }

    /**
     * Build the padded blocks and midstates of a whole key array.
     *
     * @param key bytes of the key (copied, not retained); at least 1 byte.
     */
    public MacKey(final byte[] key)
    {
        this(key, 0, key.length);
    }

    /**
     * Mark the key destroyed, then zero both padded blocks and both midstates. Idempotent and safe to call while other
     * threads compute with the key: a computation that overlaps this call either completed with the intact key or fails
     * with {@link MacResult#KEY_DESTROYED}; one that starts after it fails; none produces a tag from zeroed key
     * material.
     */
    public void destroy()
    {
        DESTROYED.setVolatile(this, 1);
        // The flag must be visible no later than any zero written below: a reader that sees a zero then sees the flag.
        VarHandle.releaseFence();
        Arrays.fill(innerPad, (byte) 0);
        Arrays.fill(outerPad, (byte) 0);
        Arrays.fill(innerState, 0);
        Arrays.fill(outerState, 0);
    }

    /**
     * Has {@link #destroy()} been called?
     *
     * @return true once the key has been destroyed.
     */
    public boolean isDestroyed()
    {
        return (int) DESTROYED.getVolatile(this) != 0;
    }

    /**
     * First half of a computation's check: read the flag before reading any block or midstate. Acquire, so that no
     * read of key material moves before it.
     *
     * @return true if the key is intact so far.
     */
    boolean intactBeforeUse()
    {
        return (int) DESTROYED.getAcquire(this) == 0;
    }

    /**
     * Second half of a computation's check: read the flag again after the last read of a block or midstate. The
     * acquire fence keeps every earlier read of key material before this flag read.
     *
     * @return true if the key was not destroyed since {@link #intactBeforeUse()}, so every read saw the key.
     */
    boolean intactAfterUse()
    {
        VarHandle.acquireFence();
        return (int) DESTROYED.getOpaque(this) == 0;
    }

    /**
     * {@inheritDoc} Never shows key material.
     */
    @Override
    public String toString()
    {
        return "MacKey{destroyed=" + isDestroyed() + "}";
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
