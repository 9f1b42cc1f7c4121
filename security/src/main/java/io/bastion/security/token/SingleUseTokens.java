package io.bastion.security.token;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The single-use tokens a broker has accepted, so that each is accepted once: a bounded registry of token ids, each
 * kept until its token's not-after instant and then pruned (from then on the token's validity check refuses it
 * anyway, so forgetting it opens nothing).
 * <p>
 * A token is identified by its token id alone: two single-use tokens that share an id count as one, so the second
 * is refused (fail closed; ids are random 64-bit values unless an issuer chooses them). When the registry holds
 * {@link #capacity()} live ids, a new single-use token is refused with {@link SingleUseStatus#FULL} rather than
 * forgetting one that is still valid. The registry lives in the broker's memory: a broker that restarts forgets it,
 * which is why a single-use token should also be short-lived.
 * <p>
 * Thread safe (one lock; consulted once per handshake, never on a hot path). Decisions are pure functions of the
 * calls made and the instants passed in.
 */
public final class SingleUseTokens
{
    /** A capacity that holds every token of a busy desktop session. */
    public static final int DEFAULT_CAPACITY = 65_536;

    private final int capacity;
    private final Map<Long, Long> notAfterById = new HashMap<>();
    private final PriorityQueue<long[]> byExpiry = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));

    /**
     * A registry.
     *
     * @param capacity the most live single-use token ids it keeps, at least 1.
     * @throws IllegalArgumentException if the capacity is below 1.
     */
    public SingleUseTokens(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Record a use of a token that passed every other check. Call it only for a token whose signature verified:
     * an unverified token id must not be able to fill the registry.
     *
     * @param token the verified token; must be single-use.
     * @param nowMs the broker's current epoch time, from the clock its verifier uses.
     * @return {@link SingleUseStatus#FIRST_USE} (recorded), {@link SingleUseStatus#REPLAYED} or
     *         {@link SingleUseStatus#FULL}.
     * @throws IllegalArgumentException if the token is not single-use.
     */
    public synchronized SingleUseStatus use(final CapabilityToken token, final long nowMs)
    {
        if (!token.isSingleUse())
        {
            throw new IllegalArgumentException("not a single-use token");
        }
        prune(nowMs);
        final long tokenId = token.tokenId();
        if (notAfterById.containsKey(tokenId))
        {
            return SingleUseStatus.REPLAYED;
        }
        if (notAfterById.size() >= capacity)
        {
            return SingleUseStatus.FULL;
        }
        notAfterById.put(tokenId, token.notAfterMs());
        byExpiry.add(new long[]{token.notAfterMs(), tokenId});
        return SingleUseStatus.FIRST_USE;
    }

    /**
     * How many token ids are held now, expired ones that were not yet pruned included.
     *
     * @return the count.
     */
    public synchronized int size()
    {
        return notAfterById.size();
    }

    /**
     * The most live token ids held.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    private void prune(final long nowMs)
    {
        long[] head;
        while (null != (head = byExpiry.peek()) && head[0] <= nowMs)
        {
            byExpiry.poll();
            notAfterById.remove(head[1]);
        }
    }
}
