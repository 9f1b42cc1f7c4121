package io.bastion.tools.demo;

import io.bastion.broker.BrokerContext;
import io.bastion.security.token.Right;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.DefaultFolders;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import io.bastion.tools.cli.Terminal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code bastion demo}: the product in one command. A broker in this process, a subscriber process and a publisher
 * process (and with {@code --tamper} a hostile one) exchange sealed frames through shared memory; the subscriber
 * checks every byte, then a ping phase measures round trips; the summary says what was sent, verified and rejected.
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
        "With --tamper a third process of yours, a compromised plugin with a publish token for " +
            DemoSubscriberCommand.DATA_CHANNEL + ", forges a token, then writes frames with a bad tag, an unknown " +
            "key id, another producer's id, copies of the publisher's frames and truncated frames into its own " +
            "ring, and floods it until the subscriber quarantines it. The good stream must stay intact.",
        "",
        "At the end the processes close their clients and the broker stops (the audit log stays in DIR/audit). " +
            "Exits 0 only if every frame verified and every ping came back."
    })
public final class DemoCommand implements Callable<Integer>
{
    /** The channels the demo's tokens cover. */
    static final String PATTERN = "demo.*";

    private static final long SILENCE_MS = TimeUnit.SECONDS.toMillis(60);
    private static final long EXIT_WAIT_MS = TimeUnit.SECONDS.toMillis(15);
    private static final long PROGRESS_LINE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

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

    private Path brokerDirectory;
    private PrintWriter out;
    private DemoReport report;
    private Progress progress;
    private DemoChild publisher;
    private boolean sent;
    private boolean pinging;

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
        brokerDirectory = null == directory ? DefaultFolders.brokerDirectory() : directory;
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        out = spec.commandLine().getOut();
        report = new DemoReport(messages, size, pings, tamper);
        progress = new Progress(out, Terminal.isTerminal());
        final DemoRun run = DemoRun.launch(brokerDirectory, user);
        final Thread cleanup = new Thread(run::close, "bastion-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        final List<String> failures;
        try
        {
            out.println("broker      in this process on " + run.bastion().broker().socketPath() + ", identity " +
                KeyFiles.fingerprint(run.bastion().identityPublicKey()));
            out.println("tokens      single-use, for " + user + " on " + PATTERN + " (publish, subscribe), handed " +
                "to each process on its stdin" +
                (tamper ? "; the hostile's for " + DemoSubscriberCommand.DATA_CHANNEL + " (publish)" : ""));
            out.flush();
            failures = exchange(run);
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
        out.println("OK          every frame verified" + (pings > 0 ? ", every ping came back" : "") +
            (tamper ? ", every forgery refused" : ""));
        out.flush();
        return ExitCodes.OK;
    }

    private void validate()
    {
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

    private List<String> exchange(final DemoRun run) throws IOException, InterruptedException
    {
        final int both = Right.PUBLISH.bit() | Right.SUBSCRIBE.bit();
        final DemoChild subscriber = run.start("subscriber", args("demo-subscriber",
            "--messages", Long.toString(messages)), run.tokens(PATTERN, both, 2));
        awaitLine(run, subscriber, "ready");
        out.println("subscriber  process " + subscriber.pid() + " on " + DemoSubscriberCommand.DATA_CHANNEL +
            " (echoes pings on " + DemoSubscriberCommand.ECHO_CHANNEL + ")");
        publisher = run.start("publisher", args("demo-publisher", "--messages", Long.toString(messages),
            "--pings", Integer.toString(pings)), run.tokens(PATTERN, both, 2));
        final String ready = awaitLine(run, publisher, "ready");
        out.println("publisher   process " + publisher.pid() + " on " + DemoSubscriberCommand.DATA_CHANNEL +
            " as producer " + DemoReport.fields(ready).get("producer") + " (reads echoes on " +
            DemoSubscriberCommand.ECHO_CHANNEL + ")");
        DemoChild hostile = null;
        if (tamper)
        {
            hostile = run.start("hostile", List.of("demo-hostile", "--dir", brokerDirectory.toString()),
                run.tokens(DemoSubscriberCommand.DATA_CHANNEL, Right.PUBLISH.bit(), 1));
            out.println("hostile     process " + hostile.pid() + ", the same user, with a publish token for " +
                DemoSubscriberCommand.DATA_CHANNEL);
            awaitLine(run, hostile, "ready");
        }
        out.println("sending     " + DemoReport.frames(messages) + " of " + DemoReport.count(size) +
            " bytes on " + DemoSubscriberCommand.DATA_CHANNEL);
        out.flush();
        publisher.send("go");
        while (!report.publisherDone() || (tamper && !report.isHostileDone()))
        {
            handle(next(run));
        }
        subscriber.send("stop");
        while (!report.subscriberDone())
        {
            handle(next(run));
        }
        publisher.send("stop");
        if (null != hostile)
        {
            hostile.send("stop");
        }
        final List<String> failures = new ArrayList<>();
        for (final DemoChild child : null == hostile ? List.of(subscriber, publisher) :
            List.of(subscriber, publisher, hostile))
        {
            final int code = child.awaitExit(EXIT_WAIT_MS);
            if (0 != code)
            {
                failures.add("the " + child.name() + " process ended with exit code " + code + ": " +
                    child.stderr());
            }
        }
        report.print(out, Terminal.micros());
        failures.addAll(0, report.failures());
        return failures;
    }

    private List<String> args(final String command, final String... more)
    {
        final List<String> args = new ArrayList<>(List.of(command, "--dir", brokerDirectory.toString(),
            "--size", Integer.toString(size)));
        args.addAll(List.of(more));
        return args;
    }

    private String awaitLine(final DemoRun run, final DemoChild child, final String prefix)
            throws InterruptedException
    {
        while (true)
        {
            final DemoChild.Line line = next(run);
            if (line.child() == child && line.text().startsWith(prefix))
            {
                return line.text();
            }
            handle(line);
        }
    }

    private DemoChild.Line next(final DemoRun run) throws InterruptedException
    {
        final DemoChild.Line line = run.lines().poll(SILENCE_MS, TimeUnit.MILLISECONDS);
        if (null == line)
        {
            throw new CommandFailure("no word from the demo's processes for " + SILENCE_MS / 1000 + " s");
        }
        if (null == line.text())
        {
            final DemoChild child = line.child();
            final int code = child.awaitExit(EXIT_WAIT_MS);
            throw new CommandFailure("the " + child.name() + " process ended early" +
                (code >= 0 ? " with exit code " + code : "") + ": " + child.stderr());
        }
        return line;
    }

    private void handle(final DemoChild.Line line)
    {
        final String text = line.text();
        final String[] words = text.split(" ");
        switch (line.child().name())
        {
            case "subscriber":
                onSubscriber(text, words);
                break;
            case "publisher":
                onPublisher(text, words);
                break;
            default:
                onHostile(text, words);
        }
        out.flush();
    }

    private void onSubscriber(final String text, final String[] words)
    {
        switch (words[0])
        {
            case "progress":
                progress.show("  verified " + DemoReport.count(Long.parseLong(words[1])) + " of " +
                    DemoReport.frames(messages) + " (" + Long.parseLong(words[1]) * 100 / messages + "%)");
                break;
            case "throughput":
                report.throughputNanos(DemoReport.number(DemoReport.fields(text), "nanos"));
                progress.finish("  verified " + DemoReport.count(messages) + " of " + DemoReport.frames(messages) +
                    " (100%)");
                startPings();
                break;
            case "rejected":
                if (report.onRejected(words[1], Integer.parseInt(words[3])))
                {
                    progress.event("subscriber  rejected a frame: " + words[1] + " (source " + words[3] +
                        "; first of its kind)");
                }
                break;
            case "quarantined":
                final long refused = report.onQuarantined(Integer.parseInt(words[2]));
                progress.event("subscriber  quarantined source " + words[2] + " after " + DemoReport.count(refused) +
                    " rejections within 10 s: its ring is no longer read");
                break;
            case "RESULT":
                report.subscriberResult(text);
                break;
            default:
                break;
        }
    }

    private void onPublisher(final String text, final String[] words)
    {
        switch (words[0])
        {
            case "sent":
                sent = true;
                startPings();
                break;
            case "pings":
                progress.show("  " + DemoReport.count(Long.parseLong(words[1])) + " of " + DemoReport.count(pings) +
                    " round trips");
                break;
            case "RESULT":
                report.publisherResult(text);
                if (pings > 0)
                {
                    progress.finish("  " + DemoReport.count(pings) + " of " + DemoReport.count(pings) +
                        " round trips");
                }
                break;
            default:
                break;
        }
    }

    private void onHostile(final String text, final String[] words)
    {
        final Map<String, String> fields = DemoReport.fields(text);
        switch (words[0])
        {
            case "refused":
                report.hostileRefusal(words[1]);
                progress.event("hostile     edited its token to add the subscribe right: refused " +
                    ("by-broker".equals(words[2]) ? "by the broker" : "before the broker") + " with " + words[1]);
                break;
            case "ready":
                progress.event("hostile     connected to " + DemoSubscriberCommand.DATA_CHANNEL + " with its real " +
                    "token as producer " + fields.get("producer") + "; watching " + fields.get("rings") +
                    " other ring files in the folder");
                break;
            case "copied":
                progress.event("hostile     copied " + words[1] + " frames of producer " +
                    fields.get("producer") + " from its ring file");
                break;
            case "attack":
                progress.event("hostile     wrote into its own ring: " + fields.get("bad-tag") +
                    " frames under a made-up key, " + fields.get("unknown-key") + " under an unknown key id, " +
                    fields.get("wrong-producer") + " claiming the publisher's producer id, " + fields.get("copies") +
                    " copies of the publisher's frames, " + fields.get("truncated") +
                    " truncated frames; now flooding");
                break;
            case "flood":
                final boolean unread = "true".equals(fields.get("unread"));
                report.hostileFlood(unread);
                progress.event("hostile     flooded " + DemoReport.count(DemoReport.number(fields, "frames")) +
                    " forged frames; " + (unread ? "its ring is no longer read" : "its ring is still read"));
                break;
            case "done":
                report.hostileDone();
                startPings();
                break;
            default:
                break;
        }
    }

    /**
     * Start the ping phase once the publisher has sent every frame, the subscriber has verified them and (with
     * {@code --tamper}) the hostile is done, so that round trips are measured on a quiet machine.
     */
    private void startPings()
    {
        if (!pinging && sent && report.hasThroughput() && (!tamper || report.isHostileDone()))
        {
            pinging = true;
            if (pings > 0)
            {
                out.println("pinging     " + DemoReport.count(pings) + " round trips, one at a time: " +
                    DemoSubscriberCommand.DATA_CHANNEL + " and back on " + DemoSubscriberCommand.ECHO_CHANNEL);
            }
            publisher.send("ping");
        }
    }

    /**
     * The progress line: redrawn in place on a terminal, a plain line at most every second elsewhere; events print
     * above it.
     */
    private static final class Progress
    {
        private final PrintWriter out;
        private final boolean terminal;
        private String current;
        private String lastLine;
        private long lastLineNs;

        Progress(final PrintWriter out, final boolean terminal)
        {
            this.out = out;
            this.terminal = terminal;
            this.lastLineNs = System.nanoTime() - PROGRESS_LINE_INTERVAL_NS;
        }

        void show(final String text)
        {
            if (terminal)
            {
                out.print("\r" + pad(text));
                current = text;
            }
            else if (System.nanoTime() - lastLineNs >= PROGRESS_LINE_INTERVAL_NS)
            {
                out.println(text);
                lastLine = text;
                lastLineNs = System.nanoTime();
            }
        }

        void finish(final String text)
        {
            if (terminal)
            {
                out.print("\r" + pad(text) + System.lineSeparator());
            }
            else if (!text.equals(lastLine))
            {
                out.println(text);
            }
            current = null;
            lastLine = null;
            lastLineNs = System.nanoTime() - PROGRESS_LINE_INTERVAL_NS;
        }

        void event(final String text)
        {
            if (terminal && null != current)
            {
                out.print("\r" + pad("") + "\r");
                out.println(text);
                out.print(pad(current));
            }
            else
            {
                out.println(text);
            }
        }

        private String pad(final String text)
        {
            final int width = 60;
            return text.length() >= width ? text : text + " ".repeat(width - text.length());
        }
    }
}
