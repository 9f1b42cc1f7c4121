package io.bastion.ringbuffer;

/** STUB: replaced by the fanring branch. */
public final class FanOutPolicy
{
    /** Mode. */
    public enum Mode
    {
        /** Evict. */
        BLOCK,
        /** Evict. */
        EVICT
    }

    private final Mode mode;
    private final long maxLagBytes;
    private final long stallTimeoutMs;

    private FanOutPolicy(final Mode mode, final long maxLagBytes, final long stallTimeoutMs)
    {
        this.mode = mode;
        this.maxLagBytes = maxLagBytes;
        this.stallTimeoutMs = stallTimeoutMs;
    }

    /**
     * Stub.
     *
     * @param maxLagBytes l.
     * @param stallTimeoutMs s.
     * @return p.
     */
    public static FanOutPolicy evicting(final long maxLagBytes, final long stallTimeoutMs)
    {
        return new FanOutPolicy(Mode.EVICT, maxLagBytes, stallTimeoutMs);
    }

    /**
     * Stub.
     *
     * @param stallTimeoutMs s.
     * @return p.
     */
    public static FanOutPolicy blocking(final long stallTimeoutMs)
    {
        return new FanOutPolicy(Mode.BLOCK, Long.MAX_VALUE, stallTimeoutMs);
    }

    /**
     * Stub.
     *
     * @return p.
     */
    public static FanOutPolicy defaults()
    {
        return evicting(Long.MAX_VALUE, 1000);
    }

    /**
     * Stub.
     *
     * @return m.
     */
    public Mode mode()
    {
        return mode;
    }

    /**
     * Stub.
     *
     * @return m.
     */
    public long maxLagBytes()
    {
        return maxLagBytes;
    }

    /**
     * Stub.
     *
     * @return m.
     */
    public long stallTimeoutMs()
    {
        return stallTimeoutMs;
    }
}
