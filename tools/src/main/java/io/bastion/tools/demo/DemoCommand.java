package io.bastion.tools.demo;

import io.bastion.broker.BrokerContext;
import io.bastion.tools.cli.CommandFailure;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bastion demo}: the product in one command. A broker in this process, a subscriber process (or with
 * {@code --subscribers N} several, on a fan-out channel) and a publisher process (and with {@code --tamper} a hostile
 * one) exchange sealed frames through shared memory; each subscriber checks every byte, then a ping phase measures
 * round trips; the summary says what was sent, verified and rejected.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run a broker, a publisher and a subscriber, and show what Bastion checks and how fast.",
    description = {
        "Starts a broker in this process on the broker folder, issues single-use capability tokens for you on " +
            DemoCommand.PATTERN + " (publish, subscribe), and starts two processes, each given its tokens on its " +
            "stdin (never in a file): a " +
            "subscriber on " + DemoSubscriberCommand.DATA_CHANNEL + " and a publisher that sends it --messages " +
            "frames whose payload derives from their sequence, so that the subscriber checks every byte.",
        "",
        "Then the publisher sends --pings pings one at a time (after up to " +
            DemoPublisherCommand.MAX_WARMUP_PINGS + " unrecorded warm-up pings); the subscriber echoes each on " +
            DemoSubscriberCommand.ECHO_CHANNEL + " and the publisher records the round trips.",
        "",
        "With --subscribers N (more than 1) the broker makes " + DemoSubscriberCommand.DATA_CHANNEL + " a fan-out " +
            "channel of N subscribers (the default policy): N subscriber processes, all started before the " +
            "publisher, each read and verify every frame from the first, through a consumer region of their own; " +
            "the first also echoes the pings. The publisher goes at the pace of the slowest. So that N+1 " +
            "processes share the cores, each yields the processor when it has nothing to do instead of spinning, " +
            "which costs some throughput and latency.",
        "",
        "With --tamper a third process of yours, a compromised plugin with a publish token for " +
            DemoSubscriberCommand.DATA_CHANNEL + ", forges a token, then writes frames with a bad tag, an unknown " +
            "key id, another producer's id, copies of the publisher's frames and truncated frames into its own " +
            "ring, and floods it until the subscriber quarantines it. The good stream must stay intact.",
        "",
        "With --bridge, the two-host picture on loopback in this process: broker A and broker B in owner-only " +
            "folders DIR/host-a and DIR/host-b, B declaring " + DemoBridge.CHANNEL + " relayed; two bridges over " +
            "Aeron UDP on 127.0.0.1 (embedded media drivers), each signing with its broker's identity and pinning " +
            "the other's; a publisher on A, and a subscriber on B that verifies every frame under the origin's tags. " +
            "The report gives messages/s, frames forwarded and republished, and rejections. While it runs, each " +
            "bridge's counters are in DIR/host-a/bridge-<pid>.counters and DIR/host-b/bridge-<pid>.counters " +
            "('bastion stat --dir DIR/host-a'), removed when it stops (also on Ctrl-C or SIGTERM).",
        "",
        "At the end the processes close their clients and the broker stops (the audit log stays in DIR/audit). " +
            "Exits 0 only if every frame verified (by every subscriber) and every ping came back."
    })
public final class DemoCommand implements Callable<Integer>
{
    /** The channels the demo's tokens cover. */
    static final String PATTERN = "demo.*";

    /** The most subscriber processes {@code --subscribers} takes. */
    static final int MAX_SUBSCRIBERS = 8;

    /** Frames {@code --bridge} sends unless {@code --messages} says otherwise. */
    static final long BRIDGE_MESSAGES_DEFAULT = 100_000;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
        description = "Broker folder, created 0700 (default: $XDG_RUNTIME_DIR/bastion, else /dev/shm/bastion-$USER).")
    private Path directory;

    @Option(names = {"-n", "--messages"}, paramLabel = "N", defaultValue = "1000000",
        description = "Frames to send (default: ${DEFAULT-VALUE}).")
    private long messages;

    @Option(names = {"-s", "--size"}, paramLabel = "BYTES", defaultValue = "64",
        description = "Payload bytes of each frame, " + DemoPayload.MIN_LENGTH + " to " + DemoPayload.MAX_LENGTH +
            " (default: ${DEFAULT-VALUE}).")
    private int size;

    @Option(names = "--pings", paramLabel = "N", defaultValue = "10000",
        description = "Round trips to measure after the frames; 0 for none (default: ${DEFAULT-VALUE}).")
    private int pings;

    @Option(names = "--tamper", description = "Add a hostile process that forges a token and forged frames.")
    private boolean tamper;

    @Option(names = "--bridge",
        description = "The two-host picture on loopback instead: brokers A and B in folders of their own under DIR, " +
            "two bridges over Aeron UDP pinning each other's broker identity, a publisher on A and a subscriber on " +
            "B that verifies every frame; --messages defaults to " + BRIDGE_MESSAGES_DEFAULT + ", no pings.")
    private boolean bridge;

    @Option(names = "--subscribers", paramLabel = "N", defaultValue = "1",
        description = "Subscriber processes on " + DemoSubscriberCommand.DATA_CHANNEL + ", 1 to " + MAX_SUBSCRIBERS +
            "; more than 1 makes it a fan-out channel, each subscriber verifying every frame, and the processes " +
            "yield when idle instead of spinning (default: ${DEFAULT-VALUE}).")
    private int subscribers;

    private DemoCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException, InterruptedException
    {
        validate();
        if (null != System.getProperty(BrokerContext.ISSUER_KEY_PROP))
        {
            throw new CommandFailure("the demo issues its own tokens: unset -D" + BrokerContext.ISSUER_KEY_PROP);
        }
        final Path brokerDirectory = null == directory ? DefaultFolders.brokerDirectory() : directory;
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        final PrintWriter out = spec.commandLine().getOut();
        if (bridge)
        {
            return runBridge(brokerDirectory, user, out);
        }
        // The children run the command this process runs, with a hidden subcommand.
        final String command = spec.root().userObject().getClass().getName();
        final DemoRun run = DemoRun.launch(brokerDirectory, user, command, subscribers);
        final Thread cleanup = new Thread(run::close, "bastion-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        final List<String> failures;
        try
        {
            out.println("broker      in this process on " + run.bastion().broker().socketPath() + ", identity " +
                KeyFiles.fingerprint(run.bastion().identityPublicKey()) + (subscribers > 1 ? "; " +
                DemoSubscriberCommand.DATA_CHANNEL + " fans out to " + subscribers + " subscribers" : ""));
            out.println("tokens      single-use, for " + user + " on " + PATTERN + " (publish, subscribe), handed " +
                "to each process on its stdin" +
                (tamper ? "; the hostile's for " + DemoSubscriberCommand.DATA_CHANNEL + " (publish)" : ""));
            out.flush();
            failures = new DemoExchange(run, out, brokerDirectory, messages, size, pings, tamper, subscribers).run();
        }
        finally
        {
            run.close();
            removeHook(cleanup);
        }
        out.println("cleaned up  processes ended, broker stopped; audit log in " +
            brokerDirectory.resolve("audit"));
        out.flush();
        if (!failures.isEmpty())
        {
            throw new CommandFailure("demo failed: " + String.join("; ", failures));
        }
        out.println("OK          every frame verified" + (subscribers > 1 ? " by each of " + subscribers +
            " subscribers" : "") + (pings > 0 ? ", every ping came back" : "") +
            (tamper ? ", every forgery refused" : ""));
        out.flush();
        return ExitCodes.OK;
    }

    private Integer runBridge(final Path brokerDirectory, final String user, final PrintWriter out)
            throws IOException, InterruptedException
    {
        final long count = spec.commandLine().getParseResult().hasMatchedOption("--messages") ? messages :
            BRIDGE_MESSAGES_DEFAULT;
        final List<String> failures = new DemoBridge(brokerDirectory, user, out, count, size).run();
        out.println("cleaned up  bridges, drivers and brokers stopped, counters files removed; audit logs in " +
            brokerDirectory.resolve("host-a").resolve("audit") + " and " +
            brokerDirectory.resolve("host-b").resolve("audit"));
        out.flush();
        if (!failures.isEmpty())
        {
            throw new CommandFailure("demo failed: " + String.join("; ", failures));
        }
        out.println("OK          every frame verified on broker B");
        out.flush();
        return ExitCodes.OK;
    }

    private void validate()
    {
        if (bridge && (tamper || subscribers != 1))
        {
            throw new ParameterException(spec.commandLine(), "--bridge runs one publisher and one subscriber: " +
                "drop --tamper and --subscribers");
        }
        if (bridge && size > DemoBridge.MAX_PAYLOAD)
        {
            throw new ParameterException(spec.commandLine(), "--size with --bridge must be at most " +
                DemoBridge.MAX_PAYLOAD + " (a frame crosses in one datagram): " + size);
        }
        if (messages < 1)
        {
            throw new ParameterException(spec.commandLine(), "--messages must be at least 1: " + messages);
        }
        if (size < DemoPayload.MIN_LENGTH || size > DemoPayload.MAX_LENGTH)
        {
            throw new ParameterException(spec.commandLine(), "--size must be from " + DemoPayload.MIN_LENGTH +
                " to " + DemoPayload.MAX_LENGTH + ": " + size);
        }
        if (pings < 0)
        {
            throw new ParameterException(spec.commandLine(), "--pings must not be negative: " + pings);
        }
        if (subscribers < 1 || subscribers > MAX_SUBSCRIBERS)
        {
            throw new ParameterException(spec.commandLine(), "--subscribers must be from 1 to " + MAX_SUBSCRIBERS +
                ": " + subscribers);
        }
    }

    private static void removeHook(final Thread hook)
    {
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ex)
        {
            // Shutting down already: the hook runs, and finds the run closed.
        }
    }
}
