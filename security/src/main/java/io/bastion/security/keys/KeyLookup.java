package io.bastion.security.keys;

import io.bastion.security.mac.MacKey;

/**
 * Reusable holder filled by {@link KeyRing} lookups, so that a lookup allocates nothing. Owned by one thread; reuse
 * it for every lookup on that thread.
 */
public final class KeyLookup
{
    int keyId;
    MacKey key;
    long notAfterMs;

    /**
     * An empty holder, to pass to {@link KeyRing} lookups.
     */
    public KeyLookup()
    {
    }

    /**
     * Id of the key found by the last successful lookup.
     *
     * @return the key id, or 0 after a refusal.
     */
    public int keyId()
    {
        return keyId;
    }

    /**
     * The key found by the last successful lookup, ready for {@link io.bastion.security.mac.HmacSha256}.
     *
     * @return the key, or null after a refusal.
     */
    public MacKey key()
    {
        return key;
    }

    /**
     * Last instant, in the ring's clock (epoch milliseconds), at which the key is accepted.
     *
     * @return the not-after time; {@link Long#MAX_VALUE} for the current key.
     */
    public long notAfterMs()
    {
        return notAfterMs;
    }

    void set(final int keyId, final MacKey key, final long notAfterMs)
    {
        this.keyId = keyId;
        this.key = key;
        this.notAfterMs = notAfterMs;
    }

    void clear()
    {
        set(0, null, 0);
    }
}
