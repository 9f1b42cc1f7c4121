package io.bastion.security.replay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Examples for both replay guards: verdicts, gap sizes, and that only commit moves a guard.
 */
class ReplayGuardTest
{
    @Test
    void strictAcceptsOnlyTheNextAndReportsGaps()
    {
        final StrictReplayGuard guard = new StrictReplayGuard(10);
        assertEquals(ReplayStatus.STALE, guard.check(8));
        assertEquals(ReplayStatus.DUPLICATE, guard.check(9));
        assertEquals(ReplayStatus.ACCEPTED, guard.commit(10));
        assertEquals(ReplayStatus.DUPLICATE, guard.commit(10));
        assertEquals(ReplayStatus.ACCEPTED, guard.commit(11));
        assertEquals(ReplayStatus.GAP, guard.check(15));
        assertEquals(3, guard.gapSize(15));
        assertEquals(0, guard.gapSize(12));
        assertEquals(0, guard.gapSize(11));
        assertEquals(ReplayStatus.GAP, guard.commit(15));
        assertEquals(16, guard.nextExpected());
        assertEquals(15, guard.highestAccepted());
        assertEquals(ReplayStatus.STALE, guard.commit(12));
        assertEquals(ReplayStatus.INVALID, guard.commit(-1));
        assertEquals(ReplayStatus.INVALID, guard.commit(Long.MAX_VALUE));
        assertEquals(ReplayStatus.INVALID, guard.check(Long.MIN_VALUE));
        assertEquals(16, guard.nextExpected());
        assertEquals(Long.MAX_VALUE - 17, guard.gapSize(Long.MAX_VALUE - 1));
        assertEquals(ReplayStatus.GAP, guard.commit(Long.MAX_VALUE - 1));
        assertEquals(ReplayStatus.INVALID, guard.commit(Long.MAX_VALUE));
        assertEquals(ReplayStatus.DUPLICATE, guard.commit(Long.MAX_VALUE - 1));
    }

    @Test
    void checkNeverMovesAGuard()
    {
        final StrictReplayGuard strict = new StrictReplayGuard();
        final SlidingWindowReplayGuard window = new SlidingWindowReplayGuard(4);
        for (int i = 0; i < 3; i++)
        {
            assertEquals(ReplayStatus.ACCEPTED, strict.check(0));
            assertEquals(ReplayStatus.ACCEPTED, window.check(1_000));
        }
        assertEquals(ReplayStatus.ACCEPTED, window.commit(5));
        assertEquals(ReplayStatus.ACCEPTED, window.check(1_000_000));
        assertEquals(ReplayStatus.ACCEPTED, window.commit(4));
        assertEquals(5, window.highestAccepted());
    }

    @Test
    void windowAcceptsReorderingOnceAndRefusesLeftOfTheWindow()
    {
        final SlidingWindowReplayGuard guard = new SlidingWindowReplayGuard(2);
        assertEquals(64, guard.windowSize());
        assertEquals(-1, guard.highestAccepted());
        assertEquals(ReplayStatus.ACCEPTED, guard.commit(100));
        assertEquals(ReplayStatus.ACCEPTED, guard.commit(98));
        assertEquals(ReplayStatus.DUPLICATE, guard.commit(98));
        assertEquals(ReplayStatus.DUPLICATE, guard.commit(100));
        assertEquals(ReplayStatus.ACCEPTED, guard.commit(37));
        assertEquals(ReplayStatus.STALE, guard.commit(36));
        assertEquals(ReplayStatus.ACCEPTED, guard.commit(101));
        assertEquals(ReplayStatus.STALE, guard.commit(37));
        assertEquals(ReplayStatus.ACCEPTED, guard.commit(10_000));
        assertEquals(ReplayStatus.STALE, guard.commit(101));
        assertEquals(ReplayStatus.ACCEPTED, guard.commit(9_999));
        assertEquals(ReplayStatus.INVALID, guard.commit(-5));
        assertEquals(ReplayStatus.INVALID, guard.commit(Long.MAX_VALUE));
    }

    @Test
    void windowMovesByWholeWordsWithoutForgettingInsideTheWindow()
    {
        final SlidingWindowReplayGuard guard = new SlidingWindowReplayGuard(4);
        for (long s = 0; s < 1_000; s += 2)
        {
            assertEquals(ReplayStatus.ACCEPTED, guard.commit(s));
        }
        for (long s = 998; s > 998 - guard.windowSize(); s--)
        {
            assertEquals((s & 1) == 0 ? ReplayStatus.DUPLICATE : ReplayStatus.ACCEPTED, guard.check(s), "seq " + s);
        }
        assertEquals(ReplayStatus.STALE, guard.check(998 - guard.windowSize()));
    }

    @Test
    void verdictsSayWhetherTheFramePasses()
    {
        assertTrue(ReplayStatus.ACCEPTED.isAccepted());
        assertTrue(ReplayStatus.GAP.isAccepted());
        assertFalse(ReplayStatus.DUPLICATE.isAccepted());
        assertFalse(ReplayStatus.STALE.isAccepted());
        assertFalse(ReplayStatus.INVALID.isAccepted());
    }

    @Test
    void badConfigurationIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindowReplayGuard(1));
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindowReplayGuard(3));
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindowReplayGuard(0));
        assertThrows(IllegalArgumentException.class, () -> new StrictReplayGuard(-1));
        assertThrows(IllegalArgumentException.class, () -> new StrictReplayGuard(Long.MAX_VALUE));
    }
}
