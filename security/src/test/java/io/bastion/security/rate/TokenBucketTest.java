package io.bastion.security.rate;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TokenBucket} on a fake clock: bursts, refill, multi-token takes, backwards and wrapping clocks.
 */
class TokenBucketTest
{
    @Test
    void fullBucketAdmitsABurstThenRefillsAtTheRate()
    {
        final long t0 = 5_000;
        final TokenBucket bucket = TokenBucket.perSecond(1_000, 10, t0);
        assertEquals(1_000_000, bucket.nanosPerToken());
        assertEquals(10, bucket.available(t0));
        for (int i = 0; i < 10; i++)
        {
            assertTrue(bucket.tryAcquire(t0), "token " + i);
        }
        assertFalse(bucket.tryAcquire(t0));
        assertEquals(0, bucket.available(t0));
        assertFalse(bucket.tryAcquire(t0 + 999_999));
        assertTrue(bucket.tryAcquire(t0 + 1_000_000));
        assertFalse(bucket.tryAcquire(t0 + 1_000_000));
        assertEquals(3, bucket.available(t0 + 4_000_000));
        assertEquals(10, bucket.available(t0 + 1_000_000_000));
        // Idle time does not store more than the capacity.
        assertEquals(10, bucket.available(t0 + 1_000_000_000_000L));
    }

    @Test
    void multiTokenTakeIsAllOrNothing()
    {
        final TokenBucket bucket = new TokenBucket(5, 100, 0);
        assertTrue(bucket.tryAcquire(3, 0));
        assertFalse(bucket.tryAcquire(3, 0));
        assertEquals(2, bucket.available(0));
        assertTrue(bucket.tryAcquire(2, 0));
        assertFalse(bucket.tryAcquire(6, 1_000_000));
        assertFalse(bucket.tryAcquire(0, 1_000_000));
        assertFalse(bucket.tryAcquire(-1, 1_000_000));
        assertTrue(bucket.tryAcquire(5, 1_000_000));
    }

    @Test
    void clockGoingBackwardsGrantsNothingExtra()
    {
        final TokenBucket bucket = new TokenBucket(2, 1_000, 10_000);
        assertTrue(bucket.tryAcquire(10_000));
        assertTrue(bucket.tryAcquire(10_000));
        assertFalse(bucket.tryAcquire(5_000));
        assertEquals(0, bucket.available(5_000));
        assertTrue(bucket.tryAcquire(11_000));
    }

    @Test
    void worksAcrossClockWrap()
    {
        final long t0 = Long.MAX_VALUE - 500;
        final TokenBucket bucket = new TokenBucket(1, 1_000, t0);
        assertTrue(bucket.tryAcquire(t0));
        assertFalse(bucket.tryAcquire(t0 + 999));
        assertTrue(bucket.tryAcquire(t0 + 1_000));
    }

    @Test
    void badConfigurationIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(Long.MAX_VALUE, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> TokenBucket.perSecond(0, 1, 0));
    }

    @Property(tries = 300)
    void neverAdmitsMoreThanBurstPlusRate(
        @ForAll @IntRange(min = 1, max = 50) final int capacity,
        @ForAll @LongRange(min = 1, max = 10_000) final long nanosPerToken,
        @ForAll @LongRange(min = 0, max = 5_000) final long stepNs,
        @ForAll @IntRange(min = 1, max = 2_000) final int attempts)
    {
        final TokenBucket bucket = new TokenBucket(capacity, nanosPerToken, 0);
        long admitted = 0;
        long now = 0;
        for (int i = 0; i < attempts; i++)
        {
            admitted += bucket.tryAcquire(now) ? 1 : 0;
            now += stepNs;
        }
        final long elapsed = now - stepNs;
        assertTrue(admitted <= capacity + elapsed / nanosPerToken, "admitted " + admitted);
        // And it is not stingy: with time for one token per attempt, every attempt is admitted.
        if (stepNs >= nanosPerToken)
        {
            assertEquals(attempts, admitted);
        }
    }
}
