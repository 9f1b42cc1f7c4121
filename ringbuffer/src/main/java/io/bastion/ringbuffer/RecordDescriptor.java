package io.bastion.ringbuffer;

/**
 * Layout of one record in a one-to-one ring (the many-to-one ring packs a claim stamp in beside a
 * 16-bit type: see {@link ManyToOneRecordDescriptor}).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-------------------------------------------------------------+
 *  |                           Length                              |
 *  +---------------------------------------------------------------+
 *  |                            Type                               |
 *  +---------------------------------------------------------------+
 *  |                       Payload                                ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * Length counts the header and the payload, not the alignment filler that follows. Records start
 * on {@link #ALIGNMENT} boundaries. A padding record (type {@link #PADDING_TYPE_ID}) fills the
 * space to the end of the buffer when a record would not fit there.
 * <p>
 * The length and type sit in one 8-byte word, read once by the consumer.
 */
public final class RecordDescriptor
{
    /** Length of the record header in bytes. */
    public static final int HEADER_LENGTH = 8;

    /** Alignment of every record, and of every position, in bytes. */
    public static final int ALIGNMENT = 8;

    /** Offset of the 32-bit length within a record. */
    public static final int LENGTH_OFFSET = 0;

    /** Offset of the 32-bit type within a record. */
    public static final int TYPE_OFFSET = 4;

    /** Type of a padding record: skipped by readers, never handed to a handler. */
    public static final int PADDING_TYPE_ID = -1;

    /** Smallest type id an application may use. */
    public static final int MIN_TYPE_ID = 1;

    private RecordDescriptor()
    {
    }

    /**
     * Round a length up to the record alignment.
     *
     * @param length a non-negative length no larger than {@code Integer.MAX_VALUE - ALIGNMENT}.
     * @return the length rounded up to a multiple of {@link #ALIGNMENT}.
     */
    public static int align(final int length)
    {
        return (length + (ALIGNMENT - 1)) & ~(ALIGNMENT - 1);
    }

    /**
     * Pack a length and a type into the 8-byte header word, independent of byte order when written
     * and read with {@link #lengthOf(long)} and {@link #typeOf(long)} over the same buffer.
     *
     * @param length the record length (header included).
     * @param type   the record type.
     * @return the header word.
     */
    public static long header(final int length, final int type)
    {
        return HeaderWord.pack(length, type);
    }

    /**
     * The length half of a header word.
     *
     * @param header a header word read as one long.
     * @return the length field.
     */
    public static int lengthOf(final long header)
    {
        return HeaderWord.length(header);
    }

    /**
     * The type half of a header word.
     *
     * @param header a header word read as one long.
     * @return the type field.
     */
    public static int typeOf(final long header)
    {
        return HeaderWord.type(header);
    }

    /**
     * Check that a type id may be used by an application.
     *
     * @param typeId to check.
     * @throws IllegalArgumentException if it is below {@link #MIN_TYPE_ID}.
     */
    public static void checkTypeId(final int typeId)
    {
        if (typeId < MIN_TYPE_ID)
        {
            throw new IllegalArgumentException("type id must be >= " + MIN_TYPE_ID + ": " + typeId);
        }
    }
}
