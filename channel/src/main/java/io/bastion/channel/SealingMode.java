package io.bastion.channel;

/**
 * How a channel's frames are sealed: chosen per channel by the broker and announced to both ends in their Welcome, so
 * that the publisher seals the way the subscriber checks. The {@link FrameSealer} says with which key and MAC a run
 * of bytes is sealed; the mode says how many frames one seal covers, and so which ring record type carries them.
 * <ul>
 *     <li>{@link #HMAC_PER_FRAME}: one frame per record ({@link Publisher#FRAME_RECORD_TYPE}), each with its own
 *     tag over every other byte of it. The default.</li>
 *     <li>{@link #HMAC_BATCH}: one or more frames per record ({@link Publisher#BATCH_RECORD_TYPE}), back to back,
 *     each flagged {@code FrameDescriptor.FLAG_BATCH} and with its own header, sequence and timestamp; one tag, in
 *     the last frame, covers every byte of the record but the frames' tag fields, and the tags of the other frames
 *     are zero. The subscriber verifies the whole record before it dispatches any frame of it. See
 *     {@code docs/batch-sealing.md}.</li>
 * </ul>
 * A subscriber refuses a record of the other mode's type ({@code RejectReason.PROTOCOL_VIOLATION}). Each mode's
 * {@link #code()} is its value in the schema's {@code Sealing} enum.
 * <p>
 * Thread safety: immutable.
 */
public enum SealingMode
{
    /** One tag per frame, one frame per ring record. */
    HMAC_PER_FRAME(1, Publisher.FRAME_RECORD_TYPE),

    /** One tag per batch of frames committed together as one ring record. */
    HMAC_BATCH(2, Publisher.BATCH_RECORD_TYPE);

    private final int code;
    private final int recordType;

    SealingMode(final int code, final int recordType)
    {
        this.code = code;
        this.recordType = recordType;
    }

    /**
     * The mode's value on the wire (the schema's {@code Sealing} enum).
     *
     * @return a code from 1 up.
     */
    public int code()
    {
        return code;
    }

    /**
     * The ring record type the mode's records carry; the only type its subscriber accepts.
     *
     * @return the record type.
     */
    public int recordType()
    {
        return recordType;
    }

    /**
     * The mode with a wire code.
     *
     * @param code as received.
     * @return the mode, or null when the code names none.
     */
    public static SealingMode fromCode(final int code)
    {
        for (final SealingMode mode : values())
        {
            if (mode.code == code)
            {
                return mode;
            }
        }
        return null;
    }
}
