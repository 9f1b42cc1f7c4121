package io.bastion.broker;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.SealingMode;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a broker knows about individual channels, each a departure from the default (one subscriber at a time,
 * sealed per frame, published locally): their sealing mode, their fan-out, whether they are relayed. It starts from
 * the system properties {@link BrokerContext} names, then takes what the context's setters add. Thread safe (the
 * settings may be read by the conductor while a launching thread still sets them, as before).
 */
final class ChannelSettings
{
    private final Map<String, SealingMode> sealing = channelSealingProperties();
    private final Map<String, ChannelFanOut> fanOut = channelFanOutProperties();
    private final Set<String> relayed = relayedChannelProperties();

    void sealing(final String channel, final SealingMode mode)
    {
        sealing.put(Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(mode, "mode"));
    }

    SealingMode sealing(final String channel)
    {
        return sealing.getOrDefault(channel, SealingMode.HMAC_PER_FRAME);
    }

    void fanOut(final String channel, final ChannelFanOut fanOut)
    {
        this.fanOut.put(Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(fanOut, "fanOut"));
    }

    ChannelFanOut fanOut(final String channel)
    {
        return fanOut.getOrDefault(channel, ChannelFanOut.ONE_TO_ONE);
    }

    void relayed(final String channel)
    {
        relayed.add(Objects.requireNonNull(channel, "channel"));
    }

    boolean isRelayed(final String channel)
    {
        return relayed.contains(channel);
    }

    /**
     * Refuse settings that cannot work together: a relayed channel's frames cross hosts unchanged only when each is
     * sealed on its own.
     *
     * @throws IllegalStateException naming the first relayed channel that is not sealed per frame.
     */
    void check()
    {
        for (final String channel : relayed)
        {
            if (SealingMode.HMAC_PER_FRAME != sealing(channel))
            {
                throw new IllegalStateException("relayed channel " + channel + " must be sealed per frame, not " +
                    sealing(channel));
            }
        }
    }

    private static Set<String> relayedChannelProperties()
    {
        final Set<String> channels = ConcurrentHashMap.newKeySet();
        for (final String name : System.getProperty(BrokerContext.RELAYED_CHANNELS_PROP, "").split(","))
        {
            if (!name.isBlank())
            {
                channels.add(name.strip());
            }
        }
        return channels;
    }

    private static Map<String, ChannelFanOut> channelFanOutProperties()
    {
        final Map<String, ChannelFanOut> fanOut = new ConcurrentHashMap<>();
        for (final String entry : System.getProperty(BrokerContext.FAN_OUT_CHANNELS_PROP, "").split(","))
        {
            if (!entry.isBlank())
            {
                ChannelFanOut.parseInto(entry, fanOut);
            }
        }
        return fanOut;
    }

    private static Map<String, SealingMode> channelSealingProperties()
    {
        final Map<String, SealingMode> modes = new ConcurrentHashMap<>();
        putChannels(modes, BrokerContext.BATCH_SEALED_CHANNELS_PROP, SealingMode.HMAC_BATCH);
        putChannels(modes, BrokerContext.ENCRYPTED_CHANNELS_PROP, SealingMode.AEAD_PER_FRAME);
        return modes;
    }

    private static void putChannels(final Map<String, SealingMode> modes, final String property, final SealingMode mode)
    {
        for (final String name : System.getProperty(property, "").split(","))
        {
            if (!name.isBlank())
            {
                modes.put(name.strip(), mode);
            }
        }
    }
}
