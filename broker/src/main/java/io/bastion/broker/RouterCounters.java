package io.bastion.broker;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link ChannelRouter} counted since it started: handshakes refused by a limit, clients evicted for an
 * acknowledgement they owed too long or a control queue that overflowed, and sessions ended because their token
 * expired or was revoked. Each of these is also audited; the counters say how often without reading the log.
 * <p>
 * Thread safe: the router's threads add, any thread reads.
 */
public final class RouterCounters
{
    final LongAdder sessionLimitRefusals = new LongAdder();
    final LongAdder ringLimitRefusals = new LongAdder();
    final LongAdder ackTimeouts = new LongAdder();
    final LongAdder controlOverflows = new LongAdder();
    final LongAdder expiredSessions = new LongAdder();
    final LongAdder revokedSessions = new LongAdder();
    final LongAdder subscriberEvictions = new LongAdder();

    RouterCounters()
    {
    }

    /**
     * Handshakes refused because their principal already had {@link BrokerLimits#maxSessionsPerPrincipal()} sessions.
     *
     * @return the count.
     */
    public long sessionLimitRefusals()
    {
        return sessionLimitRefusals.sum();
    }

    /**
     * Publishers refused because their channel already had {@link BrokerLimits#maxRingsPerChannel()} rings.
     *
     * @return the count.
     */
    public long ringLimitRefusals()
    {
        return ringLimitRefusals.sum();
    }

    /**
     * Clients evicted for owing an acknowledgement longer than {@link BrokerLimits#keyAckTimeoutMs()}.
     *
     * @return the count.
     */
    public long ackTimeouts()
    {
        return ackTimeouts.sum();
    }

    /**
     * Sessions ended because a message did not fit their control queue.
     *
     * @return the count.
     */
    public long controlOverflows()
    {
        return controlOverflows.sum();
    }

    /**
     * Sessions ended because their token expired.
     *
     * @return the count.
     */
    public long expiredSessions()
    {
        return expiredSessions.sum();
    }

    /**
     * Sessions ended because their token or one of their keys was revoked.
     *
     * @return the count.
     */
    public long revokedSessions()
    {
        return revokedSessions.sum();
    }

    /**
     * Fan-out subscribers a publisher evicted: they lagged beyond the channel's bound, stopped beating while they held
     * the publisher back, or wrote a head no consumer writes.
     *
     * @return the count.
     */
    public long subscriberEvictions()
    {
        return subscriberEvictions.sum();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "RouterCounters{sessionLimitRefusals=" + sessionLimitRefusals() +
            ", ringLimitRefusals=" + ringLimitRefusals() +
            ", ackTimeouts=" + ackTimeouts() +
            ", controlOverflows=" + controlOverflows() +
            ", expiredSessions=" + expiredSessions() +
            ", revokedSessions=" + revokedSessions() +
            ", subscriberEvictions=" + subscriberEvictions() + '}';
    }
}
