package io.bastion.tools.bridge;

import io.bastion.bridge.BridgeContext;
import io.bastion.bridge.BridgeCounters;
import io.bastion.bridge.BridgeHandshakeException;
import io.bastion.bridge.BridgeRole;
import io.bastion.bridge.ChannelForwarding;
import io.bastion.bridge.ChannelForwardingContext;
import io.bastion.bridge.ForwardingCounters;
import io.bastion.broker.BrokerContext;
import io.bastion.channel.CountersFile;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.ClientContext;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.files.SecureFileException;
import io.bastion.security.token.ChannelPattern;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.DefaultFolders;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import io.bastion.tools.cli.Texts;
import io.bastion.tools.cli.TokenText;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
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
 * {@link ForwardingCounters}) are in an owner-only counters file in the broker folder, which {@code bastion stat}
 * shows.
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
            "local subscribers verify the origin's tags.",
        "",
        "The Aeron media driver runs embedded, its folder owner-only inside DIR and deleted on close, unless " +
            "--aeron-dir names an external driver's. The counters are in DIR/bridge-<pid>" +
            ClientContext.COUNTERS_FILE_SUFFIX + " while it runs ('bastion stat'). A status line is printed when a " +
            "session with the peer is up and on each new session."
    })
public final class BridgeCommand implements Callable<Integer>
{
    /** How counters files of bridges are named in the broker folder: this, the process id, the suffix. */
    public static final String COUNTERS_FILE_PREFIX = "bridge-";

    /** The label prefix of the bridge's and the forwarding's counters. */
    static final String COUNTER_LABEL = "bridge";

    private static final long CONNECT_ATTEMPT_MS = 1_000;
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
        description = "Use the external Aeron media driver of this folder instead of an embedded one.")
    private Path aeronDirectory;

    @Option(names = "--mtu", paramLabel = "BYTES",
        description = "Aeron MTU, a multiple of 32 from 256 to 65504, the same on both sides (default: " +
            BridgeContext.MTU_DEFAULT + "); a frame travels in one datagram, so it bounds the frame length.")
    private Integer mtu;

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
        final Path socket = dir.resolve(BrokerContext.SOCKET_FILE_NAME);
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS))
        {
            throw new CommandFailure("no broker on " + dir + " (no " + socket.getFileName() +
                "): start one with 'bastion broker'");
        }
        final String peerFingerprint = peerFingerprint();
        final ChannelForwardingContext context = new ChannelForwardingContext()
            .brokerIdentityKeyFile(identity)
            .counterLabel(COUNTER_LABEL);
        final BridgeContext bridgeContext = new BridgeContext()
            .role(role)
            .localEndpoint(local)
            .peerEndpoint(remote)
            .peerFingerprint(peerFingerprint)
            .directory(dir)
            .counterLabel(COUNTER_LABEL);
        if (null != aeronDirectory)
        {
            bridgeContext.aeronDirectoryName(aeronDirectory.toString());
        }
        if (null != mtu)
        {
            bridgeContext.mtuLength(mtu);
        }
        context.bridgeContext(bridgeContext);
        if (!forward.isEmpty())
        {
            context.forwardContext(clientContext(dir, forwardToken)).forwardChannels(forward.toArray(new String[0]));
        }
        if (!relay.isEmpty())
        {
            context.relayContext(clientContext(dir, relayToken)).relayChannels(relay.toArray(new String[0]));
        }

        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        final Path countersPath = dir.resolve(COUNTERS_FILE_PREFIX + ProcessHandle.current().pid() +
            ClientContext.COUNTERS_FILE_SUFFIX);
        final CountersFile countersFile = CountersFile.create(files, countersPath,
            BridgeCounters.countersPerBridge() + ForwardingCounters.countersPerBridge());
        // SIGINT or SIGTERM: the hook stops the duty cycle and waits until everything is closed and the counters
        // file is gone.
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
        try
        {
            // One manager for both sets: two managers over one file would hand out the same ids.
            final CountersManager manager = countersFile.manager();
            bridgeContext.countersManager(manager);
            context.countersManager(manager);
            try (ChannelForwarding forwarding = launch(context))
            {
                run(forwarding, countersPath, peerFingerprint);
            }
        }
        finally
        {
            CloseHelper.quietClose(countersFile);
            Files.deleteIfExists(countersPath);
            closed.countDown();
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
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            throw new CommandFailure("the bridge did not start: " + ex.getMessage());
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
        int cycles = 0;
        while (running)
        {
            idle.idle(forwarding.doWork());
            final long current = forwarding.bridge().sessionId();
            if (current != session)
            {
                out.println((0 == session ? "session  up: " : "session  new (the peer restarted): ") +
                    Long.toHexString(current) + " with " + forwarding.bridge().counters().handshakes().get() +
                    " handshake(s) so far");
                out.flush();
                session = current;
            }
            if (0 == (++cycles & 1023) && null != forwarding.forwarder() &&
                forwarding.forwarder().isAnySubscriberClosed())
            {
                throw new CommandFailure("a forwarded channel's subscription ended (the broker stopped, or the " +
                    "token expired): relaunch the bridge");
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

    private static ClientContext clientContext(final Path dir, final Path tokenFile) throws IOException
    {
        final byte[] token = TokenText.readFile(tokenFile);
        try
        {
            return new ClientContext().directory(dir).token(token);
        }
        finally
        {
            Arrays.fill(token, (byte)0);
        }
    }

    private ParameterException usage(final String message)
    {
        return new ParameterException(spec.commandLine(), message);
    }
}
