package io.bastion.security.mac;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The SHA-256 compression function of FIPS 180-4 (section 6.2.2) in plain Java, on a caller-held chaining state of
 * eight ints: no allocation, no padding, no length counting. {@link MacKey} uses it once per key to compute the two
 * midstates; {@link PureJavaHmacEngine} uses it for every block of a tag.
 * <p>
 * Stateless; thread-safe as long as each caller passes its own state and schedule arrays.
 */
final class Sha256Compression
{
    /** Ints in a SHA-256 chaining state. */
    static final int STATE_INTS = 8;

    /** Bytes in a SHA-256 block. */
    static final int BLOCK_LENGTH = 64;

    /** Ints in the message schedule. */
    static final int SCHEDULE_INTS = 64;

    private static final VarHandle INT_BIG_ENDIAN =
        MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** H(0): the first 32 bits of the fractional parts of the square roots of the first eight primes. */
    private static final int[] INITIAL_STATE =
    {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };

    /** K: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
    private static final int[] ROUND_CONSTANTS =
    {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };

    private Sha256Compression()
    {
    }

    /**
     * The chaining state after compressing one block from the initial state: the midstate of a message that starts
     * with this block.
     *
     * @param block    array holding the 64-byte block.
     * @param state    eight ints to receive the midstate.
     * @param schedule 64 ints of scratch.
     */
    static void midstate(final byte[] block, final int[] state, final int[] schedule)
    {
        System.arraycopy(INITIAL_STATE, 0, state, 0, STATE_INTS);
        compress(state, block, 0, schedule);
    }

    /**
     * Compress one 64-byte block into a chaining state.
     *
     * @param state    eight ints, updated in place.
     * @param block    array holding the block.
     * @param offset   of the block in {@code block}; the caller ensures 64 bytes are there.
     * @param schedule 64 ints of scratch; left holding the message schedule of this block.
     */
    static void compress(final int[] state, final byte[] block, final int offset, final int[] schedule)
    {
        final int[] w = schedule;
        for (int t = 0; t < 16; t++)
        {
            w[t] = (int) INT_BIG_ENDIAN.get(block, offset + (t << 2));
        }
        for (int t = 16; t < SCHEDULE_INTS; t++)
        {
            final int w15 = w[t - 15];
            final int w2 = w[t - 2];
            final int sigma0 = Integer.rotateRight(w15, 7) ^ Integer.rotateRight(w15, 18) ^ (w15 >>> 3);
            final int sigma1 = Integer.rotateRight(w2, 17) ^ Integer.rotateRight(w2, 19) ^ (w2 >>> 10);
            w[t] = w[t - 16] + sigma0 + w[t - 7] + sigma1;
        }

        int a = state[0];
        int b = state[1];
        int c = state[2];
        int d = state[3];
        int e = state[4];
        int f = state[5];
        int g = state[6];
        int h = state[7];
        for (int t = 0; t < SCHEDULE_INTS; t++)
        {
            final int bigSigma1 = Integer.rotateRight(e, 6) ^ Integer.rotateRight(e, 11) ^ Integer.rotateRight(e, 25);
            final int choose = (e & f) ^ (~e & g);
            final int t1 = h + bigSigma1 + choose + ROUND_CONSTANTS[t] + w[t];
            final int bigSigma0 = Integer.rotateRight(a, 2) ^ Integer.rotateRight(a, 13) ^ Integer.rotateRight(a, 22);
            final int majority = (a & b) ^ (a & c) ^ (b & c);
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + bigSigma0 + majority;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }

    /**
     * Write a chaining state as the 32-byte big-endian digest.
     *
     * @param state  eight ints.
     * @param out    array to write into.
     * @param offset of the first of 32 bytes in {@code out}.
     */
    static void putState(final int[] state, final byte[] out, final int offset)
    {
        for (int i = 0; i < STATE_INTS; i++)
        {
            INT_BIG_ENDIAN.set(out, offset + (i << 2), state[i]);
        }
    }

    /**
     * Write a 64-bit big-endian integer, e.g. the message length in bits that ends the padding.
     *
     * @param value  to write.
     * @param out    array to write into.
     * @param offset of the first of 8 bytes.
     */
    static void putLong(final long value, final byte[] out, final int offset)
    {
        INT_BIG_ENDIAN.set(out, offset, (int) (value >>> 32));
        INT_BIG_ENDIAN.set(out, offset + 4, (int) value);
    }
}
