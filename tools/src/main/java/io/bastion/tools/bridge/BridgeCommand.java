package io.bastion.tools.bridge;

import io.aeron.exceptions.AeronException;
import io.bastion.bridge.BridgeContext;
import io.bastion.bridge.BridgeCounters;
import io.bastion.bridge.BridgeHandshakeException;
import io.bastion.bridge.BridgeRole;
import io.bastion.bridge.ChannelForwarding;
import io.bastion.bridge.ChannelForwardingContext;
import io.bastion.bridge.ForwardingCounters;
import io.bastion.broker.BrokerContext;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.ClientContext;
import io.bastion.security.files.SecureFileException;
import io.bastion.security.token.ChannelPattern;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.DefaultFolders;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import io.bastion.tools.cli.Texts;
import io.bastion.tools.cli.TokenText;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bastion bridge}: runs a {@link ChannelForwarding} beside a broker, in the foreground until SIGINT or
 * SIGTERM: the broker's channels named by {@code --forward} go to the peer host over Aeron UDP, and what the peer
 * forwards is republished into the relayed channels named by {@code --relay}. Its counters ({@link BridgeCounters},
 * {@link ForwardingCounters}) are in an owner-only counters file in the broker folder ({@link BridgeCountersFile}),
 * which {@code bastion stat} shows.
 * <p>
 * Before anything starts, each token file is read and its claims checked for the channels it must serve
 * ({@code BridgeTokenCheck}: well-formed, for the local broker, valid now, for this user, its channel pattern covering
 * every channel, SUBSCRIBE for {@code --forward}, RELAY for {@code --relay}); a refusal is a usage error naming the
 * file and the reason. That check is early and friendly only: the broker remains the authority, and verifies the
 * issuer's signature and the revocation list at connect. With {@code --aeron-dir}, a driver must be running there.
 */
@Command(
    name = "bridge",
    mixinStandardHelpOptions = true,
    header = "Forward a broker's channels to another host over Aeron UDP, and relay the peer's into it.",
    description = {
        "Runs a bridge beside the broker on DIR until Ctrl-C (SIGINT) or SIGTERM. The bridge signs its handshake " +
            "with the broker's identity key (--identity, owner-only) and talks only to the bridge of the pinned " +
            "peer broker (--peer: its identity fingerprint SHA256:..., or its identity.pub). One side is the " +
            "initiator, the other the responder.",
        "",
        "--forward channels are subscribed to on the local broker with --forward-token (SUBSCRIBE on them) and " +
            "each frame is sent to the peer exactly as sealed; --relay channels (declared relayed by the local " +
            "broker: 'bastion broker --relayed') take the peer's frames with --relay-token (RELAY on them), where " +
            "local subscribers verify the origin's tags. Each token is read and checked before anything starts " +
            "(well-formed, for this broker, valid now, for you, covering every channel, with the right): a refusal " +
            "exits 2 naming the file. This is an early check only: the broker still verifies each token " +
            "(signature, revocation) when the bridge connects.",
        "",
        "The Aeron media driver runs embedded, its folder owner-only inside DIR and deleted on close, unless " +
            "--aeron-dir names an external driver's folder (the driver must be running there; the bridge leaves " +
            "it and its folder as they are). The counters are in DIR/bridge-<pid>" +
            ClientContext.COUNTERS_FILE_SUFFIX + " while it runs ('bastion stat'). A status line is printed when a " +
            "session with the peer is up and on each new session."
    })
public final class BridgeCommand implements Callable<Integer>
{
    private static final long CONNECT_ATTEMPT_MS = 1_000;
    /** How long an external driver's heartbeat may be silent before it is taken as gone (Aeron's default). */
    private static final long DRIVER_CHECK_MS = io.aeron.CommonContext.DEFAULT_DRIVER_TIMEOUT_MS;
    private static final long CLOSE_WAIT_MS = 30_000;
    private static final int MAX_PORT = 65_535;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
        description = "The local broker's folder (default: $XDG_RUNTIME_DIR/bastion, else /dev/shm/bastion-$USER).")
    private Path directory;

    @Option(names = "--identity", required = true, paramLabel = "FILE",
        description = "The local broker's identity key pair (identity.key from 'bastion keygen'), owner-only: the " +
            "bridge signs with it.")
    private Path identity;

    @Option(names = "--peer", required = true, paramLabel = "FINGERPRINT|FILE",
        description = "The peer broker's identity: its fingerprint (SHA256:...) or its public key file " +
            "(identity.pub).")
    private String peer;

    @Option(names = "--role", required = true, paramLabel = "initiator|responder",
        description = "This bridge's part in the handshake; the peer plays the other.")
    private BridgeRole role;

    @Option(names = "--local", required = true, paramLabel = "HOST:PORT",
        description = "Where this bridge receives (its Aeron subscription).")
    private String local;

    @Option(names = "--remote", required = true, paramLabel = "HOST:PORT",
        description = "Where the peer bridge receives (this bridge publishes there).")
    private String remote;

    @Option(names = "--forward", paramLabel = "CHANNEL", split = ",",
        description = "Local channels to forward to the peer; needs --forward-token. Repeatable or comma-separated.")
    private List<String> forward = List.of();

    @Option(names = "--forward-token", paramLabel = "FILE",
        description = "A token with SUBSCRIBE on every --forward channel, issued for the local broker.")
    private Path forwardToken;

    @Option(names = "--relay", paramLabel = "CHANNEL", split = ",",
        description = "Local relayed channels the peer's frames are republished into; needs --relay-token. " +
            "Repeatable or comma-separated.")
    private List<String> relay = List.of();

    @Option(names = "--relay-token", paramLabel = "FILE",
        description = "A token with RELAY on every --relay channel, issued for the local broker.")
    private Path relayToken;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Use the external Aeron media driver of this folder instead of an embedded one; it must be " +
            "running. The bridge leaves the driver running and its folder in place when it stops.")
    private Path aeronDirectory;

    @Option(names = "--mtu", paramLabel = "BYTES",
        description = "Aeron MTU, a multiple of 32 from 256 to 65504, the same on both sides (default: " +
            BridgeContext.MTU_DEFAULT + "); a frame travels in one datagram, so it bounds the frame length.")
    private Integer mtu;

    @Option(names = "--keepalive-ms", paramLabel = "MS",
        description = "Send a sealed keepalive after this long with nothing sent (default: " +
            BridgeContext.KEEPALIVE_INTERVAL_MS_DEFAULT + "); below --session-timeout-ms on both sides.")
    private Long keepaliveMs;

    @Option(names = "--session-timeout-ms", paramLabel = "MS",
        description = "Drop the session after this long without an authenticated datagram from the peer; an " +
            "initiator then handshakes again (default: " + BridgeContext.SESSION_TIMEOUT_MS_DEFAULT + "). Use the " +
            "same value on both sides.")
    private Long sessionTimeoutMs;

    private volatile boolean running = true;

    private BridgeCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException
    {
        validate();
        final Path dir = null == directory ? DefaultFolders.brokerDirectory() : directory;
        // The early token check: a usage error before anything starts. The broker remains the authority.
        final ClientContext forwardClient = forward.isEmpty() ? null :
            checkedClient(dir, "--forward-token", forwardToken, Right.SUBSCRIBE, "--forward", forward);
        final ClientContext relayClient = relay.isEmpty() ? null :
            checkedClient(dir, "--relay-token", relayToken, Right.RELAY, "--relay", relay);
        final Path socket = dir.resolve(BrokerContext.SOCKET_FILE_NAME);
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS))
        {
            throw new CommandFailure("no broker on " + dir + " (no " + socket.getFileName() +
                "): start one with 'bastion broker'");
        }
        if (null != aeronDirectory)
        {
            checkDriver();
        }
        final String peerFingerprint = peerFingerprint();
        final ChannelForwardingContext context = new ChannelForwardingContext()
            .brokerIdentityKeyFile(identity);
        final BridgeContext bridgeContext = new BridgeContext()
            .role(role)
            .localEndpoint(local)
            .peerEndpoint(remote)
            .peerFingerprint(peerFingerprint)
            .directory(dir);
        if (null != aeronDirectory)
        {
            bridgeContext.aeronDirectoryName(aeronDirectory.toString());
        }
        if (null != mtu)
        {
            bridgeContext.mtuLength(mtu);
        }
        if (null != keepaliveMs)
        {
            bridgeContext.keepaliveIntervalMs(keepaliveMs);
        }
        if (null != sessionTimeoutMs)
        {
            bridgeContext.sessionTimeoutMs(sessionTimeoutMs);
        }
        context.bridgeContext(bridgeContext);
        if (null != forwardClient)
        {
            context.forwardContext(forwardClient).forwardChannels(forward.toArray(new String[0]));
        }
        if (null != relayClient)
        {
            context.relayContext(relayClient).relayChannels(relay.toArray(new String[0]));
        }

        // SIGINT or SIGTERM: the hook stops the duty cycle and waits until everything is closed and the counters
        // file is gone. Installed first, so that a signal never leaves the counters file behind.
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            running = false;
            try
            {
                closed.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "bastion-bridge-shutdown"));
        BridgeCountersFile counters = null;
        try
        {
            counters = BridgeCountersFile.create(dir);
            try (ChannelForwarding forwarding = launch(counters.attach(context)))
            {
                run(forwarding, counters.path(), peerFingerprint);
            }
        }
        finally
        {
            try
            {
                CloseHelper.close(counters);
            }
            finally
            {
                closed.countDown();
            }
        }
        return ExitCodes.OK;
    }

    private ChannelForwarding launch(final ChannelForwardingContext context) throws IOException
    {
        try
        {
            return ChannelForwarding.launch(context);
        }
        catch (final SecureFileException ex)
        {
            if (ex.path().equals(identity))
            {
                throw KeyFiles.failure(ex);
            }
            throw ex;
        }
        catch (final HandshakeException ex)
        {
            throw new CommandFailure((ex.refusedByPeer() ? "the broker refused the subscription to " :
                "could not subscribe to ") + String.join(",", forward) + ": " + ex.reason());
        }
        catch (final AeronException ex)
        {
            throw new CommandFailure("the bridge did not start: Aeron" +
                (null == aeronDirectory ? "" : " (the driver on " + aeronDirectory + ")") + ": " + ex.getMessage());
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            throw new CommandFailure("the bridge did not start: " + ex.getMessage());
        }
    }

    /**
     * An external driver must be running on {@code --aeron-dir}: else Aeron's client would wait for it and fail with
     * a driver timeout.
     */
    private void checkDriver()
    {
        final boolean active;
        try
        {
            active = io.aeron.CommonContext.isDriverActive(aeronDirectory.toFile(), DRIVER_CHECK_MS, (message) -> { });
        }
        catch (final RuntimeException ex)
        {
            throw new CommandFailure("--aeron-dir " + aeronDirectory + ": not a running Aeron media driver's folder (" +
                ex.getMessage() + ")");
        }
        if (!active)
        {
            throw new CommandFailure("no Aeron media driver on " + aeronDirectory + " (no cnc.dat, or its heartbeat " +
                "stopped): start one there, or drop --aeron-dir for an embedded one");
        }
    }

    private void run(final ChannelForwarding forwarding, final Path countersPath, final String peerFingerprint)
    {
        final PrintWriter out = spec.commandLine().getOut();
        try
        {
            out.println("bridge   " + role.name().toLowerCase(Locale.ROOT) + ", receiving on " + local +
                ", sending to " + remote);
            out.println("identity " + forwarding.bridge().fingerprint() + " (" + identity + ")");
            out.println("peer     " + peerFingerprint + " (pinned)");
            out.println("forward  " + (forward.isEmpty() ? "-" : String.join(", ", forward)));
            out.println("relay    " + (relay.isEmpty() ? "-" : String.join(", ", relay)));
            out.println("driver   " + (null == aeronDirectory ? "embedded, " : "external, ") +
                forwarding.bridge().aeronDirectoryName());
            out.println("counters " + countersPath + " ('bastion stat')");
            out.println("Press Ctrl-C to stop.");
            out.flush();
            if (BridgeRole.INITIATOR == role)
            {
                connect(forwarding, out);
            }
            dutyCycle(forwarding, out);
        }
        finally
        {
            forwarding.close();
        }
    }

    private void connect(final ChannelForwarding forwarding, final PrintWriter out)
    {
        boolean told = false;
        while (running && !forwarding.bridge().isConnected())
        {
            try
            {
                forwarding.connect(CONNECT_ATTEMPT_MS);
            }
            catch (final BridgeHandshakeException ex)
            {
                if (!told)
                {
                    out.println("waiting  for the peer at " + remote);
                    out.flush();
                    told = true;
                }
            }
        }
    }

    private void dutyCycle(final ChannelForwarding forwarding, final PrintWriter out)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(1, 10, 1_000, 1_000_000);
        long session = 0;
        boolean everUp = false;
        int cycles = 0;
        while (running)
        {
            idle.idle(forwarding.doWork());
            final long current = forwarding.bridge().sessionId();
            if (current != session)
            {
                final long handshakes = forwarding.bridge().counters().handshakes().get();
                if (0 == current)
                {
                    out.println("session  lost: no word from the peer within the session timeout (" +
                        forwarding.bridge().counters().sessionTimeouts().get() + " timeout(s) so far); " +
                        (BridgeRole.INITIATOR == role ? "handshaking again" : "waiting for the peer's handshake"));
                }
                else
                {
                    out.println((everUp ? "session  new: " : "session  up: ") + Long.toHexString(current) +
                        " with " + handshakes + " handshake(s) so far");
                    everUp = true;
                }
                out.flush();
                session = current;
            }
            if (0 == (++cycles & 1023))
            {
                if (null != forwarding.forwarder() && forwarding.forwarder().isAnySubscriberClosed())
                {
                    throw new CommandFailure("a forwarded channel's subscription ended (the broker stopped, or the " +
                        "token expired): relaunch the bridge");
                }
                if (forwarding.bridge().isTransportClosed())
                {
                    throw new CommandFailure("the Aeron client closed (the media driver stopped or timed it out): " +
                        "relaunch the bridge");
                }
            }
        }
    }

    private void validate()
    {
        if (forward.isEmpty() && relay.isEmpty())
        {
            throw usage("nothing to do: name at least one --forward or --relay channel");
        }
        checkChannels("--forward", forward);
        checkChannels("--relay", relay);
        if (!forward.isEmpty() && null == forwardToken)
        {
            throw usage("--forward needs --forward-token FILE (a token with SUBSCRIBE on the forwarded channels)");
        }
        if (!relay.isEmpty() && null == relayToken)
        {
            throw usage("--relay needs --relay-token FILE (a token with RELAY on the relayed channels)");
        }
        if (forward.isEmpty() && null != forwardToken)
        {
            throw usage("--forward-token without a --forward channel");
        }
        if (relay.isEmpty() && null != relayToken)
        {
            throw usage("--relay-token without a --relay channel");
        }
        checkEndpoint("--local", local);
        checkEndpoint("--remote", remote);
        if (null != mtu && (mtu < 256 || mtu > 65_504 || 0 != (mtu & 31)))
        {
            throw usage("--mtu must be a multiple of 32 from 256 to 65504: " + mtu);
        }
        final long keepalive = null == keepaliveMs ? BridgeContext.KEEPALIVE_INTERVAL_MS_DEFAULT : keepaliveMs;
        final long timeout = null == sessionTimeoutMs ? BridgeContext.SESSION_TIMEOUT_MS_DEFAULT : sessionTimeoutMs;
        if (keepalive <= 0 || timeout <= keepalive)
        {
            throw usage("--keepalive-ms must be positive and below --session-timeout-ms: " + keepalive + " and " +
                timeout);
        }
        if (!peer.startsWith("SHA256:") && !Files.isRegularFile(Path.of(peer)))
        {
            throw usage("--peer must be the peer broker's fingerprint (SHA256:...) or its public key file: " +
                Texts.printable(peer));
        }
    }

    private void checkChannels(final String option, final List<String> channels)
    {
        for (final String channel : channels)
        {
            if (!ChannelPattern.isValidChannel(channel))
            {
                throw usage(option + " '" + Texts.printable(channel) + "' is not a channel name: 1 to " +
                    ChannelPattern.MAX_LENGTH + " of [A-Za-z0-9._:/-]");
            }
        }
    }

    private void checkEndpoint(final String option, final String endpoint)
    {
        final int colon = endpoint.lastIndexOf(':');
        int port = -1;
        if (colon > 0 && colon < endpoint.length() - 1 && endpoint.length() - colon <= 6)
        {
            try
            {
                port = Integer.parseInt(endpoint.substring(colon + 1));
            }
            catch (final NumberFormatException ex)
            {
                port = -1;
            }
        }
        if (port < 1 || port > MAX_PORT || endpoint.chars().anyMatch(Character::isWhitespace))
        {
            throw usage(option + " must be HOST:PORT, a port from 1 to " + MAX_PORT + ": " +
                Texts.printable(endpoint));
        }
    }

    private String peerFingerprint() throws IOException
    {
        return peer.startsWith("SHA256:") ? peer : KeyFiles.fingerprint(KeyFiles.readPublic(Path.of(peer)));
    }

    /**
     * Read a token file once, check its claims for these channels ({@link BridgeTokenCheck}) and make the client
     * context that presents it; the bytes read are zeroed. Any refusal is a usage error naming the file.
     */
    private ClientContext checkedClient(
        final Path dir, final String tokenOption, final Path tokenFile, final Right right, final String option,
        final List<String> channels)
    {
        final String where = tokenOption + " " + tokenFile + ": ";
        if (!Files.isRegularFile(tokenFile, LinkOption.NOFOLLOW_LINKS))
        {
            throw usage(where + (Files.exists(tokenFile, LinkOption.NOFOLLOW_LINKS) ?
                "not a regular file (a token file is read without following links)" : "no such token file"));
        }
        byte[] token = null;
        try
        {
            try
            {
                token = TokenText.readFile(tokenFile);
            }
            catch (final CommandFailure ex)
            {
                throw usage(where + "not a capability token (" + ex.getMessage() + ")");
            }
            catch (final IOException ex)
            {
                throw usage(where + "cannot be read (" +
                    (ex instanceof AccessDeniedException ? "permission denied" : ex.getMessage()) + ")");
            }
            final String refusal = BridgeTokenCheck.refusal(token, right, option, channels, localBrokerKey(),
                currentUser(), System.currentTimeMillis());
            if (null != refusal)
            {
                throw usage(where + refusal);
            }
            return new ClientContext().directory(dir).token(token);
        }
        finally
        {
            if (null != token)
            {
                Arrays.fill(token, (byte)0);
            }
        }
    }

    /**
     * The local broker's identity public key from {@code --identity}, or null if it cannot be read here: then the
     * bridge's launch reports the file's problem (with the owner-only checks), and the token's broker is left to the
     * broker to check.
     */
    private byte[] localBrokerKey()
    {
        try
        {
            return IssuerKeys.rawPublic(KeyFiles.readPublic(identity));
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /**
     * The user this process runs as, as the broker sees it (the owner of {@code /proc/self}, the name of the
     * effective uid), or null if it cannot be told.
     */
    private static String currentUser()
    {
        try
        {
            return Files.getOwner(Path.of("/proc/self")).getName();
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    private ParameterException usage(final String message)
    {
        return new ParameterException(spec.commandLine(), message);
    }
}
