package io.bastion.broker;

import io.bastion.channel.control.RingAllocation;
import io.bastion.codec.RejectReason;
import io.bastion.security.token.Right;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * The broker's slots: a channel's subscribers (one, or a fan-out channel's maximum), a channel's publisher rings (at
 * most {@link BrokerLimits#maxRingsPerChannel()}) and a principal's sessions (at most
 * {@link BrokerLimits#maxSessionsPerPrincipal()}). Each is taken during the handshake, before the rings are made, so a
 * handshake beyond a limit is refused ({@link RejectReason#RATE_LIMITED}, or {@link RejectReason#CHANNEL_IN_USE} for a
 * second subscriber) without costing shared memory; each is given back once when the session ends, whichever path
 * ends it. Then it delegates to the allocator that makes the rings.
 * <p>
 * Thread safe: handshake threads take slots while the router's conductor gives them back.
 */
final class SessionSlots implements RingAllocator
{
    private final RingAllocator allocator;
    private final BrokerLimits limits;
    private final RouterCounters counters;
    private final ConcurrentHashMap<String, Integer> sessionsPerPrincipal = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> ringsPerChannel = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> subscribersPerChannel = new ConcurrentHashMap<>();
    private final ToIntFunction<String> maxSubscribers;
    private final ConcurrentHashMap<Long, String> subjects = new ConcurrentHashMap<>();

    SessionSlots(
        final RingAllocator allocator,
        final BrokerLimits limits,
        final RouterCounters counters,
        final ToIntFunction<String> maxSubscribers)
    {
        this.maxSubscribers = maxSubscribers;
        this.allocator = allocator;
        this.limits = limits;
        this.counters = counters;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public RingAllocation allocate(
        final String subject, final String channel, final Right right, final long sessionId) throws IOException
    {
        if (!take(sessionsPerPrincipal, subject, limits.maxSessionsPerPrincipal()))
        {
            counters.sessionLimitRefusals.increment();
            throw new AllocationRefusedException(RejectReason.RATE_LIMITED,
                "sessions per principal limit " + limits.maxSessionsPerPrincipal() + " reached");
        }
        if (Right.PUBLISH == right && !take(ringsPerChannel, channel, limits.maxRingsPerChannel()))
        {
            giveBack(sessionsPerPrincipal, subject);
            counters.ringLimitRefusals.increment();
            throw new AllocationRefusedException(RejectReason.RATE_LIMITED,
                "rings per channel limit " + limits.maxRingsPerChannel() + " reached");
        }
        if (Right.SUBSCRIBE == right &&
            !take(subscribersPerChannel, channel, maxSubscribers.applyAsInt(null == channel ? "" : channel)))
        {
            giveBack(sessionsPerPrincipal, subject);
            throw new AllocationRefusedException(RejectReason.CHANNEL_IN_USE,
                "channel has all the subscribers it takes");
        }
        subjects.put(sessionId, null == subject ? "" : subject);
        try
        {
            return allocator.allocate(subject, channel, right, sessionId);
        }
        catch (final IOException | RuntimeException ex)
        {
            releaseSlots(channel, right, sessionId);
            throw ex;
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * A concurrent publisher takes the slots any publisher takes (a session of its principal, one ring of the
     * channel); before that, its lanes must be within {@link BrokerLimits#maxLanesPerSession()}, else
     * {@link RejectReason#RATE_LIMITED}. It gives them back as any publisher does, through {@link #release}.
     */
    @Override
    public RingAllocation allocateConcurrent(
        final String subject, final String channel, final long sessionId, final int lanes) throws IOException
    {
        if (lanes > limits.maxLanesPerSession())
        {
            counters.ringLimitRefusals.increment();
            throw new AllocationRefusedException(RejectReason.RATE_LIMITED,
                "lanes per session limit " + limits.maxLanesPerSession() + " exceeded: " + lanes);
        }
        if (!take(sessionsPerPrincipal, subject, limits.maxSessionsPerPrincipal()))
        {
            counters.sessionLimitRefusals.increment();
            throw new AllocationRefusedException(RejectReason.RATE_LIMITED,
                "sessions per principal limit " + limits.maxSessionsPerPrincipal() + " reached");
        }
        if (!take(ringsPerChannel, channel, limits.maxRingsPerChannel()))
        {
            giveBack(sessionsPerPrincipal, subject);
            counters.ringLimitRefusals.increment();
            throw new AllocationRefusedException(RejectReason.RATE_LIMITED,
                "rings per channel limit " + limits.maxRingsPerChannel() + " reached");
        }
        subjects.put(sessionId, null == subject ? "" : subject);
        try
        {
            return allocator.allocateConcurrent(subject, channel, sessionId, lanes);
        }
        catch (final IOException | RuntimeException ex)
        {
            releaseSlots(channel, Right.PUBLISH, sessionId);
            throw ex;
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * A relay takes the slots any publisher takes (a session of its principal, one ring of the channel), and gives
     * them back as any publisher does, through {@link #release}.
     */
    @Override
    public RingAllocation allocateRelay(
        final String subject, final String channel, final long sessionId, final int originProducerId)
            throws IOException
    {
        if (!take(sessionsPerPrincipal, subject, limits.maxSessionsPerPrincipal()))
        {
            counters.sessionLimitRefusals.increment();
            throw new AllocationRefusedException(RejectReason.RATE_LIMITED,
                "sessions per principal limit " + limits.maxSessionsPerPrincipal() + " reached");
        }
        if (!take(ringsPerChannel, channel, limits.maxRingsPerChannel()))
        {
            giveBack(sessionsPerPrincipal, subject);
            counters.ringLimitRefusals.increment();
            throw new AllocationRefusedException(RejectReason.RATE_LIMITED,
                "rings per channel limit " + limits.maxRingsPerChannel() + " reached");
        }
        subjects.put(sessionId, null == subject ? "" : subject);
        try
        {
            return allocator.allocateRelay(subject, channel, sessionId, originProducerId);
        }
        catch (final IOException | RuntimeException ex)
        {
            releaseSlots(channel, Right.RELAY, sessionId);
            throw ex;
        }
    }

    private void releaseSlots(final String channel, final Right right, final long sessionId)
    {
        final String subject = subjects.remove(sessionId);
        if (null == subject)
        {
            // Released already (a session is released once, whichever path ends it).
            return;
        }
        giveBack(sessionsPerPrincipal, subject);
        if (Right.PUBLISH == right || Right.RELAY == right)
        {
            giveBack(ringsPerChannel, channel);
        }
        if (Right.SUBSCRIBE == right)
        {
            giveBack(subscribersPerChannel, channel);
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void release(
        final RingAllocation allocation, final String channel, final Right right, final long sessionId)
    {
        releaseSlots(channel, right, sessionId);
        allocator.release(allocation, channel, right, sessionId);
    }

    /**
     * Take one of a key's slots if fewer than {@code limit} are taken.
     */
    private static boolean take(final ConcurrentHashMap<String, Integer> slots, final String key, final int limit)
    {
        final boolean[] taken = new boolean[1];
        slots.compute(null == key ? "" : key, (k, count) ->
        {
            final int current = null == count ? 0 : count;
            if (current >= limit)
            {
                return count;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    private static void giveBack(final ConcurrentHashMap<String, Integer> slots, final String key)
    {
        slots.computeIfPresent(null == key ? "" : key, (k, count) -> count <= 1 ? null : count - 1);
    }
}
