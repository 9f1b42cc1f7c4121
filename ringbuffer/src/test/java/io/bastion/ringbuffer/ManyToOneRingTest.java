package io.bastion.ringbuffer;

import io.bastion.ringbuffer.ControlledRecordHandler.Action;
import io.bastion.ringbuffer.RingTestSupport.Recorder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.bastion.ringbuffer.ManyToOneRecordDescriptor.HEADER_LENGTH;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.regionLength;
import static io.bastion.ringbuffer.RecordDescriptor.align;
import static io.bastion.ringbuffer.RingTestSupport.payload;
import static io.bastion.ringbuffer.RingTestSupport.samePayload;
import static io.bastion.ringbuffer.RingTestSupport.wrap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManyToOneRingTest extends ManyToOneRingFixture
{
    @Test
    void aClaimCommittedWhileTheHandlerRunsIsReadInTheSameRead()
    {
        // The read looks at the next header before the handler runs (to overlap its cache miss): a record still
        // claimed at that moment and committed by the handler must be read again, not taken for the end.
        write(1, 7, 16);
        assertTrue(ring.tryClaim(8, 16, claim) > 0);
        claim.buffer().putLong(claim.offset(), 42);
        final List<Integer> types = new ArrayList<>();
        final RecordHandler handler = (typeId, buffer, offset, length) ->
        {
            types.add(typeId);
            if (1 == types.size())
            {
                assertTrue(claim.commit());
                assertTrue(write(3, 9, 16) > 0);
            }
        };
        assertEquals(3, ring.read(handler, 10));
        assertEquals(List.of(7, 8, 9), types);
        assertEquals(tailWord(), headWord());
    }

    @Test
    void roundTripKeepsTypeContentAndOrder()
    {
        assertEquals(0, ring.read(recorder, 10));
        final long first = write(1, 7, 5);
        assertEquals(align(HEADER_LENGTH + 5), first);
        assertEquals(first + HEADER_LENGTH, write(2, 8, 0));
        final long end = write(3, ManyToOneRecordDescriptor.MAX_TYPE_ID, MAX_PAYLOAD);
        assertEquals(end, tailWord());
        assertEquals(end, ring.producerPosition());
        assertEquals(3, ring.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(0), 1, 7, 5));
        assertTrue(samePayload(recorder.records.get(1), 2, 8, 0));
        assertTrue(samePayload(recorder.records.get(2), 3, ManyToOneRecordDescriptor.MAX_TYPE_ID, MAX_PAYLOAD));
        assertEquals(end, headWord());
        assertEquals(end, ring.consumerPosition());
        assertEquals(0, ring.read(recorder, 10));
    }

    @Test
    void wrapsWithPaddingWhenARecordWouldStraddleTheEnd()
    {
        fillToTheWrap();
        assertEquals(960 + 64 + 120, write(8, 2, 108));
        final long padding = region.getLong(960);
        assertEquals(ManyToOneRecordDescriptor.padding(64, stampAt(960)), padding);
        assertEquals(ManyToOneRecordDescriptor.committed(116, 2, stampAt(1024)), region.getLong(0));

        final List<Integer> offsets = new ArrayList<>();
        assertEquals(1, drain(ring, (typeId, buffer, offset, length) -> offsets.add(offset)));
        assertEquals(List.of(HEADER_LENGTH), offsets);
        assertEquals(960 + 64 + 120, headWord());
    }

    @Test
    void oneReadCarriesOnPastThePaddingAtTheWrap()
    {
        fillToTheWrap();
        write(8, 2, 108);
        write(9, 3, 108);
        assertEquals(2, ring.read(recorder, 100), "padding at the end must not end the read");
        assertTrue(samePayload(recorder.records.get(8), 8, 2, 108));
        assertTrue(samePayload(recorder.records.get(9), 9, 3, 108));
        assertEquals(960 + 64 + 240, ring.consumerPosition());
    }

    /**
     * Past the padding at the wrap a read is in the next lap: a word there stamped for the head's lap is left from an
     * earlier lap, never a record, however well formed.
     */
    @Test
    void pastTheWrapOnlyTheNextLapsStampCounts()
    {
        fillToTheWrap();
        write(8, 2, 108);
        final long record = region.getLong(0);
        assertEquals(stampAt(1024), ManyToOneRecordDescriptor.stampOf(record));
        region.putLong(0, ManyToOneRecordDescriptor.committed(116, 2, stampAt(960)));

        assertEquals(0, ring.read(recorder, 100));
        assertEquals(1024, ring.consumerPosition(), "the padding is consumed, the stale word is not");
        assertEquals(RingFault.NONE, ring.fault());
        region.putLong(0, record);
        assertEquals(1, ring.read(recorder, 100));
        assertTrue(samePayload(recorder.records.get(8), 8, 2, 108));
        assertEquals(1024 + 120, ring.consumerPosition());
    }

    @Test
    void fullRingIsBackPressuredUntilTheConsumerReads()
    {
        int written = 0;
        while (write(written, 1, MAX_PAYLOAD) > 0)
        {
            written++;
        }
        assertEquals(CAPACITY / 128, written);
        final long tail = tailWord();
        assertEquals(RingStatus.BACK_PRESSURED, write(99, 1, 0));
        assertEquals(RingStatus.BACK_PRESSURED, ring.tryClaim(1, 0, claim));
        assertFalse(claim.isActive());
        assertEquals(tail, tailWord());
        assertEquals(1, ring.read(recorder, 1));
        assertEquals(tail + 128, write(written, 1, MAX_PAYLOAD));
        assertEquals(written, drain(ring, recorder));
        for (int i = 0; i <= written; i++)
        {
            assertTrue(samePayload(recorder.records.get(i), i, 1, MAX_PAYLOAD));
        }
        assertEquals(RingFault.NONE, ring.fault());
    }

    @Test
    void maximumPayloadIsAcceptedAndOneMoreIsRefused()
    {
        assertEquals(MAX_PAYLOAD, ring.maxPayloadLength());
        assertEquals(CAPACITY, ring.capacity());
        final byte[] big = new byte[MAX_PAYLOAD + 1];
        assertThrows(IllegalArgumentException.class, () -> ring.write(1, wrap(big), 0, MAX_PAYLOAD + 1));
        assertThrows(IllegalArgumentException.class, () -> ring.write(1, wrap(big), 0, -1));
        assertThrows(IllegalArgumentException.class, () -> ring.tryClaim(1, MAX_PAYLOAD + 1, claim));
        assertThrows(IllegalArgumentException.class, () -> ring.tryClaim(1, Integer.MAX_VALUE, claim));
        assertEquals(0, tailWord());
        assertTrue(write(5, 1, MAX_PAYLOAD) > 0);
        assertEquals(1, ring.read(recorder, 1));
        assertTrue(samePayload(recorder.records.get(0), 5, 1, MAX_PAYLOAD));
    }

    @Test
    void typeIdOutsideOneToMaxTypeIdIsRefused()
    {
        final int tooBig = ManyToOneRecordDescriptor.MAX_TYPE_ID + 1;
        for (final int typeId : new int[]{0, -1, Integer.MIN_VALUE, tooBig, Integer.MAX_VALUE})
        {
            assertThrows(IllegalArgumentException.class, () -> ring.write(typeId, wrap(new byte[1]), 0, 1));
            assertThrows(IllegalArgumentException.class, () -> ring.tryClaim(typeId, 1, claim));
        }
        assertEquals(0, tailWord());
    }

    @Test
    void claimIsWrittenInPlaceAndPublishedOnCommit()
    {
        assertEquals(align(HEADER_LENGTH + 20), ring.tryClaim(9, 20, claim));
        claim.buffer().putBytes(claim.offset(), payload(42, 20));
        assertEquals(0, ring.read(recorder, 10), "a claim is not readable before commit");
        assertTrue(claim.commit());
        assertFalse(claim.isActive());
        assertEquals(1, ring.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(0), 42, 9, 20));
    }

    @Test
    void claimsCommittedOutOfOrderAreReadInClaimOrder()
    {
        final RingClaim second = new RingClaim();
        ring.tryClaim(1, 8, claim);
        ring.tryClaim(2, 8, second);
        claim.buffer().putBytes(0, payload(1, 8));
        second.buffer().putBytes(0, payload(2, 8));
        assertTrue(second.commit());
        assertEquals(0, ring.read(recorder, 10), "the first claim holds the consumer");
        assertTrue(claim.commit());
        assertEquals(2, ring.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(0), 1, 1, 8));
        assertTrue(samePayload(recorder.records.get(1), 2, 2, 8));
    }

    @Test
    void abortedClaimIsSkippedByTheConsumer()
    {
        write(0, 1, 8);
        ring.tryClaim(5, 30, claim);
        claim.buffer().putBytes(0, payload(99, 30));
        write(1, 2, 8);
        claim.abort();
        assertFalse(claim.isActive());
        assertEquals(2, ring.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(0), 0, 1, 8));
        assertTrue(samePayload(recorder.records.get(1), 1, 2, 8));
        assertEquals(tailWord(), headWord());
    }

    @Test
    void completingAClaimTwiceIsMisuse()
    {
        assertThrows(IllegalStateException.class, claim::commit);
        ring.tryClaim(1, 8, claim);
        assertThrows(IllegalStateException.class, () -> ring.tryClaim(1, 8, claim));
        assertTrue(claim.commit());
        assertThrows(IllegalStateException.class, claim::commit);
        assertThrows(IllegalStateException.class, claim::abort);
        ring.tryClaim(1, 8, claim);
        claim.abort();
        assertThrows(IllegalStateException.class, claim::commit);
        assertThrows(IllegalStateException.class, claim::abort);
        assertThrows(IllegalStateException.class, () -> ring.commit(new RingClaim()));
        assertEquals(1, ring.read(recorder, 10));
    }

    @Test
    void controlledReadActions()
    {
        final long record = align(HEADER_LENGTH + 8);
        for (int i = 0; i < 6; i++)
        {
            write(i, i + 1, 8);
        }
        final List<Integer> seen = new ArrayList<>();
        assertEquals(0, ring.controlledRead((typeId, buffer, offset, length) ->
        {
            seen.add(typeId);
            return Action.ABORT;
        }, 10));
        assertEquals(0, headWord());
        assertEquals(1, ring.controlledRead((typeId, buffer, offset, length) ->
        {
            seen.add(typeId);
            return Action.BREAK;
        }, 10));
        assertEquals(record, headWord());
        final List<Long> heads = new ArrayList<>();
        assertEquals(2, ring.controlledRead((typeId, buffer, offset, length) ->
        {
            seen.add(typeId);
            heads.add(headWord());
            return Action.COMMIT;
        }, 2));
        assertEquals(List.of(record, 2L * record), heads);
        assertEquals(3 * record, headWord());
        heads.clear();
        assertEquals(2, ring.controlledRead((typeId, buffer, offset, length) ->
        {
            seen.add(typeId);
            heads.add(headWord());
            return 6 == typeId ? Action.ABORT : Action.CONTINUE;
        }, 10));
        assertEquals(List.of(3L * record, 3L * record, 3L * record), heads);
        assertEquals(5 * record, headWord());
        assertEquals(1, ring.read(recorder, 10));
        assertEquals(List.of(1, 1, 2, 3, 4, 5, 6), seen);
        assertTrue(samePayload(recorder.records.get(0), 5, 6, 8));
    }

    @Test
    void readLimitIsRespected()
    {
        for (int i = 0; i < 10; i++)
        {
            write(i, i + 1, i);
        }
        assertEquals(0, ring.read(recorder, 0));
        assertEquals(3, ring.read(recorder, 3));
        assertEquals(7, ring.read(recorder, 100));
        for (int i = 0; i < 10; i++)
        {
            assertTrue(samePayload(recorder.records.get(i), i, i + 1, i));
        }
    }

    @Test
    void readHandsOverIntactRecordsThenZeroesThemAndNothingElse()
    {
        // Records of 116 bytes (108 of payload) take 120.
        for (int i = 0; i < 3; i++)
        {
            write(i, 1, 108);
        }
        final byte[] unread = new byte[120];
        region.getBytes(240, unread);
        final List<Long> headsSeen = new ArrayList<>();
        assertEquals(2, ring.read((typeId, buffer, offset, length) ->
        {
            headsSeen.add(headWord());
            recorder.onRecord(typeId, buffer, offset, length);
        }, 2));
        assertEquals(List.of(0L, 0L), headsSeen);
        assertTrue(samePayload(recorder.records.get(0), 0, 1, 108));
        assertTrue(samePayload(recorder.records.get(1), 1, 1, 108));
        assertEquals(240, headWord());
        assertTrue(isZero(0, 240));
        final byte[] after = new byte[120];
        region.getBytes(240, after);
        assertArrayEquals(unread, after, "the unread record was touched");

        assertEquals(1, ring.read(recorder, 10));
        assertTrue(isZero(0, 360));
        assertTrue(samePayload(recorder.records.get(2), 2, 1, 108));
    }

    @Test
    void aReadAcrossTheWrapZeroesBothEnds()
    {
        fillToTheWrap();
        // The next record does not fit in the 64 bytes left: padding there, the record at index 0.
        assertEquals(960 + 64 + 120, write(8, 2, 108));
        assertEquals(ManyToOneRecordDescriptor.padding(64, stampAt(960)), region.getLong(960));
        assertFalse(isZero(0, 120));
        assertEquals(1, drain(ring, recorder));
        assertEquals(960 + 64 + 120, headWord());
        assertTrue(isZero(0, CAPACITY), "padding and the wrapped record are zeroed");
        assertTrue(samePayload(recorder.records.get(8), 8, 2, 108));
    }

    @Test
    void aConsumerThatIsBehindPublishesTheHeadAsItReads()
    {
        assertProducersGoOnWhileABehindConsumerReads(false);
    }

    @Test
    void aConsumerThatIsBehindPublishesTheHeadAsItControlledReads()
    {
        assertProducersGoOnWhileABehindConsumerReads(true);
    }

    /**
     * A ring of four publication strides, filled with 256-byte records, is read in one call whose handler records
     * the published head and tries to write one more record each time. The first such read (the consumer was not
     * behind) publishes once, at its end; the next, after a read of half the ring or more, publishes every stride,
     * and from the first publication on producers find room. A short read ends that. Everything written is read
     * once, intact, in order.
     */
    private void assertProducersGoOnWhileABehindConsumerReads(final boolean controlled)
    {
        final int capacity = 4 * ManyToOneRing.HEAD_PUBLICATION_BYTES;
        final int payloadLength = 256 - HEADER_LENGTH;
        final int perStride = ManyToOneRing.HEAD_PUBLICATION_BYTES / 256;
        final int perLap = capacity / 256;
        final AtomicBuffer bigRegion = RingTestSupport.newBuffer(regionLength(capacity));
        final ManyToOneRing bigRing = new ManyToOneRing(bigRegion, clock, TIMEOUT_MS);
        final Recorder bigRecorder = new Recorder(capacity, HEADER_LENGTH);
        final List<Long> headsSeen = new ArrayList<>();
        final List<Long> writesDuringRead = new ArrayList<>();
        final long[] nextSeq = {0};
        final RecordHandler handler = (typeId, buffer, offset, length) ->
        {
            headsSeen.add(bigRegion.getLongVolatile(capacity + HEAD_POSITION_OFFSET));
            bigRecorder.onRecord(typeId, buffer, offset, length);
            final long result = bigRing.write(2, wrap(payload(nextSeq[0], payloadLength)), 0, payloadLength);
            writesDuringRead.add(result);
            if (result > 0)
            {
                nextSeq[0]++;
            }
        };
        // The sequence numbers expected in order, negated for the records the handler wrote (type 2).
        final List<Long> expectedSeq = new ArrayList<>();

        // Not behind: one publication, at the end; no producer gets in while the ring is read.
        assertEquals(perLap, fill(bigRing, nextSeq, expectedSeq, payloadLength));
        assertEquals(perLap, readOnce(bigRing, handler, controlled));
        assertEquals(Collections.nCopies(perLap, 0L), headsSeen);
        assertEquals(Collections.nCopies(perLap, RingStatus.BACK_PRESSURED), writesDuringRead);

        // Behind: the head moves every stride and producers go on from the first publication.
        headsSeen.clear();
        writesDuringRead.clear();
        final long lapStart = capacity;
        assertEquals(perLap, fill(bigRing, nextSeq, expectedSeq, payloadLength));
        assertEquals(perLap, readOnce(bigRing, handler, controlled));
        final List<Long> expectedHeads = new ArrayList<>();
        final List<Long> expectedWrites = new ArrayList<>();
        for (int i = 0; i < perLap; i++)
        {
            expectedHeads.add(lapStart + (long)(i / perStride) * ManyToOneRing.HEAD_PUBLICATION_BYTES);
            if (i < perStride)
            {
                expectedWrites.add(RingStatus.BACK_PRESSURED);
            }
            else
            {
                expectedWrites.add(2L * capacity + 256L * (i - perStride + 1));
                expectedSeq.add(-(2L * perLap + i - perStride));
            }
        }
        assertEquals(expectedHeads, headsSeen);
        assertEquals(expectedWrites, writesDuringRead);
        assertEquals(2L * capacity, bigRing.consumerPosition());

        // A read of less than half the ring: the consumer has caught up, and the next read publishes at its end.
        headsSeen.clear();
        writesDuringRead.clear();
        final int late = perLap - perStride;
        assertEquals(late / 2, bigRing.read(bigRecorder, late / 2));
        assertEquals(late - late / 2, bigRing.read(bigRecorder, late / 2));
        final long caughtUp = bigRing.consumerPosition();
        assertEquals(2L * capacity + 256L * late, caughtUp);
        final int refill = fill(bigRing, nextSeq, expectedSeq, payloadLength);
        assertEquals(perLap, refill);
        assertEquals(perLap, readOnce(bigRing, handler, controlled));
        assertEquals(Collections.nCopies(perLap, caughtUp), headsSeen);
        assertEquals(Collections.nCopies(perLap, RingStatus.BACK_PRESSURED), writesDuringRead);

        assertEquals(expectedSeq.size(), bigRecorder.records.size());
        for (int i = 0; i < expectedSeq.size(); i++)
        {
            final long seq = expectedSeq.get(i);
            assertTrue(samePayload(bigRecorder.records.get(i), Math.abs(seq), seq < 0 ? 2 : 1, payloadLength),
                "record " + i);
        }
        assertEquals(RingFault.NONE, bigRing.fault());
    }

    @Test
    void recordsClaimedPastTheStartingLapDuringAReadAreNoFault()
    {
        // Once a read has published mid-batch, producers may claim up to a lap past the new head, so a record may
        // run past the point a lap from where the read began. Start the laps at every offset a 264-byte record can,
        // from the start of the buffer to its last stride, where the first segment is too short to publish in.
        final int capacity = 4 * ManyToOneRing.HEAD_PUBLICATION_BYTES;
        final int payloadLength = 256;
        final int fillerLength = 200;
        for (int shift = 8; shift <= 264 * 31; shift += 8)
        {
            for (final boolean controlled : new boolean[]{false, true})
            {
                final AtomicBuffer bigRegion = RingTestSupport.newBuffer(regionLength(capacity));
                final ManyToOneRing bigRing = new ManyToOneRing(bigRegion, clock, TIMEOUT_MS);
                final Recorder bigRecorder = new Recorder(capacity, HEADER_LENGTH);
                final List<Long> expectedSeq = new ArrayList<>();
                final long[] nextSeq = {0};
                // Record by record, so that no read takes half the ring and the next fills-then-reads one lap.
                final int skipped = (shift - 8) / 264;
                for (int i = 0; i < skipped; i++)
                {
                    bigRing.write(1, wrap(payload(nextSeq[0]++, payloadLength)), 0, payloadLength);
                    assertEquals(1, bigRing.read(bigRecorder, 100));
                }
                final int small = shift - 264 * skipped - HEADER_LENGTH;
                bigRing.write(1, wrap(payload(nextSeq[0]++, small)), 0, small);
                assertEquals(1, bigRing.read(bigRecorder, 100));
                fill(bigRing, nextSeq, expectedSeq, payloadLength);
                assertEquals(expectedSeq.size(), readOnce(bigRing, bigRecorder, controlled), "shift " + shift);
                // 208-byte records rarely tile the lap, so a 264-byte record written during the read runs past it.
                fill(bigRing, nextSeq, expectedSeq, fillerLength);
                final RecordHandler writingHandler = (typeId, buffer, offset, length) ->
                {
                    bigRecorder.onRecord(typeId, buffer, offset, length);
                    if (bigRing.write(1, wrap(payload(nextSeq[0], payloadLength)), 0, payloadLength) > 0)
                    {
                        expectedSeq.add(nextSeq[0]++);
                    }
                };
                assertTrue(readOnce(bigRing, writingHandler, controlled) > 0, "shift " + shift);
                assertEquals(RingFault.NONE, bigRing.fault(), "shift " + shift + " controlled " + controlled);
                assertTrue(drain(bigRing, bigRecorder) >= 0);
                assertEquals(RingFault.NONE, bigRing.fault(), "shift " + shift + " controlled " + controlled);
                assertEquals(expectedSeq.size() + skipped + 1, bigRecorder.records.size(), "shift " + shift);
                for (int i = 0; i < expectedSeq.size(); i++)
                {
                    final RingTestSupport.Received received = bigRecorder.records.get(skipped + 1 + i);
                    final int length = received.payload.length;
                    assertTrue(length == payloadLength || length == fillerLength, "shift " + shift + " record " + i);
                    assertTrue(samePayload(received, expectedSeq.get(i), 1, length),
                        "shift " + shift + " record " + i);
                }
            }
        }
    }

    private static int fill(
        final ManyToOneRing ring, final long[] nextSeq, final List<Long> expectedSeq, final int payloadLength)
    {
        int written = 0;
        while (ring.write(1, wrap(payload(nextSeq[0], payloadLength)), 0, payloadLength) > 0)
        {
            expectedSeq.add(nextSeq[0]++);
            written++;
        }
        return written;
    }

    private static int readOnce(final ManyToOneRing ring, final RecordHandler handler, final boolean controlled)
    {
        if (!controlled)
        {
            return ring.read(handler, 1000);
        }
        return ring.controlledRead((typeId, buffer, offset, length) ->
        {
            handler.onRecord(typeId, buffer, offset, length);
            return Action.CONTINUE;
        }, 1000);
    }

    @Test
    void controlledReadZeroesOnlyWhatItCommitted()
    {
        final int record = align(HEADER_LENGTH + 8);
        for (int i = 0; i < 3; i++)
        {
            write(i, i + 1, 8);
        }
        final byte[] before = new byte[3 * record];
        region.getBytes(0, before);
        assertEquals(0, ring.controlledRead((typeId, buffer, offset, length) -> Action.ABORT, 10));
        final byte[] after = new byte[3 * record];
        region.getBytes(0, after);
        assertArrayEquals(before, after, "an aborted read zeroed something");

        assertEquals(2, ring.controlledRead(
            (typeId, buffer, offset, length) -> 2 == typeId ? Action.COMMIT : Action.CONTINUE, 2));
        assertTrue(isZero(0, 2 * record));
        assertEquals(3, ring.read(recorder, 10) + 2);
        assertTrue(isZero(0, 3 * record));
    }

    private boolean isZero(final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (0 != region.getByte(i))
            {
                return false;
            }
        }
        return true;
    }

    @Test
    void constructorChecksCapacityTimeoutAndHead()
    {
        final AtomicBuffer notPowerOfTwo = RingTestSupport.newBuffer(regionLength(1000));
        final AtomicBuffer tooSmall = RingTestSupport.newBuffer(regionLength(32));
        for (final AtomicBuffer bad : new AtomicBuffer[]{notPowerOfTwo, tooSmall})
        {
            assertThrows(IllegalArgumentException.class, () -> new ManyToOneRing(bad, clock, TIMEOUT_MS));
        }
        assertThrows(IllegalArgumentException.class, () -> new ManyToOneRing(region, clock, 0));
        assertThrows(IllegalArgumentException.class, () -> new ManyToOneRing(region, clock, -1));
        for (final long head : new long[]{-8, 5, Long.MIN_VALUE})
        {
            region.putLong(CAPACITY + HEAD_POSITION_OFFSET, head);
            assertThrows(IllegalArgumentException.class, () -> new ManyToOneRing(region, clock, TIMEOUT_MS));
        }
    }

    /**
     * RingCapacity.MIN_CAPACITY is 64, but a 64-byte many-to-one ring has a maximum record of 8 bytes,
     * below its 16-byte header: either the constructor refuses it or it holds at least an empty record.
     */
    @Test
    void smallestCapacityIsRefusedOrUsable()
    {
        final AtomicBuffer small = RingTestSupport.newBuffer(regionLength(RingCapacity.MIN_CAPACITY));
        final ManyToOneRing smallRing;
        try
        {
            smallRing = new ManyToOneRing(small, clock, TIMEOUT_MS);
        }
        catch (final IllegalArgumentException expected)
        {
            return;
        }
        assertTrue(smallRing.maxPayloadLength() >= 0, "max payload " + smallRing.maxPayloadLength());
        assertTrue(smallRing.write(1, wrap(new byte[0]), 0, 0) > 0);
    }

    /**
     * The constructor documents IllegalArgumentException for a region with the wrong alignment.
     */
    @Test
    void constructorRefusesAMisalignedRegionWithIllegalArgumentException()
    {
        final UnsafeBuffer backing = new UnsafeBuffer(
            BufferUtil.allocateDirectAligned(regionLength(CAPACITY) + 64, 64));
        final AtomicBuffer misaligned = new UnsafeBuffer(backing, 4, regionLength(CAPACITY));
        assertThrows(IllegalArgumentException.class, () -> new ManyToOneRing(misaligned, clock, TIMEOUT_MS));
    }

    @Test
    void heartbeatsUseTheInjectedClock()
    {
        assertFalse(ring.isProducerAlive(100));
        assertFalse(ring.isConsumerAlive(100));
        ring.producerHeartbeat();
        ring.consumerHeartbeat();
        assertEquals(1_000, region.getLongVolatile(CAPACITY + PRODUCER_HEARTBEAT_OFFSET));
        assertEquals(1_000, region.getLongVolatile(CAPACITY + CONSUMER_HEARTBEAT_OFFSET));
        clock.nowMs = 1_100;
        assertTrue(ring.isProducerAlive(100));
        assertTrue(ring.isConsumerAlive(100));
        clock.nowMs = 1_101;
        assertFalse(ring.isProducerAlive(100));
        assertFalse(ring.isConsumerAlive(100));
        for (final long hostile : new long[]{1_202, Long.MAX_VALUE, 0, Long.MIN_VALUE})
        {
            region.putLongVolatile(CAPACITY + PRODUCER_HEARTBEAT_OFFSET, hostile);
            region.putLongVolatile(CAPACITY + CONSUMER_HEARTBEAT_OFFSET, hostile);
            assertFalse(ring.isProducerAlive(100), "heartbeat " + hostile);
            assertFalse(ring.isConsumerAlive(100), "heartbeat " + hostile);
        }
    }

    @Test
    void newRingOverTheSameRegionResumes()
    {
        for (int i = 0; i < 15; i++)
        {
            assertTrue(write(i, 1, 40) > 0);
        }
        assertEquals(12, ring.read(recorder, 12));
        final ManyToOneRing resumed = new ManyToOneRing(region, clock, TIMEOUT_MS);
        assertEquals(ring.consumerPosition(), resumed.consumerPosition());
        for (int i = 15; i < 60; i++)
        {
            while (resumed.write(1, wrap(payload(i, 40)), 0, 40) < 0)
            {
                assertTrue(resumed.read(recorder, 3) >= 0);
            }
        }
        assertEquals(60 - recorder.records.size(), drain(resumed, recorder));
        for (int i = 0; i < 60; i++)
        {
            assertTrue(samePayload(recorder.records.get(i), i, 1, 40), "record " + i);
        }
    }

    /**
     * A producer reads the tail, then (ring full by its cache) the head. Meanwhile another producer
     * wrote and the consumer read, so the head it reads is beyond the tail it read: that is a race,
     * not a hostile consumer, and must not fault the ring.
     */
    @Test
    void headPassingAStaleTailIsNoFault()
    {
        final boolean[] armed = {false};
        final ManyToOneRing[] racing = new ManyToOneRing[1];
        final Recorder seen = new Recorder(CAPACITY, HEADER_LENGTH);
        final UnsafeBuffer racyRegion = new UnsafeBuffer(BufferUtil.allocateDirectAligned(regionLength(CAPACITY), 64))
        {
            @Override
            public long getLongVolatile(final int index)
            {
                if (armed[0] && CAPACITY + HEAD_POSITION_OFFSET == index)
                {
                    armed[0] = false;
                    // Another producer and the consumer run between this producer's two reads.
                    assertTrue(racing[0].write(2, RingTestSupport.wrap(payload(100, 8)), 0, 8) > 0);
                    assertEquals(1, racing[0].read(seen, 10));
                }
                return super.getLongVolatile(index);
            }
        };
        racing[0] = new ManyToOneRing(racyRegion, clock, TIMEOUT_MS);
        for (int i = 0; i < 8; i++)
        {
            assertTrue(racing[0].write(1, wrap(payload(i, MAX_PAYLOAD)), 0, MAX_PAYLOAD) > 0);
        }
        assertEquals(8, racing[0].read(seen, 10));
        armed[0] = true;
        final long result = racing[0].write(3, wrap(payload(200, 8)), 0, 8);
        assertEquals(RingFault.NONE, racing[0].fault());
        assertTrue(result > 0, RingStatus.describe(result));
        assertEquals(1, racing[0].read(seen, 10));
        assertTrue(samePayload(seen.records.get(9), 200, 3, 8));
    }

    @Test
    void twoProducersAndOneConsumerLoseAndDuplicateNothing() throws InterruptedException
    {
        final int perProducer = 100_000;
        final AtomicBuffer big = RingTestSupport.newBuffer(regionLength(64 * 1024));
        final ManyToOneRing shared = new ManyToOneRing(big, clock, TIMEOUT_MS);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] producers = new Thread[2];
        for (int p = 0; p < producers.length; p++)
        {
            final int producerId = p + 1;
            producers[p] = new Thread(() ->
            {
                final UnsafeBuffer src = new UnsafeBuffer(new byte[12]);
                final RingClaim ownClaim = new RingClaim();
                for (int seq = 0; seq < perProducer; seq++)
                {
                    if ((seq & 1) == 0)
                    {
                        src.putInt(0, seq);
                        src.putLong(4, (long)producerId * seq);
                        while (shared.write(producerId, src, 0, 12) < 0)
                        {
                            Thread.onSpinWait();
                        }
                    }
                    else
                    {
                        while (shared.tryClaim(producerId, 12, ownClaim) < 0)
                        {
                            Thread.onSpinWait();
                        }
                        ownClaim.buffer().putInt(0, seq);
                        ownClaim.buffer().putLong(4, (long)producerId * seq);
                        if (!ownClaim.commit())
                        {
                            failure.compareAndSet(null, new AssertionError("commit lost"));
                        }
                    }
                }
            }, "producer-" + producerId);
            producers[p].setUncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e));
            producers[p].start();
        }

        final int[] next = new int[3];
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int received = 0;
        while (received < 2 * perProducer && System.nanoTime() < deadline && null == failure.get())
        {
            final int read = shared.read((typeId, buffer, offset, length) ->
            {
                final int seq = buffer.getInt(offset);
                if (12 != length || typeId < 1 || typeId > 2 || seq != next[typeId] ||
                    buffer.getLong(offset + 4) != (long)typeId * seq)
                {
                    failure.compareAndSet(null, new AssertionError("producer " + typeId + " expected " +
                        next[typeId] + " got " + seq));
                }
                next[typeId]++;
            }, 256);
            assertTrue(read >= 0, "fault " + shared.fault());
            received += read;
        }
        for (final Thread producer : producers)
        {
            producer.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertNull(failure.get());
        assertEquals(2 * perProducer, received);
        assertEquals(perProducer, next[1]);
        assertEquals(perProducer, next[2]);
        assertEquals(0, drain(shared, (typeId, buffer, offset, length) -> { }));
    }
}
