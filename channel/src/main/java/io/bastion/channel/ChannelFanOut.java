package io.bastion.channel;

import io.bastion.ringbuffer.FanOutPolicy;

import java.util.Map;
import java.util.Objects;

/**
 * How many subscribers one channel takes at once, and what its publishers do about one that cannot keep up. A
 * channel with one subscriber ({@link #ONE_TO_ONE}, the default) reads each publisher's ring through the ring's own
 * consumer region; a fan-out channel gives every subscriber a consumer region of its own in each publisher's ring, and
 * the publishers follow the slowest live subscriber under the channel's {@link FanOutPolicy}. The broker announces
 * both in the Welcome, and each session carries them ({@code Session.fanOut()}).
 * <p>
 * Written as {@code name:subscribers[:evict|block[:maxLagBytes[:stallTimeoutMs]]]} in
 * {@code bastion.broker.fanout.channels} (the broker's context), for example {@code prices:4},
 * {@code prices:4:evict:32768:500} or {@code audio:2:block::250}; an omitted or empty field takes
 * {@link FanOutPolicy#defaults()}'s value.
 * <p>
 * Trust limits: every subscriber of a channel holds its publishers' MAC keys (HMAC-SHA256 is symmetric), so a
 * subscriber could compute a valid tag for any frame; what keeps it from injecting one is that it maps the producer
 * region read-only (the kernel refuses its writes) and can write only its own consumer region, whose nonsense gets it
 * evicted. A subscriber that ever got write access to a producer region could forge frames every other subscriber
 * accepts; parties that must not be able to forge for each other belong on separate channels. See
 * {@code docs/fan-out.md}.
 * <p>
 * Immutable, thread safe.
 */
public final class ChannelFanOut
{
    /** The most subscribers a Welcome can announce for one channel (the field is one unsigned byte). */
    public static final int MAX_SUBSCRIBERS = 255;

    /** One subscriber at a time: the channel's ring is one-to-one. */
    public static final ChannelFanOut ONE_TO_ONE = new ChannelFanOut(1, FanOutPolicy.defaults());

    private final int maxSubscribers;
    private final FanOutPolicy policy;

    /**
     * A channel's fan-out.
     *
     * @param maxSubscribers how many subscribers at once, 1 to {@link #MAX_SUBSCRIBERS}.
     * @param policy         what a publisher does about a slow or stopped subscriber.
     * @throws IllegalArgumentException if {@code maxSubscribers} is out of range.
     */
    public ChannelFanOut(final int maxSubscribers, final FanOutPolicy policy)
    {
        if (maxSubscribers < 1 || maxSubscribers > MAX_SUBSCRIBERS)
        {
            throw new IllegalArgumentException("subscribers must be 1 to " + MAX_SUBSCRIBERS + ": " +
                maxSubscribers);
        }
        this.maxSubscribers = maxSubscribers;
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * How many subscribers the channel takes at once.
     *
     * @return 1 or more.
     */
    public int maxSubscribers()
    {
        return maxSubscribers;
    }

    /**
     * Whether the channel fans out: each subscriber has a consumer region of its own.
     *
     * @return true for more than one subscriber.
     */
    public boolean isFanOut()
    {
        return maxSubscribers > 1;
    }

    /**
     * What the channel's publishers do about a subscriber that lags or stops.
     *
     * @return the policy.
     */
    public FanOutPolicy policy()
    {
        return policy;
    }

    /**
     * Parse one channel's entry, {@code name:subscribers[:evict|block[:maxLagBytes[:stallTimeoutMs]]]}, into
     * {@code into}.
     *
     * @param entry the text.
     * @param into  where the channel's fan-out goes, by name.
     * @throws IllegalArgumentException if the entry does not parse.
     */
    public static void parseInto(final String entry, final Map<String, ChannelFanOut> into)
    {
        final String[] parts = entry.strip().split(":", -1);
        if (parts.length < 2 || parts.length > 5 || parts[0].isBlank())
        {
            throw new IllegalArgumentException("fan-out entry must be name:subscribers[:evict|block[:lag[:stall]]]: " +
                entry);
        }
        final FanOutPolicy defaults = FanOutPolicy.defaults();
        final int subscribers = Integer.parseInt(parts[1].strip());
        final String mode = parts.length > 2 && !parts[2].isBlank() ? parts[2].strip() : "evict";
        final long lag = parts.length > 3 && !parts[3].isBlank() ?
            Long.parseLong(parts[3].strip()) : defaults.maxLagBytes();
        final long stall = parts.length > 4 && !parts[4].isBlank() ?
            Long.parseLong(parts[4].strip()) : defaults.stallTimeoutMs();
        final FanOutPolicy policy;
        if ("evict".equalsIgnoreCase(mode))
        {
            policy = FanOutPolicy.evicting(lag, stall);
        }
        else if ("block".equalsIgnoreCase(mode))
        {
            policy = FanOutPolicy.blocking(stall);
        }
        else
        {
            throw new IllegalArgumentException("fan-out mode must be evict or block: " + mode);
        }
        into.put(parts[0].strip(), new ChannelFanOut(subscribers, policy));
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "subscribers=" + maxSubscribers + " policy=" + policy.mode() + " maxLagBytes=" + policy.maxLagBytes() +
            " stallTimeoutMs=" + policy.stallTimeoutMs();
    }
}
