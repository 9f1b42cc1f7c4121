package io.bastion.ringbuffer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FanOutPolicyTest
{
    @Test
    void theDefaultsEvictNobodyForLagAndAStalledConsumerAfterASecond()
    {
        final FanOutPolicy defaults = FanOutPolicy.defaults();
        assertSame(defaults, FanOutPolicy.defaults());
        assertEquals(FanOutPolicy.Mode.EVICT, defaults.mode());
        assertEquals(Long.MAX_VALUE, defaults.maxLagBytes());
        assertEquals(FanOutPolicy.FULL_RING, defaults.maxLagBytes());
        assertEquals(1_000, defaults.stallTimeoutMs());
        assertEquals(Long.MAX_VALUE, defaults.effectiveMaxLag(1024), "a full ring is no lag bound");
        assertEquals(1024 - RecordDescriptor.ALIGNMENT - 1,
            FanOutPolicy.evicting(1024 - RecordDescriptor.ALIGNMENT - 1, 1_000).effectiveMaxLag(1024));
        assertEquals(Long.MAX_VALUE,
            FanOutPolicy.evicting(1024 - RecordDescriptor.ALIGNMENT, 1_000).effectiveMaxLag(1024));
        assertEquals(FanOutPolicy.evicting(Long.MAX_VALUE, 1_000), defaults);
    }

    @Test
    void factoriesKeepTheirBoundsAndCheckThem()
    {
        final FanOutPolicy evicting = FanOutPolicy.evicting(4096, 250);
        assertEquals(FanOutPolicy.Mode.EVICT, evicting.mode());
        assertEquals(4096, evicting.maxLagBytes());
        assertEquals(250, evicting.stallTimeoutMs());
        assertEquals(4096, evicting.effectiveMaxLag(1 << 20));
        assertEquals(Long.MAX_VALUE, evicting.effectiveMaxLag(1024), "a bound of a lap or more bounds nothing");

        final FanOutPolicy blocking = FanOutPolicy.blocking(0);
        assertEquals(FanOutPolicy.Mode.BLOCK, blocking.mode());
        assertEquals(FanOutPolicy.FULL_RING, blocking.maxLagBytes());
        assertEquals(0, blocking.stallTimeoutMs());

        assertThrows(IllegalArgumentException.class, () -> FanOutPolicy.evicting(0, 1_000));
        assertThrows(IllegalArgumentException.class, () -> FanOutPolicy.evicting(-1, 1_000));
        assertThrows(IllegalArgumentException.class, () -> FanOutPolicy.evicting(1, -1));
        assertThrows(IllegalArgumentException.class, () -> FanOutPolicy.blocking(-1));
    }

    @Test
    void policiesAreValues()
    {
        assertEquals(FanOutPolicy.blocking(5), FanOutPolicy.blocking(5));
        assertEquals(FanOutPolicy.blocking(5).hashCode(), FanOutPolicy.blocking(5).hashCode());
        assertNotEquals(FanOutPolicy.blocking(5), FanOutPolicy.blocking(6));
        assertNotEquals(FanOutPolicy.blocking(5), FanOutPolicy.evicting(Long.MAX_VALUE, 5));
        assertNotEquals(FanOutPolicy.evicting(8, 5), FanOutPolicy.evicting(16, 5));
        assertNotEquals(FanOutPolicy.blocking(5), "BLOCK");
        assertTrue(FanOutPolicy.defaults().toString().contains("full ring"));
        assertTrue(FanOutPolicy.evicting(64, 7).toString().contains("maxLagBytes=64"));
    }

    @Test
    void evictionReasonCodesAreStable()
    {
        assertEquals(1, EvictionReason.LAGGED.code());
        assertEquals(2, EvictionReason.STALLED.code());
        assertEquals(3, EvictionReason.CORRUPT_HEAD.code());
        for (final EvictionReason reason : EvictionReason.values())
        {
            assertSame(reason, EvictionReason.fromCode(reason.code()));
        }
        assertNull(EvictionReason.fromCode(0));
        assertNull(EvictionReason.fromCode(4));
        assertNull(EvictionReason.fromCode(-1));
        assertNull(EvictionReason.fromCode(Integer.MIN_VALUE));
    }
}
