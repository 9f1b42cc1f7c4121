package io.bastion.tools.demo;

import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameClaim;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.client.ClientContext;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.Ticker;
import org.HdrHistogram.Histogram;
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
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bastion demo-publisher}, hidden: the demo's publisher process. It publishes on
 * {@value DemoSubscriberCommand#DATA_CHANNEL} and subscribes to {@value DemoSubscriberCommand#ECHO_CHANNEL}; once
 * both are connected it prints {@code ready producer=P} and waits for the parent's {@code go}. Then it sends the data
 * frames (written in place, their payload derived from the sequence), prints {@code sent N}, waits for {@code ping},
 * sends pings one at a time and records each round trip in an HdrHistogram ({@code pings N} while it runs), prints
 * {@code RESULT sent=N pings=P returned=R p50=.. p90=.. p99=.. p999=.. max=..} (nanoseconds), and waits for
 * {@code stop}. One thread runs the duty cycle, busy-spinning, or with {@code --yield} (several subscribers sharing
 * the cores) yielding the processor whenever a cycle found nothing to do.
 */
@Command(
    name = "demo-publisher",
    hidden = true,
    mixinStandardHelpOptions = true,
    header = "The demo's publisher process (started by 'bastion demo').",
    description = "Publishes the demo's data and pings on " + DemoSubscriberCommand.DATA_CHANNEL + ", reads the " +
        "echoes on " + DemoSubscriberCommand.ECHO_CHANNEL + " and reports to its parent on stdout.")
public final class DemoPublisherCommand extends DemoChildCommand
{
    /**
     * Pings before the recorded ones, not recorded: they find the subscriber caught up and the code compiled. With
     * 1,000, both children were still compiling and deoptimizing the ping path (the JIT log showed
     * {@code DemoPublisherCommand::ping}, {@code Subscriber::onRecord} and {@code HmacSha256} compiled inside the
     * recorded phase), and on a 2-CPU machine a compiler thread takes a CPU from one of the two spinning loops.
     */
    static final int MAX_WARMUP_PINGS = 20_000;

    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long STALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** Polls for an echo between two looks at the clock. */
    private static final int CLOCK_CHECK_MASK = 1023;
    private static final long DUTY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long PROGRESS_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long WAIT_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final FrameHandler DISCARD = (buffer, offset, length, frame) ->
    {
    };

    @Option(names = "--messages", required = true, paramLabel = "N", description = "Data frames to send.")
    private long messages;

    @Option(names = "--size", required = true, paramLabel = "BYTES", description = "Payload bytes of each frame.")
    private int size;

    @Option(names = "--pings", required = true, paramLabel = "N", description = "Round trips to record.")
    private int pings;

    @Option(names = "--yield", description = "Yield the processor when idle instead of spinning.")
    private boolean yielding;

    private IdleStrategy idle;
    private final Ticker duty = new Ticker(DUTY_INTERVAL_NS);
    private ParentLink parent;
    private PrintWriter out;
    private PublisherClient data;
    private SubscriberClient echo;

    private DemoPublisherCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    @Override
    int tokenCount()
    {
        return 2;
    }

    @Override
    int serve(final ParentLink parent, final PrintWriter out, final List<byte[]> tokens) throws IOException
    {
        this.parent = parent;
        this.out = out;
        this.idle = yielding ? new YieldingIdleStrategy() : new BusySpinIdleStrategy();
        try (PublisherClient data = PublisherClient.connect(
            new ClientContext().directory(directory).token(tokens.get(0)), DemoSubscriberCommand.DATA_CHANNEL);
            SubscriberClient echo = SubscriberClient.connect(new ClientContext().directory(directory)
                .token(tokens.get(1)),
                DemoSubscriberCommand.ECHO_CHANNEL, RejectionHandler.NONE))
        {
            this.data = data;
            this.echo = echo;
            if (!awaitConnected() || !awaitCommand("go"))
            {
                return ExitCodes.REFUSED;
            }
            sendData();
            out.println("sent " + messages);
            out.flush();
            if (!awaitCommand("ping"))
            {
                return ExitCodes.REFUSED;
            }
            final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
            final long returned = ping(histogram);
            out.println("RESULT sent=" + messages + " pings=" + pings + " returned=" + returned +
                " p50=" + histogram.getValueAtPercentile(50) + " p90=" + histogram.getValueAtPercentile(90) +
                " p99=" + histogram.getValueAtPercentile(99) + " p999=" + histogram.getValueAtPercentile(99.9) +
                " max=" + histogram.getMaxValue() + " rejected=" + totalRejected(echo));
            out.flush();
            return awaitCommand("stop") ? ExitCodes.OK : ExitCodes.REFUSED;
        }
        catch (final HandshakeException ex)
        {
            throw new CommandFailure("the broker refused the demo's publisher: " + ex.reason());
        }
    }

    private boolean awaitConnected()
    {
        final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
        while (!data.isConnected() || 0 == echo.sourceCount())
        {
            doWork();
            if (parent.isGone())
            {
                return false;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new CommandFailure("no subscriber on " + DemoSubscriberCommand.DATA_CHANNEL +
                    " or no echo publisher on " + DemoSubscriberCommand.ECHO_CHANNEL + " within 30 s");
            }
            LockSupport.parkNanos(WAIT_PARK_NS);
        }
        out.println("ready producer=" + data.producerId());
        out.flush();
        return true;
    }

    private boolean awaitCommand(final String command)
    {
        while (!parent.received(command))
        {
            doWork();
            echo.poll(DISCARD, 16);
            if (parent.isGone())
            {
                return false;
            }
            LockSupport.parkNanos(WAIT_PARK_NS);
        }
        return true;
    }

    private void doWork()
    {
        data.doWork();
        echo.doWork();
        if (data.isClosed() || echo.isClosed())
        {
            throw new CommandFailure("the broker ended a session: " +
                (data.isClosed() ? data.closedFor() : echo.closedFor()));
        }
    }

    private void sendData()
    {
        final FrameClaim claim = new FrameClaim();
        long stalledSinceNs = 0;
        long sequence = 1;
        while (sequence <= messages)
        {
            final long result = data.tryClaim(size, DemoPayload.DATA, claim);
            int work = 0;
            if (result > 0)
            {
                DemoPayload.fill(claim.buffer(), claim.offset(), size, sequence);
                final long committed = claim.commit();
                if (committed < 0)
                {
                    throw new CommandFailure("commit failed: " + ChannelStatus.describe(committed));
                }
                sequence++;
                stalledSinceNs = 0;
                work = 1;
            }
            else
            {
                stalledSinceNs = stalled(result, stalledSinceNs);
            }
            if (duty.due())
            {
                doWork();
                if (parent.isGone())
                {
                    throw new CommandFailure("the parent is gone");
                }
            }
            idle.idle(work);
        }
    }

    private long stalled(final long result, final long stalledSinceNs)
    {
        if (!ChannelStatus.isRetryable(result) && ChannelStatus.NOT_CONNECTED != result)
        {
            throw new CommandFailure("offer failed: " + ChannelStatus.describe(result));
        }
        final long nowNs = System.nanoTime();
        if (0 == stalledSinceNs)
        {
            return nowNs;
        }
        if (nowNs - stalledSinceNs > STALL_TIMEOUT_NS)
        {
            throw new CommandFailure("the subscriber stopped reading: " + ChannelStatus.describe(result) +
                " for 10 s");
        }
        return stalledSinceNs;
    }

    private long ping(final Histogram histogram)
    {
        final int warmup = Math.min(MAX_WARMUP_PINGS, pings);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[size]);
        final EchoReceiver receiver = new EchoReceiver(histogram, warmup, size);
        final Ticker progress = new Ticker(PROGRESS_INTERVAL_NS);
        final int total = warmup + pings;
        for (int i = 0; i < total; i++)
        {
            // Flat out, a ping's intended send time is when it is first offered: back pressure counts against it,
            // as in the latency suite (bench-latency's PingLoop).
            final long intendedNs = System.nanoTime();
            DemoPayload.fillPing(buffer, size, i, intendedNs);
            long stalledSinceNs = 0;
            while (true)
            {
                final long result = data.offer(buffer, 0, size, DemoPayload.PING);
                if (result > 0)
                {
                    break;
                }
                stalledSinceNs = stalled(result, stalledSinceNs);
                duty();
                idle.idle(0);
            }
            final long deadlineNs = intendedNs + STALL_TIMEOUT_NS;
            long spins = 0;
            while (receiver.returned <= i)
            {
                final int work = echo.poll(receiver, 1);
                // Housekeeping waits for the echo unless the echo is already late: a round trip in flight never
                // pays for a control-socket read it did not need.
                if ((++spins & CLOCK_CHECK_MASK) == 0)
                {
                    final long nowNs = System.nanoTime();
                    if (nowNs - intendedNs > DUTY_INTERVAL_NS && duty.due())
                    {
                        duty();
                    }
                    if (nowNs - deadlineNs > 0)
                    {
                        throw new CommandFailure("ping " + i + " did not come back within 10 s");
                    }
                }
                idle.idle(work);
            }
            if (duty.due())
            {
                duty();
            }
            if (receiver.mismatches > 0)
            {
                throw new CommandFailure("ping " + i + " came back altered");
            }
            if (i + 1 == warmup || (progress.due() && i >= warmup))
            {
                // The first report comes before the recorded phase, so its string concatenation (bootstrapped on
                // first use, which generates classes) never runs inside it.
                out.println("pings " + (i + 1 - warmup));
                out.flush();
            }
        }
        return receiver.returned - warmup;
    }

    private void duty()
    {
        doWork();
        if (parent.isGone())
        {
            throw new CommandFailure("the parent is gone");
        }
    }

    private static long totalRejected(final SubscriberClient client)
    {
        long total = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            total += client.counters().rejected(reason);
        }
        return total;
    }

    /**
     * Takes each echo: checks it is the ping just sent, unaltered, and records the round trip once warmed up.
     */
    private static final class EchoReceiver implements FrameHandler
    {
        private final Histogram histogram;
        private final int warmup;
        private final int size;
        private long returned;
        private long mismatches;

        EchoReceiver(final Histogram histogram, final int warmup, final int size)
        {
            this.histogram = histogram;
            this.warmup = warmup;
            this.size = size;
        }

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
        {
            final long nowNs = System.nanoTime();
            final long index = DemoPayload.pingIndex(buffer, offset);
            if (DemoPayload.ECHO != frame.messageTypeId() || length != size || index != returned ||
                !DemoPayload.matches(buffer, offset, length, index, 2))
            {
                mismatches++;
            }
            else if (index >= warmup)
            {
                histogram.recordValue(Math.min(HIGHEST_TRACKABLE_NS, nowNs - DemoPayload.pingTime(buffer, offset)));
            }
            returned++;
        }
    }
}
