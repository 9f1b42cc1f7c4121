package io.bastion.tools.demo;

import io.bastion.bench.latency.ChildProcess;
import io.bastion.security.token.Right;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.Terminal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code bastion demo} exchange between its children: it starts the subscriber, the publisher and (with
 * {@code --tamper}) the hostile on a {@link DemoRun}, sends them through the phases (the frames, then the pings once
 * the machine is quiet, then {@code stop}), turns every line they print into the progress line, the events and the
 * {@link DemoReport}, and prints the summary.
 */
final class DemoExchange
{
    private static final long SILENCE_MS = TimeUnit.SECONDS.toMillis(60);
    private static final long EXIT_WAIT_MS = TimeUnit.SECONDS.toMillis(15);

    private final DemoRun run;
    private final PrintWriter out;
    private final Path brokerDirectory;
    private final long messages;
    private final int size;
    private final int pings;
    private final boolean tamper;
    private final DemoReport report;
    private final DemoProgress progress;
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
     */
    DemoExchange(
        final DemoRun run,
        final PrintWriter out,
        final Path brokerDirectory,
        final long messages,
        final int size,
        final int pings,
        final boolean tamper)
    {
        this.run = run;
        this.out = out;
        this.brokerDirectory = brokerDirectory;
        this.messages = messages;
        this.size = size;
        this.pings = pings;
        this.tamper = tamper;
        this.report = new DemoReport(messages, size, pings, tamper);
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
        final ChildProcess subscriber = run.start("subscriber", args("demo-subscriber",
            "--messages", Long.toString(messages)), run.tokens(DemoCommand.PATTERN, both, 2));
        awaitLine(subscriber, "ready");
        out.println("subscriber  process " + subscriber.pid() + " on " + DemoSubscriberCommand.DATA_CHANNEL +
            " (echoes pings on " + DemoSubscriberCommand.ECHO_CHANNEL + ")");
        publisher = run.start("publisher", args("demo-publisher", "--messages", Long.toString(messages),
            "--pings", Integer.toString(pings)), run.tokens(DemoCommand.PATTERN, both, 2));
        final String ready = awaitLine(publisher, "ready");
        out.println("publisher   process " + publisher.pid() + " on " + DemoSubscriberCommand.DATA_CHANNEL +
            " as producer " + DemoReport.fields(ready).get("producer") + " (reads echoes on " +
            DemoSubscriberCommand.ECHO_CHANNEL + ")");
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
            " bytes on " + DemoSubscriberCommand.DATA_CHANNEL);
        out.flush();
        publisher.send("go");
        while (!report.publisherDone() || (tamper && !report.isHostileDone()))
        {
            handle(next());
        }
        subscriber.send("stop");
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
        for (final ChildProcess child : null == hostile ? List.of(subscriber, publisher) :
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
}
