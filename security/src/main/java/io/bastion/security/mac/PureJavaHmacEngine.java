package io.bastion.security.mac;

import java.util.Arrays;

/**
 * {@link HmacImplementation#PURE_JAVA}: SHA-256 in plain Java ({@link Sha256Compression}) restarted from the key's
 * midstates, so a tag costs the message's compressions plus one for the outer hash (3 for 64 bytes), with every
 * array preallocated.
 */
final class PureJavaHmacEngine extends HmacEngine
{
    private static final int BLOCK = Sha256Compression.BLOCK_LENGTH;
    /** Where the 64-bit length in bits sits in the last block. */
    private static final int LENGTH_OFFSET = BLOCK - 8;
    private static final byte FIRST_PAD_BYTE = (byte) 0x80;
    /** Length in bits of the outer message: the outer pad block and the 32-byte inner hash. */
    private static final long OUTER_BITS = (BLOCK + HmacSha256.TAG_LENGTH) * 8L;

    private final int[] state = new int[Sha256Compression.STATE_INTS];
    private final int[] schedule = new int[Sha256Compression.SCHEDULE_INTS];
    private final byte[] block = new byte[BLOCK];
    private int blockLength;
    /** Message bytes hashed so far, the key's block included. */
    private long byteCount;

    @Override
    HmacImplementation implementation()
    {
        return HmacImplementation.PURE_JAVA;
    }

    @Override
    void start(final MacKey key)
    {
        System.arraycopy(key.innerState, 0, state, 0, Sha256Compression.STATE_INTS);
        blockLength = 0;
        byteCount = BLOCK;
    }

    @Override
    void update(final byte[] src, final int offset, final int length)
    {
        final byte[] block = this.block;
        final int[] state = this.state;
        final int[] schedule = this.schedule;
        int position = offset;
        int remaining = length;
        byteCount += length;

        int blockLength = this.blockLength;
        if (blockLength > 0)
        {
            final int n = Math.min(remaining, BLOCK - blockLength);
            System.arraycopy(src, position, block, blockLength, n);
            blockLength += n;
            position += n;
            remaining -= n;
            if (blockLength < BLOCK)
            {
                this.blockLength = blockLength;
                return;
            }
            Sha256Compression.compress(state, block, 0, schedule);
        }
        while (remaining >= BLOCK)
        {
            Sha256Compression.compress(state, src, position, schedule);
            position += BLOCK;
            remaining -= BLOCK;
        }
        System.arraycopy(src, position, block, 0, remaining);
        this.blockLength = remaining;
    }

    @Override
    boolean finish(final MacKey key, final byte[] tag)
    {
        final byte[] block = this.block;
        final int[] state = this.state;
        final int[] schedule = this.schedule;

        // Inner hash: pad with 0x80, zeros and the length in bits, then leave the digest as the outer message's tail.
        int blockLength = this.blockLength;
        block[blockLength++] = FIRST_PAD_BYTE;
        if (blockLength > LENGTH_OFFSET)
        {
            Arrays.fill(block, blockLength, BLOCK, (byte) 0);
            Sha256Compression.compress(state, block, 0, schedule);
            blockLength = 0;
        }
        Arrays.fill(block, blockLength, LENGTH_OFFSET, (byte) 0);
        Sha256Compression.putLong(byteCount << 3, block, LENGTH_OFFSET);
        Sha256Compression.compress(state, block, 0, schedule);

        // Outer hash: one block holding the inner hash, 0x80, zeros and the length of pad block plus inner hash.
        Sha256Compression.putState(state, block, 0);
        block[HmacSha256.TAG_LENGTH] = FIRST_PAD_BYTE;
        Arrays.fill(block, HmacSha256.TAG_LENGTH + 1, LENGTH_OFFSET, (byte) 0);
        Sha256Compression.putLong(OUTER_BITS, block, LENGTH_OFFSET);
        System.arraycopy(key.outerState, 0, state, 0, Sha256Compression.STATE_INTS);
        Sha256Compression.compress(state, block, 0, schedule);
        Sha256Compression.putState(state, tag, 0);
        this.blockLength = 0;
        return true;
    }

    @Override
    void abandon()
    {
        // The state may hold the inner midstate (key-equivalent) or a hash of it: do not leave it behind.
        Arrays.fill(state, 0);
        blockLength = 0;
    }
}
