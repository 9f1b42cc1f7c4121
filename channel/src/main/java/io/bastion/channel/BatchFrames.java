package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import org.agrona.DirectBuffer;

/**
 * The layout of a batch record ({@link SealingMode#HMAC_BATCH}): whole frames back to back, each starting where the
 * previous one ends, the last ending exactly at the end of the record.
 * <pre>
 *  +-----------------------------+-----------------------------+-----+-----------------------------+
 *  | frame 1: header, fields,    | frame 2: ...                | ... | frame k: header, fields,    |
 *  | tag = 0, payload            | tag = 0                     |     | tag = batch tag, payload    |
 *  +-----------------------------+-----------------------------+-----+-----------------------------+
 *  ^ record start                                                                       record end ^
 * </pre>
 * Every frame carries {@link FrameDescriptor#FLAG_BATCH}, the same key id and its own sequence. The batch tag covers
 * every byte of the record but the k tag fields. Stateless.
 */
final class BatchFrames
{
    private BatchFrames()
    {
    }

    /**
     * The length of the frame at {@code position}, read from its frame-length field, if it could be a whole frame of
     * the run: at least the smallest frame and no longer than what is left. Reads only inside
     * {@code [position, position + remaining)}.
     *
     * @param buffer    holding the run.
     * @param position  where the frame starts.
     * @param remaining bytes of the run from {@code position}.
     * @return the frame's length, or -1 when it cannot be a whole frame there.
     */
    static int frameLengthAt(final DirectBuffer buffer, final int position, final int remaining)
    {
        if (remaining < FrameDescriptor.MIN_FRAME_LENGTH)
        {
            return -1;
        }
        final long frameLength =
            buffer.getInt(position + FrameDescriptor.FRAME_LENGTH_FIELD_OFFSET, FrameDescriptor.BYTE_ORDER) &
            0xFFFF_FFFFL;
        return frameLength < FrameDescriptor.MIN_FRAME_LENGTH || frameLength > remaining ? -1 : (int)frameLength;
    }

    /**
     * Whether the tag field of the frame at {@code frameOffset} is all zero, as it is for every frame of a batch but
     * the last. Not constant time: the value is no secret.
     *
     * @param buffer      holding the frame.
     * @param frameOffset where the frame starts.
     * @return true if zero.
     */
    static boolean isTagZero(final DirectBuffer buffer, final int frameOffset)
    {
        final int tagOffset = frameOffset + FrameDescriptor.TAG_OFFSET;
        long bits = 0;
        for (int i = 0; i < FrameDescriptor.TAG_LENGTH; i += Long.BYTES)
        {
            bits |= buffer.getLong(tagOffset + i);
        }
        return 0 == bits;
    }
}
