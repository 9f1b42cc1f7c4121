package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.replay.StrictReplayGuard;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublisherSubscriberTest
{
    private final ChannelRig rig = new ChannelRig();
    private final ReceivedFrames frames = new ReceivedFrames();
    private final List<byte[]> received = frames.payloads;
    private final List<Long> sequences = frames.sequences;

    private long offer(final long seq, final int length)
    {
        final UnsafeBuffer payload = ChannelRig.payload(seq, length);
        return rig.publisher.offer(payload, 0, length, 5);
    }

    private int drain()
    {
        return frames.drain(rig.subscriber);
    }

    @Test
    void framesArriveVerifiedInOrderWithTheirPayloads()
    {
        int sent = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final int length = i % 700;
            while (offer(i, length) < 0)
            {
                drain();
            }
            sent++;
        }
        drain();
        assertEquals(sent, received.size());
        for (int i = 0; i < sent; i++)
        {
            final byte[] expected = new byte[i % 700];
            ChannelRig.payload(i, i % 700).getBytes(0, expected);
            assertArrayEquals(expected, received.get(i), "payload " + i);
            assertEquals(i + 1, sequences.get(i));
        }
        assertEquals(sent, rig.subscriberCounters.framesIn());
        assertEquals(sent, rig.publisherCounters.framesOut());
        assertEquals(0, rig.subscriberCounters.sequenceGaps());
        assertTrue(rig.rejections.isEmpty(), rig.rejections.toString());
    }

    @Test
    void aProducerIdGetsOneSourceOnly()
    {
        final AtomicBuffer producerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.producerRegionLength(4096));
        final AtomicBuffer consumerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        assertThrows(IllegalArgumentException.class, () -> rig.subscriber.addSource(
            new OneToOneRingConsumer(producerRegion, consumerRegion, rig.timeMs::get), ChannelRig.PRODUCER_ID));
    }

    @Test
    void eachSourceIsVerifiedWithItsOwnPrincipalsKeys()
    {
        // A second principal whose ring is verified with its own key ring: a frame sealed with the
        // first principal's key is refused there, even with the right producer id.
        final AtomicBuffer producerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.producerRegionLength(4096));
        final AtomicBuffer consumerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        final KeyRing secondKeys = new KeyRing(ChannelRig.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER,
            rig.timeMs::get);
        secondKeys.rotate(1, ChannelRig.key(9), 0);
        final int source = rig.subscriber.addSource(
            new OneToOneRingConsumer(producerRegion, consumerRegion, rig.timeMs::get), 8,
            new StrictReplayGuard(Publisher.FIRST_SEQUENCE), new HmacFrameSealer(secondKeys));
        final Publisher impersonator = new Publisher(
            new OneToOneRingProducer(producerRegion, consumerRegion, rig.timeMs::get),
            new HmacFrameSealer(rig.sendKeys), ChannelRig.CHANNEL_ID, 8, () -> 1L,
            new ChannelCounters(rig.countersManager, "impersonator"));
        impersonator.doWork();
        assertTrue(impersonator.offer(ChannelRig.payload(0, 10), 0, 10, 1) > 0);
        drain();
        assertTrue(received.isEmpty());
        assertEquals(List.of(source + ":" + RejectReason.BAD_TAG), rig.rejections);
    }

    @Test
    void zeroCopyClaimIsSealedOnCommit()
    {
        final FrameClaim claim = new FrameClaim();
        assertTrue(rig.publisher.tryClaim(8, 9, claim) > 0);
        claim.buffer().putLong(claim.offset(), 0x0102030405060708L);
        assertTrue(claim.commit() > 0);
        assertTrue(rig.publisher.tryClaim(8, 9, claim) > 0);
        claim.abort();
        assertEquals(1, drain());
        assertEquals(1, received.size());
        assertEquals(0x0102030405060708L, new UnsafeBuffer(received.get(0)).getLong(0));
        assertTrue(rig.rejections.isEmpty(), rig.rejections.toString());
    }

    @Test
    void offersAreNotConnectedUntilAndAfterTheSubscriberHeartbeats()
    {
        final ChannelRig fresh = new ChannelRig();
        fresh.timeMs.addAndGet(Publisher.DEFAULT_LIVENESS_TIMEOUT_MS + 1);
        fresh.publisher.doWork();
        assertEquals(ChannelStatus.NOT_CONNECTED, fresh.publisher.offer(ChannelRig.payload(0, 4), 0, 4, 1));
        fresh.subscriber.doWork();
        fresh.publisher.doWork();
        assertTrue(fresh.publisher.offer(ChannelRig.payload(0, 4), 0, 4, 1) > 0);
    }

    @Test
    void tooLargeAndClosedAreTypedCodes()
    {
        final int max = rig.publisher.maxPayloadLength();
        assertEquals(ChannelStatus.MESSAGE_TOO_LARGE, offer(0, max + 1));
        assertTrue(offer(0, Math.min(max, 100)) > 0);
        rig.publisher.close();
        assertEquals(ChannelStatus.CLOSED, offer(1, 4));
    }

    @Test
    void aFullRingIsBackPressuredAndCounted()
    {
        long result;
        int sent = 0;
        while ((result = offer(sent, 1000)) > 0)
        {
            sent++;
        }
        assertEquals(ChannelStatus.BACK_PRESSURED, result);
        assertEquals(1, rig.publisherCounters.backPressure());
        assertEquals(sent, drain());
        assertTrue(offer(sent, 1000) > 0);
    }

    @Test
    void aSourceThatIsNotTheRingsOwnerIsRefused()
    {
        final AtomicBuffer producerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.producerRegionLength(4096));
        final AtomicBuffer consumerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        final OneToOneRingProducer impostorRing = new OneToOneRingProducer(
            producerRegion, consumerRegion, rig.timeMs::get);
        final Publisher impostor = new Publisher(
            impostorRing, new HmacFrameSealer(rig.sendKeys), ChannelRig.CHANNEL_ID, 99,
            () -> 1L, new ChannelCounters(rig.countersManager, "impostor"));
        final int source = rig.subscriber.addSource(
            new OneToOneRingConsumer(producerRegion, consumerRegion, rig.timeMs::get),
            ChannelRig.PRODUCER_ID + 1);
        rig.subscriber.doWork();
        impostor.doWork();
        assertTrue(impostor.offer(ChannelRig.payload(0, 10), 0, 10, 1) > 0);
        drain();
        assertTrue(received.isEmpty());
        assertEquals(List.of(source + ":" + RejectReason.UNAUTHORIZED), rig.rejections);
        assertEquals(1, rig.subscriberCounters.rejected(RejectReason.UNAUTHORIZED));
    }

    @Test
    void pollIsFairAcrossSources()
    {
        final AtomicBuffer producerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.producerRegionLength(65536));
        final AtomicBuffer consumerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        final Publisher second = new Publisher(
            new OneToOneRingProducer(producerRegion, consumerRegion, rig.timeMs::get),
            new HmacFrameSealer(rig.sendKeys), ChannelRig.CHANNEL_ID, 8, () -> 1L,
            new ChannelCounters(rig.countersManager, "second"));
        rig.subscriber.addSource(
            new OneToOneRingConsumer(producerRegion, consumerRegion, rig.timeMs::get), 8);
        rig.subscriber.doWork();
        second.doWork();
        for (int i = 0; i < 50; i++)
        {
            assertTrue(offer(i, 16) > 0);
            assertTrue(second.offer(ChannelRig.payload(i, 16), 0, 16, 2) > 0);
        }
        final List<Integer> producers = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            rig.subscriber.poll((buffer, offset, length, frame) -> producers.add(frame.producerId()), 1);
        }
        assertEquals(List.of(7, 8, 7, 8, 7, 8, 7, 8, 7, 8), producers);
    }

    @Test
    void framesStayUnderTheMaximumFrameLength()
    {
        assertTrue(FrameDescriptor.frameLength(rig.publisher.maxPayloadLength()) <= ChannelRig.CAPACITY / 8);
    }
}
