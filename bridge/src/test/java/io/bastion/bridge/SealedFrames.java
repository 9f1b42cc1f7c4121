package io.bastion.bridge;

import io.bastion.channel.HmacFrameSealer;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameWriter;
import io.bastion.codec.RejectReason;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Real HMAC-sealed Bastion frames, deterministic in their index: frame {@code i} carries sequence {@code i},
 * timestamp {@code i} and a payload derived from {@code i}, sealed under one channel key. The receiving side builds
 * the same frame again to compare byte for byte, and verifies the tag with a key ring filled from the keys the bridge
 * carried.
 */
final class SealedFrames implements AutoCloseable
{
    static final int CHANNEL_ID = 77;
    static final int PRODUCER_ID = 5;
    static final int KEY_ID = 3;
    static final int PAYLOAD_LENGTH = 64;

    private final KeyRing keys = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, () -> 0L);
    private final HmacFrameSealer sealer = new HmacFrameSealer(keys);
    private final FrameWriter writer = new FrameWriter();
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
    private final UnsafeBuffer expected = new UnsafeBuffer(new byte[512]);
    private final int payloadLength;
    private int frameLength;

    private SealedFrames(final int payloadLength)
    {
        this.payloadLength = payloadLength;
    }

    /**
     * A producer's side: frames sealed under {@code key}.
     */
    static SealedFrames sealing(final byte[] key)
    {
        return sealing(key, PAYLOAD_LENGTH);
    }

    /**
     * A producer's side: frames of {@code payloadLength} payload bytes (at most 400) sealed under {@code key}.
     */
    static SealedFrames sealing(final byte[] key, final int payloadLength)
    {
        final SealedFrames frames = new SealedFrames(payloadLength);
        frames.keys.rotate(KEY_ID, key, 0);
        return frames;
    }

    /**
     * A receiver's side: its key ring starts empty and learns keys through {@link #install}.
     */
    static SealedFrames verifying()
    {
        return verifying(PAYLOAD_LENGTH);
    }

    /**
     * A receiver's side for frames of {@code payloadLength} payload bytes.
     */
    static SealedFrames verifying(final int payloadLength)
    {
        return new SealedFrames(payloadLength);
    }

    /**
     * A receiver's side that already holds {@link #channelKey()} under this class's channel, producer and key id.
     */
    static SealedFrames verifyingWithChannelKey()
    {
        final SealedFrames frames = verifying();
        frames.install(CHANNEL_ID, PRODUCER_ID, KEY_ID, channelKey());
        return frames;
    }

    static byte[] channelKey()
    {
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(31 * i + 7);
        }
        return key;
    }

    void install(final int channelId, final int producerId, final int keyId, final byte[] key)
    {
        if (CHANNEL_ID == channelId && PRODUCER_ID == producerId)
        {
            keys.rotateAndZero(keyId, key, 0);
        }
    }

    /**
     * Build and seal frame {@code index}.
     *
     * @return its length; the bytes are in {@link #buffer()}.
     */
    int build(final long index)
    {
        frameLength = write(frame, index);
        if (!sealedWith(KEY_ID))
        {
            throw new IllegalStateException("no sending key");
        }
        if (!sealer.seal(frame, 0, frameLength))
        {
            throw new IllegalStateException("sealing failed");
        }
        return frameLength;
    }

    private boolean sealedWith(final int keyId)
    {
        return keyId == sealer.sendingKeyId();
    }

    private int write(final UnsafeBuffer target, final long index)
    {
        final int length = writer.wrap(target, 0, target.capacity(), payloadLength);
        writer.channelId(CHANNEL_ID).producerId(PRODUCER_ID).keyId(KEY_ID).sequence(index).timestamp(index)
            .messageTypeId(1);
        final int payload = writer.payloadOffset();
        for (int i = 0; i < payloadLength; i++)
        {
            target.putByte(payload + i, (byte)(index * 13 + i));
        }
        return length;
    }

    DirectBuffer buffer()
    {
        return frame;
    }

    /**
     * Check a received frame: it verifies under the channel key the bridge carried, and it is byte for byte frame
     * {@code index} as the producer sealed it.
     *
     * @return null if so, else what is wrong.
     */
    String check(final DirectBuffer buffer, final int offset, final int length, final long index)
    {
        final RejectReason verdict = sealer.verify(buffer, offset, length, KEY_ID, 0L);
        if (RejectReason.NONE != verdict)
        {
            return "frame " + index + " does not verify: " + verdict;
        }
        final int expectedLength = write(expected, index);
        if (expectedLength != length)
        {
            return "frame " + index + " length " + length + " != " + expectedLength;
        }
        // The tag verified; the rest must be the producer's bytes exactly (the tag covers them all).
        for (int i = 0; i < length; i++)
        {
            if (i < FrameDescriptor.TAG_OFFSET ||
                i >= FrameDescriptor.TAG_OFFSET + FrameDescriptor.TAG_LENGTH)
            {
                if (buffer.getByte(offset + i) != expected.getByte(i))
                {
                    return "frame " + index + " differs at byte " + i;
                }
            }
        }
        return null;
    }

    @Override
    public void close()
    {
        keys.close();
    }
}
