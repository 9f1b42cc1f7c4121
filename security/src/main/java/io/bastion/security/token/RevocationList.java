package io.bastion.security.token;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token ids that are refused regardless of signature and validity window.
 * <p>
 * Thread safe: revocations from one thread are seen by verifiers on others once {@link #revoke(long) } returns.
 * Entries are never removed automatically; a caller may {@link #forget(long) } an id once every token carrying it has
 * expired.
 */
public final class RevocationList
{
    private final Set<Long> revoked = ConcurrentHashMap.newKeySet();

    /**
     * An empty list.
     */
    public RevocationList()
    {
    }

    /**
     * Revoke a token id.
     *
     * @param tokenId the id.
     * @return true if it was not already revoked.
     */
    public boolean revoke(final long tokenId)
    {
        return revoked.add(tokenId);
    }

    /**
     * Whether a token id is revoked.
     *
     * @param tokenId the id.
     * @return true if revoked.
     */
    public boolean isRevoked(final long tokenId)
    {
        return revoked.contains(tokenId);
    }

    /**
     * Drop a revocation, for an id whose tokens have all expired.
     *
     * @param tokenId the id.
     * @return true if it was revoked.
     */
    public boolean forget(final long tokenId)
    {
        return revoked.remove(tokenId);
    }

    /**
     * Number of revoked ids.
     *
     * @return the count.
     */
    public int size()
    {
        return revoked.size();
    }
}
