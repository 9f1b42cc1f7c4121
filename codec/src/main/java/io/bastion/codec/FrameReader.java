package io.bastion.codec;

import io.bastion.codec.sbe.FrameDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Objects;

import static io.bastion.codec.FrameDescriptor.TAG_LENGTH;
import static io.bastion.codec.FrameDescriptor.TAG_OFFSET;

/**
 * Reads a frame through the generated {@link FrameDecoder}, but only after {@link FrameValidator} accepted it.
 * <p>
 * The only way to point a reader at bytes is {@link #wrapValidated}: it validates the record first and wraps the
 * decoder only on {@link RejectReason#NONE}, with the header's block length and version read once during
 * validation (so fields of newer versions are skipped, as SBE's acting block length does). On a refusal the reader
 * shows an empty frame (every field zero, empty payload) held in private memory, never the refused bytes.
 * <p>
 * Lengths and offsets (block length, payload length, frame length) are cached at validation and never read again,
 * so even if the record's memory changes afterwards (a hostile producer writing a ring record the consumer did not
 * copy) no accessor reaches outside the validated record. Field values, however, are read on each call: to get
 * values that cannot change after verification, copy the record into private memory first and wrap the copy.
 * <p>
 * Thread safety: not thread safe; use one reader per thread and reuse it (it allocates only when constructed).
 */
public final class FrameReader
{
    private final FrameValidator validator;
    private final FrameDecoder decoder = new FrameDecoder();
    private final UnsafeBuffer emptyFrame = new UnsafeBuffer(new byte[FrameDescriptor.MIN_FRAME_LENGTH]);

    private DirectBuffer buffer;
    private int offset;
    private int frameLength;
    private int blockLength;
    private int version;
    private int payloadLength;

    /**
     * A reader that validates with the given policy.
     *
     * @param validator the structural check run by {@link #wrapValidated}.
     */
    public FrameReader(final FrameValidator validator)
    {
        this.validator = Objects.requireNonNull(validator, "validator");
        reset();
    }

    /**
     * A reader with {@link FrameValidator#strict()}.
     */
    public FrameReader()
    {
        this(FrameValidator.strict());
    }

    /**
     * Validates {@code [offset, offset + length)} of {@code buffer} and, if it is one well-formed frame, wraps it.
     *
     * @param buffer the record's bytes, untrusted.
     * @param offset where the record starts.
     * @param length the record's length.
     * @return {@link RejectReason#NONE}, or the refusal, in which case the reader shows the empty frame. Allocates
     * nothing.
     */
    public RejectReason wrapValidated(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = validator.check(buffer, offset, length);
        if (result < 0)
        {
            reset();
            return RejectReason.fromCode((int) -result);
        }

        this.buffer = buffer;
        this.offset = offset;
        this.frameLength = length;
        this.blockLength = (int) (result & 0xFFFF);
        this.version = (int) (result >>> 16);
        this.payloadLength = length - FrameDescriptor.payloadOffset(blockLength);
        decoder.wrap(buffer, offset + FrameDescriptor.HEADER_LENGTH, blockLength, version);
        return RejectReason.NONE;
    }

    /**
     * Lets go of the wrapped record and shows the empty frame.
     */
    public void reset()
    {
        buffer = emptyFrame;
        offset = 0;
        frameLength = FrameDescriptor.MIN_FRAME_LENGTH;
        blockLength = FrameDescriptor.BLOCK_LENGTH;
        version = FrameValidator.CURRENT_VERSION;
        payloadLength = 0;
        decoder.wrap(emptyFrame, FrameDescriptor.HEADER_LENGTH, blockLength, version);
    }

    /**
     * The validator this reader runs.
     *
     * @return the validator given at construction.
     */
    public FrameValidator validator()
    {
        return validator;
    }

    /**
     * The wrapped buffer.
     *
     * @return the buffer given to the last accepted {@link #wrapValidated}, or the private empty frame.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * Where the frame starts.
     *
     * @return the absolute offset of the frame in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * The frame's total length, equal to the validated record length and the frame's length field.
     *
     * @return bytes.
     */
    public int frameLength()
    {
        return frameLength;
    }

    /**
     * The version from the header (may be newer than {@link FrameValidator#CURRENT_VERSION} if policy allows).
     *
     * @return the acting version.
     */
    public int version()
    {
        return version;
    }

    /**
     * The block length from the header.
     *
     * @return the acting block length.
     */
    public int blockLength()
    {
        return blockLength;
    }

    /**
     * The channel id.
     *
     * @return the channel id.
     */
    public int channelId()
    {
        return decoder.channelId();
    }

    /**
     * The producer id.
     *
     * @return the producer id.
     */
    public int producerId()
    {
        return decoder.producerId();
    }

    /**
     * The id of the key whose tag seals this frame.
     *
     * @return the key id.
     */
    public int keyId()
    {
        return decoder.keyId();
    }

    /**
     * The sequence (unsigned 64-bit on the wire).
     *
     * @return the 64 bits of the sequence.
     */
    public long sequence()
    {
        return decoder.sequence();
    }

    /**
     * The timestamp.
     *
     * @return nanoseconds since the Unix epoch.
     */
    public long timestamp()
    {
        return decoder.timestamp();
    }

    /**
     * The application's message type id.
     *
     * @return the message type.
     */
    public int messageTypeId()
    {
        return decoder.messageTypeId();
    }

    /**
     * The flags.
     *
     * @return the 32 flag bits.
     */
    public int flags()
    {
        return (int) decoder.flags();
    }

    /**
     * Where the tag is.
     *
     * @return the absolute offset of the {@link FrameDescriptor#TAG_LENGTH}-byte tag.
     */
    public int tagOffset()
    {
        return offset + TAG_OFFSET;
    }

    /**
     * Copies the tag out.
     *
     * @param dst       destination, with room for {@link FrameDescriptor#TAG_LENGTH} bytes at {@code dstOffset}.
     * @param dstOffset where to copy to.
     */
    public void getTag(final MutableDirectBuffer dst, final int dstOffset)
    {
        buffer.getBytes(tagOffset(), dst, dstOffset, TAG_LENGTH);
    }

    /**
     * Where the payload starts (zero copy).
     *
     * @return the absolute offset of the first payload byte.
     */
    public int payloadOffset()
    {
        return offset + FrameDescriptor.payloadOffset(blockLength);
    }

    /**
     * The payload length, as validated.
     *
     * @return payload bytes.
     */
    public int payloadLength()
    {
        return payloadLength;
    }

    /**
     * Copies the payload out.
     *
     * @param dst       destination, with room for {@link #payloadLength()} bytes at {@code dstOffset}.
     * @param dstOffset where to copy to.
     * @return the number of bytes copied: {@link #payloadLength()}.
     */
    public int getPayload(final MutableDirectBuffer dst, final int dstOffset)
    {
        buffer.getBytes(payloadOffset(), dst, dstOffset, payloadLength);
        return payloadLength;
    }

    /**
     * Points a view at the payload without copying.
     *
     * @param view the buffer to wrap over the payload.
     */
    public void wrapPayload(final DirectBuffer view)
    {
        view.wrap(buffer, payloadOffset(), payloadLength);
    }

    /**
     * Start of the MAC's first range (the frame's first byte).
     *
     * @return an absolute offset.
     */
    public int macFirstRangeOffset()
    {
        return offset;
    }

    /**
     * Length of the MAC's first range (up to the tag).
     *
     * @return a length in bytes.
     */
    public int macFirstRangeLength()
    {
        return FrameDescriptor.macFirstRangeLength();
    }

    /**
     * Start of the MAC's second range (the byte after the tag, including fields of newer versions).
     *
     * @return an absolute offset.
     */
    public int macSecondRangeOffset()
    {
        return offset + FrameDescriptor.macSecondRangeOffset();
    }

    /**
     * Length of the MAC's second range (to the end of the frame).
     *
     * @return a length in bytes.
     */
    public int macSecondRangeLength()
    {
        return FrameDescriptor.macSecondRangeLength(frameLength);
    }
}
