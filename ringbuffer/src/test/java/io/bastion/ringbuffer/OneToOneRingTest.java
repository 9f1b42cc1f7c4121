package io.bastion.ringbuffer;

import io.bastion.ringbuffer.ControlledRecordHandler.Action;
import io.bastion.ringbuffer.RingTestSupport.FakeClock;
import io.bastion.ringbuffer.RingTestSupport.Received;
import io.bastion.ringbuffer.RingTestSupport.Recorder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_REGION_LENGTH;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.producerRegionLength;
import static io.bastion.ringbuffer.RecordDescriptor.HEADER_LENGTH;
import static io.bastion.ringbuffer.RecordDescriptor.PADDING_TYPE_ID;
import static io.bastion.ringbuffer.RecordDescriptor.align;
import static io.bastion.ringbuffer.RingTestSupport.payload;
import static io.bastion.ringbuffer.RingTestSupport.samePayload;
import static io.bastion.ringbuffer.RingTestSupport.wrap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OneToOneRingTest
{
    private static final int CAPACITY = 1024;
    private static final int MAX_PAYLOAD = CAPACITY / 8 - HEADER_LENGTH;

    private final FakeClock clock = new FakeClock(1_000);
    private final AtomicBuffer producerRegion = RingTestSupport.newBuffer(producerRegionLength(CAPACITY));
    private final AtomicBuffer consumerRegion = RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH);
    private final OneToOneRingProducer producer = new OneToOneRingProducer(producerRegion, consumerRegion, clock);
    private final OneToOneRingConsumer consumer = new OneToOneRingConsumer(producerRegion, consumerRegion, clock);
    private final Recorder recorder = new Recorder(CAPACITY, HEADER_LENGTH);
    private final RingClaim claim = new RingClaim();

    private long write(final long seq, final int typeId, final int length)
    {
        final byte[] bytes = payload(seq, length);
        return producer.write(typeId, wrap(bytes), 0, length);
    }

    private long tailWord()
    {
        return producerRegion.getLongVolatile(CAPACITY + TAIL_POSITION_OFFSET);
    }

    private long headWord()
    {
        return consumerRegion.getLongVolatile(HEAD_POSITION_OFFSET);
    }

    @Test
    void aRecordPublishedWhileTheHandlerRunsIsReadInTheSameRead()
    {
        // The read looks at the next header before the handler runs (to overlap its cache miss): a record not yet
        // published at that moment and published by the handler must be read again, not taken for the end.
        write(1, 5, 16);
        final List<Integer> types = new ArrayList<>();
        final RecordHandler handler = (typeId, buffer, offset, length) ->
        {
            types.add(typeId);
            if (1 == types.size())
            {
                assertTrue(write(2, 6, 16) > 0);
                assertTrue(producer.tryClaim(7, 16, claim) > 0);
                assertTrue(claim.commit());
            }
        };
        assertEquals(3, consumer.read(handler, 10));
        assertEquals(List.of(5, 6, 7), types);
        assertEquals(tailWord(), headWord());
    }

    @Test
    void roundTripKeepsTypeContentAndOrder()
    {
        assertEquals(0, consumer.read(recorder, 10));
        assertEquals(align(HEADER_LENGTH + 5), write(1, 7, 5));
        assertEquals(align(HEADER_LENGTH + 5) + HEADER_LENGTH, write(2, 8, 0));
        final long end = write(3, Integer.MAX_VALUE, MAX_PAYLOAD);
        assertEquals(align(HEADER_LENGTH + 5) + HEADER_LENGTH + align(HEADER_LENGTH + MAX_PAYLOAD), end);
        assertEquals(end, tailWord());
        assertEquals(end, producer.position());

        assertEquals(3, consumer.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(0), 1, 7, 5));
        assertTrue(samePayload(recorder.records.get(1), 2, 8, 0));
        assertTrue(samePayload(recorder.records.get(2), 3, Integer.MAX_VALUE, MAX_PAYLOAD));
        assertEquals(end, headWord());
        assertEquals(end, consumer.position());
        assertEquals(0, consumer.read(recorder, 10));
        assertEquals(RingFault.NONE, consumer.fault());
    }

    @Test
    void aConsumerStartedAtAChosenPositionReadsFromThereAndIgnoresTheHeadWord()
    {
        // Three records nobody read, then someone writes 0 into the head word: a consumer started at the third
        // record's position reads only from there and publishes that position at once.
        write(1, 1, 8);
        write(2, 1, 8);
        final long third = producer.position();
        write(3, 1, 8);
        consumerRegion.putLongVolatile(HEAD_POSITION_OFFSET, 0);
        final OneToOneRingConsumer joined = new OneToOneRingConsumer(producerRegion, consumerRegion, clock, third);
        assertEquals(third, headWord());
        assertEquals(1, joined.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(0), 3, 1, 8));
        assertEquals(producer.position(), headWord());

        assertThrows(IllegalArgumentException.class,
            () -> new OneToOneRingConsumer(producerRegion, consumerRegion, clock, third + 4));
        assertThrows(IllegalArgumentException.class,
            () -> new OneToOneRingConsumer(producerRegion, consumerRegion, clock, -8));
    }

    @Test
    void wrapsWithPaddingWhenARecordWouldStraddleTheEnd()
    {
        // Records of 108 bytes take 112: nine fill 1008 bytes and leave 16 before the end.
        final int length = 100;
        for (int i = 0; i < 9; i++)
        {
            assertTrue(write(i, 1, length) > 0);
        }
        assertEquals(9, consumer.read(recorder, 100));
        assertEquals(1008, tailWord());

        final long tail = write(9, 2, length);
        assertEquals(1008 + 16 + 112, tail);
        final long padding = producerRegion.getLong(1008);
        assertEquals(16, RecordDescriptor.lengthOf(padding));
        assertEquals(PADDING_TYPE_ID, RecordDescriptor.typeOf(padding));
        assertEquals(HEADER_LENGTH + length, RecordDescriptor.lengthOf(producerRegion.getLong(0)));

        final List<Integer> offsets = new ArrayList<>();
        assertEquals(1, consumer.read((typeId, buffer, offset, len) -> offsets.add(offset), 100));
        assertEquals(List.of(HEADER_LENGTH), offsets);
        assertEquals(tail, headWord());
    }

    @Test
    void recordEndingExactlyAtTheEndNeedsNoPadding()
    {
        // 896 bytes of records, then one of exactly 128 bytes fills the buffer to its end.
        for (int i = 0; i < 7; i++)
        {
            assertEquals((i + 1) * 128L, write(i, 1, MAX_PAYLOAD));
        }
        assertEquals(7, consumer.read(recorder, 100));
        assertEquals(CAPACITY, write(7, 3, MAX_PAYLOAD));
        assertEquals(CAPACITY + 16, write(8, 4, 8));
        assertEquals(2, consumer.read(recorder, 100));
        assertTrue(samePayload(recorder.records.get(7), 7, 3, MAX_PAYLOAD));
        assertTrue(samePayload(recorder.records.get(8), 8, 4, 8));
    }

    @Test
    void fullRingIsBackPressuredUntilTheConsumerReads()
    {
        int written = 0;
        while (write(written, 1, MAX_PAYLOAD) > 0)
        {
            written++;
        }
        // One alignment unit always stays free (the header word zeroed after the last record), so a
        // ring of eight maximum records takes seven, then fifteen of 8 bytes.
        assertEquals(CAPACITY / 128 - 1, written);
        while (write(written, 1, 0) > 0)
        {
            written++;
        }
        assertEquals(CAPACITY / 128 - 1 + 15, written);
        final long tail = tailWord();
        assertEquals(CAPACITY - RecordDescriptor.ALIGNMENT, tail);
        assertEquals(RingStatus.BACK_PRESSURED, write(99, 1, 0));
        assertEquals(RingStatus.BACK_PRESSURED, producer.tryClaim(1, 0, claim));
        assertFalse(claim.isActive());
        assertEquals(tail, tailWord());
        assertEquals(RingFault.NONE, producer.fault());

        assertEquals(1, consumer.read(recorder, 1));
        assertEquals(tail + HEADER_LENGTH, write(written, 1, 0));
        assertEquals(RingStatus.BACK_PRESSURED, write(99, 1, MAX_PAYLOAD));
        assertEquals(written + 1, consumer.read(recorder, 100) + 1);
        for (int i = 0; i <= written; i++)
        {
            assertTrue(samePayload(recorder.records.get(i), i, 1, i < CAPACITY / 128 - 1 ? MAX_PAYLOAD : 0));
        }
    }

    @Test
    void maximumPayloadIsAcceptedAndOneMoreIsRefused()
    {
        assertEquals(MAX_PAYLOAD, producer.maxPayloadLength());
        assertEquals(RingCapacity.maxPayloadLength(CAPACITY), MAX_PAYLOAD);
        assertEquals(CAPACITY, producer.capacity());
        assertEquals(CAPACITY, consumer.capacity());
        final byte[] big = new byte[MAX_PAYLOAD + 1];
        assertThrows(IllegalArgumentException.class, () -> producer.write(1, wrap(big), 0, MAX_PAYLOAD + 1));
        assertThrows(IllegalArgumentException.class, () -> producer.write(1, wrap(big), 0, -1));
        assertThrows(IllegalArgumentException.class, () -> producer.tryClaim(1, MAX_PAYLOAD + 1, claim));
        assertThrows(IllegalArgumentException.class, () -> producer.tryClaim(1, Integer.MAX_VALUE, claim));
        assertThrows(IllegalArgumentException.class, () -> producer.tryClaim(1, Integer.MIN_VALUE, claim));
        assertEquals(0, tailWord());
        assertTrue(write(5, 1, MAX_PAYLOAD) > 0);
        assertEquals(1, consumer.read(recorder, 1));
        assertTrue(samePayload(recorder.records.get(0), 5, 1, MAX_PAYLOAD));
    }

    @Test
    void typeIdBelowOneIsRefused()
    {
        for (final int typeId : new int[]{0, -1, Integer.MIN_VALUE})
        {
            assertThrows(IllegalArgumentException.class, () -> producer.write(typeId, wrap(new byte[1]), 0, 1));
            assertThrows(IllegalArgumentException.class, () -> producer.tryClaim(typeId, 1, claim));
        }
        assertEquals(0, tailWord());
        assertFalse(claim.isActive());
    }

    @Test
    void claimIsWrittenInPlaceAndPublishedOnCommit()
    {
        final long expectedTail = align(HEADER_LENGTH + 20);
        assertEquals(expectedTail, producer.tryClaim(9, 20, claim));
        assertTrue(claim.isActive());
        assertEquals(20, claim.length());
        assertEquals(20, claim.buffer().capacity());
        claim.buffer().putBytes(claim.offset(), payload(42, 20));
        assertEquals(0, tailWord(), "nothing is published before commit");
        assertEquals(0, consumer.read(recorder, 10));

        assertTrue(claim.commit());
        assertFalse(claim.isActive());
        assertEquals(expectedTail, tailWord());
        assertEquals(1, consumer.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(0), 42, 9, 20));
    }

    @Test
    void abortPublishesNothingAndTheSpaceIsReused()
    {
        assertTrue(write(0, 1, 16) > 0);
        final long tail = tailWord();
        final long claimed = producer.tryClaim(2, 40, claim);
        claim.buffer().putBytes(0, payload(77, 40));
        claim.abort();
        assertFalse(claim.isActive());
        assertEquals(tail, tailWord());
        assertEquals(tail, producer.position());
        assertEquals(claimed, write(1, 3, 40), "the aborted space is handed out again");
        assertEquals(2, consumer.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(1), 1, 3, 40));
    }

    @Test
    void abortOfAClaimThatWrappedLeavesNoPaddingBehind()
    {
        for (int i = 0; i < 9; i++)
        {
            write(i, 1, 100);
        }
        consumer.read(recorder, 100);
        assertEquals(1008 + 16 + 112, producer.tryClaim(1, 100, claim));
        claim.abort();
        assertEquals(1008 + 16, write(50, 6, 8), "a small record still fits before the end");
        assertEquals(1, consumer.read(recorder, 100));
        assertTrue(samePayload(recorder.records.get(9), 50, 6, 8));
    }

    @Test
    void completingAClaimTwiceIsMisuse()
    {
        assertThrows(IllegalStateException.class, claim::commit);
        assertThrows(IllegalStateException.class, claim::abort);

        producer.tryClaim(1, 8, claim);
        assertTrue(claim.commit());
        assertThrows(IllegalStateException.class, claim::commit);
        assertThrows(IllegalStateException.class, claim::abort);

        producer.tryClaim(1, 8, claim);
        claim.abort();
        assertThrows(IllegalStateException.class, claim::commit);
        assertThrows(IllegalStateException.class, claim::abort);

        assertEquals(1, consumer.read(recorder, 10));
    }

    @Test
    void onlyOneClaimMayBeOpen()
    {
        producer.tryClaim(1, 8, claim);
        final RingClaim second = new RingClaim();
        assertThrows(IllegalStateException.class, () -> producer.tryClaim(1, 8, second));
        assertThrows(IllegalStateException.class, () -> producer.tryClaim(1, 8, claim));
        assertThrows(IllegalStateException.class, () -> producer.write(1, wrap(new byte[8]), 0, 8));
        assertFalse(second.isActive());
        claim.buffer().putBytes(0, payload(3, 8));
        assertTrue(claim.commit());
        assertTrue(producer.tryClaim(1, 8, second) > 0);
        second.abort();
        assertEquals(1, consumer.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(0), 3, 1, 8));
    }

    @Test
    void claimObjectOpenOnAnotherRingIsRefused()
    {
        final AtomicBuffer otherProducerRegion = RingTestSupport.newBuffer(producerRegionLength(CAPACITY));
        final AtomicBuffer otherConsumerRegion = RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH);
        final OneToOneRingProducer other = new OneToOneRingProducer(otherProducerRegion, otherConsumerRegion, clock);
        other.tryClaim(1, 8, claim);
        assertThrows(IllegalStateException.class, () -> producer.tryClaim(1, 8, claim));
        assertThrows(IllegalStateException.class, () -> producer.commit(claim));
        assertThrows(IllegalStateException.class, () -> producer.abort(claim));
        assertTrue(claim.commit());
        assertEquals(0, tailWord());
    }

    @Test
    void controlledReadAbortRedeliversTheRecord()
    {
        write(0, 1, 8);
        write(1, 2, 8);
        final List<Integer> seen = new ArrayList<>();
        assertEquals(0, consumer.controlledRead((typeId, buffer, offset, length) ->
        {
            seen.add(typeId);
            return Action.ABORT;
        }, 10));
        assertEquals(0, headWord());
        assertEquals(1, consumer.controlledRead((typeId, buffer, offset, length) ->
        {
            seen.add(typeId);
            return 1 == typeId ? Action.CONTINUE : Action.ABORT;
        }, 10));
        assertEquals(16, headWord());
        assertEquals(1, consumer.read(recorder, 10));
        assertEquals(List.of(1, 1, 2), seen);
        assertTrue(samePayload(recorder.records.get(0), 1, 2, 8));
    }

    @Test
    void controlledReadBreakStopsAfterTheRecord()
    {
        write(0, 1, 8);
        write(1, 2, 8);
        write(2, 3, 8);
        assertEquals(1, consumer.controlledRead((typeId, buffer, offset, length) -> Action.BREAK, 10));
        assertEquals(16, headWord());
        assertEquals(2, consumer.read(recorder, 10));
        assertEquals(2, recorder.records.get(0).typeId);
    }

    @Test
    void controlledReadCommitPublishesTheHeadMidBatch()
    {
        for (int i = 0; i < 4; i++)
        {
            write(i, i + 1, 8);
        }
        final List<Long> headsSeen = new ArrayList<>();
        assertEquals(4, consumer.controlledRead((typeId, buffer, offset, length) ->
        {
            headsSeen.add(headWord());
            return Action.COMMIT;
        }, 10));
        assertEquals(List.of(0L, 16L, 32L, 48L), headsSeen);
        assertEquals(64, headWord());
    }

    @Test
    void controlledReadContinuePublishesTheHeadOnlyAtTheEnd()
    {
        for (int i = 0; i < 4; i++)
        {
            write(i, i + 1, 8);
        }
        final List<Long> headsSeen = new ArrayList<>();
        assertEquals(4, consumer.controlledRead((typeId, buffer, offset, length) ->
        {
            headsSeen.add(headWord());
            return Action.CONTINUE;
        }, 10));
        assertEquals(List.of(0L, 0L, 0L, 0L), headsSeen);
        assertEquals(64, headWord());
        assertEquals(0, consumer.controlledRead((typeId, buffer, offset, length) -> Action.CONTINUE, 10));
    }

    @Test
    void controlledReadSkipsPaddingAndRespectsTheLimit()
    {
        for (int i = 0; i < 9; i++)
        {
            write(i, 1, 100);
        }
        consumer.read(recorder, 100);
        write(9, 2, 100);
        write(10, 3, 100);
        final List<Integer> types = new ArrayList<>();
        assertEquals(1, consumer.controlledRead((typeId, buffer, offset, length) ->
        {
            types.add(typeId);
            return Action.CONTINUE;
        }, 1));
        assertEquals(1008 + 16 + 112, headWord());
        assertEquals(1, consumer.controlledRead((typeId, buffer, offset, length) ->
        {
            types.add(typeId);
            return Action.CONTINUE;
        }, 5));
        assertEquals(List.of(2, 3), types);
    }

    @Test
    void readLimitIsRespected()
    {
        for (int i = 0; i < 10; i++)
        {
            write(i, i + 1, i);
        }
        assertEquals(0, consumer.read(recorder, 0));
        assertEquals(0, consumer.read(recorder, -5));
        assertEquals(0, headWord());
        assertEquals(3, consumer.read(recorder, 3));
        assertEquals(3, recorder.records.size());
        assertEquals(7, consumer.read(recorder, 100));
        for (int i = 0; i < 10; i++)
        {
            assertTrue(samePayload(recorder.records.get(i), i, i + 1, i));
        }
    }

    @Test
    void constructorsCheckCapacityAndSizes()
    {
        final AtomicBuffer notPowerOfTwo = RingTestSupport.newBuffer(producerRegionLength(1000));
        final AtomicBuffer tooSmall = RingTestSupport.newBuffer(producerRegionLength(32));
        final AtomicBuffer tooLarge = new UnsafeBuffer(0L, producerRegionLength(1 << 30));
        final AtomicBuffer shortConsumerRegion = RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH - 8);
        for (final AtomicBuffer region : new AtomicBuffer[]{notPowerOfTwo, tooSmall, tooLarge})
        {
            assertThrows(IllegalArgumentException.class,
                () -> new OneToOneRingProducer(region, consumerRegion, clock));
            assertThrows(IllegalArgumentException.class,
                () -> new OneToOneRingConsumer(region, consumerRegion, clock));
        }
        assertThrows(IllegalArgumentException.class,
            () -> new OneToOneRingProducer(producerRegion, shortConsumerRegion, clock));
        assertThrows(IllegalArgumentException.class,
            () -> new OneToOneRingConsumer(producerRegion, shortConsumerRegion, clock));
        new OneToOneRingConsumer(RingTestSupport.newBuffer(producerRegionLength(64)), consumerRegion, clock);
    }

    /**
     * The constructors document IllegalArgumentException for a region with the wrong alignment.
     */
    @Test
    void constructorsRefuseAMisalignedRegionWithIllegalArgumentException()
    {
        final UnsafeBuffer backing = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            producerRegionLength(CAPACITY) + 64, 64));
        final AtomicBuffer misaligned = new UnsafeBuffer(backing, 4, producerRegionLength(CAPACITY));
        final AtomicBuffer misalignedConsumer = new UnsafeBuffer(backing, 4, CONSUMER_REGION_LENGTH);
        assertThrows(IllegalArgumentException.class,
            () -> new OneToOneRingProducer(misaligned, consumerRegion, clock));
        assertThrows(IllegalArgumentException.class,
            () -> new OneToOneRingConsumer(misaligned, consumerRegion, clock));
        assertThrows(IllegalArgumentException.class,
            () -> new OneToOneRingProducer(producerRegion, misalignedConsumer, clock));
    }

    @Test
    void constructorsRefuseAnInvalidStoredPosition()
    {
        for (final long bad : new long[]{-8, 3, Long.MIN_VALUE, Long.MAX_VALUE})
        {
            producerRegion.putLong(CAPACITY + TAIL_POSITION_OFFSET, bad);
            assertThrows(IllegalArgumentException.class,
                () -> new OneToOneRingProducer(producerRegion, consumerRegion, clock));
            consumerRegion.putLong(HEAD_POSITION_OFFSET, bad);
            assertThrows(IllegalArgumentException.class,
                () -> new OneToOneRingConsumer(producerRegion, consumerRegion, clock));
        }
    }

    @Test
    void heartbeatsUseTheInjectedClock()
    {
        assertFalse(consumer.isProducerAlive(100), "no heartbeat yet");
        assertFalse(producer.isConsumerAlive(100), "no heartbeat yet");
        producer.producerHeartbeat();
        consumer.consumerHeartbeat();
        assertEquals(1_000, producerRegion.getLongVolatile(CAPACITY + PRODUCER_HEARTBEAT_OFFSET));
        assertEquals(1_000, consumerRegion.getLongVolatile(CONSUMER_HEARTBEAT_OFFSET));
        clock.nowMs = 1_100;
        assertTrue(consumer.isProducerAlive(100));
        assertTrue(producer.isConsumerAlive(100));
        clock.nowMs = 1_101;
        assertFalse(consumer.isProducerAlive(100));
        assertFalse(producer.isConsumerAlive(100));
        producer.producerHeartbeat();
        assertTrue(consumer.isProducerAlive(100));
        assertFalse(consumer.isProducerAlive(-1), "a negative timeout never counts as alive");
    }

    @Test
    void heartbeatFromTheFutureCountsAsDead()
    {
        clock.nowMs = 50_000;
        for (final long hostile : new long[]{50_101, 1_000_000, Long.MAX_VALUE, 0, -1, Long.MIN_VALUE})
        {
            consumerRegion.putLongVolatile(CONSUMER_HEARTBEAT_OFFSET, hostile);
            producerRegion.putLongVolatile(CAPACITY + PRODUCER_HEARTBEAT_OFFSET, hostile);
            assertFalse(producer.isConsumerAlive(100), "heartbeat " + hostile);
            assertFalse(consumer.isProducerAlive(100), "heartbeat " + hostile);
        }
        consumerRegion.putLongVolatile(CONSUMER_HEARTBEAT_OFFSET, 50_100);
        assertTrue(producer.isConsumerAlive(100), "a little clock skew is tolerated");
    }

    @Test
    void newProducerAndConsumerResumeAtTheStoredPositions()
    {
        for (int i = 0; i < 20; i++)
        {
            write(i, 1, 40);
        }
        assertEquals(12, consumer.read(recorder, 12));
        final long tail = tailWord();
        final long head = headWord();

        final OneToOneRingProducer producer2 = new OneToOneRingProducer(producerRegion, consumerRegion, clock);
        final OneToOneRingConsumer consumer2 = new OneToOneRingConsumer(producerRegion, consumerRegion, clock);
        assertEquals(tail, producer2.position());
        assertEquals(head, consumer2.position());
        for (int i = 20; i < 40; i++)
        {
            final byte[] bytes = payload(i, 40);
            while (producer2.write(1, wrap(bytes), 0, 40) < 0)
            {
                assertTrue(consumer2.read(recorder, 3) > 0);
            }
        }
        while (consumer2.read(recorder, 100) > 0)
        {
            assertEquals(RingFault.NONE, consumer2.fault());
        }
        assertEquals(40, recorder.records.size());
        for (int i = 0; i < 40; i++)
        {
            assertTrue(samePayload(recorder.records.get(i), i, 1, 40), "record " + i);
        }
    }

    @Test
    void consumerWorksOverAReadOnlyMappingOfTheProducerRegion(@TempDir final Path dir) throws IOException
    {
        final int capacity = 4096;
        final Path file = dir.resolve("producer.ring");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
            StandardOpenOption.WRITE))
        {
            final MappedByteBuffer readWrite = channel.map(FileChannel.MapMode.READ_WRITE, 0,
                producerRegionLength(capacity));
            final MappedByteBuffer readOnly = channel.map(FileChannel.MapMode.READ_ONLY, 0,
                producerRegionLength(capacity));
            assertTrue(readOnly.isReadOnly());
            final AtomicBuffer producerView = new UnsafeBuffer(readWrite);
            final AtomicBuffer consumerView = new UnsafeBuffer(readOnly);
            final OneToOneRingProducer p = new OneToOneRingProducer(producerView, consumerRegion, clock);
            final OneToOneRingConsumer c = new OneToOneRingConsumer(consumerView, consumerRegion, clock);
            final int maxPayload = p.maxPayloadLength();
            final SplittableRandom random = new SplittableRandom(7);
            final Recorder received = new Recorder(capacity, HEADER_LENGTH);
            final int messages = 20_000;
            final int[] lengths = new int[messages];
            int sent = 0;
            while (sent < messages)
            {
                final int length = random.nextInt(maxPayload + 1);
                final byte[] bytes = payload(sent, length);
                if (p.write(1 + sent % 5, wrap(bytes), 0, length) > 0)
                {
                    lengths[sent++] = length;
                }
                else
                {
                    c.read(received, 1 + random.nextInt(8));
                    c.consumerHeartbeat();
                }
            }
            while (c.read(received, 100) > 0)
            {
                assertEquals(RingFault.NONE, c.fault());
            }
            assertEquals(messages, received.records.size());
            for (int i = 0; i < messages; i++)
            {
                assertTrue(samePayload(received.records.get(i), i, 1 + i % 5, lengths[i]), "record " + i);
            }
            assertTrue(p.position() > 50L * capacity, "many laps");
            assertEquals(p.position(), c.position());
        }
    }

    @Test
    void staleBytesFromEarlierLapsAreNeverRead()
    {
        // Laps of large records leave plausible headers all over the buffer, at shifting offsets.
        for (int lap = 0; lap < 3; lap++)
        {
            for (int i = 0; i < CAPACITY / 128 - 1; i++)
            {
                assertTrue(write(i, 9, MAX_PAYLOAD) > 0);
            }
            assertEquals(CAPACITY / 128 - 1, consumer.read(recorder, 100));
        }
        recorder.records.clear();
        for (int i = 0; i < 5; i++)
        {
            write(1000 + i, 2, 3);
            assertEquals(1, consumer.read(recorder, 100));
            assertEquals(0, consumer.read(recorder, 100));
        }
        assertEquals(5, recorder.records.size());
        for (int i = 0; i < 5; i++)
        {
            final Received r = recorder.records.get(i);
            assertTrue(samePayload(r, 1000 + i, 2, 3), r.toString());
        }
        // A claim that is aborted writes no header, and its payload over stale records is never read.
        producer.tryClaim(4, 50, claim);
        claim.abort();
        assertEquals(0, consumer.read(recorder, 100));
        assertArrayEquals(payload(1004, 3), recorder.records.get(4).payload);
        assertEquals(RingFault.NONE, consumer.fault());
    }
}
