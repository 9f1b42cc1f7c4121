package io.bastion.tools.demo;

import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.client.ClientContext;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.security.rate.QuarantinePolicy;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.Ticker;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bastion demo-subscriber}, hidden: the demo's subscriber process. It subscribes to {@value #DATA_CHANNEL},
 * checks every byte of every data frame against the payload its sequence implies, echoes each ping on
 * {@value #ECHO_CHANNEL} as a publisher there (unless {@code --no-echo}: on a fan-out channel only the first
 * subscriber echoes, the others ignore the pings), and reports to the parent on stdout: {@code ready},
 * {@code joined} (the broker gave it its first publisher's ring), {@code progress N},
 * {@code throughput frames=N nanos=T} (first to last data frame), {@code rejected REASON source S},
 * {@code quarantined source S}, and on the parent's {@code stop} a final
 * {@code RESULT verified=N mismatches=M foreign=F echoes=E rejected=R quarantines=Q}. One thread runs the duty cycle,
 * busy-spinning: the demo measures what the library can do, on a core of its own; with {@code --yield} (several
 * subscribers sharing the cores) it yields the processor whenever a cycle found nothing to do.
 */
@Command(
    name = "demo-subscriber",
    hidden = true,
    mixinStandardHelpOptions = true,
    header = "The demo's subscriber process (started by 'bastion demo').",
    description = "Subscribes to " + DemoSubscriberCommand.DATA_CHANNEL + ", verifies every payload byte, echoes " +
        "pings on " + DemoSubscriberCommand.ECHO_CHANNEL + " and reports to its parent on stdout.")
public final class DemoSubscriberCommand extends DemoChildCommand
{
    /** The channel the demo's data and pings travel on. */
    static final String DATA_CHANNEL = "demo.data";

    /** The channel the pings' echoes travel on. */
    static final String ECHO_CHANNEL = "demo.echo";

    /** Refusals within {@link #QUARANTINE_WINDOW_NS} that quarantine a source: room for each kind to be seen. */
    static final int QUARANTINE_THRESHOLD = 64;

    private static final long QUARANTINE_WINDOW_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_SOURCES = 64;
    private static final int FRAGMENT_LIMIT = 256;
    private static final long DUTY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long PROGRESS_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    @Option(names = "--messages", required = true, paramLabel = "N", description = "Data frames to expect.")
    private long messages;

    @Option(names = "--size", required = true, paramLabel = "BYTES", description = "Payload bytes of each frame.")
    private int size;

    @Option(names = "--no-echo", description = "Do not echo the pings (no publisher on " +
        DemoSubscriberCommand.ECHO_CHANNEL + "): only verify.")
    private boolean noEcho;

    @Option(names = "--yield", description = "Yield the processor when idle instead of spinning.")
    private boolean yielding;

    private DemoSubscriberCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    @Override
    int tokenCount()
    {
        return noEcho ? 1 : 2;
    }

    @Override
    int serve(final ParentLink parent, final PrintWriter out, final List<byte[]> tokens) throws IOException
    {
        final ClientContext dataContext = new ClientContext().directory(directory).token(tokens.get(0))
            .quarantinePolicy(new QuarantinePolicy(MAX_SOURCES, QUARANTINE_THRESHOLD, QUARANTINE_WINDOW_NS,
                Long.MAX_VALUE));
        final Verifier verifier = new Verifier(messages, size, !noEcho);
        try (SubscriberClient data = SubscriberClient.connect(dataContext, DATA_CHANNEL, new Reporter(out));
            PublisherClient echo = noEcho ? null : PublisherClient.connect(
                new ClientContext().directory(directory).token(tokens.get(1)), ECHO_CHANNEL))
        {
            out.println("ready");
            out.flush();
            if (!run(parent, out, verifier, data, echo))
            {
                return ExitCodes.REFUSED;
            }
            out.println("RESULT verified=" + verifier.verified + " mismatches=" + verifier.mismatches +
                " foreign=" + verifier.foreign + " echoes=" + verifier.echoes + " rejected=" +
                totalRejected(data) + " quarantines=" + data.counters().quarantines());
            out.flush();
        }
        catch (final HandshakeException ex)
        {
            throw new CommandFailure("the broker refused the demo's subscriber: " + ex.reason());
        }
        return ExitCodes.OK;
    }

    private boolean run(
        final ParentLink parent,
        final PrintWriter out,
        final Verifier verifier,
        final SubscriberClient data,
        final PublisherClient echo)
    {
        final IdleStrategy idle = yielding ? new YieldingIdleStrategy() : new BusySpinIdleStrategy();
        final Ticker duty = new Ticker(DUTY_INTERVAL_NS);
        final Ticker progress = new Ticker(PROGRESS_INTERVAL_NS);
        long reported = 0;
        boolean joined = false;
        boolean throughputReported = false;
        while (true)
        {
            int work = data.poll(verifier, FRAGMENT_LIMIT);
            if (null != echo && verifier.echoPending)
            {
                final long result = echo.offer(verifier.echoBuffer, 0, verifier.echoLength, DemoPayload.ECHO);
                if (result > 0)
                {
                    verifier.echoPending = false;
                    verifier.echoes++;
                    work++;
                }
                else if (!ChannelStatus.isRetryable(result) && ChannelStatus.NOT_CONNECTED != result)
                {
                    throw new CommandFailure("echo refused: " + ChannelStatus.describe(result));
                }
            }
            if (duty.due())
            {
                work += data.doWork() + (null == echo ? 0 : echo.doWork());
                if (data.isClosed() && RejectReason.CONSUMER_STALLED == data.closedFor())
                {
                    throw new CommandFailure("the publisher evicted this subscriber from " + DATA_CHANNEL + ": " +
                        data.closedFor() + " (it held the publisher back without a heartbeat for longer than the " +
                        "channel's stall timeout: it did not run for that long; is the machine overloaded?)");
                }
                if (data.isClosed() || (null != echo && echo.isClosed()))
                {
                    throw new CommandFailure("the broker ended a session: " +
                        (data.isClosed() ? data.closedFor() : echo.closedFor()));
                }
                if (!joined && data.sourceCount() > 0)
                {
                    // The broker gave this subscriber the publisher's ring: it reads from here on.
                    joined = true;
                    out.println("joined");
                    out.flush();
                }
                if (parent.isGone())
                {
                    return false;
                }
                if (parent.received("stop"))
                {
                    return true;
                }
            }
            if (!throughputReported && verifier.expected > messages)
            {
                throughputReported = true;
                reported = verifier.verified;
                out.println("progress " + reported);
                out.println("throughput frames=" + messages + " nanos=" + (verifier.lastNs - verifier.firstNs));
                out.flush();
            }
            else if (progress.due() && verifier.verified != reported)
            {
                reported = verifier.verified;
                out.println("progress " + reported);
                out.flush();
            }
            idle.idle(work);
        }
    }

    private static long totalRejected(final SubscriberClient data)
    {
        long total = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            total += data.counters().rejected(reason);
        }
        return total;
    }

    /**
     * Checks each data frame against the payload its place in the stream implies, and takes each ping for echoing.
     */
    private static final class Verifier implements FrameHandler
    {
        private final long messages;
        private final int size;
        private final boolean echoing;
        private final UnsafeBuffer echoBuffer = new UnsafeBuffer(new byte[DemoPayload.MAX_LENGTH]);
        private int producerId = -1;
        private long expected = 1;
        private long verified;
        private long mismatches;
        private long foreign;
        private long echoes;
        private long firstNs;
        private long lastNs;
        private int echoLength;
        private boolean echoPending;

        Verifier(final long messages, final int size, final boolean echoing)
        {
            this.messages = messages;
            this.size = size;
            this.echoing = echoing;
        }

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
        {
            final int type = frame.messageTypeId();
            if (-1 == producerId)
            {
                producerId = frame.producerId();
            }
            if (frame.producerId() != producerId)
            {
                // Verified, so a publisher the broker admitted, but not the demo's: not part of the stream.
                foreign++;
            }
            else if (DemoPayload.DATA == type)
            {
                onData(buffer, offset, length);
            }
            else if (DemoPayload.PING == type && !echoing)
            {
                // Another subscriber echoes: the pings are not this one's to answer.
                return;
            }
            else if (DemoPayload.PING == type && !echoPending && length <= echoBuffer.capacity())
            {
                buffer.getBytes(offset, echoBuffer, 0, length);
                echoLength = length;
                echoPending = true;
            }
            else
            {
                mismatches++;
            }
        }

        private void onData(final DirectBuffer buffer, final int offset, final int length)
        {
            final long sequence = expected++;
            if (length == size && DemoPayload.matches(buffer, offset, length, sequence, 0))
            {
                verified++;
            }
            else
            {
                mismatches++;
            }
            if (1 == sequence)
            {
                firstNs = System.nanoTime();
            }
            if (messages == sequence)
            {
                lastNs = System.nanoTime();
            }
        }
    }

    /**
     * Tells the parent about each refused frame and each quarantine, as they happen.
     */
    private static final class Reporter implements RejectionHandler
    {
        private final PrintWriter out;

        Reporter(final PrintWriter out)
        {
            this.out = out;
        }

        @Override
        public void onRejected(final int sourceId, final RejectReason reason)
        {
            out.println("rejected " + reason + " source " + sourceId);
        }

        @Override
        public void onQuarantined(final int sourceId)
        {
            out.println("quarantined source " + sourceId);
        }
    }
}
