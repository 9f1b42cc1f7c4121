package io.bastion.security.mac;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MacKey#destroy()} racing computations on another thread: no computation may use zeroed (or partly zeroed)
 * pads. A worker signs and verifies in a loop with a key that the test thread destroys at a random moment, round
 * after round. Every tag the worker is handed must be the intact key's tag, and a frame carrying the tag of the zeroed
 * pads (which anyone can compute) must never verify.
 */
class MacKeyDestroyRaceTest
{
    private static final int RECORD_LENGTH = 64;
    private static final int TAG_OFFSET = 8;
    private static final int ROUNDS = 20_000;
    private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final AtomicReference<MacKey> current = new AtomicReference<>();
    private final AtomicReference<byte[]> intactTag = new AtomicReference<>();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicLong computations = new AtomicLong();
    private final AtomicLong refusedAfterDestroy = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean stop;

    @Test
    void aDestroyedKeyNeverSignsOrVerifiesWithZeroedPads() throws Exception
    {
        final UnsafeBuffer genuine = new UnsafeBuffer(new byte[RECORD_LENGTH]);
        for (int i = 0; i < RECORD_LENGTH; i++)
        {
            genuine.putByte(i, (byte) (i * 7 + 1));
        }
        final byte[] zeroPadTag = zeroPadTag(genuine);
        final UnsafeBuffer forged = new UnsafeBuffer(genuine.byteArray().clone());
        forged.putBytes(TAG_OFFSET, zeroPadTag);

        // The forgery is what a zeroed key answers: the property below is not vacuous.
        final MacKey zeroed = new MacKey(new byte[32]);
        Arrays.fill(zeroed.innerPad, (byte) 0);
        Arrays.fill(zeroed.outerPad, (byte) 0);
        assertEquals(MacResult.OK, new HmacSha256().verifySkippingTag(zeroed, forged, 0, RECORD_LENGTH, TAG_OFFSET));

        final Thread worker = new Thread(() -> work(genuine, forged, zeroPadTag), "mac-worker");
        worker.setDaemon(true);
        worker.start();
        final SplittableRandom random = new SplittableRandom(42);
        final HmacSha256 mac = new HmacSha256();
        final long start = System.nanoTime();
        int rounds = 0;
        try
        {
            while (rounds < ROUNDS && System.nanoTime() - start < MAX_NANOS && null == failure.get())
            {
                final byte[] keyBytes = new byte[32];
                random.nextBytes(keyBytes);
                final MacKey key = new MacKey(keyBytes);
                final UnsafeBuffer signed = new UnsafeBuffer(genuine.byteArray().clone());
                assertEquals(MacResult.OK, mac.signSkippingTag(key, signed, 0, RECORD_LENGTH, TAG_OFFSET));
                final byte[] tag = new byte[HmacSha256.TAG_LENGTH];
                signed.getBytes(TAG_OFFSET, tag);
                assertFalse(Arrays.equals(zeroPadTag, tag));
                intactTag.set(tag);
                current.set(key);
                rounds++;
                while (started.get() < rounds && null == failure.get())
                {
                    Thread.onSpinWait();
                }
                for (int spins = random.nextInt(2_000); spins > 0; spins--)
                {
                    Thread.onSpinWait();
                }
                key.destroy();
                while (finished.get() < rounds && null == failure.get())
                {
                    Thread.onSpinWait();
                }
            }
        }
        finally
        {
            stop = true;
            worker.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertNull(failure.get(), failure::get);
        assertTrue(rounds >= 100, "too few rounds to mean anything: " + rounds);
        assertEquals(rounds, finished.get());
        assertTrue(computations.get() > rounds, "computations: " + computations.get());
        assertTrue(refusedAfterDestroy.get() >= rounds, "every round ends in a refusal");
    }

    private void work(final UnsafeBuffer genuine, final UnsafeBuffer forged, final byte[] zeroPadTag)
    {
        final HmacSha256 mac = new HmacSha256();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[RECORD_LENGTH]);
        final byte[] tag = new byte[HmacSha256.TAG_LENGTH];
        MacKey previous = null;
        int round = 0;
        try
        {
            while (!stop)
            {
                final MacKey key = current.get();
                if (null == key || previous == key)
                {
                    Thread.onSpinWait();
                    continue;
                }
                previous = key;
                round++;
                final byte[] expected = intactTag.get();
                started.set(round);
                boolean signRefused = false;
                boolean verifyRefused = false;
                while (!(signRefused && verifyRefused))
                {
                    final MacResult forgery = mac.verifySkippingTag(key, forged, 0, RECORD_LENGTH, TAG_OFFSET);
                    if (MacResult.OK == forgery)
                    {
                        failure.compareAndSet(null, "round " + round + ": a zero-pad forgery verified");
                        return;
                    }
                    verifyRefused |= MacResult.KEY_DESTROYED == forgery;

                    scratch.putBytes(0, genuine, 0, RECORD_LENGTH);
                    final MacResult signed = mac.signSkippingTag(key, scratch, 0, RECORD_LENGTH, TAG_OFFSET);
                    computations.incrementAndGet();
                    if (MacResult.OK == signed)
                    {
                        scratch.getBytes(TAG_OFFSET, tag);
                        if (Arrays.equals(zeroPadTag, tag))
                        {
                            failure.compareAndSet(null, "round " + round + ": signed with zeroed pads");
                            return;
                        }
                        if (!Arrays.equals(expected, tag))
                        {
                            failure.compareAndSet(null, "round " + round + ": signed with partly zeroed pads");
                            return;
                        }
                    }
                    else if (MacResult.KEY_DESTROYED == signed)
                    {
                        signRefused = true;
                        assertTrue(key.isDestroyed());
                    }
                    else
                    {
                        failure.compareAndSet(null, "round " + round + ": unexpected " + signed);
                        return;
                    }
                }
                refusedAfterDestroy.incrementAndGet();
                finished.set(round);
            }
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, ex.toString());
        }
    }

    /**
     * What HMAC computes once both pads are zero: SHA-256(zeros | SHA-256(zeros | data)), a public function.
     */
    private static byte[] zeroPadTag(final UnsafeBuffer record) throws Exception
    {
        final byte[] bytes = record.byteArray();
        final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(new byte[MacKey.BLOCK_LENGTH]);
        sha256.update(bytes, 0, TAG_OFFSET);
        sha256.update(bytes, TAG_OFFSET + HmacSha256.TAG_LENGTH, RECORD_LENGTH - TAG_OFFSET - HmacSha256.TAG_LENGTH);
        final byte[] inner = sha256.digest();
        sha256.update(new byte[MacKey.BLOCK_LENGTH]);
        sha256.update(inner);
        return sha256.digest();
    }
}
