package io.bastion.codec;

import io.bastion.codec.sbe.FrameEncoder;
import io.bastion.codec.sbe.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.bastion.codec.FrameDescriptor.BLOCK_LENGTH;
import static io.bastion.codec.FrameDescriptor.BYTE_ORDER;
import static io.bastion.codec.FrameDescriptor.HEADER_LENGTH;
import static io.bastion.codec.FrameDescriptor.MAX_PAYLOAD_LENGTH;
import static io.bastion.codec.FrameDescriptor.MIN_FRAME_LENGTH;
import static io.bastion.codec.FrameDescriptor.TAG_LENGTH;
import static io.bastion.codec.FrameDescriptor.TAG_OFFSET;

/**
 * Writes a version-1 frame into a caller-provided region, such as a record claimed in a ring, over the generated
 * {@link FrameEncoder}.
 * <p>
 * Use: {@link #wrap} the region with the payload length (it writes the header, the frame length and the payload
 * length prefix, and zeroes the block and tag), set the fields, write the payload (copy it with
 * {@link #putPayload} or write it in place at {@link #payloadOffset()}), compute the MAC over
 * {@link #macFirstRangeOffset()}/{@link #macFirstRangeLength()} and
 * {@link #macSecondRangeOffset()}/{@link #macSecondRangeLength()}, then {@link #putTag} it. Offsets returned are
 * absolute offsets in the wrapped buffer.
 * <p>
 * {@link #wrap} returns a status code instead of throwing. After a negative return the writer points at a private
 * scratch frame, so setters called by mistake write nowhere that matters; nothing reaches the caller's buffer.
 * <p>
 * Thread safety: not thread safe; use one writer per thread and reuse it (it allocates only when constructed).
 */
public final class FrameWriter
{
    /**
     * {@link #wrap} result: the region is smaller than the frame. The writer's codes lie apart from every other
     * layer's negative status codes (the rings' and the publisher's, -1 to -10), so none is mistaken for another.
     */
    public static final int INSUFFICIENT_CAPACITY = -101;

    /** {@link #wrap} result: the payload length is negative or above {@link FrameDescriptor#MAX_PAYLOAD_LENGTH}. */
    public static final int PAYLOAD_TOO_LONG = -102;

    /** {@link #wrap} result: the region is not inside the buffer. */
    public static final int INVALID_REGION = -103;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final FrameEncoder frameEncoder = new FrameEncoder();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MIN_FRAME_LENGTH]);

    private MutableDirectBuffer buffer;
    private int offset;
    private int frameLength;
    private int payloadLength;

    /**
     * A writer pointing at its private scratch frame until the first {@link #wrap}.
     */
    public FrameWriter()
    {
        unwrap();
    }

    /**
     * Starts a frame at {@code offset} of {@code buffer}.
     *
     * @param buffer        where to write.
     * @param offset        where the frame starts.
     * @param capacity      bytes available from {@code offset}.
     * @param payloadLength payload bytes that will follow, 0 to {@link FrameDescriptor#MAX_PAYLOAD_LENGTH}.
     * @return the frame's total length (what to commit), or {@link #INSUFFICIENT_CAPACITY},
     * {@link #PAYLOAD_TOO_LONG} or {@link #INVALID_REGION}, in which case the buffer is untouched.
     */
    public int wrap(final MutableDirectBuffer buffer, final int offset, final int capacity, final int payloadLength)
    {
        if (null == buffer || offset < 0 || capacity < 0 || offset > buffer.capacity() ||
            capacity > buffer.capacity() - offset)
        {
            unwrap();
            return INVALID_REGION;
        }
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD_LENGTH)
        {
            unwrap();
            return PAYLOAD_TOO_LONG;
        }
        if (payloadLength > capacity - MIN_FRAME_LENGTH)
        {
            unwrap();
            return INSUFFICIENT_CAPACITY;
        }

        final int length = MIN_FRAME_LENGTH + payloadLength;
        start(buffer, offset, length, payloadLength);
        return length;
    }

    private void unwrap()
    {
        scratch.setMemory(0, MIN_FRAME_LENGTH, (byte) 0);
        start(scratch, 0, MIN_FRAME_LENGTH, 0);
    }

    private void start(final MutableDirectBuffer buffer, final int offset, final int length, final int payloadLength)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.frameLength = length;
        this.payloadLength = payloadLength;

        // A claimed region may hold old bytes: nothing stale may survive in the block or the tag.
        buffer.setMemory(offset + HEADER_LENGTH, BLOCK_LENGTH, (byte) 0);
        frameEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder);
        frameEncoder.frameLength(length);
        buffer.putInt(offset + FrameDescriptor.payloadLengthFieldOffset(BLOCK_LENGTH), payloadLength, BYTE_ORDER);
    }

    /**
     * Sets the channel id.
     *
     * @param channelId the channel's id.
     * @return this writer.
     */
    public FrameWriter channelId(final int channelId)
    {
        frameEncoder.channelId(channelId);
        return this;
    }

    /**
     * Sets the producer id.
     *
     * @param producerId the producer's id.
     * @return this writer.
     */
    public FrameWriter producerId(final int producerId)
    {
        frameEncoder.producerId(producerId);
        return this;
    }

    /**
     * Sets the id of the key whose tag will seal this frame.
     *
     * @param keyId the key id.
     * @return this writer.
     */
    public FrameWriter keyId(final int keyId)
    {
        frameEncoder.keyId(keyId);
        return this;
    }

    /**
     * Sets the sequence number (unsigned 64-bit on the wire; all 64 bits are kept).
     *
     * @param sequence the sequence.
     * @return this writer.
     */
    public FrameWriter sequence(final long sequence)
    {
        frameEncoder.sequence(sequence);
        return this;
    }

    /**
     * Sets the timestamp.
     *
     * @param timestampNs nanoseconds since the Unix epoch.
     * @return this writer.
     */
    public FrameWriter timestamp(final long timestampNs)
    {
        frameEncoder.timestamp(timestampNs);
        return this;
    }

    /**
     * Sets the application's message type id.
     *
     * @param messageTypeId the message type.
     * @return this writer.
     */
    public FrameWriter messageTypeId(final int messageTypeId)
    {
        frameEncoder.messageTypeId(messageTypeId);
        return this;
    }

    /**
     * Sets the flags (32 bits, unsigned on the wire).
     *
     * @param flags the flag bits.
     * @return this writer.
     */
    public FrameWriter flags(final int flags)
    {
        frameEncoder.flags(flags & 0xFFFF_FFFFL);
        return this;
    }

    /**
     * Copies {@link #payloadLength()} bytes of payload into the frame.
     *
     * @param src       the payload source (trusted: a bad source range is the caller's bug).
     * @param srcOffset where the payload starts in {@code src}.
     * @return this writer.
     */
    public FrameWriter putPayload(final DirectBuffer src, final int srcOffset)
    {
        buffer.putBytes(payloadOffset(), src, srcOffset, payloadLength);
        return this;
    }

    /**
     * Copies the {@link FrameDescriptor#TAG_LENGTH}-byte tag into the frame.
     *
     * @param src       the tag source.
     * @param srcOffset where the tag starts in {@code src}.
     * @return this writer.
     */
    public FrameWriter putTag(final DirectBuffer src, final int srcOffset)
    {
        buffer.putBytes(tagOffset(), src, srcOffset, TAG_LENGTH);
        return this;
    }

    /**
     * The buffer being written.
     *
     * @return the wrapped buffer (the scratch buffer after a failed wrap).
     */
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * Where the frame starts.
     *
     * @return the absolute offset of the frame.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * The frame's total length.
     *
     * @return header, block, length prefix and payload bytes.
     */
    public int frameLength()
    {
        return frameLength;
    }

    /**
     * The payload length given to {@link #wrap}.
     *
     * @return payload bytes.
     */
    public int payloadLength()
    {
        return payloadLength;
    }

    /**
     * Where to write the payload in place (zero copy).
     *
     * @return the absolute offset of the first payload byte.
     */
    public int payloadOffset()
    {
        return offset + FrameDescriptor.payloadOffset(BLOCK_LENGTH);
    }

    /**
     * Where the tag goes.
     *
     * @return the absolute offset of the tag.
     */
    public int tagOffset()
    {
        return offset + TAG_OFFSET;
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
     * Start of the MAC's second range (the byte after the tag).
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
