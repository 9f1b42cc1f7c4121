package io.bastion.tools.demo;

import io.bastion.bench.latency.ChildProcess;
import io.bastion.security.token.Right;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.Terminal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bastion demo} exchange between its children: it starts the subscribers (one, or several on a fan-out
 * channel), the publisher and (with {@code --tamper}) the hostile on a {@link DemoRun}, sends them through the phases
 * (the frames once every subscriber reads the publisher's ring, then the pings once the machine is quiet, then
 * {@code stop}), turns every line they print into the progress line, the events and the {@link DemoReport}, and
 * prints the summary.
 */
final class DemoExchange
{
    private static final long SILENCE_MS = TimeUnit.SECONDS.toMillis(60);
    private static final long EXIT_WAIT_MS = TimeUnit.SECONDS.toMillis(15);
    /**
     * Subscriber processes connecting at once: fewer than the broker's default of handshakes in progress per user
     * ({@code BrokerContext.MAX_PENDING_PER_UID_DEFAULT}), each connecting one client at a time.
     */
    private static final int STARTING_AT_ONCE = 3;

    private final DemoRun run;
    private final PrintWriter out;
    private final Path brokerDirectory;
    private final long messages;
    private final int size;
    private final int pings;
    private final boolean tamper;
    private final int subscriberCount;
    private final DemoReport report;
    private final DemoProgress progress;
    private final List<ChildProcess> subscribers = new ArrayList<>();
    private final Set<ChildProcess> ready = new HashSet<>();
    private final Set<ChildProcess> joined = new HashSet<>();
    private ChildProcess publisher;
    private boolean sent;
    private boolean pinging;

    /**
     * An exchange on a run, with the demo's options.
     *
     * @param run             the broker and the children's folder.
     * @param out             where the progress and the summary go.
     * @param brokerDirectory the broker folder.
     * @param messages        data frames to send.
     * @param size            payload bytes of each.
     * @param pings           round trips to measure.
     * @param tamper          whether a hostile process takes part.
     * @param subscribers     how many subscriber processes read every frame (more than one: a fan-out channel).
     */
    DemoExchange(
        final DemoRun run,
        final PrintWriter out,
        final Path brokerDirectory,
        final long messages,
        final int size,
        final int pings,
        final boolean tamper,
        final int subscribers)
    {
        this.run = run;
        this.out = out;
        this.brokerDirectory = brokerDirectory;
        this.messages = messages;
        this.size = size;
        this.pings = pings;
        this.tamper = tamper;
        this.subscriberCount = subscribers;
        this.report = new DemoReport(messages, size, pings, tamper, subscribers);
        this.progress = new DemoProgress(out, Terminal.isTerminal());
    }

    /**
     * Start the children, run the phases and end the children.
     *
     * @return what went wrong, empty if every frame verified, every ping came back and (with {@code --tamper}) every
     * forgery was refused.
     * @throws IOException if a child cannot be started.
     * @throws InterruptedException if interrupted while waiting for a child.
     * @throws CommandFailure if a child ends early or says nothing for too long.
     */
    List<String> run() throws IOException, InterruptedException
    {
        final int both = Right.PUBLISH.bit() | Right.SUBSCRIBE.bit();
        // All of them before the publisher: each is then given the publisher's ring from its first frame on.
        for (int i = 0; i < subscriberCount; i++)
        {
            final ChildProcess subscriber = startSubscribers(i);
            while (!ready.contains(subscriber))
            {
                handle(next());
                startSubscribers(i);
            }
            out.println(label(i) + "process " + subscriber.pid() + " on " + DemoSubscriberCommand.DATA_CHANNEL +
                (0 == i ? " (echoes pings on " + DemoSubscriberCommand.ECHO_CHANNEL + ")" : " (verifies only)"));
        }
        final List<String> publisherArgs = args("demo-publisher", "--messages", Long.toString(messages),
            "--pings", Integer.toString(pings));
        if (subscriberCount > 1)
        {
            publisherArgs.add("--yield");
        }
        publisher = run.start("publisher", publisherArgs, run.tokens(DemoCommand.PATTERN, both, 2));
        final String publisherReady = awaitLine(publisher, "ready");
        out.println("publisher   process " + publisher.pid() + " on " + DemoSubscriberCommand.DATA_CHANNEL +
            " as producer " + DemoReport.fields(publisherReady).get("producer") + " (reads echoes on " +
            DemoSubscriberCommand.ECHO_CHANNEL + ")");
        for (final ChildProcess subscriber : subscribers)
        {
            while (!joined.contains(subscriber))
            {
                handle(next());
            }
        }
        ChildProcess hostile = null;
        if (tamper)
        {
            hostile = run.start("hostile", List.of("demo-hostile", "--dir", brokerDirectory.toString()),
                run.tokens(DemoSubscriberCommand.DATA_CHANNEL, Right.PUBLISH.bit(), 1));
            out.println("hostile     process " + hostile.pid() + ", the same user, with a publish token for " +
                DemoSubscriberCommand.DATA_CHANNEL);
            awaitLine(hostile, "ready");
        }
        out.println("sending     " + DemoReport.frames(messages) + " of " + DemoReport.count(size) +
            " bytes on " + DemoSubscriberCommand.DATA_CHANNEL +
            (subscriberCount > 1 ? ", each read by all " + subscriberCount + " subscribers" : ""));
        out.flush();
        publisher.send("go");
        while (!report.publisherDone() || (tamper && !report.isHostileDone()))
        {
            handle(next());
        }
        for (final ChildProcess subscriber : subscribers)
        {
            subscriber.send("stop");
        }
        while (!report.subscriberDone())
        {
            handle(next());
        }
        publisher.send("stop");
        if (null != hostile)
        {
            hostile.send("stop");
        }
        final List<String> failures = new ArrayList<>();
        final List<ChildProcess> children = new ArrayList<>(subscribers);
        children.add(publisher);
        if (null != hostile)
        {
            children.add(hostile);
        }
        for (final ChildProcess child : children)
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

    /**
     * Start subscribers, as many as may connect at once: at most {@link #STARTING_AT_ONCE} started and not ready
     * yet, since the broker refuses a user more handshakes in progress than that ({@code RATE_LIMITED}).
     *
     * @param awaited the subscriber the caller waits for, started by now.
     * @return that subscriber.
     */
    private ChildProcess startSubscribers(final int awaited) throws IOException
    {
        final int both = Right.PUBLISH.bit() | Right.SUBSCRIBE.bit();
        while (subscribers.size() < subscriberCount &&
            (subscribers.size() <= awaited || subscribers.size() - ready.size() < STARTING_AT_ONCE))
        {
            final int i = subscribers.size();
            final List<String> args = args("demo-subscriber", "--messages", Long.toString(messages));
            if (i > 0)
            {
                args.add("--no-echo");
            }
            if (subscriberCount > 1)
            {
                args.add("--yield");
            }
            subscribers.add(run.start(1 == subscriberCount ? "subscriber" : "subscriber-" + (i + 1), args,
                run.tokens(DemoCommand.PATTERN, both, 0 == i ? 2 : 1)));
        }
        return subscribers.get(awaited);
    }

    /**
     * How a subscriber's lines begin, in the column of the other processes' names.
     */
    private String label(final int subscriber)
    {
        return 1 == subscriberCount ? "subscriber  " : DemoReport.subscriberName(subscriber, subscriberCount) + " ";
    }

    private List<String> args(final String command, final String... more)
    {
        final List<String> args = new ArrayList<>(List.of(command, "--dir", brokerDirectory.toString(),
            "--size", Integer.toString(size)));
        args.addAll(List.of(more));
        return args;
    }

    private String awaitLine(final ChildProcess child, final String prefix) throws InterruptedException
    {
        while (true)
        {
            final DemoRun.Line line = next();
            if (line.child() == child && line.text().startsWith(prefix))
            {
                return line.text();
            }
            handle(line);
        }
    }

    private DemoRun.Line next() throws InterruptedException
    {
        final DemoRun.Line line = run.lines().poll(SILENCE_MS, TimeUnit.MILLISECONDS);
        if (null == line)
        {
            throw new CommandFailure("no word from the demo's processes for " + SILENCE_MS / 1000 + " s");
        }
        if (null == line.text())
        {
            final ChildProcess child = line.child();
            final int code = child.awaitExit(EXIT_WAIT_MS);
            throw new CommandFailure("the " + child.name() + " process ended early" +
                (code >= 0 ? " with exit code " + code : "") + ": " + child.stderr());
        }
        return line;
    }

    private void handle(final DemoRun.Line line)
    {
        final String text = line.text();
        final String[] words = text.split(" ");
        final int subscriber = subscribers.indexOf(line.child());
        if (subscriber >= 0)
        {
            onSubscriber(subscriber, text, words);
        }
        else if (line.child() == publisher)
        {
            onPublisher(text, words);
        }
        else
        {
            onHostile(text, words);
        }
        out.flush();
    }

    private void onSubscriber(final int subscriber, final String text, final String[] words)
    {
        switch (words[0])
        {
            case "ready":
                ready.add(subscribers.get(subscriber));
                break;
            case "joined":
                joined.add(subscribers.get(subscriber));
                break;
            case "progress":
                report.progress(subscriber, Long.parseLong(words[1]));
                final long verified = report.verifiedByAll();
                progress.show("  verified " + DemoReport.count(verified) + " of " + DemoReport.frames(messages) +
                    (subscriberCount > 1 ? " by each" : "") + " (" + verified * 100 / messages + "%)");
                break;
            case "throughput":
                report.throughputNanos(subscriber, DemoReport.number(DemoReport.fields(text), "nanos"));
                if (report.hasThroughput())
                {
                    progress.finish("  verified " + DemoReport.count(messages) + " of " +
                        DemoReport.frames(messages) + (subscriberCount > 1 ? " by each" : "") + " (100%)");
                    startPings();
                }
                break;
            case "rejected":
                if (report.onRejected(subscriber, words[1], Integer.parseInt(words[3])))
                {
                    progress.event(label(subscriber) + "rejected a frame: " + words[1] + " (source " + words[3] +
                        "; first of its kind)");
                }
                break;
            case "quarantined":
                final long refused = report.onQuarantined(subscriber, Integer.parseInt(words[2]));
                progress.event(label(subscriber) + "quarantined source " + words[2] + " after " +
                    DemoReport.count(refused) + " rejections within 10 s: its ring is no longer read" +
                    (subscriberCount > 1 ? " by it" : ""));
                break;
            case "RESULT":
                report.subscriberResult(subscriber, text);
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
     * Start the ping phase once the publisher has sent every frame, every subscriber has verified them and (with
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
}
