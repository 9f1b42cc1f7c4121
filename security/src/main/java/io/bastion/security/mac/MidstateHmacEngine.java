package io.bastion.security.mac;

import java.util.Arrays;

/**
 * HMAC-SHA256 restarted from the key's midstates: the inner hash continues from {@link MacKey#innerState} as if the
 * inner pad block had just been compressed, the outer hash from {@link MacKey#outerState}. A tag over {@code n}
 * bytes costs {@code floor((n + 8) / 64) + 1} compressions for the inner hash and exactly one for the outer (the
 * 32-byte inner hash and its padding fill one block), 3 in all for 64 bytes.
 * <p>
 * This class does the SHA-256 padding, the block buffering and the length count (FIPS 180-4, section 5.1.1), all in
 * preallocated arrays; a subclass supplies the compression function and the chaining state array it works on.
 */
abstract class MidstateHmacEngine extends HmacEngine
{
    private static final int BLOCK = Sha256Compression.BLOCK_LENGTH;
    /** Where the 64-bit message length in bits sits in the last block. */
    private static final int LENGTH_OFFSET = BLOCK - 8;
    private static final byte FIRST_PAD_BYTE = (byte) 0x80;
    /** Length in bits of the outer message: the outer pad block and the 32-byte inner hash. */
    private static final long OUTER_BITS = (BLOCK + HmacSha256.TAG_LENGTH) * 8L;

    private final int[] state;
    /** The partial block of the inner message. */
    private final byte[] block = new byte[BLOCK];
    /** The one block of the outer message: the inner hash, then padding that never changes. */
    private final byte[] outerBlock = new byte[BLOCK];
    private int blockLength;
    /** Bytes of the inner message so far, the inner pad block included. */
    private long byteCount;

    /**
     * An engine on a chaining state array.
     *
     * @param state the eight-int chaining state that {@link #compress} updates.
     */
    MidstateHmacEngine(final int[] state)
    {
        this.state = state;
        outerBlock[HmacSha256.TAG_LENGTH] = FIRST_PAD_BYTE;
        Sha256Compression.putLong(OUTER_BITS, outerBlock, LENGTH_OFFSET);
    }

    /**
     * Compress whole blocks into the chaining state given at construction.
     *
     * @param src    array holding the blocks.
     * @param offset of the first block; the caller ensures {@code 64 * blocks} bytes are there.
     * @param blocks number of blocks, at least 1.
     */
    abstract void compress(byte[] src, int offset, int blocks);

    @Override
    final void start(final MacKey key)
    {
        System.arraycopy(key.innerState, 0, state, 0, Sha256Compression.STATE_INTS);
        blockLength = 0;
        byteCount = BLOCK;
    }

    @Override
    final void update(final byte[] src, final int offset, final int length)
    {
        final byte[] block = this.block;
        int position = offset;
        int remaining = length;
        byteCount += length;

        final int buffered = blockLength;
        if (buffered > 0)
        {
            final int n = Math.min(remaining, BLOCK - buffered);
            System.arraycopy(src, position, block, buffered, n);
            position += n;
            remaining -= n;
            if (buffered + n < BLOCK)
            {
                blockLength = buffered + n;
                return;
            }
            compress(block, 0, 1);
        }
        final int blocks = remaining / BLOCK;
        if (blocks > 0)
        {
            compress(src, position, blocks);
            position += blocks * BLOCK;
            remaining -= blocks * BLOCK;
        }
        System.arraycopy(src, position, block, 0, remaining);
        blockLength = remaining;
    }

    @Override
    final boolean finish(final MacKey key, final byte[] tag)
    {
        final byte[] block = this.block;
        final int[] state = this.state;

        // Inner hash: 0x80, zeros and the length in bits, in one more block or two.
        int end = blockLength;
        block[end++] = FIRST_PAD_BYTE;
        if (end > LENGTH_OFFSET)
        {
            Arrays.fill(block, end, BLOCK, (byte) 0);
            compress(block, 0, 1);
            end = 0;
        }
        Arrays.fill(block, end, LENGTH_OFFSET, (byte) 0);
        Sha256Compression.putLong(byteCount << 3, block, LENGTH_OFFSET);
        compress(block, 0, 1);
        blockLength = 0;

        // Outer hash: the inner hash and its fixed padding, from the outer midstate.
        final byte[] outerBlock = this.outerBlock;
        Sha256Compression.putState(state, outerBlock, 0);
        System.arraycopy(key.outerState, 0, state, 0, Sha256Compression.STATE_INTS);
        compress(outerBlock, 0, 1);
        Sha256Compression.putState(state, tag, 0);
        return true;
    }

    @Override
    final void abandon()
    {
        // The state may hold the inner midstate (key-equivalent) or a hash of it: do not leave it behind.
        Arrays.fill(state, 0);
        blockLength = 0;
    }
}
