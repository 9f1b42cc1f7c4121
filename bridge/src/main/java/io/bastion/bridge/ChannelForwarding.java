package io.bastion.bridge;

import io.bastion.channel.control.HandshakeException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.util.List;

/**
 * A bridge joined to the local broker's channels, end to end: a {@link Bridge} to the peer host, a
 * {@link ChannelForwarder} that subscribes to the local channels to forward and sends their frames and keys over it,
 * and a {@link ChannelRelay} that republishes what the peer forwards into the local relayed channels. Embeddable in
 * the style of Aeron's media driver: {@link #launch(ChannelForwardingContext)}, optionally {@link #connect(long)}
 * (blocking; without it the initiator's duty cycle handshakes by itself, and the responder accepts handshakes in its
 * duty cycle), then {@link #doWork()} on one thread, or run it as an Agrona {@link Agent} ({@code AgentRunner}). The
 * duty cycle also keeps the session alive with keepalives and drops it when the peer falls silent, handshaking again
 * (initiator) or waiting for the initiator (responder): see {@link Bridge#doWork(long)}.
 * <pre>
 * try (ChannelForwarding forwarding = ChannelForwarding.launch(new ChannelForwardingContext()
 *     .bridgeContext(new BridgeContext().role(BridgeRole.INITIATOR).localEndpoint(...).peerEndpoint(...))
 *     .broker(bastion.broker())                        // the bridge's identity is the broker's
 *     .peerBrokerKey(peerBrokerIdentity)                // pinned
 *     .forwardContext(new ClientContext().token(subscribeToken)).forwardChannels("prices")
 *     .relayContext(new ClientContext().token(relayToken)).relayChannels("orders")))
 * {
 *     forwarding.connect(10_000);
 *     while (running)
 *     {
 *         idle.idle(forwarding.doWork());
 *     }
 * }
 * </pre>
 * Thread safety: none; one thread launches, connects, runs the duty cycle and closes.
 */
public final class ChannelForwarding implements Agent, AutoCloseable
{
    private final Bridge bridge;
    private final ChannelForwarder forwarder;
    private final ChannelRelay relay;
    private final ForwardingCounters counters;
    private boolean closed;

    private ChannelForwarding(
        final Bridge bridge, final ChannelForwarder forwarder, final ChannelRelay relay,
        final ForwardingCounters counters)
    {
        this.bridge = bridge;
        this.forwarder = forwarder;
        this.relay = relay;
        this.counters = counters;
    }

    /**
     * Start: conclude the context, launch the bridge (and its driver), and subscribe to the forwarded channels
     * through the local broker. Relays open as their first keys arrive.
     *
     * @param context the settings; owned by the forwarding from now on.
     * @return the running forwarding; the caller closes it.
     * @throws IOException        if a file check fails (identity, driver folder, client files).
     * @throws HandshakeException if the local broker refuses a forwarded channel's subscription.
     */
    public static ChannelForwarding launch(final ChannelForwardingContext context)
            throws IOException, HandshakeException
    {
        context.conclude();
        final BridgeContext bridgeContext = context.bridgeContext();
        final ForwardingCounters counters = null == context.countersManager() ?
            ForwardingCounters.inMemory(context.counterLabel()) :
            new ForwardingCounters(context.countersManager(), context.counterLabel());
        ChannelRelay relay = null;
        Bridge bridge = null;
        try
        {
            // The relay holds a whole batch's frames behind one that waits: a DATA_BATCH may span several datagrams.
            relay = new ChannelRelay(context.relayContext(), context.relayChannels(),
                Math.max(bridgeContext.mtuLength(), bridgeContext.maxBatchLength()), counters);
            bridgeContext.channelKeyHandler(relay);
            bridge = Bridge.launch(bridgeContext);
            final List<String> forwardChannels = context.forwardChannels();
            final ChannelForwarder forwarder = forwardChannels.isEmpty() ? null :
                ChannelForwarder.connect(bridge, context.forwardContext(), forwardChannels, counters);
            return new ChannelForwarding(bridge, forwarder, relay, counters);
        }
        catch (final IOException | HandshakeException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(relay, bridge, counters);
            throw ex;
        }
    }

    /**
     * Run the bridge's handshake on this thread until a session is established ({@link Bridge#connect(long)}).
     * Optional for the initiator, whose {@link #doWork()} handshakes by itself when it has no session.
     *
     * @param timeoutMs how long to try.
     * @throws BridgeHandshakeException if no session came in time.
     */
    public void connect(final long timeoutMs) throws BridgeHandshakeException
    {
        bridge.connect(timeoutMs);
    }

    /**
     * The duty cycle: the relays and the bridge's receiver (which also answers handshakes); the bridge's watchdog
     * and, for the initiator without a session, its handshake ({@link Bridge#doWork(long)}); the forwarder; then a
     * keepalive if the sender was idle ({@link BridgeSender#doWork(long)}). So a peer that restarts or vanishes is
     * noticed: the session is dropped after {@link BridgeContext#sessionTimeoutMs()} of silence, the forwarder holds
     * its frames meanwhile, and the initiator handshakes again by itself; the forwarder re-sends its keys to the new
     * session. Reads {@link System#nanoTime()} once.
     *
     * @return the work done, 0 when idle.
     */
    @Override
    public int doWork()
    {
        final long nowNs = System.nanoTime();
        int work = relay.doWork(bridge.receiver());
        work += bridge.doWork(nowNs);
        if (null != forwarder)
        {
            work += forwarder.doWork();
        }
        work += bridge.sender().doWork(nowNs);
        return work;
    }

    /**
     * The agent's name.
     *
     * @return {@code "bastion-forwarding"}.
     */
    @Override
    public String roleName()
    {
        return "bastion-forwarding";
    }

    /**
     * Called by an {@code AgentRunner} when it stops: closes everything.
     */
    @Override
    public void onClose()
    {
        close();
    }

    /**
     * The bridge.
     *
     * @return the bridge.
     */
    public Bridge bridge()
    {
        return bridge;
    }

    /**
     * The forwarder.
     *
     * @return the forwarder, or null if nothing is forwarded.
     */
    public ChannelForwarder forwarder()
    {
        return forwarder;
    }

    /**
     * The relay.
     *
     * @return the relay.
     */
    public ChannelRelay relay()
    {
        return relay;
    }

    /**
     * The forwarding counters.
     *
     * @return the counters.
     */
    public ForwardingCounters counters()
    {
        return counters;
    }

    /**
     * Close, in order: the forwarded channels' subscriptions (key copies zeroed), the relays (what they wrote stays
     * for the local subscribers), the bridge (session keys, Aeron, driver, its folder), the counters. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        CloseHelper.quietCloseAll(forwarder, relay, bridge, counters);
    }
}
