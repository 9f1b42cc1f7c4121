package io.bastion.ringbuffer;

import java.nio.ByteOrder;

/**
 * Packs the two ints of a record header into the long that the buffer reads and writes at the
 * record's start, so that {@code getInt(LENGTH_OFFSET)} and the low half of {@code getLong(0)}
 * agree whatever the native byte order.
 */
final class HeaderWord
{
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private HeaderWord()
    {
    }

    static long pack(final int length, final int type)
    {
        return LITTLE_ENDIAN ?
            ((long)type << 32) | (length & 0xFFFF_FFFFL) :
            ((long)length << 32) | (type & 0xFFFF_FFFFL);
    }

    static int length(final long header)
    {
        return LITTLE_ENDIAN ? (int)header : (int)(header >>> 32);
    }

    static int type(final long header)
    {
        return LITTLE_ENDIAN ? (int)(header >>> 32) : (int)header;
    }
}
