package io.bastion.security.keys;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.bastion.security.mac.HmacSha256;
import io.bastion.security.mac.MacKey;
import io.bastion.security.mac.MacResult;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rotation, grace, revocation, expiry, derivation, zeroing and concurrent lookup of {@link KeyRing}.
 */
class KeyRingTest
{
    private static final byte[] MASTER = "0123456789abcdef0123456789abcdef".getBytes();

    private final AtomicLong now = new AtomicLong(1_000);
    private final KeyRing ring = new KeyRing(7, KeyDirection.INITIATOR_TO_RESPONDER, now::get);
    private final KeyLookup lookup = new KeyLookup();

    @Test
    void emptyRingRefusesEverything()
    {
        assertEquals(KeyStatus.NO_CURRENT_KEY, ring.current(lookup));
        assertEquals(KeyStatus.UNKNOWN, ring.lookup(1, lookup));
        assertNull(lookup.key());
    }

    @Test
    void rotateAndZeroInstallsACopyAndZeroesTheCallersArrayEvenWhenRefused()
    {
        final byte[] key = {5, 6, 7, 8};
        ring.rotateAndZero(1, key, 0);
        assertArrayEquals(new byte[4], key);
        assertEquals(KeyStatus.ACCEPTED, ring.current(lookup));
        assertEquals(1, lookup.keyId());
        final HmacSha256 mac = new HmacSha256();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[]{1, 2, 3});
        final UnsafeBuffer tag = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        assertEquals(MacResult.OK, mac.sign(lookup.key(), message, 0, 3, tag, 0));
        assertEquals(MacResult.OK, mac.sign(new MacKey(new byte[]{5, 6, 7, 8}), message, 0, 3, expected, 0));
        assertArrayEquals(expected.byteArray(), tag.byteArray());

        final byte[] reused = {9, 9, 9};
        assertThrows(IllegalArgumentException.class, () -> ring.rotateAndZero(1, reused, 0));
        assertArrayEquals(new byte[3], reused);
        assertEquals(1, ring.size());
    }

    @Test
    void rotationKeepsOldKeyUntilGraceEndsThenDropsAndZeroesIt()
    {
        ring.rotate(1, new byte[]{1, 1, 1}, 0);
        assertEquals(KeyStatus.ACCEPTED, ring.current(lookup));
        assertEquals(1, lookup.keyId());
        final MacKey first = lookup.key();

        ring.rotate(2, new byte[]{2, 2, 2}, 500);
        assertEquals(KeyStatus.ACCEPTED, ring.current(lookup));
        assertEquals(2, lookup.keyId());
        assertEquals(KeyRing.NO_EXPIRY, lookup.notAfterMs());

        assertEquals(KeyStatus.ACCEPTED, ring.lookup(1, 1_500, lookup));
        assertSame(first, lookup.key());
        assertEquals(1_500, lookup.notAfterMs());
        assertEquals(KeyStatus.EXPIRED, ring.lookup(1, 1_501, lookup));
        assertNull(lookup.key());
        assertEquals(KeyStatus.ACCEPTED, ring.lookup(2, Long.MAX_VALUE, lookup));

        now.set(1_501);
        assertFalse(first.isDestroyed());
        assertEquals(1, ring.prune());
        assertTrue(first.isDestroyed());
        assertEquals(KeyStatus.UNKNOWN, ring.lookup(1, lookup));
        assertEquals(1, ring.size());
    }

    @Test
    void aKeyKeptWithoutExpiryIsRetiredLaterWithItsOwnGrace()
    {
        ring.rotate(1, new byte[]{1, 1, 1}, 0);
        ring.rotate(2, new byte[]{2, 2, 2}, KeyRing.NO_EXPIRY);
        assertEquals(KeyStatus.ACCEPTED, ring.lookup(1, 1_000_000, lookup));
        final MacKey first = lookup.key();

        now.set(5_000);
        assertTrue(ring.retire(1, 300));
        assertEquals(KeyStatus.ACCEPTED, ring.lookup(1, 5_300, lookup));
        assertEquals(KeyStatus.EXPIRED, ring.lookup(1, 5_301, lookup));
        assertTrue(ring.retire(1, 10_000), "a later retirement never extends an earlier one");
        assertEquals(KeyStatus.EXPIRED, ring.lookup(1, 5_301, lookup));
        assertEquals(KeyStatus.ACCEPTED, ring.current(lookup));
        assertEquals(2, lookup.keyId());

        now.set(5_301);
        assertTrue(ring.retire(2, 1_000));
        assertTrue(first.isDestroyed(), "retire prunes what has expired");
        assertEquals(KeyStatus.UNKNOWN, ring.lookup(1, lookup));
        assertFalse(ring.retire(9, 0));
        assertThrows(IllegalArgumentException.class, () -> ring.retire(2, -1));
    }

    @Test
    void rotationAlsoPrunesExpiredKeys()
    {
        ring.rotate(1, new byte[]{1}, 0);
        ring.rotate(2, new byte[]{2}, 10);
        ring.rotate(3, new byte[]{3}, 10);
        assertEquals(3, ring.size());
        now.addAndGet(11);
        ring.rotate(4, new byte[]{4}, 10);
        assertEquals(2, ring.size());
        assertEquals(KeyStatus.UNKNOWN, ring.lookup(2, lookup));
        assertEquals(KeyStatus.ACCEPTED, ring.lookup(3, lookup));
    }

    @Test
    void revocationRefusesAtOnceEvenDuringGrace()
    {
        ring.rotate(1, new byte[]{1}, 0);
        assertEquals(KeyStatus.ACCEPTED, ring.lookup(1, lookup));
        final MacKey first = lookup.key();
        ring.rotate(2, new byte[]{2}, 60_000);

        assertTrue(ring.revoke(1));
        assertTrue(first.isDestroyed());
        assertEquals(KeyStatus.REVOKED, ring.lookup(1, lookup));
        assertNull(lookup.key());

        assertTrue(ring.revoke(2));
        assertEquals(KeyStatus.NO_CURRENT_KEY, ring.current(lookup));
        assertEquals(KeyStatus.REVOKED, ring.lookup(2, lookup));

        assertFalse(ring.revoke(99));
        assertEquals(KeyStatus.REVOKED, ring.lookup(99, lookup));
        assertThrows(IllegalArgumentException.class, () -> ring.rotate(1, new byte[]{1}, 0));
        ring.rotate(3, new byte[]{3}, 0);
        assertEquals(KeyStatus.ACCEPTED, ring.current(lookup));
    }

    @Test
    void onlyTheLatestRevocationsAreRemembered()
    {
        for (int id = 0; id < KeyRing.MAX_REMEMBERED_REVOCATIONS + 1; id++)
        {
            ring.revoke(id);
        }
        assertEquals(KeyStatus.UNKNOWN, ring.lookup(0, lookup));
        assertEquals(KeyStatus.REVOKED, ring.lookup(1, lookup));
        assertEquals(KeyStatus.REVOKED, ring.lookup(KeyRing.MAX_REMEMBERED_REVOCATIONS, lookup));
    }

    @Test
    void misuseIsRefused()
    {
        ring.rotate(1, new byte[]{1}, 0);
        assertThrows(IllegalArgumentException.class, () -> ring.rotate(1, new byte[]{9}, 0));
        assertThrows(IllegalArgumentException.class, () -> ring.rotate(2, new byte[]{9}, -1));
        ring.close();
        assertThrows(IllegalStateException.class, () -> ring.rotate(3, new byte[]{9}, 0));
    }

    @Test
    void closeZeroesEveryKeyAndRefusesLookups()
    {
        ring.rotate(1, new byte[]{1}, 0);
        ring.current(lookup);
        final MacKey first = lookup.key();
        ring.rotate(2, new byte[]{2}, 1_000);
        ring.current(lookup);
        final MacKey second = lookup.key();
        ring.close();
        assertTrue(first.isDestroyed());
        assertTrue(second.isDestroyed());
        assertEquals(KeyStatus.NO_CURRENT_KEY, ring.current(lookup));
        assertEquals(KeyStatus.UNKNOWN, ring.lookup(1, lookup));
    }

    @Test
    void derivedKeysBindChannelDirectionAndKeyId()
    {
        final byte[] base = KeyDerivation.deriveKeyBytes(null, MASTER, 7, KeyDirection.INITIATOR_TO_RESPONDER, 1);
        assertArrayEquals(base, KeyDerivation.deriveKeyBytes(null, MASTER, 7, KeyDirection.INITIATOR_TO_RESPONDER, 1));
        assertArrayEquals(
            Hkdf.derive(null, MASTER, KeyDerivation.info(7, KeyDirection.INITIATOR_TO_RESPONDER, 1), 32), base);
        assertFalse(Arrays.equals(base,
            KeyDerivation.deriveKeyBytes(null, MASTER, 8, KeyDirection.INITIATOR_TO_RESPONDER, 1)));
        assertFalse(Arrays.equals(base,
            KeyDerivation.deriveKeyBytes(null, MASTER, 7, KeyDirection.RESPONDER_TO_INITIATOR, 1)));
        assertFalse(Arrays.equals(base,
            KeyDerivation.deriveKeyBytes(null, MASTER, 7, KeyDirection.INITIATOR_TO_RESPONDER, 2)));
        assertFalse(Arrays.equals(base,
            KeyDerivation.deriveKeyBytes(new byte[]{1}, MASTER, 7, KeyDirection.INITIATOR_TO_RESPONDER, 1)));
        assertThrows(IllegalArgumentException.class,
            () -> KeyDerivation.deriveKeyBytes(null, new byte[15], 7, KeyDirection.INITIATOR_TO_RESPONDER, 1));
    }

    @Test
    void derivedRingsOfBothSidesInteroperateOnlyInTheirDirection()
    {
        final KeyRing senderSide = new KeyRing(7, KeyDirection.INITIATOR_TO_RESPONDER, now::get);
        final KeyRing receiverSide = new KeyRing(7, KeyDirection.INITIATOR_TO_RESPONDER, now::get);
        final KeyRing reverse = new KeyRing(7, KeyDirection.RESPONDER_TO_INITIATOR, now::get);
        senderSide.rotateDerived(null, MASTER, 5, 0);
        receiverSide.rotateDerived(null, MASTER, 5, 0);
        reverse.rotateDerived(null, MASTER, 5, 0);

        final HmacSha256 mac = new HmacSha256();
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
        frame.putStringAscii(40, "hello");
        assertEquals(KeyStatus.ACCEPTED, senderSide.current(lookup));
        assertEquals(MacResult.OK, mac.signSkippingTag(lookup.key(), frame, 0, 100, 0));

        assertEquals(KeyStatus.ACCEPTED, receiverSide.lookup(5, lookup));
        assertEquals(MacResult.OK, mac.verifySkippingTag(lookup.key(), frame, 0, 100, 0));
        assertEquals(KeyStatus.ACCEPTED, reverse.lookup(5, lookup));
        assertEquals(MacResult.TAG_MISMATCH, mac.verifySkippingTag(lookup.key(), frame, 0, 100, 0));
    }

    @Test
    void lookupAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        ring.rotate(1, new byte[]{1}, 0);
        ring.rotate(2, new byte[]{2}, 100);
        ring.revoke(3);
        final long tid = Thread.currentThread().getId();
        int accepted = 0;
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++)
        {
            final long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 100_000; i++)
            {
                accepted += ring.lookup(i & 3, 1_050, lookup) == KeyStatus.ACCEPTED ? 1 : 0;
                accepted += ring.current(lookup) == KeyStatus.ACCEPTED ? 1 : 0;
            }
            // The least of several rounds: a one-off allocation by the JVM itself (compilation) is not ours.
            allocated = Math.min(allocated, threads.getThreadAllocatedBytes(tid) - before);
        }
        assertEquals(0, allocated);
        assertEquals(5 * 150_000, accepted);
    }

    @Test
    void pollingThreadSeesConsistentKeysWhileAnotherThreadRotates() throws InterruptedException
    {
        ring.rotate(0, new byte[]{0}, 0);
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread poller = new Thread(() ->
        {
            final KeyLookup local = new KeyLookup();
            while (!stop.get() && failure.get() == null)
            {
                if (ring.current(local) != KeyStatus.ACCEPTED)
                {
                    failure.set("no current key");
                    break;
                }
                final int id = local.keyId();
                final MacKey key = local.key();
                // The grace is longer than the test, so the key that was current must still be accepted.
                final KeyStatus status = ring.lookup(id, local);
                if (status != KeyStatus.ACCEPTED || local.key() != key || local.keyId() != id)
                {
                    failure.set("key " + id + " was " + status);
                }
            }
        });
        poller.start();
        for (int id = 1; id < 2_000; id++)
        {
            ring.rotate(id, new byte[]{(byte) id, (byte) (id >> 8)}, 3_600_000);
        }
        stop.set(true);
        poller.join();
        assertNull(failure.get());
        assertEquals(2_000, ring.size());
        ring.current(lookup);
        assertEquals(1_999, lookup.keyId());
        assertNotEquals(KeyStatus.ACCEPTED, ring.lookup(2_000, lookup));
    }
}
