package io.bastion.ringbuffer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one head rule both rings' producers apply: each fault by its own name, in the documented order, for any head.
 */
class HeadCheckTest
{
    private static final int CAPACITY = 1024;
    private static final long TAIL = 5 * CAPACITY + 64;

    @Test
    void aHeadACorrectConsumerPublishesPasses()
    {
        for (final long head : new long[]{TAIL, TAIL - 8, TAIL - CAPACITY, TAIL - 512})
        {
            assertEquals(RingFault.NONE, HeadCheck.check(head, TAIL, CAPACITY, HeadCheck.NO_EARLIER_HEAD));
            assertEquals(RingFault.NONE, HeadCheck.check(head, TAIL, CAPACITY, TAIL - CAPACITY));
        }
        assertEquals(RingFault.NONE, HeadCheck.check(0, 0, CAPACITY, 0));
    }

    @Test
    void eachFaultHasItsName()
    {
        assertEquals(RingFault.HEAD_MISALIGNED, HeadCheck.check(TAIL - 3, TAIL, CAPACITY, HeadCheck.NO_EARLIER_HEAD));
        assertEquals(RingFault.HEAD_BEYOND_TAIL, HeadCheck.check(TAIL + 8, TAIL, CAPACITY, HeadCheck.NO_EARLIER_HEAD));
        assertEquals(RingFault.HEAD_MORE_THAN_A_LAP_BEHIND,
            HeadCheck.check(TAIL - CAPACITY - 8, TAIL, CAPACITY, HeadCheck.NO_EARLIER_HEAD));
        assertEquals(RingFault.HEAD_BACKWARDS, HeadCheck.check(TAIL - 512, TAIL, CAPACITY, TAIL - 256));
    }

    @Test
    void theFirstFailingCheckDecides()
    {
        // Misaligned and beyond the tail: misaligned. A lap behind and behind the earlier head: a lap behind.
        assertEquals(RingFault.HEAD_MISALIGNED, HeadCheck.check(TAIL + 9, TAIL, CAPACITY, TAIL));
        assertEquals(RingFault.HEAD_MISALIGNED, HeadCheck.check(-3, TAIL, CAPACITY, TAIL));
        assertEquals(RingFault.HEAD_MORE_THAN_A_LAP_BEHIND, HeadCheck.check(0, TAIL, CAPACITY, TAIL - 8));
    }

    @Test
    void extremeHeadsNeitherOverflowNorPass()
    {
        assertEquals(RingFault.HEAD_MORE_THAN_A_LAP_BEHIND,
            HeadCheck.check(Long.MIN_VALUE, TAIL, CAPACITY, HeadCheck.NO_EARLIER_HEAD));
        assertEquals(RingFault.HEAD_MORE_THAN_A_LAP_BEHIND,
            HeadCheck.check(Long.MIN_VALUE, 0, CAPACITY, HeadCheck.NO_EARLIER_HEAD));
        assertEquals(RingFault.HEAD_BEYOND_TAIL,
            HeadCheck.check(Long.MAX_VALUE - 7, TAIL, CAPACITY, HeadCheck.NO_EARLIER_HEAD));
        assertEquals(RingFault.HEAD_MISALIGNED, HeadCheck.check(Long.MAX_VALUE, TAIL, CAPACITY, TAIL));
        assertEquals(RingFault.HEAD_BEYOND_TAIL,
            HeadCheck.check(Long.MAX_VALUE - 7, Long.MAX_VALUE - 15, CAPACITY, HeadCheck.NO_EARLIER_HEAD));
    }
}
