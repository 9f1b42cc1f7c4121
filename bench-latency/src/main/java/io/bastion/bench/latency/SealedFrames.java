package io.bastion.bench.latency;

import io.bastion.channel.HmacFrameSealer;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameWriter;
import io.bastion.codec.RejectReason;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Wraps messages into real Bastion frames sealed with HMAC-SHA256, as a channel's publisher seals them, for the
 * transports that carry whole frames between hosts ({@code bridge}, and {@code aeron-udp} beside it): the frame
 * header, the message as the payload, and the tag under a fixed benchmark key. A frame's payload starts at
 * {@link #PAYLOAD_OFFSET}.
 * <p>
 * Not thread safe: one thread. {@link #seal} allocates nothing.
 */
public final class SealedFrames implements AutoCloseable
{
    /** The channel id every frame carries. */
    public static final int CHANNEL_ID = 25;
    /** The producer id every frame carries. */
    public static final int PRODUCER_ID = 1;
    /** The key id every frame is sealed under. */
    public static final int KEY_ID = 1;
    /** The message type every frame carries. */
    public static final int MESSAGE_TYPE = 1;
    /** Where a version-1 frame's payload starts. */
    public static final int PAYLOAD_OFFSET = FrameDescriptor.MIN_FRAME_LENGTH;

    private final KeyRing keys = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, () -> 0L);
    private final HmacFrameSealer sealer = new HmacFrameSealer(keys);
    private final FrameWriter writer = new FrameWriter();
    private final UnsafeBuffer frame;
    private long sequence;

    /**
     * Frames of payloads up to {@code maxPayloadLength} bytes.
     *
     * @param maxPayloadLength the longest payload.
     */
    public SealedFrames(final int maxPayloadLength)
    {
        frame = new UnsafeBuffer(new byte[FrameDescriptor.frameLength(maxPayloadLength)]);
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(37 * i + 11);
        }
        keys.rotateAndZero(KEY_ID, key, 0);
    }

    /**
     * The length of the frame that carries a payload.
     *
     * @param payloadLength the payload's bytes.
     * @return the frame's bytes.
     */
    public static int frameLength(final int payloadLength)
    {
        return FrameDescriptor.frameLength(payloadLength);
    }

    /**
     * The payload's length in a frame of this length.
     *
     * @param frameLength the frame's bytes, at least {@link #PAYLOAD_OFFSET}.
     * @return the payload's bytes.
     */
    public static int payloadLength(final int frameLength)
    {
        return frameLength - PAYLOAD_OFFSET;
    }

    /**
     * Write a frame carrying {@code length} bytes of {@code message} (from index 0) and seal it; each frame gets the
     * next sequence.
     *
     * @param message holds the payload from index 0.
     * @param length  the payload's bytes.
     * @return the frame's length; the frame is in {@link #frame()} from index 0.
     * @throws IllegalArgumentException if the payload does not fit.
     * @throws IllegalStateException if the frame cannot be sealed.
     */
    public int seal(final DirectBuffer message, final int length)
    {
        final int frameLength = writer.wrap(frame, 0, frame.capacity(), length);
        if (frameLength < 0)
        {
            throw new IllegalArgumentException("a payload of " + length + " bytes does not fit: " + frameLength);
        }
        final long next = ++sequence;
        writer.channelId(CHANNEL_ID).producerId(PRODUCER_ID).keyId(KEY_ID).sequence(next).timestamp(next)
            .messageTypeId(MESSAGE_TYPE);
        frame.putBytes(writer.payloadOffset(), message, 0, length);
        if (KEY_ID != sealer.sendingKeyId() || !sealer.seal(frame, 0, frameLength))
        {
            throw new IllegalStateException("the frame could not be sealed");
        }
        return frameLength;
    }

    /**
     * The frame the last {@link #seal} wrote.
     *
     * @return the buffer, from index 0.
     */
    public UnsafeBuffer frame()
    {
        return frame;
    }

    /**
     * Check a frame's tag, as the subscriber on the far side would.
     *
     * @param buffer holds the frame.
     * @param offset where it starts.
     * @param length its length.
     * @return true if it verifies under the benchmark key.
     */
    public boolean verifies(final DirectBuffer buffer, final int offset, final int length)
    {
        return RejectReason.NONE == sealer.verify(buffer, offset, length, KEY_ID, 0L);
    }

    /**
     * Destroy the key.
     */
    @Override
    public void close()
    {
        keys.close();
    }
}
