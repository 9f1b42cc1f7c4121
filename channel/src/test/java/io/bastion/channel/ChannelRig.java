package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameWriter;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.rate.QuarantinePolicy;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One channel in one process: a publisher and a subscriber over a one-to-one ring, keys on both
 * sides, a fake clock, counters, and a record of every rejection.
 */
final class ChannelRig
{
    static final int CHANNEL_ID = 42;
    static final int PRODUCER_ID = 7;
    static final int CAPACITY = 64 * 1024;
    static final int MAX_FRAME = 4096;
    static final byte[] KEY_1 = key(1);
    static final byte[] KEY_2 = key(2);

    final AtomicLong timeMs = new AtomicLong(1_000_000);
    final AtomicBuffer producerRegion = newBuffer(OneToOneRingDescriptor.producerRegionLength(CAPACITY));
    final AtomicBuffer consumerRegion = newBuffer(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
    final OneToOneRingProducer ringProducer = new OneToOneRingProducer(producerRegion, consumerRegion, timeMs::get);
    final OneToOneRingConsumer ringConsumer = new OneToOneRingConsumer(producerRegion, consumerRegion, timeMs::get);
    final KeyRing sendKeys = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, timeMs::get);
    final KeyRing receiveKeys = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, timeMs::get);
    final CountersManager countersManager = new CountersManager(newBuffer(512 * 1024), newBuffer(128 * 1024));
    final ChannelCounters publisherCounters = new ChannelCounters(countersManager, "test/pub");
    final ChannelCounters subscriberCounters = new ChannelCounters(countersManager, "test/sub");
    final List<String> rejections = new ArrayList<>();
    final List<Integer> quarantined = new ArrayList<>();
    final Publisher publisher;
    final Subscriber subscriber;
    final int sourceId;

    ChannelRig(final int quarantineThreshold)
    {
        this(quarantineThreshold, HmacFrameSealer::new);
    }

    /**
     * A rig whose two ends seal with what {@code sealers} makes of their key rings.
     */
    ChannelRig(final int quarantineThreshold, final Function<KeyRing, FrameSealer> sealers)
    {
        sendKeys.rotate(1, KEY_1, 0);
        receiveKeys.rotate(1, KEY_1, 0);
        publisher = new Publisher(
            ringProducer, sealers.apply(sendKeys), CHANNEL_ID, PRODUCER_ID,
            () -> timeMs.get() * 1_000_000L, publisherCounters);
        subscriber = new Subscriber(
            CHANNEL_ID, MAX_FRAME, sealers.apply(receiveKeys),
            new QuarantinePolicy(16, quarantineThreshold, 60_000_000_000L, 600_000_000_000L),
            new RejectionHandler()
            {
                public void onRejected(final int sourceId, final RejectReason reason)
                {
                    rejections.add(sourceId + ":" + reason);
                }

                public void onQuarantined(final int sourceId)
                {
                    quarantined.add(sourceId);
                }
            },
            timeMs::get, subscriberCounters);
        sourceId = subscriber.addSource(ringConsumer, PRODUCER_ID);
        subscriber.doWork();
        publisher.doWork();
    }

    ChannelRig()
    {
        this(1000);
    }

    static AtomicBuffer newBuffer(final int length)
    {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, 64));
    }

    static byte[] key(final int seed)
    {
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(seed * 31 + i);
        }
        return key;
    }

    /**
     * A frame of 24 payload bytes from {@link #PRODUCER_ID} on {@link #CHANNEL_ID}, sealed with the current key of
     * {@code keys}, carrying any sequence (a publisher only ever sends its next one).
     */
    static byte[] sealedFrame(final KeyRing keys, final long sequence)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameDescriptor.frameLength(24)]);
        final FrameWriter writer = new FrameWriter();
        final HmacFrameSealer sealer = new HmacFrameSealer(keys);
        final int length = writer.wrap(buffer, 0, buffer.capacity(), 24);
        writer.channelId(CHANNEL_ID).producerId(PRODUCER_ID).keyId(sealer.sendingKeyId()).sequence(sequence)
            .timestamp(1).messageTypeId(3).flags(0).putPayload(payload(sequence, 24), 0);
        if (!sealer.seal(buffer, 0, length))
        {
            throw new IllegalStateException("no sending key");
        }
        return buffer.byteArray();
    }

    static UnsafeBuffer payload(final long seq, final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length]);
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)(seq * 13 + i));
        }
        return buffer;
    }
}
