package io.bastion.bench.latency;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorePlacementTest
{
    @Test
    void noneLeavesTheThreadsToTheScheduler()
    {
        assertSame(CorePlacement.UNPINNED, CorePlacement.parse("none"));
        assertFalse(CorePlacement.UNPINNED.isPinned());
        assertEquals("threads not pinned", CorePlacement.UNPINNED.describe());
    }

    @Test
    void twoCpusArePinnedAndDescribed()
    {
        final int last = Runtime.getRuntime().availableProcessors() - 1;
        if (last < 1)
        {
            assertThrows(IllegalArgumentException.class, () -> CorePlacement.parse("0/1"));
            return;
        }
        final CorePlacement placement = CorePlacement.parse("0/" + last);
        assertTrue(placement.isPinned());
        assertTrue(placement.describe().startsWith("producer on cpu 0, consumer on cpu " + last + " ("),
            placement.describe());
    }

    @Test
    void malformedOrImpossiblePlacementsAreRefused()
    {
        final int cpus = Runtime.getRuntime().availableProcessors();
        for (final String spec : new String[]{"0", "0,1", "0/1/2", "a/1", "0/", "-1/0", "0/" + cpus, "0/0", "1/1"})
        {
            assertThrows(IllegalArgumentException.class, () -> CorePlacement.parse(spec), spec);
        }
    }

    @Test
    void pinningMovesOnlyTheCallingThreadAndRefusesAMissingCpu() throws InterruptedException
    {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                ThreadAffinity.pin(0);
                final IllegalStateException refused =
                    assertThrows(IllegalStateException.class, () -> ThreadAffinity.pin(1 << 20));
                assertTrue(refused.getMessage().contains("errno"), refused.getMessage());
            }
            catch (final Throwable ex)
            {
                failure.set(ex);
            }
        });
        thread.start();
        thread.join();
        assertNull(failure.get());
        assertThrows(IllegalArgumentException.class, () -> ThreadAffinity.pin(-1));
    }
}
