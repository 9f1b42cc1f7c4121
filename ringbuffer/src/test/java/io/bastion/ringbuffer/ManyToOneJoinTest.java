package io.bastion.ringbuffer;

import io.bastion.ringbuffer.RingTestSupport.Recorder;
import org.junit.jupiter.api.Test;

import static io.bastion.ringbuffer.ManyToOneRecordDescriptor.HEADER_LENGTH;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.RingTestSupport.samePayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A consumer that joins a many-to-one ring at a position it was told ({@link ManyToOneRing#consumerFrom}): it reads
 * from there, never from the head word an earlier consumer left, and clears what that consumer left unread.
 */
class ManyToOneJoinTest extends ManyToOneRingFixture
{
    @Test
    void aJoiningConsumerReadsFromItsStartAndZeroesWhatTheEarlierOneLeftUnread()
    {
        write(0, 1, 40);
        write(1, 1, 40);
        assertEquals(2, ring.read(recorder, 10));
        final long left = headWord();
        assertEquals(96, left);
        write(2, 1, 40);
        write(3, 1, 40);
        final long start = tailWord();
        write(4, 2, 16);
        write(5, 2, 16);

        final ManyToOneRing joined = ManyToOneRing.consumerFrom(region, clock, TIMEOUT_MS, start);
        assertEquals(start, joined.consumerPosition());
        assertEquals(start, headWord(), "the start is published as the head");
        for (int index = (int)left; index < start; index++)
        {
            assertEquals(0, region.getByte(index), "left unread at " + index);
        }
        final Recorder records = new Recorder(CAPACITY, HEADER_LENGTH);
        assertEquals(2, drain(joined, records));
        assertTrue(samePayload(records.records.get(0), 4, 2, 16));
        assertTrue(samePayload(records.records.get(1), 5, 2, 16));
        assertEquals(RingFault.NONE, joined.fault());

        // Producers may now claim a lap past the start, over the space cleared.
        for (int i = 0; i < 40; i++)
        {
            while (ring.write(3, RingTestSupport.wrap(RingTestSupport.payload(100 + i, 40)), 0, 40) < 0)
            {
                drain(joined, records);
            }
        }
        drain(joined, records);
        assertEquals(42, records.records.size());
        assertTrue(samePayload(records.records.get(41), 139, 3, 40));
        assertEquals(RingFault.NONE, joined.fault());
    }

    @Test
    void aHeadWordThatCannotBeTheEarlierConsumersIsLeftAlone()
    {
        write(0, 1, 40);
        write(1, 1, 40);
        final long start = tailWord();
        write(2, 1, 40);
        // A head beyond the start: no earlier consumer of an honest ring left it there, so nothing is cleared.
        region.putLongVolatile(CAPACITY + HEAD_POSITION_OFFSET, start + 8);
        final ManyToOneRing joined = ManyToOneRing.consumerFrom(region, clock, TIMEOUT_MS, start);
        assertTrue(0 != region.getLong(0), "the records before the start are left as they were");
        assertEquals(start, headWord());
        final Recorder records = new Recorder(CAPACITY, HEADER_LENGTH);
        assertEquals(1, drain(joined, records));
        assertTrue(samePayload(records.records.get(0), 2, 1, 40));
    }

    @Test
    void aStartThatIsNoPositionIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> ManyToOneRing.consumerFrom(region, clock, TIMEOUT_MS, -8));
        assertThrows(IllegalArgumentException.class, () -> ManyToOneRing.consumerFrom(region, clock, TIMEOUT_MS, 12));
    }
}
