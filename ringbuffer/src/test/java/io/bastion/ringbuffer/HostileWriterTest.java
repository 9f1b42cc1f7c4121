package io.bastion.ringbuffer;

import io.bastion.ringbuffer.HostileCases.Stats;
import io.bastion.ringbuffer.RingTestSupport.FakeClock;
import io.bastion.ringbuffer.RingTestSupport.Recorder;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_REGION_LENGTH;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.producerRegionLength;
import static io.bastion.ringbuffer.RingTestSupport.payload;
import static io.bastion.ringbuffer.RingTestSupport.samePayload;
import static io.bastion.ringbuffer.RingTestSupport.wrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostileWriterTest
{
    private static final int[] CAPACITIES = {64, 128, 256, 1024};
    // A many-to-one ring of 64 bytes cannot hold a record at all (see ManyToOneRingTest).
    private static final int[] MANY_TO_ONE_CAPACITIES = {256, 512, 1024, 2048};
    private static final int CASES_PER_RING = 50_000;
    private static final int POLLS_PER_CASE = 24;
    private static final long BASE_SEED = Long.getLong("bastion.hostile.seed", 0x5EED_0000L);

    private static final int CAPACITY = 1024;
    private final FakeClock clock = new FakeClock(1_000);

    private static int stampAt(final long position)
    {
        return ManyToOneRecordDescriptor.stamp(position, CAPACITY);
    }

    @Test
    @Timeout(120)
    void oneToOneSurvivesRandomAndTargetedScribbles()
    {
        final HostileCases.OneToOne[] rings = new HostileCases.OneToOne[CAPACITIES.length];
        for (int i = 0; i < rings.length; i++)
        {
            rings[i] = new HostileCases.OneToOne(CAPACITIES[i]);
        }
        final Stats stats = new Stats();
        for (int i = 0; i < CASES_PER_RING; i++)
        {
            rings[i % rings.length].runCase(BASE_SEED + i, POLLS_PER_CASE, stats);
        }
        System.out.println("one-to-one hostile " + stats);
        assertEquals(CASES_PER_RING, stats.cases);
        assertTrue(stats.corruptOneToOne > CASES_PER_RING / 10, "scribbles must trip the checks: " + stats);
        assertTrue(stats.producerFaults > CASES_PER_RING / 100, "head scribbles must trip the producer: " + stats);
        assertTrue(stats.records > CASES_PER_RING, "traffic must flow between scribbles: " + stats);
    }

    @Test
    @Timeout(120)
    void manyToOneSurvivesRandomAndTargetedScribbles()
    {
        final HostileCases.ManyToOne[] rings = new HostileCases.ManyToOne[MANY_TO_ONE_CAPACITIES.length];
        for (int i = 0; i < rings.length; i++)
        {
            rings[i] = new HostileCases.ManyToOne(MANY_TO_ONE_CAPACITIES[i]);
        }
        final Stats stats = new Stats();
        for (int i = 0; i < CASES_PER_RING; i++)
        {
            rings[i % rings.length].runCase(BASE_SEED + 1_000_000 + i, POLLS_PER_CASE, stats);
        }
        System.out.println("many-to-one hostile " + stats);
        assertEquals(CASES_PER_RING, stats.cases);
        assertTrue(stats.corruptManyToOne > CASES_PER_RING / 10, "scribbles must trip the checks: " + stats);
        assertTrue(stats.records > CASES_PER_RING, "traffic must flow between scribbles: " + stats);
    }

    private static final class OneToOneRing
    {
        final AtomicBuffer producerRegion = RingTestSupport.newBuffer(producerRegionLength(CAPACITY));
        final AtomicBuffer consumerRegion = RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH);
        final OneToOneRingProducer producer;
        final OneToOneRingConsumer consumer;
        final Recorder recorder = new Recorder(CAPACITY, RecordDescriptor.HEADER_LENGTH);

        OneToOneRing(final FakeClock clock)
        {
            producer = new OneToOneRingProducer(producerRegion, consumerRegion, clock);
            consumer = new OneToOneRingConsumer(producerRegion, consumerRegion, clock);
        }

        long write(final long seq, final int length)
        {
            return producer.write(1, wrap(payload(seq, length)), 0, length);
        }

        void tail(final long tail)
        {
            producerRegion.putLongRelease(CAPACITY + TAIL_POSITION_OFFSET, tail);
        }

        void expectConsumerFault(final RingFault fault)
        {
            final int before = recorder.records.size();
            assertEquals(RingStatus.CORRUPT, consumer.read(recorder, 100));
            assertEquals(fault, consumer.fault());
            assertEquals(RingStatus.CORRUPT, consumer.read(recorder, 100), "stays faulted");
            assertEquals(RingStatus.CORRUPT, consumer.controlledRead((t, b, o, l) ->
                ControlledRecordHandler.Action.CONTINUE, 100));
            tail(consumer.position() + 16);
            assertEquals(RingStatus.CORRUPT, consumer.read(recorder, 100), "not read again");
            assertEquals(before, recorder.records.size());
        }
    }

    @Test
    void oneToOneConsumerIgnoresAHostileTail()
    {
        // The consumer polls record headers and never reads the tail: a tail written ahead, behind,
        // misaligned or extreme neither delivers a record that was not published nor faults the ring.
        final long[] tails = {16 + CAPACITY + 8, Long.MAX_VALUE - 7, 19, -1, Long.MIN_VALUE, 8, 0, 2L * CAPACITY};
        for (final long hostile : tails)
        {
            final OneToOneRing ring = new OneToOneRing(clock);
            ring.write(0, 8);
            ring.write(1, 8);
            ring.write(2, 8);
            assertEquals(1, ring.consumer.read(ring.recorder, 1));
            ring.tail(hostile);
            assertEquals(2, ring.consumer.read(ring.recorder, 100), "tail " + hostile);
            assertEquals(0, ring.consumer.read(ring.recorder, 100), "tail " + hostile);
            assertEquals(RingFault.NONE, ring.consumer.fault(), "tail " + hostile);
            for (int i = 0; i < 3; i++)
            {
                assertTrue(samePayload(ring.recorder.records.get(i), i, 1, 8), "tail " + hostile);
            }
        }
    }

    @Test
    void oneToOneConsumerReportsRecordFaults()
    {
        final int[][] cases = {
            {0, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {7, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {-8, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {Integer.MIN_VALUE, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {Integer.MAX_VALUE, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {CAPACITY + 8, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {16, 0, RingFault.RECORD_TYPE_INVALID.ordinal()},
            {16, Integer.MIN_VALUE, RingFault.RECORD_TYPE_INVALID.ordinal()},
            {16, -1, RingFault.PADDING_INVALID.ordinal()},
        };
        for (final int[] c : cases)
        {
            final OneToOneRing ring = new OneToOneRing(clock);
            ring.write(0, 8);
            ring.write(1, 16);
            // The second record's header, 16 bytes in.
            ring.producerRegion.putLong(16, RecordDescriptor.header(c[0], c[1]));
            final int read = ring.consumer.read(ring.recorder, 100);
            assertEquals(1, read, "the good record before the bad one is delivered");
            assertTrue(samePayload(ring.recorder.records.get(0), 0, 1, 8));
            ring.expectConsumerFault(RingFault.values()[c[2]]);
        }
    }

    @Test
    void oneToOneRecordCrossingTheWrapIsRefused()
    {
        final OneToOneRing ring = new OneToOneRing(clock);
        for (int i = 0; i < 9; i++)
        {
            ring.write(i, 100);
        }
        assertEquals(9, ring.consumer.read(ring.recorder, 100));
        ring.write(9, 100);
        // The padding at 1008 claims to be a record running 16 bytes past the end of the buffer.
        ring.producerRegion.putLong(1008, RecordDescriptor.header(32, 1));
        ring.expectConsumerFault(RingFault.RECORD_LENGTH_OUT_OF_RANGE);
    }

    @Test
    void oneToOneStaleRecordsAHostileProducerRepublishesAreBoundedByALap()
    {
        // A lap of records, consumed; then the producer puts a header where it zeroed one, so the
        // consumer runs on through the stale records of the lap it already read.
        final OneToOneRing ring = new OneToOneRing(clock);
        for (int i = 0; i < 7; i++)
        {
            ring.write(i, 120);
        }
        assertEquals(7, ring.consumer.read(ring.recorder, 100));
        assertEquals(0, ring.producerRegion.getLong(896), "the word after the last record is zeroed");
        ring.producerRegion.putLong(896, RecordDescriptor.header(128, 1));
        final List<Integer> offsets = new ArrayList<>();
        final int read = ring.consumer.read((t, b, o, l) -> offsets.add(o), 100);
        assertEquals(7, read, "well-formed bytes are the producer's to publish, up to a lap less one unit");
        assertEquals(List.of(904, 8, 136, 264, 392, 520, 648), offsets);
        ring.expectConsumerFault(RingFault.RECORD_LENGTH_OUT_OF_RANGE);
    }

    @Test
    void oneToOneRecordsMoreThanALapAheadAreAFault()
    {
        // Eight records of 128 bytes cover the whole buffer: a correct producer always leaves a unit free.
        final OneToOneRing ring = new OneToOneRing(clock);
        for (int i = 0; i < CAPACITY; i += 128)
        {
            ring.producerRegion.putLong(i, RecordDescriptor.header(128, 1));
        }
        assertEquals(7, ring.consumer.read(ring.recorder, 100));
        ring.expectConsumerFault(RingFault.RECORD_LENGTH_OUT_OF_RANGE);
    }

    @Test
    void oneToOneProducerReportsHeadFaults()
    {
        // The producer below has a tail of 1152 and has last seen the head at 256: a lap behind the tail is 128.
        final long[][] cases = {
            {1152 + 8, RingFault.HEAD_BEYOND_TAIL.ordinal()},
            {Long.MAX_VALUE - 7, RingFault.HEAD_BEYOND_TAIL.ordinal()},
            {248, RingFault.HEAD_BACKWARDS.ordinal()},
            {128, RingFault.HEAD_BACKWARDS.ordinal()},
            {120, RingFault.HEAD_MORE_THAN_A_LAP_BEHIND.ordinal()},
            {-8, RingFault.HEAD_MORE_THAN_A_LAP_BEHIND.ordinal()},
            {Long.MIN_VALUE, RingFault.HEAD_MORE_THAN_A_LAP_BEHIND.ordinal()},
            {259, RingFault.HEAD_MISALIGNED.ordinal()},
            {Long.MAX_VALUE, RingFault.HEAD_MISALIGNED.ordinal()},
        };
        for (final long[] c : cases)
        {
            final OneToOneRing ring = new OneToOneRing(clock);
            // Make the producer read the head: fill the ring, consume a little, fill again.
            while (ring.write(0, 120) > 0)
            {
                assertEquals(RingFault.NONE, ring.producer.fault());
            }
            assertEquals(2, ring.consumer.read(ring.recorder, 2));
            while (ring.write(0, 120) > 0)
            {
                assertEquals(RingFault.NONE, ring.producer.fault());
            }
            final long tail = ring.producer.position();
            assertEquals(1152, tail);
            ring.consumerRegion.putLongRelease(HEAD_POSITION_OFFSET, c[0]);
            // 128 free bytes by the cached head: a 128-byte record makes the producer read the head.
            assertEquals(RingStatus.CORRUPT, ring.write(1, 120), "head " + c[0]);
            assertEquals(RingFault.values()[(int)c[1]], ring.producer.fault(), "head " + c[0]);
            ring.consumerRegion.putLongRelease(HEAD_POSITION_OFFSET, tail);
            assertEquals(RingStatus.CORRUPT, ring.write(1, 0), "stays faulted");
            assertEquals(RingStatus.CORRUPT, ring.producer.tryClaim(1, 0, new RingClaim()), "stays faulted");
            assertEquals(tail, ring.producerRegion.getLongVolatile(CAPACITY + TAIL_POSITION_OFFSET));
        }
    }

    @Test
    void manyToOneConsumerReportsRecordFaults()
    {
        final int[][] cases = {
            {1, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {7, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {CAPACITY, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {0x3FFF_FFFF, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {(1 << 30) | 4, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {(1 << 30) | CAPACITY, 1, RingFault.RECORD_LENGTH_OUT_OF_RANGE.ordinal()},
            {16, 0, RingFault.RECORD_TYPE_INVALID.ordinal()},
            {8, 0, RingFault.RECORD_TYPE_INVALID.ordinal()},
        };
        for (final int[] c : cases)
        {
            final AtomicBuffer region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
            final ManyToOneRing ring = new ManyToOneRing(region, clock, 100);
            final Recorder recorder = new Recorder(CAPACITY, ManyToOneRecordDescriptor.HEADER_LENGTH);
            ring.write(1, wrap(payload(0, 8)), 0, 8);
            ring.write(1, wrap(payload(1, 8)), 0, 8);
            // The second record sits at 16; its state word carries the type beside the right stamp.
            region.putLong(16, RecordDescriptor.header(c[0], c[1] << 16 | stampAt(16)));
            assertEquals(1, ring.read(recorder, 100));
            assertEquals(RingStatus.CORRUPT, ring.read(recorder, 100));
            assertEquals(RingFault.values()[c[2]], ring.fault(), "length field " + c[0] + " type " + c[1]);
            ring.write(1, wrap(payload(2, 8)), 0, 8);
            assertEquals(RingStatus.CORRUPT, ring.read(recorder, 100), "stays faulted");
            assertFalse(ring.unblock());
            assertEquals(1, recorder.records.size());
        }
    }

    @Test
    void manyToOneWordsWithAWrongStampAreNeverRead()
    {
        final AtomicBuffer region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
        final ManyToOneRing ring = new ManyToOneRing(region, clock, 100);
        final Recorder recorder = new Recorder(CAPACITY, ManyToOneRecordDescriptor.HEADER_LENGTH);
        // A perfect committed record at index 0, stamped for a position a lap later.
        region.putLong(0, ManyToOneRecordDescriptor.committed(32, 5, stampAt(CAPACITY)));
        assertEquals(0, ring.read(recorder, 100));
        region.putLong(0, ManyToOneRecordDescriptor.committed(32, 5, stampAt(0)));
        assertEquals(1, ring.read(recorder, 100));
        assertEquals(RingFault.NONE, ring.fault());
    }

    /**
     * No producer claims past a lap from the head, so a record that would end there is corruption even when it fits
     * in the buffer: reading it would publish a head beyond every claim.
     */
    @Test
    void manyToOneRecordEndingMoreThanALapPastTheHeadIsAFault()
    {
        final AtomicBuffer region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
        final ManyToOneRing ring = new ManyToOneRing(region, clock, 100);
        final Recorder recorder = new Recorder(CAPACITY, ManyToOneRecordDescriptor.HEADER_LENGTH);
        final int record = 64;
        final int payload = record - ManyToOneRecordDescriptor.HEADER_LENGTH;
        for (int i = 0; i < 8; i++)
        {
            ring.write(1, wrap(payload(i, payload)), 0, payload);
        }
        assertEquals(8, ring.read(recorder, 100));
        final long head = ring.consumerPosition();
        assertEquals(8 * record, head);
        // Honest records up to 8 bytes short of a lap past the head, the last one 56 bytes long.
        for (int i = 0; i < 15; i++)
        {
            ring.write(2, wrap(payload(100 + i, payload)), 0, payload);
        }
        ring.write(3, wrap(payload(200, payload - 8)), 0, payload - 8);
        final long hostile = head + CAPACITY - 8;
        assertEquals(hostile, ring.producerPosition());
        // It fits before the end of the buffer, but would end a lap and more past the head.
        final int index = (int)hostile & (CAPACITY - 1);
        region.putLong(index, ManyToOneRecordDescriptor.committed(CAPACITY - index, 4, stampAt(hostile)));

        assertEquals(16, ring.read(recorder, 100));
        assertEquals(RingFault.RECORD_LENGTH_OUT_OF_RANGE, ring.fault());
        assertEquals(hostile, ring.consumerPosition());
        assertEquals(hostile, region.getLongVolatile(CAPACITY + ManyToOneRingDescriptor.HEAD_POSITION_OFFSET));
        assertEquals(24, recorder.records.size());
        assertTrue(samePayload(recorder.records.get(23), 200, 3, payload - 8));
        assertEquals(RingStatus.CORRUPT, ring.read(recorder, 100));
    }

    @Test
    void manyToOneProducersReportAHostileHead()
    {
        final long[][] cases = {
            {CAPACITY * 4L, RingFault.HEAD_BEYOND_TAIL.ordinal()},
            {-CAPACITY, RingFault.HEAD_MORE_THAN_A_LAP_BEHIND.ordinal()},
            {Long.MIN_VALUE, RingFault.HEAD_MORE_THAN_A_LAP_BEHIND.ordinal()},
            {5, RingFault.HEAD_MISALIGNED.ordinal()},
        };
        for (final long[] c : cases)
        {
            final AtomicBuffer region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
            final ManyToOneRing ring = new ManyToOneRing(region, clock, 100);
            while (ring.write(1, wrap(new byte[100]), 0, 100) > 0)
            {
                assertEquals(RingFault.NONE, ring.fault());
            }
            region.putLongRelease(CAPACITY + ManyToOneRingDescriptor.HEAD_POSITION_OFFSET, c[0]);
            assertEquals(RingStatus.CORRUPT, ring.write(1, wrap(new byte[100]), 0, 100));
            assertEquals(RingFault.values()[(int)c[1]], ring.fault());
            assertEquals(RingStatus.CORRUPT, ring.tryClaim(1, 8, new RingClaim()));
        }
    }

    @Test
    void manyToOneUnblockReportsATailOutOfRange()
    {
        final AtomicBuffer region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
        final ManyToOneRing ring = new ManyToOneRing(region, clock, 100);
        region.putLongRelease(CAPACITY + ManyToOneRingDescriptor.TAIL_POSITION_OFFSET, 2L * CAPACITY);
        assertFalse(ring.unblock());
        assertEquals(RingFault.TAIL_OUT_OF_RANGE, ring.fault());
        assertEquals(RingStatus.CORRUPT, ring.read((t, b, o, l) -> { }, 10));
    }

    @Test
    void manyToOneUnblockReportsAMisalignedTailAsMisaligned()
    {
        // Within a lap of the head, so only the alignment is wrong: the same reason a producer's claim reports.
        final AtomicBuffer region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
        final ManyToOneRing ring = new ManyToOneRing(region, clock, 100);
        region.putLongRelease(CAPACITY + ManyToOneRingDescriptor.TAIL_POSITION_OFFSET, 19);
        assertFalse(ring.unblock());
        assertEquals(RingFault.TAIL_MISALIGNED, ring.fault());
        assertEquals(RingStatus.CORRUPT, ring.read((t, b, o, l) -> { }, 10));
    }

    /**
     * A stuck claim whose negated length overflows the alignment must be reported, not padded with a
     * negative length.
     */
    @Test
    void manyToOneUnblockRefusesAClaimLengthThatOverflows()
    {
        for (final int claimed : new int[]{Integer.MAX_VALUE, Integer.MAX_VALUE - 3, CAPACITY + 8})
        {
            final AtomicBuffer region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
            final ManyToOneRing ring = new ManyToOneRing(region, clock, 100);
            region.putLongRelease(CAPACITY + ManyToOneRingDescriptor.TAIL_POSITION_OFFSET, 64);
            region.putLongRelease(0, ManyToOneRecordDescriptor.claimed(claimed, 1, stampAt(0)));
            assertFalse(ring.unblock(), "claimed length " + claimed);
            assertEquals(RingFault.RECORD_LENGTH_OUT_OF_RANGE, ring.fault(), "claimed length " + claimed);
            assertEquals(0, ring.unblockCount());
        }
    }

    /**
     * The head cache is a shared word like any other: one ahead of the tail must not let producers
     * overwrite records the consumer has not read.
     */
    @Test
    void manyToOneHeadCacheAheadOfTheTailLosesNoRecord()
    {
        final AtomicBuffer region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
        final ManyToOneRing ring = new ManyToOneRing(region, clock, 100);
        final Recorder recorder = new Recorder(CAPACITY, ManyToOneRecordDescriptor.HEADER_LENGTH);
        region.putLongRelease(CAPACITY + ManyToOneRingDescriptor.HEAD_CACHE_POSITION_OFFSET, 4L * CAPACITY);
        int written = 0;
        for (int i = 0; i < 20; i++)
        {
            if (ring.write(1, wrap(payload(i, 100)), 0, 100) > 0)
            {
                written++;
            }
        }
        ManyToOneRingFixture.drain(ring, recorder);
        assertTrue(written >= 8, "the ring holds eight such records");
        assertEquals(written, recorder.records.size(), "records accepted but never delivered: fault " + ring.fault());
    }
}
