package io.bastion.channel;

import io.bastion.security.keys.KeyRing;

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
 *     <li>{@link #AEAD_PER_FRAME}: one frame per record, its payload encrypted with AES-GCM ({@link AeadFrameSealer}),
 *     for channels whose ring must hold no plaintext. Never zero-copy: the subscriber decrypts a private copy. See
 *     {@code docs/frame-encryption.md}.</li>
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
    HMAC_BATCH(2, Publisher.BATCH_RECORD_TYPE),

    /** One frame per ring record, its payload encrypted and its header authenticated by an AEAD. */
    AEAD_PER_FRAME(3, Publisher.FRAME_RECORD_TYPE);

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

    /**
     * A sealer of this mode over a channel's keys in one direction: {@link HmacFrameSealer} for the MAC modes,
     * {@link AeadFrameSealer} (AES-GCM) for {@link #AEAD_PER_FRAME}. One per publishing or polling thread.
     *
     * @param keys the channel's key ring in that direction.
     * @return a new sealer.
     */
    public FrameSealer newSealer(final KeyRing keys)
    {
        return AEAD_PER_FRAME == this ? new AeadFrameSealer(keys) : new HmacFrameSealer(keys);
    }

    /**
     * Whether frames of this mode may be dispatched from the ring without a private copy: not when the subscriber
     * must decrypt them, nor for a batch, which is verified whole before any frame of it is dispatched.
     *
     * @return true for {@link #HMAC_PER_FRAME} only.
     */
    public boolean allowsZeroCopy()
    {
        return HMAC_PER_FRAME == this;
    }
}
