package io.bastion.codec;

import io.bastion.codec.sbe.FrameDecoder;
import io.bastion.codec.sbe.MessageHeaderDecoder;
import io.bastion.codec.sbe.PayloadDataDecoder;

import java.nio.ByteOrder;

/**
 * Byte layout of a Bastion frame, schema version 1 (all integers little-endian).
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |  blockLength (uint16)         |  templateId (uint16)          |  0  SBE message header
 *  +-------------------------------+-------------------------------+
 *  |  schemaId (uint16)            |  version (uint16)             |  4
 *  +-------------------------------+-------------------------------+
 *  |  frameLength (uint32): total bytes of this frame              |  8  fixed block
 *  +---------------------------------------------------------------+
 *  |  channelId (int32)                                            | 12
 *  +---------------------------------------------------------------+
 *  |  producerId (int32)                                           | 16
 *  +---------------------------------------------------------------+
 *  |  keyId (int32)                                                | 20
 *  +---------------------------------------------------------------+
 *  |  sequence (uint64)                                            | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  timestamp (int64, epoch ns)                                  | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |  messageTypeId (int32)                                        | 40
 *  +---------------------------------------------------------------+
 *  |  flags (uint32)                                               | 44
 *  +---------------------------------------------------------------+
 *  |  tag (32 bytes)                                               | 48
 *  |  ...                                                          |
 *  +---------------------------------------------------------------+
 *  |  fields of later versions (appended; blockLength covers them) | 80
 *  +---------------------------------------------------------------+
 *  |  payloadLength (uint32)                                       | 8 + blockLength
 *  +---------------------------------------------------------------+
 *  |  payload (payloadLength bytes)                                | 12 + blockLength
 *  +---------------------------------------------------------------+
 * </pre>
 * The frame ends exactly at the end of the payload: {@code frameLength = 12 + blockLength + payloadLength}.
 * <p>
 * The tag sits at the same offset in every version, because versions only append fields after it. A MAC covers
 * every other byte of the frame, as two ranges read in place: {@code [0, TAG_OFFSET)} and
 * {@code [TAG_OFFSET + TAG_LENGTH, frameLength)}, the second including any fields of later versions.
 */
public final class FrameDescriptor
{
    /** Byte order of every integer in a frame. */
    public static final ByteOrder BYTE_ORDER = FrameDecoder.BYTE_ORDER;

    /** Length of the SBE message header. */
    public static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;

    /** Offset of the header's block length (uint16). */
    public static final int BLOCK_LENGTH_FIELD_OFFSET = MessageHeaderDecoder.blockLengthEncodingOffset();

    /** Offset of the header's template id (uint16). */
    public static final int TEMPLATE_ID_FIELD_OFFSET = MessageHeaderDecoder.templateIdEncodingOffset();

    /** Offset of the header's schema id (uint16). */
    public static final int SCHEMA_ID_FIELD_OFFSET = MessageHeaderDecoder.schemaIdEncodingOffset();

    /** Offset of the header's version (uint16). */
    public static final int VERSION_FIELD_OFFSET = MessageHeaderDecoder.versionEncodingOffset();

    /** Length of the fixed block of a version-1 frame. */
    public static final int BLOCK_LENGTH = FrameDecoder.BLOCK_LENGTH;

    /** Offset of the frame's total-length field (uint32). */
    public static final int FRAME_LENGTH_FIELD_OFFSET = HEADER_LENGTH + FrameDecoder.frameLengthEncodingOffset();

    /** Offset of the frame's key id (int32). */
    public static final int KEY_ID_FIELD_OFFSET = HEADER_LENGTH + FrameDecoder.keyIdEncodingOffset();

    /** Offset of the frame's flags (uint32). */
    public static final int FLAGS_FIELD_OFFSET = HEADER_LENGTH + FrameDecoder.flagsEncodingOffset();

    /**
     * Flag bit of a frame sealed as a member of a batch: one tag, in the batch's last frame, covers every frame of
     * the batch (see the channel's {@code SealingMode.HMAC_BATCH}). The MAC covers the flags, so a frame sealed alone
     * never passes as a batch member, nor the reverse.
     */
    public static final int FLAG_BATCH = 0x1;

    /** Offset of the 32-byte tag, the same in every version. */
    public static final int TAG_OFFSET = HEADER_LENGTH + FrameDecoder.tagEncodingOffset();

    /** Length of the tag. */
    public static final int TAG_LENGTH = FrameDecoder.tagEncodingLength();

    /** Length of the payload length prefix (uint32) that follows the block. */
    public static final int PAYLOAD_LENGTH_FIELD_LENGTH = FrameDecoder.payloadHeaderLength();

    /** Largest payload the schema declares ({@code maxValue} of the payload length). */
    public static final int MAX_PAYLOAD_LENGTH = (int) PayloadDataDecoder.lengthMaxValue();

    /** Smallest valid frame: a version-1 frame with an empty payload. */
    public static final int MIN_FRAME_LENGTH = HEADER_LENGTH + BLOCK_LENGTH + PAYLOAD_LENGTH_FIELD_LENGTH;

    /** Largest version-1 frame. */
    public static final int MAX_FRAME_LENGTH = MIN_FRAME_LENGTH + MAX_PAYLOAD_LENGTH;

    private FrameDescriptor()
    {
    }

    /**
     * Encoded length of a version-1 frame.
     *
     * @param payloadLength payload bytes, between 0 and {@link #MAX_PAYLOAD_LENGTH}.
     * @return the bytes a writer needs for the whole frame.
     */
    public static int frameLength(final int payloadLength)
    {
        return MIN_FRAME_LENGTH + payloadLength;
    }

    /**
     * Offset, from the frame start, of the payload length prefix for a given block length.
     *
     * @param blockLength the header's (acting) block length.
     * @return the offset of the uint32 payload length.
     */
    public static int payloadLengthFieldOffset(final int blockLength)
    {
        return HEADER_LENGTH + blockLength;
    }

    /**
     * Offset, from the frame start, of the payload for a given block length.
     *
     * @param blockLength the header's (acting) block length.
     * @return the offset of the first payload byte.
     */
    public static int payloadOffset(final int blockLength)
    {
        return HEADER_LENGTH + blockLength + PAYLOAD_LENGTH_FIELD_LENGTH;
    }

    /**
     * Length of the MAC's first range, which starts at the frame start and ends at the tag.
     *
     * @return {@link #TAG_OFFSET}.
     */
    public static int macFirstRangeLength()
    {
        return TAG_OFFSET;
    }

    /**
     * Offset, from the frame start, of the MAC's second range: the byte after the tag.
     *
     * @return {@code TAG_OFFSET + TAG_LENGTH}.
     */
    public static int macSecondRangeOffset()
    {
        return TAG_OFFSET + TAG_LENGTH;
    }

    /**
     * Length of the MAC's second range, from the byte after the tag to the end of the frame.
     *
     * @param frameLength the frame's total length, at least {@link #MIN_FRAME_LENGTH}.
     * @return {@code frameLength - TAG_OFFSET - TAG_LENGTH}.
     */
    public static int macSecondRangeLength(final int frameLength)
    {
        return frameLength - TAG_OFFSET - TAG_LENGTH;
    }
}
