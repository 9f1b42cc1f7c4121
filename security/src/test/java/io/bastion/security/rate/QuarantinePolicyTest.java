package io.bastion.security.rate;

import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link QuarantinePolicy} on a fake clock: threshold within the window, expiry, release, a full table, allocation,
 * and a jqwik comparison with a naive model.
 */
class QuarantinePolicyTest
{
    private static final long WINDOW = 1_000;
    private static final long QUARANTINE = 10_000;

    @Test
    void thresholdRejectionsWithinTheWindowQuarantine()
    {
        final QuarantinePolicy policy = new QuarantinePolicy(4, 3, WINDOW, QUARANTINE);
        assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(7, 0));
        assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(7, 500));
        assertFalse(policy.isQuarantined(7, 500));
        assertEquals(QuarantineStatus.NEWLY_QUARANTINED, policy.recordRejection(7, 999));
        assertTrue(policy.isQuarantined(7, 999));
        assertFalse(policy.isQuarantined(8, 999));
        assertEquals(QuarantineStatus.QUARANTINED, policy.recordRejection(7, 1_500));
        assertTrue(policy.isQuarantined(7, 999 + QUARANTINE - 1));
        assertFalse(policy.isQuarantined(7, 999 + QUARANTINE));
        // After the quarantine, it takes a full set of fresh rejections again.
        assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(7, 20_000));
        assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(7, 20_001));
        assertEquals(QuarantineStatus.NEWLY_QUARANTINED, policy.recordRejection(7, 20_002));
    }

    @Test
    void rejectionsSpreadWiderThanTheWindowDoNotQuarantine()
    {
        final QuarantinePolicy policy = new QuarantinePolicy(4, 3, WINDOW, QUARANTINE);
        long now = 0;
        for (int i = 0; i < 100; i++)
        {
            assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(1, now), "rejection " + i);
            now += 500;
        }
        assertFalse(policy.isQuarantined(1, now));
    }

    @Test
    void thresholdOfOneQuarantinesAtOnceAndReleaseLiftsIt()
    {
        final QuarantinePolicy policy = new QuarantinePolicy(2, 1, WINDOW, Long.MAX_VALUE);
        assertEquals(QuarantineStatus.NEWLY_QUARANTINED, policy.recordRejection(-3, 0));
        assertTrue(policy.isQuarantined(-3, Long.MAX_VALUE / 2));
        assertTrue(policy.release(-3));
        assertFalse(policy.release(-3));
        assertFalse(policy.isQuarantined(-3, 0));
        assertEquals(0, policy.trackedPeers());
    }

    @Test
    void fullTableReusesStalePeersAndOtherwiseFailsSafe()
    {
        final QuarantinePolicy policy = new QuarantinePolicy(2, 2, WINDOW, QUARANTINE);
        assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(1, 0));
        assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(2, 0));
        assertEquals(2, policy.trackedPeers());
        assertEquals(QuarantineStatus.TABLE_FULL, policy.recordRejection(3, 10));
        // Peer 2 again, after its first rejection left the window: counted, not quarantined.
        assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(2, 1_500));
        // Peer 1's only rejection has left the window: its slot is reused for peer 3.
        assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(3, 1_600));
        assertEquals(QuarantineStatus.NEWLY_QUARANTINED, policy.recordRejection(2, 1_700));
        // Peer 2 is quarantined and peer 3 was rejected within the window: no slot.
        assertEquals(QuarantineStatus.TABLE_FULL, policy.recordRejection(4, 1_800));
        assertEquals(QuarantineStatus.NEWLY_QUARANTINED, policy.recordRejection(3, 1_900));
        assertTrue(policy.isQuarantined(2, 1_900));
        assertEquals(QuarantineStatus.TABLE_FULL, policy.recordRejection(4, 5_000));
        // Peer 2's quarantine is over: its slot is reused, and it is no longer tracked.
        assertEquals(QuarantineStatus.COUNTED, policy.recordRejection(4, 1_700 + QUARANTINE));
        assertFalse(policy.isQuarantined(2, 1_700 + QUARANTINE));
        assertTrue(policy.isQuarantined(3, 1_700 + QUARANTINE));
    }

    @Test
    void steadyStateAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        final QuarantinePolicy policy = new QuarantinePolicy(64, 4, WINDOW, QUARANTINE);
        final TokenBucket bucket = new TokenBucket(8, 10, 0);
        final long tid = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        long now = 0;
        int quarantined = 0;
        for (int round = 0; round < 5; round++)
        {
            final long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++)
            {
                now += 7;
                final long peer = i % 100;
                if (!bucket.tryAcquire(now) && policy.recordRejection(peer, now) == QuarantineStatus.NEWLY_QUARANTINED)
                {
                    policy.release(peer);
                }
                quarantined += policy.isQuarantined(peer, now) ? 1 : 0;
            }
            least = Math.min(least, threads.getThreadAllocatedBytes(tid) - before);
        }
        assertEquals(0, least);
        assertEquals(0, quarantined);
    }

    @Test
    void badConfigurationIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new QuarantinePolicy(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new QuarantinePolicy(1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new QuarantinePolicy(1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new QuarantinePolicy(1, 1, 1, 0));
    }

    /** A rejection of one of a few peers, some time after the previous event. */
    record Event(int peer, long delay)
    {
    }

    @Property(tries = 500)
    void matchesNaiveModelWhenTheTableIsLargeEnough(@ForAll("events") final List<Event> events)
    {
        final int threshold = 3;
        final QuarantinePolicy policy = new QuarantinePolicy(8, threshold, WINDOW, QUARANTINE);
        final Map<Integer, ArrayDeque<Long>> recent = new HashMap<>();
        final Map<Integer, Long> quarantinedAt = new HashMap<>();
        long now = 0;
        for (final Event event : events)
        {
            now += event.delay();
            final int peer = event.peer();
            final Long at = quarantinedAt.get(peer);
            final QuarantineStatus expected;
            if (at != null && now - at < QUARANTINE)
            {
                expected = QuarantineStatus.QUARANTINED;
            }
            else
            {
                quarantinedAt.remove(peer);
                final ArrayDeque<Long> times = recent.computeIfAbsent(peer, (p) -> new ArrayDeque<>());
                times.addLast(now);
                final long cutoff = now;
                times.removeIf((t) -> cutoff - t >= WINDOW);
                if (times.size() >= threshold)
                {
                    expected = QuarantineStatus.NEWLY_QUARANTINED;
                    quarantinedAt.put(peer, now);
                    times.clear();
                }
                else
                {
                    expected = QuarantineStatus.COUNTED;
                }
            }
            assertEquals(expected, policy.recordRejection(peer, now));
            for (int p = 0; p < 4; p++)
            {
                final Long q = quarantinedAt.get(p);
                assertEquals(q != null && now - q < QUARANTINE, policy.isQuarantined(p, now), "peer " + p);
            }
        }
    }

    @Provide
    Arbitrary<List<Event>> events()
    {
        return net.jqwik.api.Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, Arbitraries.longs().between(0, 600)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 15_000))))
            .as(Event::new)
            .list().ofMaxSize(200);
    }
}
