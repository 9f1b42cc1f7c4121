package io.bastion.broker;

/**
 * The limits a broker's {@link ChannelRouter} enforces, so that no one client (or one token) can take what the
 * others need: sessions per principal, publisher rings per channel, and how long a client may owe an
 * acknowledgement. The limit on pending handshakes lives in {@link BrokerContext}, since the acceptor enforces it.
 * <p>
 * Immutable and thread safe; {@code with...} returns a copy.
 */
public final class BrokerLimits
{
    /** Property: most open sessions (publishers and subscribers) of one principal. */
    public static final String MAX_SESSIONS_PER_PRINCIPAL_PROP = "bastion.broker.max.sessions.per.principal";
    /** Default of {@link #maxSessionsPerPrincipal()}. */
    public static final int MAX_SESSIONS_PER_PRINCIPAL_DEFAULT = 64;
    /** Property: most publisher rings of one channel. */
    public static final String MAX_RINGS_PER_CHANNEL_PROP = "bastion.broker.max.rings.per.channel";
    /** Default of {@link #maxRingsPerChannel()}. */
    public static final int MAX_RINGS_PER_CHANNEL_DEFAULT = 16;
    /** Property: how long a client may owe an acknowledgement (a key, an announcement, a drained ring), in ms. */
    public static final String KEY_ACK_TIMEOUT_PROP = "bastion.broker.key.ack.timeout.ms";
    /** Default of {@link #keyAckTimeoutMs()}. */
    public static final long KEY_ACK_TIMEOUT_MS_DEFAULT = 10_000;

    private final int maxSessionsPerPrincipal;
    private final int maxRingsPerChannel;
    private final long keyAckTimeoutMs;

    private BrokerLimits(final int maxSessionsPerPrincipal, final int maxRingsPerChannel, final long keyAckTimeoutMs)
    {
        if (maxSessionsPerPrincipal < 1)
        {
            throw new IllegalArgumentException("max sessions per principal must be at least 1");
        }
        if (maxRingsPerChannel < 1)
        {
            throw new IllegalArgumentException("max rings per channel must be at least 1");
        }
        if (keyAckTimeoutMs < 1)
        {
            throw new IllegalArgumentException("key acknowledgement timeout must be at least 1 ms");
        }
        this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
        this.maxRingsPerChannel = maxRingsPerChannel;
        this.keyAckTimeoutMs = keyAckTimeoutMs;
    }

    /**
     * The defaults, each overridden by its system property when set.
     *
     * @return the limits.
     * @throws IllegalArgumentException if a property holds a value out of range.
     */
    public static BrokerLimits defaults()
    {
        return new BrokerLimits(
            Integer.getInteger(MAX_SESSIONS_PER_PRINCIPAL_PROP, MAX_SESSIONS_PER_PRINCIPAL_DEFAULT),
            Integer.getInteger(MAX_RINGS_PER_CHANNEL_PROP, MAX_RINGS_PER_CHANNEL_DEFAULT),
            Long.getLong(KEY_ACK_TIMEOUT_PROP, KEY_ACK_TIMEOUT_MS_DEFAULT));
    }

    /**
     * Most open sessions of one principal (the kernel-reported user a token names); the next handshake is refused
     * with {@code RATE_LIMITED}. Each session holds rings in shared memory and a socket at the broker.
     *
     * @return the limit.
     */
    public int maxSessionsPerPrincipal()
    {
        return maxSessionsPerPrincipal;
    }

    /**
     * These limits with another {@link #maxSessionsPerPrincipal()}.
     *
     * @param limit at least 1.
     * @return the copy.
     */
    public BrokerLimits withMaxSessionsPerPrincipal(final int limit)
    {
        return new BrokerLimits(limit, maxRingsPerChannel, keyAckTimeoutMs);
    }

    /**
     * Most publisher rings of one channel; the next publisher is refused with {@code RATE_LIMITED}.
     *
     * @return the limit.
     */
    public int maxRingsPerChannel()
    {
        return maxRingsPerChannel;
    }

    /**
     * These limits with another {@link #maxRingsPerChannel()}.
     *
     * @param limit at least 1.
     * @return the copy.
     */
    public BrokerLimits withMaxRingsPerChannel(final int limit)
    {
        return new BrokerLimits(maxSessionsPerPrincipal, limit, keyAckTimeoutMs);
    }

    /**
     * How long a client may owe the broker an acknowledgement (a subscriber: a new key, an announced ring, a drained
     * ring; a publisher: a switch to a new key) before it is evicted with {@code TIMED_OUT}: a client that never
     * answers cannot stall rotation or hold a ring forever.
     *
     * @return the timeout in milliseconds.
     */
    public long keyAckTimeoutMs()
    {
        return keyAckTimeoutMs;
    }

    /**
     * These limits with another {@link #keyAckTimeoutMs()}.
     *
     * @param timeoutMs at least 1.
     * @return the copy.
     */
    public BrokerLimits withKeyAckTimeoutMs(final long timeoutMs)
    {
        return new BrokerLimits(maxSessionsPerPrincipal, maxRingsPerChannel, timeoutMs);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "BrokerLimits{maxSessionsPerPrincipal=" + maxSessionsPerPrincipal +
            ", maxRingsPerChannel=" + maxRingsPerChannel + ", keyAckTimeoutMs=" + keyAckTimeoutMs + '}';
    }
}
