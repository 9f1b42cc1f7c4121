package io.bastion.broker.process;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.Publisher;
import io.bastion.channel.process.Wire;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.util.Arrays;

/**
 * A publisher on another host, as a relay's tests see it: a {@link Publisher} over a private in-memory ring with its
 * own {@link KeyRing}, sealing {@link Wire} payloads under its channel id and producer id; each frame it seals is
 * taken out of its ring byte for byte, as the sending side of a bridge would forward it.
 */
final class RemoteOrigin implements AutoCloseable
{
    private static final int CAPACITY = 64 * 1024;

    private final AtomicBuffer producerRegion =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(OneToOneRingDescriptor.producerRegionLength(CAPACITY), 64));
    private final AtomicBuffer consumerRegion =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH, 64));
    private final OneToOneRingConsumer consumer =
        new OneToOneRingConsumer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE);
    private final KeyRing keys;
    private final Publisher publisher;
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
    private byte[] last;

    RemoteOrigin(final int channelId, final int producerId, final int keyId, final byte[] key)
    {
        keys = new KeyRing(channelId, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        keys.rotate(keyId, key, 0);
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(new byte[512 * 1024]), new UnsafeBuffer(new byte[128 * 1024]));
        publisher = new Publisher(new OneToOneRingProducer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE),
            new HmacFrameSealer(keys), channelId, producerId, () -> System.currentTimeMillis() * 1_000_000L,
            new ChannelCounters(counters, "origin"));
        consumer.consumerHeartbeat();
        publisher.doWork();
    }

    /**
     * The origin rotates: frames from now on are sealed with the new key.
     *
     * @param keyId the new key id.
     * @param key   its bytes.
     */
    void rotate(final int keyId, final byte[] key)
    {
        keys.rotate(keyId, key, 0);
    }

    /**
     * Seal the frame of the next sequence and take it out of the ring.
     *
     * @param sequence the sequence it must carry (the publisher's next).
     * @return the sealed frame, as it lay in the ring.
     */
    byte[] seal(final long sequence)
    {
        consumer.consumerHeartbeat();
        publisher.doWork();
        final int length = Wire.length(sequence);
        Wire.fill(payload, 0, sequence, length);
        final long result = publisher.offer(payload, 0, length, Wire.messageType(sequence));
        if (result < 0)
        {
            throw new IllegalStateException("origin offer failed: " + result);
        }
        last = null;
        consumer.read((typeId, buffer, offset, frameLength) ->
        {
            final byte[] frame = new byte[frameLength];
            buffer.getBytes(offset, frame);
            last = frame;
        }, 1);
        if (null == last || publisher.nextSequence() != sequence + 1)
        {
            throw new IllegalStateException("no frame for sequence " + sequence);
        }
        return Arrays.copyOf(last, last.length);
    }

    @Override
    public void close()
    {
        keys.close();
    }
}
