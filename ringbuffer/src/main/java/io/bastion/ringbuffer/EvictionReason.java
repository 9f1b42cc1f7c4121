package io.bastion.ringbuffer;

/** STUB. */
public enum EvictionReason
{
    /** L. */
    LAGGED,
    /** S. */
    STALLED,
    /** C. */
    CORRUPT_HEAD;

    /**
     * Stub.
     *
     * @return c.
     */
    public int code()
    {
        return ordinal() + 1;
    }

    /**
     * Stub.
     *
     * @param code c.
     * @return r.
     */
    public static EvictionReason fromCode(final int code)
    {
        return code >= 1 && code <= 3 ? values()[code - 1] : null;
    }
}
