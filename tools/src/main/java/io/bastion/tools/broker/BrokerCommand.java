package io.bastion.tools.broker;

import io.bastion.broker.Broker;
import io.bastion.broker.BrokerContext;
import io.bastion.broker.BrokerLimits;
import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.SealingMode;
import io.bastion.ringbuffer.RingCapacity;
import io.bastion.security.files.SecureFileException;
import io.bastion.tools.cli.DefaultFolders;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code bastion broker}: runs a broker in the foreground until SIGINT or SIGTERM.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    header = "Run a broker in the foreground on a folder.",
    description = {
        "Run a broker in the foreground on a folder until Ctrl-C (SIGINT) or SIGTERM; closing it removes the socket.",
        "",
        "The broker proves its identity (identity.key from 'bastion keygen') in every handshake. Clients pin it " +
            "through their tokens, which name it ('bastion token issue --broker-key identity.pub'): the broker " +
            "publishes no key file in its folder, and refuses tokens issued for another broker. It does not start " +
            "without an identity key, since tokens could not name a key made for one run.",
        "",
        "Settings not given here are read from the bastion.broker.* system properties (see BrokerContext); " +
            "./bastion passes them on from BASTION_JAVA_OPTS, e.g. BASTION_JAVA_OPTS=-Dbastion.broker.max.pending=4."
    })
public final class BrokerCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
        description = "Broker folder, created 0700 (default: $XDG_RUNTIME_DIR/bastion, else /dev/shm/bastion-$USER).")
    private Path directory;

    @Option(names = "--issuer-public", paramLabel = "FILE",
        description = "The token issuer's public key (issuer.pub from 'bastion keygen'); tokens must verify under " +
            "it. Required unless -D" + BrokerContext.ISSUER_KEY_PROP + " is set.")
    private Path issuerPublic;

    @Option(names = "--identity-key", paramLabel = "FILE",
        description = "The broker's identity key pair (identity.key from 'bastion keygen'), owner-only, kept outside " +
            "the broker folder; tokens name its public key. Required unless -D" + BrokerContext.IDENTITY_KEY_PROP +
            " is set.")
    private Path identityKey;

    @Option(names = "--socket", paramLabel = "PATH", description = "Socket path (default: DIR/broker.sock).")
    private Path socket;

    @Option(names = "--audit-dir", paramLabel = "DIR", description = "Audit log folder (default: DIR/audit).")
    private Path auditDirectory;

    @Option(names = "--ring-capacity", paramLabel = "BYTES",
        description = "Record capacity of each ring, a power of two (default: " + BrokerContext.RING_CAPACITY_DEFAULT +
            ").")
    private Integer ringCapacity;

    @Option(names = "--ring-files",
        description = "Make rings named files in the broker folder (the fallback where anonymous sealed memory is " +
            "missing), whose names go once both sides mapped them, instead of sealed anonymous memory handed over " +
            "the socket (the default on Linux).")
    private boolean ringFiles;

    @Option(names = "--batch-sealed", paramLabel = "CHANNEL", split = ",",
        description = "Channels whose frames are sealed by batch, one tag over frames committed together (the broker " +
            "announces it to both ends); every other channel seals each frame. Repeatable or comma-separated.")
    private List<String> batchSealed = List.of();

    @Option(names = "--encrypted", paramLabel = "CHANNEL", split = ",",
        description = "Channels whose frames are encrypted (AES-GCM, the header authenticated), so that their rings " +
            "hold no plaintext; the broker announces it to both ends. Repeatable or comma-separated.")
    private List<String> encrypted = List.of();

    @Option(names = "--fan-out", paramLabel = "CHANNEL:N[:evict|block[:LAG[:STALL_MS]]]", split = ",",
        description = "Channels that take up to N subscribers at once, each with a consumer region of its own; the " +
            "publisher follows the slowest and evicts one that lags more than LAG ring bytes (evict) or that holds " +
            "it back without a heartbeat for STALL_MS (both modes). Needs sealed rings. Repeatable or " +
            "comma-separated.")
    private List<String> fanOut = List.of();

    @Option(names = "--relayed", paramLabel = "CHANNEL", split = ",",
        description = "Relayed channels: frames sealed on another host, republished here by a relay (a token with " +
            "the relay right) under the origin's producer id and keys; only relays publish on them, and a relay " +
            "publishes on nothing else. Sealed per frame. Repeatable or comma-separated.")
    private List<String> relayed = List.of();

    @Option(names = "--max-sessions-per-principal", paramLabel = "N",
        description = "Most open sessions of one user; more are refused RATE_LIMITED (default: " +
            BrokerLimits.MAX_SESSIONS_PER_PRINCIPAL_DEFAULT + ").")
    private Integer maxSessionsPerPrincipal;

    @Option(names = "--max-rings-per-channel", paramLabel = "N",
        description = "Most publisher rings of one channel; more are refused RATE_LIMITED (default: " +
            BrokerLimits.MAX_RINGS_PER_CHANNEL_DEFAULT + ").")
    private Integer maxRingsPerChannel;

    @Option(names = "--ack-timeout-ms", paramLabel = "MS",
        description = "How long a client may owe an acknowledgement (a key, a ring) before it is evicted (default: " +
            BrokerLimits.KEY_ACK_TIMEOUT_MS_DEFAULT + ").")
    private Long ackTimeoutMs;

    @Option(names = "--max-pending-per-uid", paramLabel = "N",
        description = "Most handshakes one user may have under way; more connections are refused at once " +
            "(default: " + BrokerContext.MAX_PENDING_PER_UID_DEFAULT + ").")
    private Integer maxPendingPerUid;

    private BrokerCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException, InterruptedException
    {
        final BrokerContext context = context();
        final Broker broker;
        try
        {
            broker = Broker.launch(context);
        }
        catch (final SecureFileException ex)
        {
            if (ex.path().equals(context.identityKeyFile()))
            {
                throw KeyFiles.failure(ex);
            }
            throw ex;
        }
        final CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            broker.close();
            closed.countDown();
        }, "bastion-broker-shutdown"));

        final PrintWriter out = spec.commandLine().getOut();
        out.println("broker listening on " + broker.socketPath());
        out.println("identity " + KeyFiles.fingerprint(broker.identityPublicKey()) + " (" +
            context.identityKeyFile() + "; tokens must name it: 'bastion token issue --broker-key')");
        out.println("issuer   " + KeyFiles.fingerprint(context.issuerPublicKey()));
        out.println("folder   " + context.directory());
        out.println("audit    " + (null == context.auditDirectory() ? "(given in code)" : context.auditDirectory()));
        out.println("Press Ctrl-C to stop.");
        out.flush();
        // The shutdown hook closes the broker; until then there is nothing for this thread to do.
        closed.await();
        return ExitCodes.OK;
    }

    private BrokerContext context() throws IOException
    {
        if (null != ringCapacity && !RingCapacity.isValid(ringCapacity))
        {
            throw new ParameterException(spec.commandLine(), "--ring-capacity must be a power of two from " +
                RingCapacity.MIN_CAPACITY + " to " + RingCapacity.MAX_CAPACITY + ": " + ringCapacity);
        }
        final BrokerContext context = new BrokerContext();
        context.directory(null == directory ? DefaultFolders.brokerDirectory() : directory);
        if (null != issuerPublic)
        {
            context.issuerPublicKey(KeyFiles.readPublic(issuerPublic));
        }
        else if (null == System.getProperty(BrokerContext.ISSUER_KEY_PROP))
        {
            throw new ParameterException(spec.commandLine(),
                "Missing required option: '--issuer-public=FILE' (the token issuer's public key)");
        }
        if (null != identityKey)
        {
            context.identityKeyFile(identityKey);
        }
        else if (null == System.getProperty(BrokerContext.IDENTITY_KEY_PROP))
        {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--identity-key=FILE' (the " +
                "broker's identity key, from 'bastion keygen'; tokens name its public key, so a key made for one " +
                "run would match no token)");
        }
        if (null != socket)
        {
            context.socketPath(socket);
        }
        if (null != auditDirectory)
        {
            context.auditDirectory(auditDirectory);
        }
        if (null != ringCapacity)
        {
            context.ringCapacity(ringCapacity);
        }
        if (ringFiles)
        {
            context.sealedRings(false);
        }
        for (final String channel : batchSealed)
        {
            context.channelSealing(channel, SealingMode.HMAC_BATCH);
        }
        for (final String channel : encrypted)
        {
            context.channelSealing(channel, SealingMode.AEAD_PER_FRAME);
        }
        final Map<String, ChannelFanOut> fanOutChannels = new HashMap<>();
        try
        {
            for (final String entry : fanOut)
            {
                ChannelFanOut.parseInto(entry, fanOutChannels);
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), "--fan-out: " + ex.getMessage());
        }
        if (!fanOutChannels.isEmpty() && ringFiles)
        {
            throw new ParameterException(spec.commandLine(), "--fan-out needs sealed rings; drop --ring-files");
        }
        fanOutChannels.forEach(context::channelFanOut);
        for (final String channel : relayed)
        {
            if (batchSealed.contains(channel) || encrypted.contains(channel))
            {
                throw new ParameterException(spec.commandLine(),
                    "--relayed " + channel + ": a relayed channel is sealed per frame");
            }
            context.relayedChannel(channel);
        }
        if (null != maxPendingPerUid)
        {
            context.maxPendingHandshakesPerUid(maxPendingPerUid);
        }
        try
        {
            BrokerLimits limits = BrokerLimits.defaults();
            limits = null == maxSessionsPerPrincipal ? limits :
                limits.withMaxSessionsPerPrincipal(maxSessionsPerPrincipal);
            limits = null == maxRingsPerChannel ? limits : limits.withMaxRingsPerChannel(maxRingsPerChannel);
            limits = null == ackTimeoutMs ? limits : limits.withKeyAckTimeoutMs(ackTimeoutMs);
            context.limits(limits);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        return context;
    }
}
