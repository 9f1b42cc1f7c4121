package io.bastion.tools.demo;

import io.bastion.channel.HmacFrameSealer;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameWriter;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;


/**
 * The demo's hostile process making well-formed frames of the demo's payload, sealed under one key id with one key,
 * real or made up: what a compromised plugin can write into its own ring.
 */
final class DemoForger implements AutoCloseable
{
    private final KeyRing keys;
    private final HmacFrameSealer sealer;
    private final int channelId;
    private final int keyId;
    private final FrameWriter writer = new FrameWriter();

    /**
     * A forger for a channel, sealing under a key id with a key.
     *
     * @param channelId the channel id the frames carry.
     * @param keyId     the key id they carry and are sealed under.
     * @param key       the key, zeroed here once installed.
     */
    DemoForger(final int channelId, final int keyId, final byte[] key)
    {
        this.channelId = channelId;
        this.keyId = keyId;
        this.keys = new KeyRing(channelId, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        keys.rotateAndZero(keyId, key, 0);
        this.sealer = new HmacFrameSealer(keys);
    }

    /**
     * A sealed data frame.
     *
     * @param producerId    the producer id it claims.
     * @param sequence      its sequence, from which its payload derives.
     * @param payloadLength its payload bytes.
     * @return the frame's bytes.
     */
    byte[] forge(final int producerId, final long sequence, final int payloadLength)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[FrameDescriptor.frameLength(payloadLength)]);
        final int length = writer.wrap(frame, 0, frame.capacity(), payloadLength);
        writer.channelId(channelId).producerId(producerId).keyId(keyId).sequence(sequence)
            .timestamp(System.currentTimeMillis() * 1_000_000L).messageTypeId(DemoPayload.DATA).flags(0);
        DemoPayload.fill(frame, writer.payloadOffset(), payloadLength, sequence);
        if (sealer.sendingKeyId() != keyId || !sealer.seal(frame, 0, length))
        {
            throw new IllegalStateException("could not seal a frame");
        }
        return frame.byteArray();
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
