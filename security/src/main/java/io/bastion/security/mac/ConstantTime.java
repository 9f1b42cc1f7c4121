package io.bastion.security.mac;

import org.agrona.DirectBuffer;

/**
 * Comparisons whose running time does not depend on where, or whether, the inputs differ.
 */
public final class ConstantTime
{
    private ConstantTime()
    {
    }

    /**
     * Compare {@code length} bytes of an array with {@code length} bytes of a buffer, always reading every byte
     * (no early exit), so the time taken does not reveal the position of the first difference.
     * <p>
     * The caller must have checked both ranges against their bounds; this method does not check them again.
     *
     * @param expected       array holding the expected bytes, e.g. a computed tag.
     * @param expectedOffset of the first expected byte.
     * @param buffer         buffer holding the bytes to check, e.g. a received tag.
     * @param bufferOffset   of the first byte to check in the buffer.
     * @param length         number of bytes to compare.
     * @return true if all bytes are equal.
     */
    public static boolean equals(
        final byte[] expected,
        final int expectedOffset,
        final DirectBuffer buffer,
        final int bufferOffset,
        final int length)
    {
        int diff = 0;
        for (int i = 0; i < length; i++)
        {
            diff |= expected[expectedOffset + i] ^ buffer.getByte(bufferOffset + i);
        }
        return diff == 0;
    }

    /**
     * Compare two arrays of the same length in constant time; arrays of different lengths are unequal (length is
     * not secret).
     *
     * @param a first array.
     * @param b second array.
     * @return true if both have the same length and the same bytes.
     */
    public static boolean equals(final byte[] a, final byte[] b)
    {
        if (a.length != b.length)
        {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < a.length; i++)
        {
            diff |= a[i] ^ b[i];
        }
        return diff == 0;
    }
}
