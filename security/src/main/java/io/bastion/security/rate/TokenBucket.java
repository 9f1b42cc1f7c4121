package io.bastion.security.rate;

/**
 * A token bucket that admits bursts of up to {@code capacity} operations and a sustained rate of one token per
 * {@code nanosPerToken}, kept as a single "theoretical arrival time" (the generic cell rate algorithm): exact integer
 * arithmetic, no refill loop, no allocation.
 * <p>
 * Time: the caller passes {@code nowNs} from its own clock (for instance an Agrona {@code NanoClock} read once per
 * duty cycle); nothing here reads the system time. Times are compared by difference, so any nanosecond clock works,
 * including one that wraps. A clock that goes backwards only delays refill: it never grants extra tokens.
 * <p>
 * Thread safety: none; one bucket per thread (typically one per peer on the polling thread).
 */
public final class TokenBucket
{
    private final long capacity;
    private final long nanosPerToken;
    private final long burstNs;
    private long theoreticalArrivalNs;

    /**
     * A full bucket.
     *
     * @param capacity      largest burst, in tokens, 1 or more.
     * @param nanosPerToken time to earn one token, 1 ns or more.
     * @param nowNs         current time of the caller's clock.
     */
    public TokenBucket(final long capacity, final long nanosPerToken, final long nowNs)
    {
        if (capacity < 1 || nanosPerToken < 1 || capacity > (Long.MAX_VALUE >> 2) / nanosPerToken)
        {
            throw new IllegalArgumentException("bad bucket: capacity=" + capacity + " nanosPerToken=" + nanosPerToken);
        }
        this.capacity = capacity;
        this.nanosPerToken = nanosPerToken;
        this.burstNs = capacity * nanosPerToken;
        this.theoreticalArrivalNs = nowNs;
    }

    /**
     * A full bucket earning {@code tokensPerSecond} tokens a second (rounded to whole nanoseconds per token).
     *
     * @param tokensPerSecond sustained rate, 1 to 10^9.
     * @param capacity        largest burst, in tokens.
     * @param nowNs           current time of the caller's clock.
     * @return the bucket.
     */
    public static TokenBucket perSecond(final long tokensPerSecond, final long capacity, final long nowNs)
    {
        if (tokensPerSecond < 1 || tokensPerSecond > 1_000_000_000L)
        {
            throw new IllegalArgumentException("tokensPerSecond not in [1, 1e9]: " + tokensPerSecond);
        }
        return new TokenBucket(capacity, 1_000_000_000L / tokensPerSecond, nowNs);
    }

    /**
     * Take one token if there is one.
     *
     * @param nowNs current time of the caller's clock.
     * @return true if taken (admit), false if the bucket is empty (drop and count).
     */
    public boolean tryAcquire(final long nowNs)
    {
        return tryAcquire(1, nowNs);
    }

    /**
     * Take {@code tokens} tokens at once if there are that many; otherwise take none.
     *
     * @param tokens to take, 1 or more (more than the capacity never succeeds).
     * @param nowNs  current time of the caller's clock.
     * @return true if taken.
     */
    public boolean tryAcquire(final long tokens, final long nowNs)
    {
        if (tokens < 1 || tokens > capacity)
        {
            return false;
        }
        final long ahead = Math.max(0, theoreticalArrivalNs - nowNs);
        final long newAhead = ahead + tokens * nanosPerToken;
        if (newAhead > burstNs)
        {
            return false;
        }
        theoreticalArrivalNs = nowNs + newAhead;
        return true;
    }

    /**
     * Tokens that could be taken now. Pure.
     *
     * @param nowNs current time of the caller's clock.
     * @return whole tokens available, 0 to capacity.
     */
    public long available(final long nowNs)
    {
        final long ahead = Math.max(0, theoreticalArrivalNs - nowNs);
        return ahead >= burstNs ? 0 : (burstNs - ahead) / nanosPerToken;
    }

    /**
     * Largest burst, in tokens.
     *
     * @return the capacity.
     */
    public long capacity()
    {
        return capacity;
    }

    /**
     * Time to earn one token.
     *
     * @return nanoseconds per token.
     */
    public long nanosPerToken()
    {
        return nanosPerToken;
    }
}
