package io.bastion.security.mac;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refusals, bounds and allocation of {@link HmacSha256}.
 */
class HmacSha256Test
{
    private final HmacSha256 mac = new HmacSha256();
    private final MacKey key = new MacKey(new byte[]{1, 2, 3, 4, 5, 6, 7, 8});
    private final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(128));

    @Test
    void rangesOutsideTheBufferAreRefusedWithoutWriting()
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.sign(key, record, 100, 29, out, 0));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.sign(key, record, -1, 10, out, 0));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.sign(key, record, 0, -1, out, 0));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.sign(key, record, Integer.MAX_VALUE, Integer.MAX_VALUE, out, 0));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.sign(key, record, 1, Integer.MAX_VALUE, out, 0));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.sign(key, record, 0, 16, out, 1));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.sign(key, record, 0, 16, out, -1));
        for (int i = 0; i < out.capacity(); i++)
        {
            assertEquals(0, out.getByte(i));
        }
        // The engine is usable again after a refusal, and gives the same tag as a fresh one.
        assertEquals(MacResult.OK, mac.sign(key, record, 0, 16, out, 0));
        final UnsafeBuffer fresh = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        assertEquals(MacResult.OK, new HmacSha256().sign(key, record, 0, 16, fresh, 0));
        assertEquals(fresh, out);
    }

    @Test
    void tagSlotMustLieInsideTheRecord()
    {
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.signSkippingTag(key, record, 0, 64, 33));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.signSkippingTag(key, record, 10, 64, 9));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.signSkippingTag(key, record, 0, 31, 0));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.verifySkippingTag(key, record, 0, 64, -5));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.verifySkippingTag(key, record, 100, 64, 100));
        assertEquals(MacResult.OK, mac.signSkippingTag(key, record, 0, 64, 32));
        assertEquals(MacResult.OK, mac.verifySkippingTag(key, record, 0, 64, 32));
        assertEquals(MacResult.OK, mac.signSkippingTag(key, record, 96, 32, 96));
        assertEquals(MacResult.OK, mac.verifySkippingTag(key, record, 96, 32, 96));
    }

    @Test
    void otherKeyAndDestroyedKeyAreRefused()
    {
        assertEquals(MacResult.OK, mac.signSkippingTag(key, record, 0, 100, 8));
        final MacKey other = new MacKey(new byte[]{1, 2, 3, 4, 5, 6, 7, 9});
        assertEquals(MacResult.TAG_MISMATCH, mac.verifySkippingTag(other, record, 0, 100, 8));
        key.destroy();
        assertTrue(key.isDestroyed());
        assertEquals(MacResult.KEY_DESTROYED, mac.verifySkippingTag(key, record, 0, 100, 8));
        assertEquals(MacResult.KEY_DESTROYED, mac.signSkippingTag(key, record, 0, 100, 8));
    }

    @Test
    void keyDestroyedBetweenBeginAndFinishFailsSafe()
    {
        final MacKey doomed = new MacKey(new byte[]{9, 9, 9});
        assertEquals(MacResult.OK, mac.signSkippingTag(doomed, record, 0, 100, 8));
        assertEquals(MacResult.OK, mac.begin(doomed));
        mac.update(record, 0, 8);
        mac.update(record, 40, 60);
        doomed.destroy();
        assertEquals(MacResult.KEY_DESTROYED, mac.finishAndVerify(record, 8));

        final MacKey alsoDoomed = new MacKey(new byte[]{7, 7, 7});
        final UnsafeBuffer out = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        assertEquals(MacResult.OK, mac.begin(alsoDoomed));
        mac.update(record, 0, 100);
        alsoDoomed.destroy();
        assertEquals(MacResult.KEY_DESTROYED, mac.finish(out, 0));
        for (int i = 0; i < out.capacity(); i++)
        {
            assertEquals(0, out.getByte(i), "nothing written");
        }
        assertEquals(MacResult.NOT_STARTED, mac.finish(out, 0), "the abandoned tag is not resumed");
    }

    @Test
    void finishWithoutBeginIsNotStarted()
    {
        assertFalse(mac.update(record, 0, 1));
        assertEquals(MacResult.NOT_STARTED, mac.finish(record, 0));
        assertEquals(MacResult.NOT_STARTED, mac.finishAndVerify(record, 0));
    }

    @Test
    void failedUpdatePoisonsTheTag()
    {
        assertEquals(MacResult.OK, mac.begin(key));
        assertFalse(mac.update(record, 120, 9));
        assertTrue(mac.update(record, 0, 9));
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.finish(record, 0));
    }

    @Test
    void badKeyRangesAreRejectedAtConstruction()
    {
        assertThrows(IllegalArgumentException.class, () -> new MacKey(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new MacKey(new byte[4], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new MacKey(new byte[4], -1, 2));
        assertThrows(IllegalArgumentException.class, () -> new HmacSha256(63));
    }

    @Test
    void constantTimeEqualsComparesEveryByte()
    {
        final byte[] a = {1, 2, 3, 4};
        assertTrue(ConstantTime.equals(a, new byte[]{1, 2, 3, 4}));
        assertFalse(ConstantTime.equals(a, new byte[]{1, 2, 3, 5}));
        assertFalse(ConstantTime.equals(a, new byte[]{0, 2, 3, 4}));
        assertFalse(ConstantTime.equals(a, new byte[]{1, 2, 3}));
        final UnsafeBuffer b = new UnsafeBuffer(new byte[]{9, 1, 2, 3, 4});
        assertTrue(ConstantTime.equals(a, 0, b, 1, 4));
        assertFalse(ConstantTime.equals(a, 0, b, 0, 4));
    }

    @Test
    void steadyStateAllocatesNothing()
    {
        assertSteadyStateAllocatesNothing(mac, key);
    }

    /**
     * Sign and verify 80 000 times, on and off heap, over ranges of many lengths, and assert that the least of four
     * such rounds allocated nothing.
     */
    static void assertSteadyStateAllocatesNothing(final HmacSha256 mac, final MacKey key)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[4096]);
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

        final long tid = Thread.currentThread().getId();
        int ok = 0;
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 4; round++)
        {
            final long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 20_000; i++)
            {
                ok += mac.signSkippingTag(key, offHeap, 0, 4096 - (i & 1023), 64) == MacResult.OK ? 1 : 0;
                ok += mac.verifySkippingTag(key, offHeap, 0, 4096 - (i & 1023), 64) == MacResult.OK ? 1 : 0;
                ok += mac.signSkippingTag(key, heap, 0, 100 + (i & 255), 40) == MacResult.OK ? 1 : 0;
                ok += mac.verifySkippingTag(key, heap, 0, 100 + (i & 255), 40) == MacResult.OK ? 1 : 0;
            }
            // The least of several rounds: a one-off allocation by the JVM itself (compilation) is not ours.
            least = Math.min(least, threads.getThreadAllocatedBytes(tid) - before);
        }
        assertEquals(0, least, mac.engineImplementation() + ": bytes allocated by 80 000 tags in steady state");
        assertEquals(4 * 80_000, ok);
    }
}
