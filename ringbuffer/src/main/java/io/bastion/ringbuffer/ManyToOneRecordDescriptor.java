package io.bastion.ringbuffer;

/**
 * Layout of one record in a many-to-one ring: an 8-byte header, the state word, then the payload.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-----------------------------------------------------------+
 *  |C|P|                        Length                             |  state word,
 *  +-+-+---------------------------+-------------------------------+  read and written
 *  |   Type (high 16 bits)         |   Stamp (low 16 bits)         |  as one long
 *  +-------------------------------+-------------------------------+
 *  |                       Payload                                ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * The first int is the length field, the second holds the type and the stamp; {@link #committed},
 * {@link #claimed} and {@link #padding} pack them into the long that is read and written at the record's
 * start whatever the native byte order. C (the sign bit) marks a claimed record that is not yet
 * committed, with the negated length; P marks padding, whose type is 0. Records carry types from
 * {@link RecordDescriptor#MIN_TYPE_ID} to {@link #MAX_TYPE_ID}.
 * <p>
 * The state word makes a record exist only in the lap it was written for. The stamp is the low 16 bits
 * of the record's lap, its position divided by the capacity ({@link #stamp}), so two words at the same
 * index a whole number of laps apart share a stamp only when that number is a multiple of 2^16, whatever
 * the capacity. It is constant over a lap: the consumer checks it with one comparison and producers
 * derive it with one shift. Why that, with the zeroes the consumer writes over what it consumed, keeps
 * the consumer from reading a word of another lap is in {@code docs/many-to-one-ring.md}.
 */
public final class ManyToOneRecordDescriptor
{
    /** Length of the record header in bytes: the state word, nothing else. */
    public static final int HEADER_LENGTH = 8;

    /** Alignment of every record, and of every position, in bytes. */
    public static final int ALIGNMENT = RecordDescriptor.ALIGNMENT;

    /** Offset of the state word (length and flags, then type and stamp). */
    public static final int STATE_OFFSET = 0;

    /** Bit in the length field that marks padding. */
    public static final int PADDING_FLAG = 1 << 30;

    /** Mask of the length bits in a committed length field. */
    public static final int LENGTH_MASK = PADDING_FLAG - 1;

    /** Largest type id a many-to-one record carries: the type has 16 bits of the state word. */
    public static final int MAX_TYPE_ID = 0xFFFF;

    /** Mask of the stamp: the low 16 bits of the lap. */
    public static final int STAMP_MASK = 0xFFFF;

    private static final int TYPE_SHIFT = 16;

    private ManyToOneRecordDescriptor()
    {
    }

    /**
     * The stamp a record at {@code position} carries: the low 16 bits of its lap.
     *
     * @param position of the record, not negative.
     * @param capacity of the ring, a power of two.
     * @return its stamp, in {@code [0, STAMP_MASK]}.
     */
    public static int stamp(final long position, final int capacity)
    {
        return (int)(position >>> Integer.numberOfTrailingZeros(capacity)) & STAMP_MASK;
    }

    /**
     * The state word of a committed record.
     *
     * @param length of the record, header included.
     * @param typeId of the record, in {@code [MIN_TYPE_ID, MAX_TYPE_ID]}.
     * @param stamp  of the record's position (see {@link #stamp}).
     * @return the state word.
     */
    public static long committed(final int length, final int typeId, final int stamp)
    {
        return HeaderWord.pack(length, (typeId << TYPE_SHIFT) | stamp);
    }

    /**
     * The state word of a claimed record that is not yet committed.
     *
     * @param length of the record, header included.
     * @param typeId of the record, in {@code [MIN_TYPE_ID, MAX_TYPE_ID]}.
     * @param stamp  of the record's position (see {@link #stamp}).
     * @return the state word.
     */
    public static long claimed(final int length, final int typeId, final int stamp)
    {
        return HeaderWord.pack(-length, (typeId << TYPE_SHIFT) | stamp);
    }

    /**
     * The state word of a padding record.
     *
     * @param length of the padding.
     * @param stamp  of the padding's position (see {@link #stamp}).
     * @return the state word.
     */
    public static long padding(final int length, final int stamp)
    {
        return HeaderWord.pack(length | PADDING_FLAG, stamp);
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
     * @return the stamp, in {@code [0, STAMP_MASK]}.
     */
    public static int stampOf(final long state)
    {
        return HeaderWord.type(state) & STAMP_MASK;
    }

    /**
     * The type of a state word.
     *
     * @param state word.
     * @return the type, in {@code [0, MAX_TYPE_ID]}.
     */
    public static int typeOf(final long state)
    {
        return HeaderWord.type(state) >>> TYPE_SHIFT;
    }

    /**
     * Check that a type id fits a many-to-one record.
     *
     * @param typeId to check.
     * @throws IllegalArgumentException if it is below {@link RecordDescriptor#MIN_TYPE_ID} or above
     *                                  {@link #MAX_TYPE_ID}.
     */
    public static void checkTypeId(final int typeId)
    {
        if (typeId < RecordDescriptor.MIN_TYPE_ID || typeId > MAX_TYPE_ID)
        {
            throw new IllegalArgumentException(
                "type id must be in [" + RecordDescriptor.MIN_TYPE_ID + ", " + MAX_TYPE_ID + "]: " + typeId);
        }
    }
}
