package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.FrameDecoder;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.ringbuffer.RingClaim;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch sealing ({@link SealingMode#HMAC_BATCH}): frames committed together under one tag round-trip in order; a
 * batch that was tampered with, malformed, replayed or never committed dispatches nothing, and each refusal is
 * counted by its reason.
 */
class BatchSealingTest
{
    private static final int PAYLOAD = 24;
    private static final long NO_LINGER = Long.MAX_VALUE / 4;

    private final ChannelRig rig = batchRig(1000);
    private final List<Long> delivered = new ArrayList<>();
    private final List<byte[]> payloads = new ArrayList<>();
    private final FrameHandler collector = (buffer, offset, length, frame) ->
    {
        delivered.add(frame.sequence());
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        payloads.add(bytes);
    };

    static ChannelRig batchRig(final int quarantineThreshold)
    {
        final ChannelRig rig = new ChannelRig(quarantineThreshold);
        rig.publisher.sealing(SealingMode.HMAC_BATCH).batchLimits(32, 4096, NO_LINGER);
        rig.subscriber.sealing(SealingMode.HMAC_BATCH);
        return rig;
    }

    /**
     * A sealed batch record's bytes: {@code count} frames of {@code payloadLength} bytes from a fresh batch rig's
     * publisher, sequences from 1.
     */
    static byte[] sealedBatch(final int count, final int payloadLength)
    {
        final ChannelRig source = batchRig(1000);
        for (int i = 1; i <= count; i++)
        {
            assertTrue(source.publisher.offer(ChannelRig.payload(i, payloadLength), 0, payloadLength, 3) > 0);
        }
        assertTrue(source.publisher.flush() > 0);
        final int length = RecordDescriptor.lengthOf(source.producerRegion.getLong(0));
        final byte[] record = new byte[length - RecordDescriptor.HEADER_LENGTH];
        source.producerRegion.getBytes(RecordDescriptor.HEADER_LENGTH, record);
        return record;
    }

    private void offer(final long seq)
    {
        assertTrue(rig.publisher.offer(ChannelRig.payload(seq, PAYLOAD), 0, PAYLOAD, 3) > 0);
    }

    private void write(final byte[] record)
    {
        write(Publisher.BATCH_RECORD_TYPE, record);
    }

    private void write(final int type, final byte[] record)
    {
        assertTrue(rig.ringProducer.write(type, new UnsafeBuffer(record), 0, record.length) > 0);
    }

    private void drain()
    {
        while (rig.subscriber.poll(collector, 100) > 0)
        {
            rig.subscriber.doWork();
        }
    }

    private void expectRejected(final RejectReason reason)
    {
        assertEquals(List.of(rig.sourceId + ":" + reason), rig.rejections);
        assertEquals(1, rig.subscriberCounters.rejected(reason));
        assertTrue(delivered.isEmpty(), delivered::toString);
    }

    /** Re-seal a batch record after a test changed it, with the sending key, so that only the change is at fault. */
    private void reseal(final byte[] record)
    {
        final HmacFrameSealer sealer = new HmacFrameSealer(rig.sendKeys);
        assertTrue(sealer.sendingKeyId() > 0);
        assertTrue(sealer.sealBatch(new UnsafeBuffer(record), 0, record.length));
    }

    /**
     * Change a sealed batch of {@code frames} frames, seal it again with the sending key (so that only the change is at
     * fault), write it and expect exactly one refusal, for {@code reason}, and nothing dispatched.
     */
    private void expectResealedRejected(final int frames, final Consumer<byte[]> change, final RejectReason reason)
    {
        final byte[] record = sealedBatch(frames, PAYLOAD);
        change.accept(record);
        reseal(record);
        write(record);
        drain();
        expectRejected(reason);
    }

    private static void putInt(final byte[] record, final int frame, final int fieldOffset, final int value)
    {
        new UnsafeBuffer(record).putInt(frameOffset(record, frame) + fieldOffset, value, FrameDescriptor.BYTE_ORDER);
    }

    private static int frameOffset(final byte[] record, final int index)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(record);
        int position = 0;
        for (int i = 0; i < index; i++)
        {
            position += BatchFrames.frameLengthAt(buffer, position, record.length - position);
        }
        return position;
    }

    @Test
    void aBatchOfFramesRoundTripsInOrderAsOneRecord()
    {
        for (long seq = 1; seq <= 5; seq++)
        {
            offer(seq);
        }
        assertEquals(5, rig.publisher.pendingFrames());
        drain();
        assertTrue(delivered.isEmpty(), "nothing reaches the ring before the batch is committed");

        final long position = rig.publisher.flush();
        assertEquals(RecordDescriptor.align(RecordDescriptor.HEADER_LENGTH + 5 * FrameDescriptor.frameLength(PAYLOAD)),
            position);
        assertEquals(0, rig.publisher.pendingFrames());
        assertEquals(1, rig.subscriber.poll(collector, 100), "one record");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), delivered);
        for (int i = 0; i < 5; i++)
        {
            final byte[] expected = new byte[PAYLOAD];
            ChannelRig.payload(i + 1, PAYLOAD).getBytes(0, expected);
            assertArrayEquals(expected, payloads.get(i));
        }
        assertEquals(5, rig.publisherCounters.framesOut());
        assertEquals(5, rig.subscriberCounters.framesIn());
        assertTrue(rig.rejections.isEmpty());
    }

    @Test
    void theTagIsAnHmacOverEveryByteButTheTagFieldsAndInnerTagsAreZero() throws Exception
    {
        final byte[] record = sealedBatch(3, PAYLOAD);
        final javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
        hmac.init(new javax.crypto.spec.SecretKeySpec(ChannelRig.KEY_1, "HmacSHA256"));
        int hashFrom = 0;
        for (int i = 0; i < 3; i++)
        {
            final int tag = frameOffset(record, i) + FrameDescriptor.TAG_OFFSET;
            hmac.update(record, hashFrom, tag - hashFrom);
            hashFrom = tag + FrameDescriptor.TAG_LENGTH;
            if (i < 2)
            {
                assertArrayEquals(new byte[FrameDescriptor.TAG_LENGTH],
                    Arrays.copyOfRange(record, tag, tag + FrameDescriptor.TAG_LENGTH), "inner tag " + i);
            }
        }
        hmac.update(record, hashFrom, record.length - hashFrom);
        final int lastTag = frameOffset(record, 2) + FrameDescriptor.TAG_OFFSET;
        assertArrayEquals(hmac.doFinal(), Arrays.copyOfRange(record, lastTag, lastTag + FrameDescriptor.TAG_LENGTH));
        final UnsafeBuffer buffer = new UnsafeBuffer(record);
        for (int i = 0; i < 3; i++)
        {
            final int frame = frameOffset(record, i);
            assertEquals(FrameDescriptor.FLAG_BATCH,
                buffer.getInt(frame + FrameDescriptor.FLAGS_FIELD_OFFSET, FrameDescriptor.BYTE_ORDER));
            assertEquals(1, buffer.getInt(frame + FrameDescriptor.KEY_ID_FIELD_OFFSET, FrameDescriptor.BYTE_ORDER));
        }
    }

    @Test
    void aFullBatchIsCommittedByTheOfferThatFillsIt()
    {
        rig.publisher.batchLimits(4, 4096, NO_LINGER);
        for (long seq = 1; seq <= 10; seq++)
        {
            offer(seq);
        }
        assertEquals(2, rig.publisher.pendingFrames());
        drain();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), delivered);
        assertTrue(rig.publisher.flush() > 0);
        drain();
        assertEquals(10, delivered.size());
        assertEquals(10L, delivered.get(9));
    }

    @Test
    void aBatchIsBoundedByBytesAndALargeFrameGoesAlone()
    {
        final int frameLength = FrameDescriptor.frameLength(PAYLOAD);
        rig.publisher.batchLimits(32, 2 * frameLength + FrameDescriptor.MIN_FRAME_LENGTH - 1, NO_LINGER);
        offer(1);
        offer(2);
        assertEquals(0, rig.publisher.pendingFrames(), "two frames leave no room for a third: committed");
        final int large = 1000;
        assertTrue(rig.publisher.offer(ChannelRig.payload(3, large), 0, large, 3) > 0);
        assertEquals(0, rig.publisher.pendingFrames());
        drain();
        assertEquals(List.of(1L, 2L, 3L), delivered);
        assertEquals(large, payloads.get(2).length);
    }

    @Test
    void theLingerCommitsAnAutomaticBatchInTheDutyCycle()
    {
        rig.publisher.batchLimits(32, 4096, 1_000_000);
        offer(1);
        rig.publisher.doWork();
        drain();
        assertTrue(delivered.isEmpty(), "the first frame has not waited the linger yet");

        rig.timeMs.addAndGet(1);
        rig.publisher.doWork();
        drain();
        assertEquals(List.of(1L), delivered);
    }

    @Test
    void anExplicitBatchIsCommittedWholeAtFlushAndSaysWhenItIsFull()
    {
        rig.publisher.batchLimits(3, 4096, 0);
        assertTrue(rig.publisher.beginBatch());
        offer(1);
        offer(2);
        offer(3);
        assertEquals(ChannelStatus.BATCH_FULL, rig.publisher.offer(ChannelRig.payload(4, PAYLOAD), 0, PAYLOAD, 3));
        rig.timeMs.addAndGet(10);
        rig.publisher.doWork();
        drain();
        assertTrue(delivered.isEmpty(), "neither size nor linger commits an explicit batch");

        assertTrue(rig.publisher.flush() > 0);
        assertEquals(1, rig.subscriber.poll(collector, 100));
        assertEquals(List.of(1L, 2L, 3L), delivered);
        offer(4);
        rig.publisher.doWork();
        drain();
        assertEquals(List.of(1L, 2L, 3L, 4L), delivered, "after flush, batches are automatic again");
    }

    @Test
    void anAbortedBatchPublishesNothingAndItsSequencesAreReused()
    {
        assertTrue(rig.publisher.beginBatch());
        offer(1);
        offer(2);
        rig.publisher.abortBatch();
        assertEquals(1, rig.publisher.nextSequence());
        offer(1);
        assertTrue(rig.publisher.flush() > 0);
        drain();
        assertEquals(List.of(1L), delivered);
        assertTrue(rig.rejections.isEmpty());
    }

    @Test
    void aClaimedFrameJoinsTheBatch()
    {
        final FrameClaim claim = new FrameClaim();
        offer(1);
        assertTrue(rig.publisher.tryClaim(PAYLOAD, 3, claim) > 0);
        ChannelRig.payload(2, PAYLOAD).getBytes(0, claim.buffer(), claim.offset(), PAYLOAD);
        assertTrue(claim.commit() > 0);
        assertTrue(rig.publisher.tryClaim(PAYLOAD, 3, claim) > 0);
        claim.abort();
        offer(3);
        assertTrue(rig.publisher.flush() > 0);
        drain();
        assertEquals(List.of(1L, 2L, 3L), delivered);
        final byte[] expected = new byte[PAYLOAD];
        ChannelRig.payload(2, PAYLOAD).getBytes(0, expected);
        assertArrayEquals(expected, payloads.get(1));
    }

    @Test
    void aBatchIsSealedUnderTheKeyCurrentWhenItIsCommitted()
    {
        offer(1);
        rig.receiveKeys.rotate(2, ChannelRig.KEY_2, 60_000);
        rig.sendKeys.rotate(2, ChannelRig.KEY_2, 0);
        offer(2);
        assertTrue(rig.publisher.flush() > 0);
        final List<Integer> keyIds = new ArrayList<>();
        while (rig.subscriber.poll((buffer, offset, length, frame) -> keyIds.add(frame.keyId()), 100) > 0)
        {
            rig.subscriber.doWork();
        }
        assertEquals(List.of(2, 2), keyIds);
        assertTrue(rig.rejections.isEmpty());
    }

    @Test
    void everySingleBitFlipOfABatchIsRefusedAndDispatchesNothing()
    {
        // The most refusals a quarantine window may hold, on a clock that moves a tenth of the window per flip.
        final ChannelRig tolerant = batchRig(1024);
        final byte[] record = sealedBatch(3, 5);
        final int bits = record.length * Byte.SIZE;
        for (int bit = 0; bit < bits; bit++)
        {
            final byte[] flipped = record.clone();
            flipped[bit / Byte.SIZE] ^= (byte)(1 << (bit % Byte.SIZE));
            tolerant.timeMs.addAndGet(100);
            tolerant.subscriber.doWork();
            assertTrue(tolerant.ringProducer.write(
                Publisher.BATCH_RECORD_TYPE, new UnsafeBuffer(flipped), 0, flipped.length) > 0);
            assertEquals(1, tolerant.subscriber.poll(collector, 100));
            assertTrue(delivered.isEmpty(), "bit " + bit);
            assertEquals(bit + 1, tolerant.rejections.size(), "bit " + bit);
        }
        long counted = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason.isRefusal())
            {
                counted += tolerant.subscriberCounters.rejected(reason);
            }
        }
        assertEquals(bits, counted);
        assertEquals(0, tolerant.subscriberCounters.framesIn());
        assertFalse(tolerant.subscriber.isQuarantined(tolerant.sourceId));

        // The same record unflipped passes: every refusal above was the flip's.
        assertTrue(tolerant.ringProducer.write(
            Publisher.BATCH_RECORD_TYPE, new UnsafeBuffer(record), 0, record.length) > 0);
        tolerant.subscriber.poll(collector, 100);
        assertEquals(List.of(1L, 2L, 3L), delivered);
    }

    @Test
    void aRecordTheFramesDoNotTileIsRefusedByStructure()
    {
        final byte[] record = sealedBatch(2, PAYLOAD);
        final byte[] longer = new byte[record.length + 10];
        System.arraycopy(record, 0, longer, 0, record.length);
        write(longer);
        final byte[] shorter = new byte[record.length - 5];
        System.arraycopy(record, 0, shorter, 0, shorter.length);
        write(shorter);
        drain();
        assertEquals(2, rig.rejections.size());
        assertEquals(rig.sourceId + ":" + RejectReason.TOO_SHORT, rig.rejections.get(0));
        assertTrue(RejectReason.valueOf(rig.rejections.get(1).split(":")[1]).isStructural(), rig.rejections::toString);
        assertTrue(delivered.isEmpty());
    }

    @Test
    void framesOfMixedKeyIdsAreRefusedEvenUnderAGoodTag()
    {
        expectResealedRejected(2, (record) -> putInt(record, 1, FrameDescriptor.KEY_ID_FIELD_OFFSET, 2),
            RejectReason.BATCH_KEY_MISMATCH);
    }

    @Test
    void aNonZeroInnerTagIsRefusedEvenUnderAGoodTag()
    {
        expectResealedRejected(3, (record) -> record[frameOffset(record, 1) + FrameDescriptor.TAG_OFFSET + 17] = 1,
            RejectReason.MALFORMED_BATCH);
    }

    @Test
    void aFrameWithoutTheBatchFlagIsRefusedEvenUnderAGoodTag()
    {
        expectResealedRejected(2, (record) -> putInt(record, 1, FrameDescriptor.FLAGS_FIELD_OFFSET, 0),
            RejectReason.MALFORMED_BATCH);
    }

    @Test
    void aBatchFromAnotherProducerIsUnauthorized()
    {
        expectResealedRejected(2, (record) -> setProducerId(record, 99), RejectReason.UNAUTHORIZED);
    }

    @Test
    void aBatchWithAFrameOfAnotherChannelIsUnauthorized()
    {
        expectResealedRejected(2,
            (record) -> putInt(record, 1, FrameDescriptor.HEADER_LENGTH + FrameDecoder.channelIdEncodingOffset(), 99),
            RejectReason.UNAUTHORIZED);
    }

    @Test
    void aReplayedBatchHasEveryFrameRefusedAsAReplay()
    {
        for (long seq = 1; seq <= 3; seq++)
        {
            offer(seq);
        }
        assertTrue(rig.publisher.flush() > 0);
        final int length = RecordDescriptor.lengthOf(rig.producerRegion.getLong(0));
        final byte[] captured = new byte[length - RecordDescriptor.HEADER_LENGTH];
        rig.producerRegion.getBytes(RecordDescriptor.HEADER_LENGTH, captured);
        drain();
        assertEquals(List.of(1L, 2L, 3L), delivered);

        write(captured);
        drain();
        assertEquals(List.of(1L, 2L, 3L), delivered);
        assertEquals(3, rig.subscriberCounters.rejected(RejectReason.REPLAY));
        assertEquals(3, rig.rejections.size());
    }

    @Test
    void aBatchSealedWithAnotherKeyIsABadTag()
    {
        // The frames keep key id 1; the tag is made with another key.
        expectResealedRejected(2, (record) -> rig.sendKeys.rotate(2, ChannelRig.key(66), 0), RejectReason.BAD_TAG);
    }

    @Test
    void theAeadSealerHasNoBatchFormAndRefusesBothWays()
    {
        final ChannelRig aead = new ChannelRig(1000, AeadFrameSealer::new);
        aead.publisher.sealing(SealingMode.HMAC_BATCH);
        aead.subscriber.sealing(SealingMode.HMAC_BATCH);
        assertTrue(aead.publisher.offer(ChannelRig.payload(1, PAYLOAD), 0, PAYLOAD, 3) > 0);
        assertEquals(ChannelStatus.NO_SENDING_KEY, aead.publisher.flush(), "nothing unsealed is published");

        final byte[] record = sealedBatch(2, PAYLOAD);
        assertTrue(aead.ringProducer.write(Publisher.BATCH_RECORD_TYPE, new UnsafeBuffer(record), 0,
            record.length) > 0);
        aead.subscriber.poll(collector, 100);
        assertTrue(delivered.isEmpty());
        assertEquals(List.of(aead.sourceId + ":" + RejectReason.PROTOCOL_VIOLATION), aead.rejections);
    }

    @Test
    void aRecordOfTheOtherModeIsAProtocolViolation()
    {
        write(Publisher.FRAME_RECORD_TYPE, ChannelRig.sealedFrame(rig.sendKeys, 1));
        drain();
        expectRejected(RejectReason.PROTOCOL_VIOLATION);

        final ChannelRig perFrame = new ChannelRig();
        final byte[] record = sealedBatch(1, PAYLOAD);
        assertTrue(perFrame.ringProducer.write(Publisher.BATCH_RECORD_TYPE, new UnsafeBuffer(record), 0,
            record.length) > 0);
        // A batch of one as a per-frame record: its flag says it was sealed as a batch member.
        assertTrue(perFrame.ringProducer.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(record), 0,
            record.length) > 0);
        perFrame.subscriber.poll(collector, 100);
        assertTrue(delivered.isEmpty());
        assertEquals(List.of(perFrame.sourceId + ":" + RejectReason.PROTOCOL_VIOLATION,
            perFrame.sourceId + ":" + RejectReason.MALFORMED_BATCH), perFrame.rejections);
    }

    @Test
    void aBatchWhoseClaimWasNeverCommittedIsUnblockedAndDispatchesNothing()
    {
        final int capacity = 4096;
        final AtomicBuffer region = ChannelRig.newBuffer(ManyToOneRingDescriptor.regionLength(capacity));
        final ManyToOneRing ring = new ManyToOneRing(region, rig.timeMs::get, 1_000);
        final int source = rig.subscriber.addSharedSource(ring, new int[]{ChannelRig.PRODUCER_ID + 1},
            new HmacFrameSealer(rig.receiveKeys));
        // A publisher that claimed its batch record, wrote the whole sealed batch into it and died before commit.
        final byte[] sealed = sealedBatch(3, PAYLOAD);
        setProducerId(sealed, ChannelRig.PRODUCER_ID + 1);
        reseal(sealed);
        final RingClaim dead = new RingClaim();
        assertTrue(ring.tryClaim(Publisher.BATCH_RECORD_TYPE, sealed.length, dead) > 0);
        dead.buffer().putBytes(dead.offset(), sealed);
        rig.subscriber.poll(collector, 100);
        assertTrue(delivered.isEmpty(), "the subscriber waits at the claim");

        assertTrue(ring.unblock());
        rig.subscriber.poll(collector, 100);
        assertTrue(delivered.isEmpty(), "the unblocked claim is padding");
        assertTrue(rig.rejections.isEmpty(), rig.rejections::toString);

        // The same frames, committed this time, are new to the subscriber: the dead claim never reached it.
        final Publisher again = new Publisher(ring, new HmacFrameSealer(rig.sendKeys), ChannelRig.CHANNEL_ID,
            ChannelRig.PRODUCER_ID + 1, () -> rig.timeMs.get() * 1_000_000L,
            new ChannelCounters(rig.countersManager, "shared again"))
            .sealing(SealingMode.HMAC_BATCH).batchLimits(32, 4096, NO_LINGER);
        again.doWork();
        for (long seq = 1; seq <= 3; seq++)
        {
            assertTrue(again.offer(ChannelRig.payload(seq, PAYLOAD), 0, PAYLOAD, 3) > 0);
        }
        assertTrue(again.flush() > 0);
        rig.subscriber.poll(collector, 100);
        assertEquals(List.of(1L, 2L, 3L), delivered);
        assertFalse(rig.subscriber.isQuarantined(source));
    }

    private static void setProducerId(final byte[] record, final int producerId)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(record);
        for (int position = 0; position < record.length;
            position += BatchFrames.frameLengthAt(buffer, position, record.length - position))
        {
            buffer.putInt(position + FrameDescriptor.HEADER_LENGTH + FrameDecoder.producerIdEncodingOffset(),
                producerId, FrameDescriptor.BYTE_ORDER);
        }
    }
}
