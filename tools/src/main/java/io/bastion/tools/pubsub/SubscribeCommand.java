package io.bastion.tools.pubsub;

import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.client.ClientContext;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.Ticker;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code bastion subscribe}: prints each verified frame of a channel as one line, through a running broker.
 */
@Command(
    name = "subscribe",
    mixinStandardHelpOptions = true,
    header = "Print each verified frame of a channel as one line.",
    description = {
        "Connects to the broker on the folder with a capability token that grants subscribe on the channel, and " +
            "prints the payload of each frame that passed every check (structure, producer, key, tag, sequence) as " +
            "one line of UTF-8 on stdout, control characters other than tab shown as '?'. Each refused frame is " +
            "reported on stderr as 'rejected <reason> (source <id>)', and the application never sees it.",
        "",
        "Runs until --count frames were printed, the broker says goodbye, or Ctrl-C (SIGINT) or SIGTERM, each of " +
            "which exits 0. Exits 1 with the typed reason if the broker refuses (UNAUTHORIZED, CHANNEL_IN_USE, ...)."
    })
public final class SubscribeCommand implements Callable<Integer>
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final long DUTY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    @Spec
    private CommandSpec spec;

    @Mixin
    private ClientOptions client;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Exit after N frames.")
    private Long count;

    private SubscribeCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException
    {
        if (null != count && count < 1)
        {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1: " + count);
        }
        final ClientContext context = client.context(spec);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final SignalStop stop = SignalStop.install();
        try
        {
            final SubscriberClient subscriber;
            try
            {
                subscriber = SubscriberClient.connect(context, client.channel(), new Reporter(err));
            }
            catch (final HandshakeException ex)
            {
                throw client.refused("subscribe to", context, ex);
            }
            finally
            {
                context.clearToken();
            }
            try (subscriber)
            {
                return run(subscriber, new Printer(out), stop);
            }
        }
        finally
        {
            out.flush();
            err.flush();
            stop.finished();
        }
    }

    private int run(final SubscriberClient subscriber, final Printer printer, final SignalStop stop)
    {
        final long limit = null == count ? Long.MAX_VALUE : count;
        // An interactive tool: spin briefly for a burst, then park rather than hold a core.
        final IdleStrategy idle = new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
            TimeUnit.MILLISECONDS.toNanos(1));
        final Ticker duty = new Ticker(DUTY_INTERVAL_NS);
        while (printer.printed < limit)
        {
            final int work = subscriber.poll(printer, (int)Math.min(FRAGMENT_LIMIT, limit - printer.printed));
            if (duty.due())
            {
                subscriber.doWork();
                if (stop.requested())
                {
                    break;
                }
                if (subscriber.isClosed())
                {
                    return ended(subscriber, printer, limit);
                }
            }
            idle.idle(work);
        }
        return ExitCodes.OK;
    }

    private int ended(final SubscriberClient subscriber, final Printer printer, final long limit)
    {
        // What the publishers committed before the goodbye is still there to read.
        while (printer.printed < limit &&
            subscriber.poll(printer, (int)Math.min(FRAGMENT_LIMIT, limit - printer.printed)) > 0)
        {
            subscriber.doWork();
        }
        final RejectReason reason = subscriber.closedFor();
        if (null != reason && RejectReason.CHANNEL_CLOSED != reason)
        {
            throw new CommandFailure("the broker ended the subscription: " + reason);
        }
        return ExitCodes.OK;
    }

    /**
     * Prints each verified payload as one line.
     */
    private static final class Printer implements FrameHandler
    {
        private final PrintWriter out;
        private long printed;

        Printer(final PrintWriter out)
        {
            this.out = out;
        }

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
        {
            out.println(printable(buffer.getStringWithoutLengthUtf8(offset, length)));
            printed++;
        }

        private static String printable(final String text)
        {
            final StringBuilder line = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++)
            {
                final char c = text.charAt(i);
                line.append('\t' != c && Character.isISOControl(c) ? '?' : c);
            }
            return line.toString();
        }
    }

    /**
     * Reports each refused frame and each quarantine on stderr.
     */
    private static final class Reporter implements RejectionHandler
    {
        private final PrintWriter err;

        Reporter(final PrintWriter err)
        {
            this.err = err;
        }

        @Override
        public void onRejected(final int sourceId, final RejectReason reason)
        {
            err.println("rejected " + reason + " (source " + sourceId + ")");
        }

        @Override
        public void onQuarantined(final int sourceId)
        {
            err.println("quarantined source " + sourceId + ": its ring is no longer read");
        }
    }
}
