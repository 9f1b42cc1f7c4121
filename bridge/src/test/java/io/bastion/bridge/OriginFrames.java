package io.bastion.bridge;

import io.bastion.channel.HmacFrameSealer;
import io.bastion.codec.FrameWriter;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Frames sealed as an origin publisher on another host seals them, for feeding a {@link ChannelRelay} directly: the
 * payload of frame {@code n} is {@link ForwardingRig#fill}'s, sequence {@code n}, under the key last given.
 */
final class OriginFrames implements AutoCloseable
{
    private final KeyRing keys;
    private final HmacFrameSealer sealer;
    private final FrameWriter writer = new FrameWriter();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[ForwardingRig.PAYLOAD_LENGTH]);
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
    private final int channelId;
    private final int producerId;
    private int keyId;

    OriginFrames(final int channelId, final int producerId)
    {
        this.channelId = channelId;
        this.producerId = producerId;
        this.keys = new KeyRing(channelId, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        this.sealer = new HmacFrameSealer(keys);
    }

    static byte[] key(final int seed)
    {
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(seed * 41 + i);
        }
        return key;
    }

    void useKey(final int keyId, final byte[] key)
    {
        keys.rotate(keyId, key, 0);
        this.keyId = keyId;
    }

    /** Seal frame {@code n}; its bytes are in {@link #buffer()}. */
    int seal(final long n)
    {
        ForwardingRig.fill(payload, n);
        writer.wrap(frame, 0, frame.capacity(), ForwardingRig.PAYLOAD_LENGTH);
        writer.channelId(channelId).producerId(producerId).keyId(keyId).sequence(n)
            .timestamp(System.currentTimeMillis() * 1_000_000L).messageTypeId(1).putPayload(payload, 0);
        final int length = writer.frameLength();
        if (keyId != sealer.sendingKeyId() || !sealer.seal(frame, 0, length))
        {
            throw new IllegalStateException("sealing failed");
        }
        return length;
    }

    UnsafeBuffer buffer()
    {
        return frame;
    }

    @Override
    public void close()
    {
        keys.close();
    }
}
