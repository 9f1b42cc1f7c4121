package io.bastion.broker;

import io.bastion.channel.ConcurrentPublisher;

/**
 * The limits a broker's {@link ChannelRouter} enforces, so that no one client (or one token) can take what the
 * others need: sessions per principal, publisher rings per channel, lanes per concurrent publisher, and how long a
 * client may owe an acknowledgement. The limit on pending handshakes lives in {@link BrokerContext}, since the
 * acceptor enforces it.
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
    /** Property: most lanes (publishing threads) of one concurrent publisher's session. */
    public static final String MAX_LANES_PER_SESSION_PROP = "bastion.broker.max.lanes.per.session";
    /** Default of {@link #maxLanesPerSession()}. */
    public static final int MAX_LANES_PER_SESSION_DEFAULT = 16;
    /** Property: how long a client may owe an acknowledgement (a key, an announcement, a drained ring), in ms. */
    public static final String KEY_ACK_TIMEOUT_PROP = "bastion.broker.key.ack.timeout.ms";
    /** Default of {@link #keyAckTimeoutMs()}. */
    public static final long KEY_ACK_TIMEOUT_MS_DEFAULT = 10_000;

    private final int maxSessionsPerPrincipal;
    private final int maxRingsPerChannel;
    private final long keyAckTimeoutMs;
    private final int maxLanesPerSession;

    private BrokerLimits(
        final int maxSessionsPerPrincipal,
        final int maxRingsPerChannel,
        final long keyAckTimeoutMs,
        final int maxLanesPerSession)
    {
        if (maxLanesPerSession < 1 || maxLanesPerSession > ConcurrentPublisher.MAX_LANES)
        {
            throw new IllegalArgumentException("max lanes per session must be 1 to " + ConcurrentPublisher.MAX_LANES);
        }
        this.maxLanesPerSession = maxLanesPerSession;
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
            Long.getLong(KEY_ACK_TIMEOUT_PROP, KEY_ACK_TIMEOUT_MS_DEFAULT),
            Integer.getInteger(MAX_LANES_PER_SESSION_PROP, MAX_LANES_PER_SESSION_DEFAULT));
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
        return new BrokerLimits(limit, maxRingsPerChannel, keyAckTimeoutMs, maxLanesPerSession);
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
        return new BrokerLimits(maxSessionsPerPrincipal, limit, keyAckTimeoutMs, maxLanesPerSession);
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
        return new BrokerLimits(maxSessionsPerPrincipal, maxRingsPerChannel, timeoutMs, maxLanesPerSession);
    }

    /**
     * Most lanes one concurrent publisher's session may have (the threads that share its many-to-one ring, each under
     * its own producer id); a Hello asking for more is refused with {@code RATE_LIMITED}. At most
     * {@link ConcurrentPublisher#MAX_LANES}, the size of the producer id block every such session takes.
     *
     * @return the limit.
     */
    public int maxLanesPerSession()
    {
        return maxLanesPerSession;
    }

    /**
     * These limits with another {@link #maxLanesPerSession()}.
     *
     * @param limit 1 to {@link ConcurrentPublisher#MAX_LANES}.
     * @return the copy.
     */
    public BrokerLimits withMaxLanesPerSession(final int limit)
    {
        return new BrokerLimits(maxSessionsPerPrincipal, maxRingsPerChannel, keyAckTimeoutMs, limit);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "BrokerLimits{maxSessionsPerPrincipal=" + maxSessionsPerPrincipal +
            ", maxRingsPerChannel=" + maxRingsPerChannel + ", keyAckTimeoutMs=" + keyAckTimeoutMs +
            ", maxLanesPerSession=" + maxLanesPerSession + '}';
    }
}
