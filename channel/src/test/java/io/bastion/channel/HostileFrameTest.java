package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.FrameDecoder;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RecordConsumer;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.ringbuffer.RingFault;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Frames written or changed by someone other than the keyed publisher are refused with a typed
 * reason, counted, never dispatched, and the good frames around them still flow. Each refusal and
 * each ring fault arrives under its own name, at the rejection handler and in the counters.
 */
class HostileFrameTest
{
    private static final int FRAME_OFFSET = RecordDescriptor.HEADER_LENGTH;
    private static final int SHARED_CAPACITY = 4096;

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
        expectRejected(RejectReason.RECORD_LENGTH_OUT_OF_RANGE);
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
        expectRejected(RejectReason.EXPIRED_KEY);
    }

    @Test
    void eachStructuralRefusalArrivesByItsOwnName()
    {
        final int payloadLengthOffset = FrameDescriptor.payloadLengthFieldOffset(FrameDescriptor.BLOCK_LENGTH);
        final Map<RejectReason, Consumer<UnsafeBuffer>> mutations = new EnumMap<>(RejectReason.class);
        mutations.put(RejectReason.WRONG_SCHEMA_ID, (frame) -> putShort(frame, FrameDescriptor.SCHEMA_ID_FIELD_OFFSET,
            FrameValidator.SCHEMA_ID + 1));
        mutations.put(RejectReason.VERSION_TOO_OLD,
            (frame) -> putShort(frame, FrameDescriptor.VERSION_FIELD_OFFSET, 0));
        mutations.put(RejectReason.VERSION_TOO_NEW, (frame) -> putShort(frame, FrameDescriptor.VERSION_FIELD_OFFSET,
            FrameValidator.CURRENT_VERSION + 1));
        mutations.put(RejectReason.UNKNOWN_TEMPLATE, (frame) -> putShort(frame,
            FrameDescriptor.TEMPLATE_ID_FIELD_OFFSET, FrameValidator.TEMPLATE_ID + 100));
        mutations.put(RejectReason.BLOCK_LENGTH_TOO_SHORT, (frame) -> putShort(frame,
            FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, FrameDescriptor.BLOCK_LENGTH - 1));
        mutations.put(RejectReason.BLOCK_LENGTH_TOO_LONG, (frame) -> putShort(frame,
            FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, FrameDescriptor.BLOCK_LENGTH + 8));
        mutations.put(RejectReason.PAYLOAD_TOO_LONG, (frame) -> frame.putInt(payloadLengthOffset, Integer.MAX_VALUE,
            FrameDescriptor.BYTE_ORDER));
        mutations.put(RejectReason.PAYLOAD_BEYOND_RECORD, (frame) -> frame.putInt(payloadLengthOffset, 25,
            FrameDescriptor.BYTE_ORDER));
        mutations.put(RejectReason.FRAME_LENGTH_MISMATCH, (frame) -> frame.putInt(
            FrameDescriptor.FRAME_LENGTH_FIELD_OFFSET, frame.capacity() + 1, FrameDescriptor.BYTE_ORDER));
        mutations.put(RejectReason.UNAUTHORIZED, (frame) -> frame.putInt(
            FrameDescriptor.HEADER_LENGTH + FrameDecoder.channelIdEncodingOffset(), ChannelRig.CHANNEL_ID + 1,
            FrameDescriptor.BYTE_ORDER));
        for (final Map.Entry<RejectReason, Consumer<UnsafeBuffer>> mutation : mutations.entrySet())
        {
            final ChannelRig fresh = new ChannelRig();
            final UnsafeBuffer frame =
                new UnsafeBuffer(ChannelRig.sealedFrame(fresh.sendKeys, Publisher.FIRST_SEQUENCE));
            mutation.getValue().accept(frame);
            fresh.ringProducer.write(Publisher.FRAME_RECORD_TYPE, frame, 0, frame.capacity());
            expectOnly(fresh, mutation.getKey());
        }

        // A frame cut short of the smallest frame, and one with a byte after its payload.
        final ChannelRig shortRig = new ChannelRig();
        final UnsafeBuffer whole = new UnsafeBuffer(ChannelRig.sealedFrame(shortRig.sendKeys, 1));
        shortRig.ringProducer.write(Publisher.FRAME_RECORD_TYPE, whole, 0, FrameDescriptor.MIN_FRAME_LENGTH - 1);
        expectOnly(shortRig, RejectReason.TOO_SHORT);
        final ChannelRig longRig = new ChannelRig();
        final byte[] sealed = ChannelRig.sealedFrame(longRig.sendKeys, 1);
        longRig.ringProducer.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(Arrays.copyOf(sealed,
            sealed.length + 1)), 0, sealed.length + 1);
        expectOnly(longRig, RejectReason.TRAILING_BYTES);
    }

    @Test
    void eachSequenceRefusalArrivesByItsOwnName()
    {
        for (final long invalid : new long[]{-1, Long.MIN_VALUE, Long.MAX_VALUE})
        {
            final ChannelRig fresh = new ChannelRig();
            final byte[] frame = ChannelRig.sealedFrame(fresh.sendKeys, invalid);
            fresh.ringProducer.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(frame), 0, frame.length);
            expectOnly(fresh, RejectReason.INVALID_SEQUENCE);
        }

        // An older frame than the last (STALE to the strict guard) is a replay, as the last one again is.
        publish(1);
        final byte[] first = firstFrame();
        publish(2);
        publish(3);
        drain();
        rig.ringProducer.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(first), 0, first.length);
        drain();
        expectRejected(RejectReason.REPLAY);
        assertEquals(List.of(1L, 2L, 3L), delivered);
    }

    @Test
    void aRecordLongerThanTheLargestFrameIsFrameTooLong()
    {
        rig.ringProducer.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(new byte[ChannelRig.MAX_FRAME + 8]), 0,
            ChannelRig.MAX_FRAME + 8);
        expectOnly(rig, RejectReason.FRAME_TOO_LONG);
    }

    @Test
    void eachOneToOneConsumerFaultArrivesByItsOwnName()
    {
        final long[][] headers = {
            {ChannelRig.CAPACITY + 8, Publisher.FRAME_RECORD_TYPE, RejectReason.RECORD_LENGTH_OUT_OF_RANGE.code()},
            {4, Publisher.FRAME_RECORD_TYPE, RejectReason.RECORD_LENGTH_OUT_OF_RANGE.code()},
            {64, 0, RejectReason.RECORD_TYPE_INVALID.code()},
            {64, Integer.MIN_VALUE, RejectReason.RECORD_TYPE_INVALID.code()},
            {64, RecordDescriptor.PADDING_TYPE_ID, RejectReason.PADDING_INVALID.code()},
        };
        for (final long[] header : headers)
        {
            final ChannelRig fresh = new ChannelRig();
            fresh.producerRegion.putLongVolatile(0, RecordDescriptor.header((int)header[0], (int)header[1]));
            expectRingFault(fresh, fresh.sourceId, RejectReason.fromCode((int)header[2]), fresh.ringConsumer);
        }
    }

    @Test
    void eachFaultOfASharedRingArrivesByItsOwnNameAtBothEnds()
    {
        final long[][] scribbles = {
            // tail, head cache, head, expected
            {-8, 0, 0, RejectReason.TAIL_OUT_OF_RANGE.code()},
            {19, 0, 0, RejectReason.TAIL_MISALIGNED.code()},
            {64, 72, 72, RejectReason.HEAD_BEYOND_TAIL.code()},
            {64, 72, 5, RejectReason.HEAD_MISALIGNED.code()},
            {64, 72, Long.MIN_VALUE, RejectReason.HEAD_MORE_THAN_A_LAP_BEHIND.code()},
        };
        for (final long[] scribble : scribbles)
        {
            final RejectReason expected = RejectReason.fromCode((int)scribble[3]);
            final ChannelRig fresh = new ChannelRig();
            final AtomicBuffer region = ChannelRig.newBuffer(ManyToOneRingDescriptor.regionLength(SHARED_CAPACITY));
            final ManyToOneRing ring = new ManyToOneRing(region, fresh.timeMs::get, 1_000);
            final int source = fresh.subscriber.addSharedSource(ring, new int[]{20},
                new HmacFrameSealer(fresh.receiveKeys));
            final ChannelCounters counters = new ChannelCounters(fresh.countersManager, "shared/20");
            final Publisher publisher = new Publisher(ring, new HmacFrameSealer(fresh.sendKeys),
                ChannelRig.CHANNEL_ID, 20, () -> 1L, counters);
            publisher.doWork();

            region.putLongVolatile(SHARED_CAPACITY + ManyToOneRingDescriptor.TAIL_POSITION_OFFSET, scribble[0]);
            region.putLongVolatile(SHARED_CAPACITY + ManyToOneRingDescriptor.HEAD_CACHE_POSITION_OFFSET, scribble[1]);
            region.putLongVolatile(SHARED_CAPACITY + ManyToOneRingDescriptor.HEAD_POSITION_OFFSET, scribble[2]);
            assertEquals(ChannelStatus.CORRUPT, publisher.offer(ChannelRig.payload(1, 24), 0, 24, 3),
                expected.name());
            assertEquals(ChannelStatus.CORRUPT, publisher.offer(ChannelRig.payload(1, 24), 0, 24, 3), "stays stopped");
            assertEquals(1, counters.rejected(expected), expected.name());
            expectRingFault(fresh, source, expected, ring);
        }
    }

    @Test
    void eachHeadFaultStopsTheOneToOnePublisherAndIsCountedByItsOwnName()
    {
        final RejectReason[] faults = {RejectReason.HEAD_MISALIGNED, RejectReason.HEAD_BEYOND_TAIL,
            RejectReason.HEAD_MORE_THAN_A_LAP_BEHIND, RejectReason.HEAD_BACKWARDS};
        for (final RejectReason expected : faults)
        {
            final ChannelRig fresh = new ChannelRig();
            final long tail = fill(fresh);
            final long hostile;
            switch (expected)
            {
                case HEAD_MISALIGNED:
                    hostile = 3;
                    break;
                case HEAD_BEYOND_TAIL:
                    hostile = tail + 8;
                    break;
                case HEAD_MORE_THAN_A_LAP_BEHIND:
                    hostile = tail - ChannelRig.CAPACITY - 8;
                    break;
                default:
                    // Once the publisher has read the head at the tail, a head a little behind it ran backwards.
                    while (fresh.subscriber.poll((buffer, offset, length, frame) -> { }, 1000) > 0)
                    {
                        fresh.subscriber.doWork();
                    }
                    assertTrue(fill(fresh) > tail);
                    hostile = tail - 8;
                    break;
            }
            fresh.consumerRegion.putLongVolatile(OneToOneRingDescriptor.HEAD_POSITION_OFFSET, hostile);
            assertEquals(ChannelStatus.CORRUPT, fresh.publisher.offer(ChannelRig.payload(0, 1000), 0, 1000, 3),
                expected.name());
            assertEquals(expected, Refusals.of(fresh.ringProducer.fault()));
            assertEquals(1, fresh.publisherCounters.rejected(expected), expected.name());
            assertEquals(ChannelStatus.CORRUPT, fresh.publisher.offer(ChannelRig.payload(0, 8), 0, 8, 3));
            assertEquals(1, fresh.publisherCounters.rejected(expected), "counted once");
        }
    }

    @Test
    void everyRingFaultHasAReasonOfTheSameNameAndACounterOfThatName()
    {
        for (final RingFault fault : RingFault.values())
        {
            final RejectReason reason = Refusals.of(fault);
            if (RingFault.NONE == fault)
            {
                assertEquals(RejectReason.NONE, reason);
                continue;
            }
            assertEquals(fault.name(), reason.name());
            assertTrue(reason.isRingFault(), reason.name());
            rig.subscriberCounters.onRejected(reason);
            assertEquals(1, rig.subscriberCounters.rejected(reason));
        }
        final List<String> labels = new ArrayList<>();
        rig.countersManager.forEach((id, label) -> labels.add(label));
        for (final RejectReason reason : RejectReason.values())
        {
            assertEquals(reason.isRefusal(), labels.contains("test/sub: rejected " + reason.name()), reason.name());
        }
    }

    /** Offer 1000-byte frames until the ring is full; returns the publisher's tail, which has read the head. */
    private static long fill(final ChannelRig rig)
    {
        long result;
        long tail = 0;
        while ((result = rig.publisher.offer(ChannelRig.payload(0, 1000), 0, 1000, 3)) > 0)
        {
            tail = result;
        }
        assertEquals(ChannelStatus.BACK_PRESSURED, result);
        return tail;
    }

    /** Poll once: the ring's fault must arrive, by name, at the handler and in the counters, and quarantine. */
    private static void expectRingFault(
        final ChannelRig rig, final int source, final RejectReason expected, final RecordConsumer ring)
    {
        rig.subscriber.poll((buffer, offset, length, frame) -> fail("dispatched from a corrupt ring"), 100);
        assertEquals(expected.name(), ring.fault().name());
        assertEquals(List.of(source + ":" + expected), rig.rejections);
        assertEquals(1, rig.subscriberCounters.rejected(expected), expected.name());
        assertTrue(rig.subscriber.isQuarantined(source));
        assertEquals(List.of(source), rig.quarantined);
    }

    /** Drain: exactly one refusal, of this reason, at the handler and in the counters, and nothing dispatched. */
    private static void expectOnly(final ChannelRig rig, final RejectReason reason)
    {
        while (rig.subscriber.poll((buffer, offset, length, frame) -> fail("dispatched: " + reason), 100) > 0)
        {
            rig.subscriber.doWork();
        }
        assertEquals(List.of(rig.sourceId + ":" + reason), rig.rejections, reason.name());
        for (final RejectReason other : RejectReason.values())
        {
            assertEquals(other == reason ? 1 : 0, rig.subscriberCounters.rejected(other), other.name());
        }
    }

    private static void putShort(final UnsafeBuffer frame, final int offset, final int value)
    {
        frame.putShort(offset, (short)value, FrameDescriptor.BYTE_ORDER);
    }
}
