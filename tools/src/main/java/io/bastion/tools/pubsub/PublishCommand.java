package io.bastion.tools.pubsub;

import io.bastion.channel.ChannelStatus;
import io.bastion.client.ClientContext;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.PublisherClient;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.DurationConverter;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.Texts;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bastion publish}: each line of stdin becomes one sealed frame on a channel, through a running broker.
 */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    header = "Publish each line of stdin as one frame on a channel.",
    description = {
        "Connects to the broker on the folder with a capability token that grants publish on the channel, waits for " +
            "a subscriber, then sends each line of stdin (UTF-8, without its line end) as one frame of message " +
            "type " + PublishCommand.MESSAGE_TYPE + ". At the end of stdin it says goodbye: the subscriber still " +
            "reads every frame sent. With --token - the first line of stdin is the token, the lines after it the " +
            "frames.",
        "",
        "Exits 1 with the typed reason if the broker refuses (UNAUTHORIZED, INVALID_TOKEN, EXPIRED_TOKEN, ...), or " +
            "if no subscriber reads the channel within --wait."
    })
public final class PublishCommand implements Callable<Integer>
{
    /** The message type of every frame this command sends. */
    static final int MESSAGE_TYPE = 1;

    private static final int QUEUED_LINES = 1024;
    private static final Object END = new Object();
    private static final long PARK_NS = TimeUnit.MICROSECONDS.toNanos(50);

    @Spec
    private CommandSpec spec;

    @Mixin
    private ClientOptions client;

    @Option(names = "--wait", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "10s",
        description = "How long to wait for a subscriber, at the start or if it goes away (default: " +
            "${DEFAULT-VALUE}).")
    private Duration wait;

    private PublishCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException, InterruptedException
    {
        final ClientContext context = client.context(spec);
        final PublisherClient publisher;
        try
        {
            publisher = PublisherClient.connect(context, client.channel());
        }
        catch (final HandshakeException ex)
        {
            throw client.refused("publish on", context, ex);
        }
        finally
        {
            context.clearToken();
        }
        final long sent;
        try (publisher)
        {
            awaitSubscriber(publisher);
            sent = publishLines(publisher, readStdin());
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("published " + sent + " frame" + (1 == sent ? "" : "s") + " on " + client.channel() +
            " as producer " + publisher.producerId());
        out.flush();
        return ExitCodes.OK;
    }

    private void awaitSubscriber(final PublisherClient publisher)
    {
        final long deadlineNs = System.nanoTime() + wait.toNanos();
        while (true)
        {
            publisher.doWork();
            if (publisher.isClosed())
            {
                throw new CommandFailure("the broker ended the session: " + publisher.closedFor());
            }
            if (publisher.isConnected())
            {
                return;
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new CommandFailure("no subscriber read " + client.channel() + " within " +
                    Texts.span(wait.toMillis()));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private long publishLines(final PublisherClient publisher, final BlockingQueue<Object> lines)
            throws InterruptedException
    {
        final int max = publisher.publisher().maxPayloadLength();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[max]);
        long sent = 0;
        while (true)
        {
            final Object next = lines.poll(1, TimeUnit.MILLISECONDS);
            publisher.doWork();
            if (next instanceof IOException)
            {
                throw new CommandFailure("cannot read stdin: " + ((IOException)next).getMessage());
            }
            if (END == next)
            {
                return sent;
            }
            if (null == next)
            {
                continue;
            }
            final byte[] bytes = ((String)next).getBytes(StandardCharsets.UTF_8);
            if (bytes.length > max)
            {
                throw new CommandFailure("line " + (sent + 1) + " has " + bytes.length +
                    " bytes: more than one frame carries on this ring (" + max + ")");
            }
            buffer.putBytes(0, bytes);
            offer(publisher, buffer, bytes.length);
            sent++;
        }
    }

    private void offer(final PublisherClient publisher, final UnsafeBuffer buffer, final int length)
    {
        while (true)
        {
            final long result = publisher.offer(buffer, 0, length, MESSAGE_TYPE);
            if (result > 0)
            {
                return;
            }
            if (ChannelStatus.NOT_CONNECTED == result)
            {
                awaitSubscriber(publisher);
            }
            else if (ChannelStatus.isRetryable(result))
            {
                LockSupport.parkNanos(PARK_NS);
                publisher.doWork();
            }
            else
            {
                throw new CommandFailure("the frame was not published: " + ChannelStatus.describe(result) +
                    (publisher.isClosed() ? " (" + publisher.closedFor() + ")" : ""));
            }
        }
    }

    /**
     * Read stdin on a daemon thread, so that the duty cycle goes on while it blocks. The queue holds the lines, then
     * {@link #END}, or the {@link IOException} that ended them.
     */
    private static BlockingQueue<Object> readStdin()
    {
        final BlockingQueue<Object> lines = new ArrayBlockingQueue<>(QUEUED_LINES);
        final Thread reader = new Thread(() ->
        {
            Object end = END;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    lines.put(line);
                }
            }
            catch (final IOException ex)
            {
                end = ex;
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            try
            {
                lines.put(end);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "bastion-publish-stdin");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
