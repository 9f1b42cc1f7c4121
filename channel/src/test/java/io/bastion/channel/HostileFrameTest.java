package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.FrameDecoder;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames written or changed by someone other than the keyed publisher are refused with a typed
 * reason, counted, never dispatched, and the good frames around them still flow.
 */
class HostileFrameTest
{
    private static final int FRAME_OFFSET = RecordDescriptor.HEADER_LENGTH;

    private final ChannelRig rig = new ChannelRig();
    private final List<Long> delivered = new ArrayList<>();
    private final FrameHandler collector = (buffer, offset, length, frame) -> delivered.add(frame.sequence());

    private void publish(final long seq)
    {
        assertTrue(rig.publisher.offer(ChannelRig.payload(seq, 24), 0, 24, 3) > 0);
    }

    private void drain()
    {
        while (rig.subscriber.poll(collector, 100) > 0)
        {
            rig.subscriber.doWork();
        }
    }

    /** The bytes of the first frame in the ring, as published. */
    private byte[] firstFrame()
    {
        final int frameLength = FrameDescriptor.frameLength(24);
        final byte[] bytes = new byte[frameLength];
        rig.producerRegion.getBytes(FRAME_OFFSET, bytes);
        return bytes;
    }

    private void expectRejected(final RejectReason reason)
    {
        assertEquals(List.of(rig.sourceId + ":" + reason), rig.rejections);
        assertEquals(1, rig.subscriberCounters.rejected(reason));
    }

    @Test
    void aBitFlippedInThePayloadAfterCommitIsRefused()
    {
        publish(1);
        final int index = FRAME_OFFSET + FrameDescriptor.payloadOffset(FrameDescriptor.BLOCK_LENGTH) + 3;
        rig.producerRegion.putByte(index, (byte)(rig.producerRegion.getByte(index) ^ 0x10));
        publish(2);
        drain();
        expectRejected(RejectReason.BAD_TAG);
        // Frame 1 was refused, so frame 2 is a gap of one, not a replay: it is delivered.
        assertEquals(List.of(2L), delivered);
        assertEquals(1, rig.subscriberCounters.sequenceGaps());
    }

    @Test
    void aChangedSequenceIsRefused()
    {
        publish(1);
        final int index = FRAME_OFFSET + FrameDescriptor.HEADER_LENGTH + FrameDecoder.sequenceEncodingOffset();
        rig.producerRegion.putLong(index, 1000, FrameDescriptor.BYTE_ORDER);
        drain();
        expectRejected(RejectReason.BAD_TAG);
        assertTrue(delivered.isEmpty());
    }

    @Test
    void anUnknownKeyIdIsRefusedBeforeAnyMac()
    {
        publish(1);
        final int index = FRAME_OFFSET + FrameDescriptor.HEADER_LENGTH + FrameDecoder.keyIdEncodingOffset();
        rig.producerRegion.putInt(index, 77, FrameDescriptor.BYTE_ORDER);
        drain();
        expectRejected(RejectReason.UNKNOWN_KEY);
    }

    @Test
    void aRevokedKeyIsRefused()
    {
        publish(1);
        rig.receiveKeys.revoke(1);
        drain();
        expectRejected(RejectReason.REVOKED_KEY);
    }

    @Test
    void aReplayedFrameIsRefused()
    {
        publish(1);
        final byte[] captured = firstFrame();
        drain();
        assertEquals(List.of(1L), delivered);
        assertTrue(rig.ringProducer.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(captured), 0,
            captured.length) > 0);
        drain();
        expectRejected(RejectReason.REPLAY);
        assertEquals(List.of(1L), delivered);
    }

    @Test
    void aTruncatedFrameIsRefusedByStructure()
    {
        publish(1);
        final byte[] captured = firstFrame();
        drain();
        rig.ringProducer.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(captured), 0, captured.length - 5);
        drain();
        assertEquals(1, rig.rejections.size());
        final RejectReason reason = RejectReason.valueOf(rig.rejections.get(0).split(":")[1]);
        assertTrue(reason.isStructural(), reason.toString());
    }

    @Test
    void aRecordOfAnotherTypeIsAProtocolViolation()
    {
        rig.ringProducer.write(9, new UnsafeBuffer(new byte[100]), 0, 100);
        drain();
        expectRejected(RejectReason.PROTOCOL_VIOLATION);
    }

    @Test
    void aFrameSealedWithAnotherKeyIsRefused()
    {
        final KeyRing attackerKeys = new KeyRing(ChannelRig.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER,
            rig.timeMs::get);
        attackerKeys.rotate(1, ChannelRig.key(66), 0);
        final Publisher forger = new Publisher(rig.ringProducer, new HmacFrameSealer(attackerKeys),
            ChannelRig.CHANNEL_ID, ChannelRig.PRODUCER_ID, () -> 1L, new ChannelCounters(rig.countersManager, "f"));
        forger.doWork();
        assertTrue(forger.offer(ChannelRig.payload(1, 24), 0, 24, 3) > 0);
        drain();
        expectRejected(RejectReason.BAD_TAG);
        assertTrue(delivered.isEmpty());
    }

    @Test
    void aSourceCrossingTheThresholdIsQuarantinedWhileAGoodOneIsStillServed()
    {
        final ChannelRig strict = new ChannelRig(3);
        final AtomicBuffer producerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.producerRegionLength(4096));
        final AtomicBuffer consumerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        final OneToOneRingProducer hostileRing = new OneToOneRingProducer(
            producerRegion, consumerRegion, strict.timeMs::get);
        final int hostile = strict.subscriber.addSource(
            new OneToOneRingConsumer(producerRegion, consumerRegion, strict.timeMs::get), 9);
        for (int i = 0; i < 10; i++)
        {
            hostileRing.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(new byte[200]), 0, 200);
        }
        final List<Long> good = new ArrayList<>();
        for (int round = 0; round < 5; round++)
        {
            assertTrue(strict.publisher.offer(ChannelRig.payload(round, 24), 0, 24, 3) > 0);
            strict.subscriber.poll((buffer, offset, length, frame) -> good.add(frame.sequence()), 1);
            strict.subscriber.poll((buffer, offset, length, frame) -> good.add(frame.sequence()), 1);
        }
        assertTrue(strict.subscriber.isQuarantined(hostile));
        assertFalse(strict.subscriber.isQuarantined(strict.sourceId));
        assertEquals(List.of(hostile), strict.quarantined);
        assertEquals(1, strict.subscriberCounters.quarantines());
        assertEquals(3, strict.rejections.size(), strict.rejections.toString());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), good);
    }

    @Test
    void aCorruptRingIsQuarantinedAtOnce()
    {
        publish(1);
        // The consumer must never accept a record running past the end of the buffer.
        rig.producerRegion.putLongVolatile(0, RecordDescriptor.header(ChannelRig.CAPACITY + 8, 1));
        drain();
        assertTrue(rig.subscriber.isQuarantined(rig.sourceId));
        expectRejected(RejectReason.RECORD_LENGTH_INVALID);
    }

    @Test
    void rotationLosesNothingAndTheOldKeyIsRefusedAfterTheGrace()
    {
        for (int i = 0; i < 100; i++)
        {
            if (50 == i)
            {
                rig.receiveKeys.rotate(2, ChannelRig.KEY_2, 1_000);
                rig.sendKeys.rotate(2, ChannelRig.KEY_2, 1_000);
            }
            publish(i);
            if (i % 7 == 0)
            {
                drain();
            }
        }
        drain();
        assertEquals(100, delivered.size());
        assertTrue(rig.rejections.isEmpty(), rig.rejections.toString());

        final KeyRing oldKeys = new KeyRing(ChannelRig.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER,
            rig.timeMs::get);
        oldKeys.rotate(1, ChannelRig.KEY_1, 0);
        final Publisher stale = new Publisher(rig.ringProducer, new HmacFrameSealer(oldKeys),
            ChannelRig.CHANNEL_ID, ChannelRig.PRODUCER_ID, () -> 1L, new ChannelCounters(rig.countersManager, "s"));
        rig.timeMs.addAndGet(1_001);
        rig.subscriber.doWork();
        stale.doWork();
        assertTrue(stale.offer(ChannelRig.payload(1, 24), 0, 24, 3) > 0);
        drain();
        expectRejected(RejectReason.UNKNOWN_KEY);
    }
}
