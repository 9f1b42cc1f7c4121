package io.bastion.ringbuffer;

import io.bastion.ringbuffer.RingTestSupport.FakeClock;
import io.bastion.ringbuffer.RingTestSupport.Recorder;
import org.agrona.concurrent.AtomicBuffer;

import static io.bastion.ringbuffer.ManyToOneRecordDescriptor.HEADER_LENGTH;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static io.bastion.ringbuffer.ManyToOneRingDescriptor.regionLength;
import static io.bastion.ringbuffer.RingTestSupport.payload;
import static io.bastion.ringbuffer.RingTestSupport.wrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A fresh 1 KiB many-to-one ring on a fake clock for each test, with the helpers its tests share.
 */
abstract class ManyToOneRingFixture
{
    static final int CAPACITY = 1024;
    static final int MAX_PAYLOAD = CAPACITY / 8 - HEADER_LENGTH;
    static final long TIMEOUT_MS = 500;

    final FakeClock clock = new FakeClock(1_000);
    final AtomicBuffer region = RingTestSupport.newBuffer(regionLength(CAPACITY));
    final ManyToOneRing ring = new ManyToOneRing(region, clock, TIMEOUT_MS);
    final Recorder recorder = new Recorder(CAPACITY, HEADER_LENGTH);
    final RingClaim claim = new RingClaim();

    /**
     * The stamp a state word at {@code position} of this fixture's ring carries.
     */
    static int stampAt(final long position)
    {
        return ManyToOneRecordDescriptor.stamp(position, CAPACITY);
    }

    long write(final long seq, final int typeId, final int length)
    {
        return ring.write(typeId, wrap(payload(seq, length)), 0, length);
    }

    /**
     * Write eight records of 108-byte payloads (116 bytes, 120 aligned) and read them: head and tail stand at 960,
     * 64 bytes before the end, where the next such record needs padding first.
     */
    void fillToTheWrap()
    {
        for (int i = 0; i < 8; i++)
        {
            write(i, 1, 108);
        }
        assertEquals(8, ring.read(recorder, 100));
        assertEquals(960, headWord());
    }

    /**
     * Let the head stand still past the unblock timeout and the grace: arm the timer, announce, then unblock.
     *
     * @return what the last {@link ManyToOneRing#unblockIfStuck()} returned: whether it unblocked.
     */
    boolean unblockAfterTimeoutAndGrace()
    {
        assertFalse(ring.unblockIfStuck(), "arms the timer");
        clock.nowMs += TIMEOUT_MS;
        assertFalse(ring.unblockIfStuck(), "announces");
        clock.nowMs += ManyToOneRing.UNBLOCK_GRACE_MS;
        return ring.unblockIfStuck();
    }

    long tailWord()
    {
        return region.getLongVolatile(CAPACITY + TAIL_POSITION_OFFSET);
    }

    long headWord()
    {
        return region.getLongVolatile(CAPACITY + HEAD_POSITION_OFFSET);
    }

    /**
     * Read until the head stops moving: a read that only crosses padding at the end returns 0.
     */
    static int drain(final ManyToOneRing ring, final RecordHandler handler)
    {
        int total = 0;
        while (true)
        {
            final long before = ring.consumerPosition();
            final int read = ring.read(handler, 1000);
            if (read < 0)
            {
                return read;
            }
            total += read;
            if (0 == read && before == ring.consumerPosition())
            {
                return total;
            }
        }
    }
}
