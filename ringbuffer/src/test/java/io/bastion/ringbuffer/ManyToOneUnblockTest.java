package io.bastion.ringbuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.bastion.ringbuffer.ManyToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static io.bastion.ringbuffer.RingTestSupport.payload;
import static io.bastion.ringbuffer.RingTestSupport.samePayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The many-to-one ring's answer to dead and stalled producers: unblocking, its announcement and grace, and
 * late commits and writes that race it.
 */
class ManyToOneUnblockTest extends ManyToOneRingFixture
{
    @Test
    void unblockPadsAClaimThatIsNeverCommitted()
    {
        write(0, 1, 8);
        assertTrue(ring.tryClaim(2, 24, claim) > 0);
        claim.buffer().putBytes(0, payload(666, 24));
        write(1, 3, 8);
        assertEquals(1, ring.read(recorder, 10));
        assertEquals(0, ring.read(recorder, 10), "the open claim holds the consumer up");

        assertFalse(ring.unblockIfStuck(), "arms the timer");
        clock.nowMs += TIMEOUT_MS - 1;
        assertFalse(ring.unblockIfStuck());
        assertEquals(0, ring.unblockCount());
        clock.nowMs += 1;
        assertFalse(ring.unblockIfStuck(), "the first call past the timeout announces the unblock");
        clock.nowMs += ManyToOneRing.UNBLOCK_GRACE_MS - 1;
        assertFalse(ring.unblockIfStuck(), "and waits for the grace");
        assertEquals(0, ring.unblockCount());
        clock.nowMs += 1;
        assertTrue(ring.unblockIfStuck());
        assertEquals(1, ring.unblockCount());
        assertEquals(1, ring.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(1), 1, 3, 8));

        assertFalse(claim.commit(), "a late commit loses");
        assertFalse(claim.isActive());
        assertEquals(0, ring.read(recorder, 10));

        final List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            final int length = i % (MAX_PAYLOAD + 1);
            while (write(1000 + i, 4, length) < 0)
            {
                drain(ring, recorder);
            }
            expected.add((long)length);
        }
        drain(ring, recorder);
        assertEquals(202, recorder.records.size());
        for (int i = 0; i < 200; i++)
        {
            assertTrue(samePayload(recorder.records.get(2 + i), 1000 + i, 4, expected.get(i).intValue()), "rec " + i);
        }
        assertEquals(RingFault.NONE, ring.fault());
        assertFalse(ring.unblockIfStuck());
        clock.nowMs += 10 * TIMEOUT_MS;
        assertFalse(ring.unblockIfStuck(), "nothing to unblock on an empty ring");
        assertEquals(1, ring.unblockCount());
    }

    @Test
    void unblockNeverTouchesACommittedRecord()
    {
        write(0, 1, 8);
        assertFalse(ring.unblock());
        ring.unblockIfStuck();
        clock.nowMs += 10 * TIMEOUT_MS;
        assertFalse(ring.unblockIfStuck());
        clock.nowMs += ManyToOneRing.UNBLOCK_GRACE_MS;
        assertFalse(ring.unblockIfStuck());
        assertEquals(1, ring.read(recorder, 10));
        assertEquals(0, ring.unblockCount());
    }

    @Test
    void aClaimThatAnUnblockAttemptLeftAloneStillCommits()
    {
        write(0, 1, 8);
        assertTrue(ring.tryClaim(2, 24, claim) > 0);
        claim.buffer().putBytes(0, payload(7, 24));
        // The attempt finds a committed record at the head and gives up, but it has moved the unblock epoch: the
        // commit below settles by compare-and-set, and wins, since nothing padded the claim.
        assertFalse(ring.unblock());
        assertTrue(claim.commit());
        assertEquals(2, ring.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(1), 7, 2, 24));
        assertEquals(0, ring.unblockCount());
    }

    @Test
    void aClaimCommittedDuringTheGraceIsDeliveredNotUnblocked()
    {
        assertTrue(ring.tryClaim(2, 24, claim) > 0);
        claim.buffer().putBytes(0, payload(9, 24));
        assertFalse(ring.unblockIfStuck());
        clock.nowMs += TIMEOUT_MS;
        assertFalse(ring.unblockIfStuck(), "announced");
        assertTrue(claim.commit(), "a producer that wakes up within the grace still commits");
        clock.nowMs += ManyToOneRing.UNBLOCK_GRACE_MS;
        assertFalse(ring.unblockIfStuck(), "nothing to unblock: the record is committed");
        assertEquals(1, ring.read(recorder, 10));
        assertTrue(samePayload(recorder.records.get(0), 9, 2, 24));
        assertEquals(0, ring.unblockCount());
    }

    @Test
    void producerThatDiesBeforeStampingIsPaddedUpToTheNextRecord()
    {
        for (int i = 0; i < 8; i++)
        {
            write(i, 1, 100);
        }
        drain(ring, recorder);
        recorder.records.clear();

        final long tail = tailWord();
        assertTrue(region.compareAndSetLong(CAPACITY + TAIL_POSITION_OFFSET, tail, tail + 48));
        // The consumer zeroes what it read, so plant what a late producer or another lap could leave in the dead
        // region: a well-formed header stamped for another position. The scan must not stop there.
        final int staleIndex = (int)tail + 8;
        region.putLong(staleIndex, ManyToOneRecordDescriptor.committed(40, 2, stampAt(staleIndex + CAPACITY)));
        write(10, 2, 30);
        write(11, 3, 0);
        assertEquals(0, drain(ring, recorder));

        assertTrue(unblockAfterTimeoutAndGrace());
        assertEquals(2, drain(ring, recorder));
        assertTrue(samePayload(recorder.records.get(0), 10, 2, 30));
        assertTrue(samePayload(recorder.records.get(1), 11, 3, 0));
        assertEquals(tailWord(), ring.consumerPosition());
        assertEquals(RingFault.NONE, ring.fault());
    }

    @Test
    void producerThatDiesBeforeWritingPaddingAtTheWrapIsUnblocked()
    {
        fillToTheWrap();
        recorder.records.clear();
        // Tail at 960: a claim of 120 bytes needs 64 bytes of padding first, and the producer dies.
        assertTrue(region.compareAndSetLong(CAPACITY + TAIL_POSITION_OFFSET, 960, 960 + 64 + 120));
        write(20, 5, 10);
        assertEquals(0, drain(ring, recorder));
        for (int i = 0; i < 2; i++)
        {
            assertTrue(unblockAfterTimeoutAndGrace());
            drain(ring, recorder);
        }
        assertEquals(1, recorder.records.size());
        assertTrue(samePayload(recorder.records.get(0), 20, 5, 10));
        assertEquals(2, ring.unblockCount());
    }

    /**
     * RingStatus.UNBLOCKED says a claim was unblocked before it was committed; write() must not
     * report success for a record the consumer will never see.
     */
    @Test
    void writeThatStallsPastTheUnblockDoesNotReportSuccess()
    {
        final byte[] bytes = payload(5, 24);
        final UnsafeBuffer stalling = new UnsafeBuffer(bytes)
        {
            @Override
            public byte[] byteArray()
            {
                // The producer stalls here, between stamping its claim and committing it.
                assertTrue(unblockAfterTimeoutAndGrace());
                drain(ring, recorder);
                return super.byteArray();
            }
        };
        final long result = ring.write(7, stalling, 0, 24);
        assertEquals(1, ring.unblockCount());
        write(6, 8, 4);
        drain(ring, recorder);
        assertEquals(1, recorder.records.size());
        assertTrue(samePayload(recorder.records.get(0), 6, 8, 4), "the late word is never read");
        assertEquals(RingStatus.UNBLOCKED, result, "record lost but write returned " + RingStatus.describe(result));
    }

    /**
     * A producer whose claim an unblock padded over before its stamp was visible (it stalled between its tail CAS
     * and the stamp; the unblock, scanning from a dead claim before it, saw no stamp) must not report success when
     * it resumes: the consumer has passed its record for good.
     */
    @Test
    void writeOvertakenBeforeItsStampLandedDoesNotReportSuccess()
    {
        final long deadClaim = tailWord();
        assertTrue(region.compareAndSetLong(CAPACITY + TAIL_POSITION_OFFSET, deadClaim, deadClaim + 48));
        final int stalledIndex = (int)(deadClaim + 48) & (CAPACITY - 1);
        final byte[] bytes = payload(5, 24);
        final UnsafeBuffer stalling = new UnsafeBuffer(bytes)
        {
            @Override
            public byte[] byteArray()
            {
                // As if the stamp had not landed yet: the unblock's scan finds no record after the dead claim and
                // pads up to the tail, over this claim too. Then the stamp lands, late.
                final long stamp = region.getLongVolatile(stalledIndex);
                region.putLongVolatile(stalledIndex, 0);
                assertTrue(unblockAfterTimeoutAndGrace());
                drain(ring, recorder);
                region.putLongVolatile(stalledIndex, stamp);
                return super.byteArray();
            }
        };

        final long result = ring.write(7, stalling, 0, 24);
        assertEquals(RingStatus.UNBLOCKED, result, "record lost but write returned " + RingStatus.describe(result));
        write(6, 8, 4);
        assertEquals(1, drain(ring, recorder));
        assertEquals(1, recorder.records.size());
        assertTrue(samePayload(recorder.records.get(0), 6, 8, 4));
        assertEquals(RingFault.NONE, ring.fault());
    }
}
