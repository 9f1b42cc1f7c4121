package io.bastion.ringbuffer;

/**
 * Layout of one record in a many-to-one ring.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-----------------------------------------------------------+
 *  |C|P|                        Length                             |  state word,
 *  +-+-+-----------------------------------------------------------+  read and written
 *  |                 Stamp: (int)(position &gt;&gt;&gt; 3)                |  as one long
 *  +---------------------------------------------------------------+
 *  |                            Type                               |
 *  +---------------------------------------------------------------+
 *  |                          Reserved                             |
 *  +---------------------------------------------------------------+
 *  |                       Payload                                ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * The state word makes a record exist only at the position it was written for. C (the sign bit)
 * marks a claimed record that is not yet committed, with the negated length; P marks padding. The
 * stamp is the record's position divided by the alignment, so a word left from an earlier lap, or
 * a late producer's word from a region the consumer already passed, never matches the consumer's
 * expected stamp and never passes as a record. The consumer's safety therefore never depends on the
 * zeroes it writes over what it consumed (those keep read messages from lingering in the file), and a
 * producer that commits after the consumer unblocked its claim leaves only a stale word behind. Stamps
 * repeat every 2^35 bytes of traffic through the ring.
 */
public final class ManyToOneRecordDescriptor
{
    /** Length of the record header in bytes. */
    public static final int HEADER_LENGTH = 16;

    /** Alignment of every record, and of every position, in bytes. */
    public static final int ALIGNMENT = RecordDescriptor.ALIGNMENT;

    /** Offset of the state word (length and flags, then stamp). */
    public static final int STATE_OFFSET = 0;

    /** Offset of the 32-bit type. */
    public static final int TYPE_OFFSET = 8;

    /** Bit in the length field that marks padding. */
    public static final int PADDING_FLAG = 1 << 30;

    /** Mask of the length bits in a committed length field. */
    public static final int LENGTH_MASK = PADDING_FLAG - 1;

    private ManyToOneRecordDescriptor()
    {
    }

    /**
     * The stamp a record at {@code position} carries.
     *
     * @param position of the record.
     * @return its stamp.
     */
    public static int stamp(final long position)
    {
        return (int)(position >>> 3);
    }

    /**
     * The state word of a committed record.
     *
     * @param length   of the record, header included.
     * @param position of the record.
     * @return the state word.
     */
    public static long committed(final int length, final long position)
    {
        return HeaderWord.pack(length, stamp(position));
    }

    /**
     * The state word of a claimed record that is not yet committed.
     *
     * @param length   of the record, header included.
     * @param position of the record.
     * @return the state word.
     */
    public static long claimed(final int length, final long position)
    {
        return HeaderWord.pack(-length, stamp(position));
    }

    /**
     * The state word of a padding record.
     *
     * @param length   of the padding.
     * @param position of the padding.
     * @return the state word.
     */
    public static long padding(final int length, final long position)
    {
        return HeaderWord.pack(length | PADDING_FLAG, stamp(position));
    }

    /**
     * The length field (with its flags) of a state word.
     *
     * @param state word.
     * @return the length field.
     */
    public static int lengthField(final long state)
    {
        return HeaderWord.length(state);
    }

    /**
     * The stamp of a state word.
     *
     * @param state word.
     * @return the stamp.
     */
    public static int stampOf(final long state)
    {
        return HeaderWord.type(state);
    }
}
