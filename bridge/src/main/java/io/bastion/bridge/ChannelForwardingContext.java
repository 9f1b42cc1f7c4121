package io.bastion.bridge;

import io.bastion.broker.Broker;
import io.bastion.client.ClientContext;
import io.bastion.security.token.IssuerKeys;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of a {@link ChannelForwarding}: a bridge between two brokers' hosts, and which of the local broker's
 * channels it forwards to the peer and which it relays from it. Aeron-style: fluent setters, then {@link #conclude()}
 * (which {@link ChannelForwarding#launch} calls).
 * <p>
 * Required: a {@link #bridgeContext(BridgeContext) bridge context} with role and endpoints; at least one channel to
 * forward or relay; for forwarded channels a {@link #forwardContext(ClientContext) client context} whose token grants
 * SUBSCRIBE on them, for relayed channels one ({@link #relayContext(ClientContext)}) whose token grants RELAY on them
 * (the local broker must declare them relayed). Both contexts point at the local broker's folder.
 * <p>
 * <b>Brokers that trust each other by key.</b> The bridge's identity can be the local broker's own identity key:
 * {@link #broker(Broker)} (an embedded broker: its identity key pair, and its folder for the client contexts that
 * name none) or {@link #brokerIdentityKeyFile(Path)} (the broker's {@code identity.key} from {@code bastion keygen},
 * read with the owner-only checks); and the peer is pinned by its broker's identity,
 * {@link #peerBrokerKey(PublicKey)}, or a fingerprint on the bridge context. Sharing the key is safe: every bridge
 * signature and key derivation has labels of its own, different from the broker handshake's, so no signature of one
 * protocol is valid in the other ({@code docs/bridge.md}). An identity set on the bridge context wins.
 * <p>
 * Thread safety: none; configure on one thread, then hand to {@link ChannelForwarding#launch}.
 */
public final class ChannelForwardingContext
{
    private BridgeContext bridgeContext;
    private ClientContext forwardContext;
    private ClientContext relayContext;
    private final List<String> forwardChannels = new ArrayList<>();
    private final List<String> relayChannels = new ArrayList<>();
    private Broker broker;
    private Path brokerIdentityKeyFile;
    private PublicKey peerBrokerKey;
    private CountersManager countersManager;
    private String counterLabel = "forwarding";
    private boolean concluded;

    /**
     * A context with nothing set: give it at least a bridge context and the channels to forward or relay.
     */
    public ChannelForwardingContext()
    {
    }

    /**
     * Validate and fill the bridge context from the broker settings. Idempotent.
     *
     * @return this.
     * @throws IOException           if the bridge context's identity file fails its checks.
     * @throws IllegalStateException if a required setting is missing.
     */
    public ChannelForwardingContext conclude() throws IOException
    {
        if (concluded)
        {
            return this;
        }
        if (null == bridgeContext)
        {
            throw new IllegalStateException("ChannelForwardingContext.bridgeContext is required");
        }
        if (forwardChannels.isEmpty() && relayChannels.isEmpty())
        {
            throw new IllegalStateException("nothing to forward or relay");
        }
        if (!forwardChannels.isEmpty() && null == forwardContext)
        {
            throw new IllegalStateException("forwarded channels need ChannelForwardingContext.forwardContext");
        }
        if (!relayChannels.isEmpty() && null == relayContext)
        {
            throw new IllegalStateException("relayed channels need ChannelForwardingContext.relayContext");
        }
        if (null == bridgeContext.identity())
        {
            if (null != broker)
            {
                bridgeContext.identity(broker.context().identity());
            }
            else if (null != brokerIdentityKeyFile)
            {
                bridgeContext.identityKeyFile(brokerIdentityKeyFile);
            }
        }
        if (null != broker)
        {
            for (final ClientContext client : new ClientContext[]{forwardContext, relayContext})
            {
                if (null != client && null == client.directory())
                {
                    client.directory(broker.context().directory());
                }
            }
        }
        if (null == bridgeContext.peerFingerprint() && null != peerBrokerKey)
        {
            bridgeContext.peerFingerprint(IssuerKeys.fingerprint(peerBrokerKey));
        }
        bridgeContext.conclude();
        concluded = true;
        return this;
    }

    /**
     * Set the bridge's own settings (role, endpoints, driver...).
     *
     * @param context the bridge context; its channel key handler is replaced by the relay.
     * @return this.
     */
    public ChannelForwardingContext bridgeContext(final BridgeContext context)
    {
        this.bridgeContext = context;
        return this;
    }

    /**
     * The bridge context.
     *
     * @return the context.
     */
    public BridgeContext bridgeContext()
    {
        return bridgeContext;
    }

    /**
     * Set the local broker's client settings for the forwarded channels' subscriptions.
     *
     * @param context a context whose token grants SUBSCRIBE on every forwarded channel.
     * @return this.
     */
    public ChannelForwardingContext forwardContext(final ClientContext context)
    {
        this.forwardContext = context;
        return this;
    }

    /**
     * The forwarding client context.
     *
     * @return the context, or null.
     */
    public ClientContext forwardContext()
    {
        return forwardContext;
    }

    /**
     * Set the local broker's client settings for the relays.
     *
     * @param context a context whose token grants RELAY on every relayed channel.
     * @return this.
     */
    public ChannelForwardingContext relayContext(final ClientContext context)
    {
        this.relayContext = context;
        return this;
    }

    /**
     * The relay client context.
     *
     * @return the context, or null.
     */
    public ClientContext relayContext()
    {
        return relayContext;
    }

    /**
     * Add local channels to forward to the peer.
     *
     * @param channels channel names.
     * @return this.
     */
    public ChannelForwardingContext forwardChannels(final String... channels)
    {
        forwardChannels.addAll(List.of(channels));
        return this;
    }

    /**
     * The channels forwarded.
     *
     * @return the names.
     */
    public List<String> forwardChannels()
    {
        return forwardChannels;
    }

    /**
     * Add local relayed channels the peer's frames are republished into.
     *
     * @param channels channel names, each declared relayed by the local broker.
     * @return this.
     */
    public ChannelForwardingContext relayChannels(final String... channels)
    {
        relayChannels.addAll(List.of(channels));
        return this;
    }

    /**
     * The channels relayed.
     *
     * @return the names.
     */
    public List<String> relayChannels()
    {
        return relayChannels;
    }

    /**
     * The local broker runs in this process: use its identity key pair as the bridge's identity, and its folder for
     * the client contexts that name none.
     *
     * @param broker the embedded broker.
     * @return this.
     */
    public ChannelForwardingContext broker(final Broker broker)
    {
        this.broker = broker;
        return this;
    }

    /**
     * Use the local broker's identity key file ({@code identity.key} from {@code bastion keygen}) as the bridge's
     * identity.
     *
     * @param file the private key file, owner-only.
     * @return this.
     */
    public ChannelForwardingContext brokerIdentityKeyFile(final Path file)
    {
        this.brokerIdentityKeyFile = file;
        return this;
    }

    /**
     * Pin the peer bridge by its broker's identity public key.
     *
     * @param key the peer broker's Ed25519 identity public key.
     * @return this.
     */
    public ChannelForwardingContext peerBrokerKey(final PublicKey key)
    {
        this.peerBrokerKey = key;
        return this;
    }

    /**
     * Allocate the forwarding counters here (a {@code CountersFile}'s manager, for {@code bastion stat}).
     *
     * @param manager the manager; the caller owns it.
     * @return this.
     */
    public ChannelForwardingContext countersManager(final CountersManager manager)
    {
        this.countersManager = manager;
        return this;
    }

    /**
     * The counters manager.
     *
     * @return the manager, or null for memory of their own.
     */
    public CountersManager countersManager()
    {
        return countersManager;
    }

    /**
     * Set the prefix of the forwarding counters' labels.
     *
     * @param label the prefix.
     * @return this.
     */
    public ChannelForwardingContext counterLabel(final String label)
    {
        this.counterLabel = label;
        return this;
    }

    /**
     * The counter label prefix.
     *
     * @return the label.
     */
    public String counterLabel()
    {
        return counterLabel;
    }
}
