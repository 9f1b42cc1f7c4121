package io.bastion.security.mac;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MacKey#destroy()} racing computations on another thread, for each {@link HmacImplementation}: no computation
 * may use zeroed (or partly zeroed) pads or midstates. A worker signs and verifies in a loop with a key that the test
 * thread destroys at a random moment, round after round. Every tag the worker is handed must be the intact key's tag,
 * and a frame carrying the tag of the zeroed key (which anyone can compute) must never verify.
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

    @ParameterizedTest
    @EnumSource(HmacImplementation.class)
    void aDestroyedKeyNeverSignsOrVerifiesWithZeroedKeyMaterial(final HmacImplementation implementation)
            throws Exception
    {
        final UnsafeBuffer genuine = new UnsafeBuffer(new byte[RECORD_LENGTH]);
        for (int i = 0; i < RECORD_LENGTH; i++)
        {
            genuine.putByte(i, (byte) (i * 7 + 1));
        }
        final byte[] zeroKeyTag = zeroKeyTag(implementation, genuine);
        final UnsafeBuffer forged = new UnsafeBuffer(genuine.byteArray().clone());
        forged.putBytes(TAG_OFFSET, zeroKeyTag);
        if (HmacImplementation.PADS == implementation)
        {
            // The pad path's forgery is the public function of the data that zero pads give.
            assertArrayEquals(zeroPadTag(genuine), zeroKeyTag);
        }
        else
        {
            // Both midstate paths, on two different SHA-256 compressions, agree on what zero midstates give.
            final HmacImplementation other = HmacImplementation.JDK_STATE == implementation ?
                HmacImplementation.PURE_JAVA : HmacImplementation.JDK_STATE;
            assertArrayEquals(zeroKeyTag(other, genuine), zeroKeyTag);
        }

        final Thread worker = new Thread(() -> work(implementation, genuine, forged, zeroKeyTag), "mac-worker");
        worker.setDaemon(true);
        worker.start();
        final SplittableRandom random = new SplittableRandom(42);
        final HmacSha256 mac = new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, implementation);
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
                assertFalse(Arrays.equals(zeroKeyTag, tag));
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

    private void work(
        final HmacImplementation implementation,
        final UnsafeBuffer genuine,
        final UnsafeBuffer forged,
        final byte[] zeroKeyTag)
    {
        final HmacSha256 mac = new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, implementation);
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
                        failure.compareAndSet(null, "round " + round + ": a zero-key forgery verified");
                        return;
                    }
                    verifyRefused |= MacResult.KEY_DESTROYED == forgery;

                    scratch.putBytes(0, genuine, 0, RECORD_LENGTH);
                    final MacResult signed = mac.signSkippingTag(key, scratch, 0, RECORD_LENGTH, TAG_OFFSET);
                    computations.incrementAndGet();
                    if (MacResult.OK == signed)
                    {
                        scratch.getBytes(TAG_OFFSET, tag);
                        if (Arrays.equals(zeroKeyTag, tag))
                        {
                            failure.compareAndSet(null, "round " + round + ": signed with a zeroed key");
                            return;
                        }
                        if (!Arrays.equals(expected, tag))
                        {
                            failure.compareAndSet(null, "round " + round + ": signed with a partly zeroed key");
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
     * What an implementation answers for a key whose pads and midstates are all zero, as {@link MacKey#destroy()}
     * leaves them (but with the destroyed flag clear): the forgery a use-after-destroy would accept.
     */
    private static byte[] zeroKeyTag(final HmacImplementation implementation, final UnsafeBuffer record)
    {
        final MacKey zeroed = new MacKey(new byte[32]);
        Arrays.fill(zeroed.innerPad, (byte) 0);
        Arrays.fill(zeroed.outerPad, (byte) 0);
        Arrays.fill(zeroed.innerState, 0);
        Arrays.fill(zeroed.outerState, 0);
        final UnsafeBuffer signed = new UnsafeBuffer(record.byteArray().clone());
        assertEquals(MacResult.OK, new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, implementation)
            .signSkippingTag(zeroed, signed, 0, RECORD_LENGTH, TAG_OFFSET));
        final byte[] tag = new byte[HmacSha256.TAG_LENGTH];
        signed.getBytes(TAG_OFFSET, tag);
        return tag;
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
