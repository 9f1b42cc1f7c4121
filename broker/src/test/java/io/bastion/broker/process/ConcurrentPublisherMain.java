package io.bastion.broker.process;

import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameClaim;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.process.PublisherMain;
import io.bastion.channel.process.Wire;
import io.bastion.client.ClientContext;
import io.bastion.client.ConcurrentPublisherClient;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A child process whose threads share one {@link ConcurrentPublisherClient}, as an application's would: each thread
 * publishes the {@link Wire} frames of sequences 1 to {@code count} from its own lane, and calls {@code doWork()} in
 * its loop (one at a time runs it). The thread named by {@code dying} publishes {@code die-after} frames, then claims
 * one more, writes half of it and dies with an exception, never committing: its record stays claimed in the ring
 * until the subscriber unblocks it.
 * <p>
 * Arguments ({@code key=value}): {@code dir}, {@code token} (a file), {@code channel}, {@code lanes},
 * {@code threads}, {@code count}, {@code dying} (a thread index, or -1), {@code die-after}, {@code deadline-ms}.
 * Prints {@code REFUSED <reason>} and exits 1 if the broker refuses; otherwise {@code ready}, {@code died lane=L} when
 * the dying thread is gone, then {@code SUMMARY lanes=L0,L1,... sent=N0,N1,...} (per thread, its lane's producer id
 * and the frames it published), and keeps the session until stdin closes. Exits 0 only if every living thread
 * published all its frames.
 */
public final class ConcurrentPublisherMain
{
    private ConcurrentPublisherMain()
    {
    }

    /**
     * Run the publisher.
     *
     * @param args {@code key=value} arguments, see the class description.
     * @throws Exception if the token or the folder cannot be read.
     */
    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> opts = Wire.parse(args);
        final ClientContext context = new ClientContext()
            .directory(Path.of(opts.get("dir")))
            .token(Files.readAllBytes(Path.of(opts.get("token"))));
        final long deadlineNs = PublisherMain.deadlineNs(opts);
        final int threads = Integer.parseInt(opts.get("threads"));
        final long count = Long.parseLong(opts.get("count"));
        final int dying = Integer.parseInt(opts.getOrDefault("dying", "-1"));
        final long dieAfter = Long.parseLong(opts.getOrDefault("die-after", "0"));
        final ConcurrentPublisherClient client;
        try
        {
            client = ConcurrentPublisherClient.connect(context, opts.get("channel"),
                Integer.parseInt(opts.get("lanes")));
        }
        catch (final HandshakeException ex)
        {
            System.out.println("REFUSED " + ex.reason());
            System.out.flush();
            System.exit(1);
            return;
        }
        System.out.println("ready");
        System.out.flush();
        final int[] lanes = new int[threads];
        final long[] sent = new long[threads];
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            final int index = t;
            workers[t] = new Thread(() ->
            {
                final long last = index == dying ? dieAfter : count;
                sent[index] = publish(client, last, deadlineNs, failure);
                lanes[index] = client.publisher().laneProducerId();
                if (index == dying)
                {
                    dieMidClaim(client, sent[index] + 1);
                }
            }, "publisher-" + t);
            if (t == dying)
            {
                workers[t].setUncaughtExceptionHandler((thread, ex) ->
                {
                    System.out.println("died lane=" + lanes[index]);
                    System.out.flush();
                });
            }
            workers[t].start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        final StringBuilder laneText = new StringBuilder();
        final StringBuilder sentText = new StringBuilder();
        boolean complete = null == failure.get();
        for (int t = 0; t < threads; t++)
        {
            laneText.append(t > 0 ? "," : "").append(lanes[t]);
            sentText.append(t > 0 ? "," : "").append(sent[t]);
            complete &= sent[t] == (t == dying ? dieAfter : count);
        }
        System.out.println(Wire.SUMMARY + " lanes=" + laneText + " sent=" + sentText +
            (null == failure.get() ? "" : " failure=" + failure.get().replace(' ', '_')));
        System.out.flush();
        holdUntilStdinCloses(client);
        client.close();
        System.exit(complete ? 0 : 2);
    }

    private static long publish(
        final ConcurrentPublisherClient client,
        final long count,
        final long deadlineNs,
        final AtomicReference<String> failure)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
        long sequence = 1;
        while (sequence <= count && System.nanoTime() < deadlineNs && null == failure.get())
        {
            client.doWork();
            final int length = Wire.length(sequence);
            Wire.fill(payload, 0, sequence, length);
            final long result = client.offer(payload, 0, length, Wire.messageType(sequence));
            if (result > 0)
            {
                sequence++;
            }
            else if (ChannelStatus.BACK_PRESSURED == result || ChannelStatus.NOT_CONNECTED == result ||
                ChannelStatus.ADMIN_ACTION == result)
            {
                Thread.yield();
            }
            else
            {
                failure.set("offer " + ChannelStatus.describe(result));
            }
        }
        return sequence - 1;
    }

    /**
     * Claim the frame of {@code sequence}, write half its payload into the claim, and end this thread with an
     * exception, the claim still open.
     */
    private static void dieMidClaim(final ConcurrentPublisherClient client, final long sequence)
    {
        final FrameClaim claim = new FrameClaim();
        final int length = Math.max(16, Wire.length(sequence));
        long result;
        while ((result = client.tryClaim(length, Wire.messageType(sequence), claim)) <= 0)
        {
            if (ChannelStatus.BACK_PRESSURED != result && ChannelStatus.NOT_CONNECTED != result &&
                ChannelStatus.ADMIN_ACTION != result)
            {
                throw new IllegalStateException("no claim: " + ChannelStatus.describe(result));
            }
            client.doWork();
            Thread.yield();
        }
        claim.buffer().setMemory(claim.offset(), length / 2, (byte)0x5A);
        throw new IllegalStateException("dies holding the claim at position " + result);
    }

    private static void holdUntilStdinCloses(final ConcurrentPublisherClient client) throws Exception
    {
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
            {
                while (null != in.readLine())
                {
                    // Only the end of stdin matters.
                }
            }
            catch (final java.io.IOException ex)
            {
                // Treated as the end of stdin.
            }
        });
        reader.setDaemon(true);
        reader.start();
        while (reader.isAlive())
        {
            client.doWork();
            Thread.sleep(1);
        }
    }
}
