package io.bastion.broker.process;

import io.bastion.channel.process.PublisherMain;
import io.bastion.channel.process.StreamChecker;
import io.bastion.channel.process.Wire;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.MappedRing;
import io.bastion.channel.RejectionHandler;
import io.bastion.client.ClientContext;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A child process that joins a channel through a running broker, as a real application would: with a capability
 * token, the broker folder and nothing else (the broker key is pinned from the token, the ring and keys come from
 * the broker).
 * <p>
 * Arguments ({@code key=value}): {@code role} ({@code pub} or {@code sub}), {@code dir}, {@code token} (a file),
 * {@code channel}, {@code deadline-ms}; for {@code pub}: {@code count}, {@code hold} (true: after sending, keep the
 * session open until stdin closes or the process is killed), {@code progress} (print {@code sent N} every so many
 * frames); for {@code sub}: {@code expect} (frames to receive in total), {@code hostile-after} (after receiving so
 * many frames, stop reading and write heads no consumer writes into its own consumer region until the session ends,
 * as a subscriber that turned hostile would).
 * <p>
 * Prints {@code REFUSED <reason>} and exits 1 if the broker refuses; otherwise {@code ready}, then
 * {@code SUMMARY ...}: for {@code pub} {@code sent=N lastSeq=S keyId=K}, for {@code sub}
 * {@code received=N mismatches=M rejections=R keys=n1,n2,n3,n4 sources=S closed=REASON} (REASON {@code open} while
 * the session is open). Exits 0 only if everything was sent or
 * received with no mismatch and no rejection.
 */
public final class BrokerClientMain
{
    private BrokerClientMain()
    {
    }

    /**
     * Run the client.
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
        final int status;
        try
        {
            status = "pub".equals(opts.get("role")) ? publish(context, opts, deadlineNs) :
                subscribe(context, opts, deadlineNs);
        }
        catch (final HandshakeException ex)
        {
            System.out.println("REFUSED " + ex.reason());
            System.out.flush();
            System.exit(1);
            return;
        }
        System.out.flush();
        System.exit(status);
    }

    private static int publish(final ClientContext context, final Map<String, String> opts, final long deadlineNs)
            throws Exception
    {
        final long count = Long.parseLong(opts.get("count"));
        final long progress = Long.parseLong(opts.getOrDefault("progress", "0"));
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
        try (PublisherClient client = PublisherClient.connect(context, opts.get("channel")))
        {
            System.out.println("ready");
            System.out.flush();
            long sequence = 1;
            while (sequence <= count && System.nanoTime() < deadlineNs)
            {
                client.doWork();
                final int length = Wire.length(sequence);
                Wire.fill(payload, 0, sequence, length);
                final long result = client.offer(payload, 0, length, Wire.messageType(sequence));
                if (result > 0)
                {
                    if (progress > 0 && 0 == sequence % progress)
                    {
                        System.out.println("sent " + sequence);
                        System.out.flush();
                    }
                    sequence++;
                }
                else if (ChannelStatus.BACK_PRESSURED != result && ChannelStatus.NOT_CONNECTED != result)
                {
                    System.out.println("offer failed " + result);
                    break;
                }
                else
                {
                    // Let the readers run: on two cores they may be waiting for this core.
                    Thread.yield();
                }
            }
            // Frames waiting in a batch (a channel the broker seals by batch) go now, not at a close that could
            // meet a full ring.
            long flushed = client.flush();
            while ((ChannelStatus.BACK_PRESSURED == flushed || ChannelStatus.ADMIN_ACTION == flushed) &&
                System.nanoTime() < deadlineNs)
            {
                client.doWork();
                flushed = client.flush();
            }
            final long sent = flushed < 0 ? 0 : sequence - 1;
            System.out.println(Wire.SUMMARY + " sent=" + sent + " lastSeq=" + sent + " keyId=" + client.keyId());
            System.out.flush();
            if (Boolean.parseBoolean(opts.getOrDefault("hold", "false")))
            {
                holdUntilStdinCloses(client);
            }
            return sent == count ? 0 : 2;
        }
    }

    private static void holdUntilStdinCloses(final PublisherClient client) throws Exception
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

    private static int subscribe(final ClientContext context, final Map<String, String> opts, final long deadlineNs)
            throws Exception
    {
        final long expect = Long.parseLong(opts.get("expect"));
        final StreamChecker checker = new StreamChecker();
        final AtomicLong rejections = new AtomicLong();
        final RejectionHandler handler = new RejectionHandler()
        {
            @Override
            public void onRejected(final int sourceId, final io.bastion.codec.RejectReason reason)
            {
                rejections.incrementAndGet();
                System.out.println("rejected " + reason);
            }

            @Override
            public void onQuarantined(final int sourceId)
            {
                System.out.println("quarantined " + sourceId);
            }
        };
        try (SubscriberClient client = SubscriberClient.connect(context, opts.get("channel"), handler))
        {
            System.out.println("ready");
            System.out.flush();
            final long hostileAfter = Long.parseLong(opts.getOrDefault("hostile-after", "-1"));
            long received = 0;
            while (received < expect && System.nanoTime() < deadlineNs && !client.isClosed())
            {
                client.doWork();
                if (hostileAfter >= 0 && received >= hostileAfter)
                {
                    writeNonsenseHeads(client);
                }
                else if (0 == client.poll(checker, 256))
                {
                    // Yield rather than spin: several of these may share two cores with their publisher.
                    Thread.yield();
                }
                received = total(checker);
            }
            final StringBuilder keys = new StringBuilder();
            for (int keyId = 1; keyId <= 4; keyId++)
            {
                keys.append(keyId > 1 ? "," : "").append(checker.byKeyId(keyId));
            }
            System.out.println(Wire.SUMMARY + " received=" + received + " mismatches=" + checker.mismatches() +
                " rejections=" + rejections.get() + " keys=" + keys + " sources=" + client.sourceCount() + " closed=" +
                (client.isClosed() ? String.valueOf(client.closedFor()) : "open"));
            return received == expect && 0 == checker.mismatches() && 0 == rejections.get() ? 0 : 2;
        }
    }

    /**
     * What a subscriber that turned hostile can do to its own consumer region: write heads a correct consumer never
     * writes (misaligned, then beyond any tail). It reaches the region as any code in its process could, through the
     * client's own fields.
     */
    static void writeNonsenseHeads(final SubscriberClient client)
    {
        try
        {
            final Field sourcesField = SubscriberClient.class.getDeclaredField("sources");
            sourcesField.setAccessible(true);
            for (final Object source : (List<?>)sourcesField.get(client))
            {
                final Field mappingField = source.getClass().getDeclaredField("mapping");
                mappingField.setAccessible(true);
                final MappedRing mapping = (MappedRing)mappingField.get(source);
                final long head = mapping.consumerRegion().getLongVolatile(OneToOneRingDescriptor.HEAD_POSITION_OFFSET);
                mapping.consumerRegion().putLongVolatile(OneToOneRingDescriptor.HEAD_POSITION_OFFSET,
                    0 == (head & 1) ? head + 3 : Long.MAX_VALUE & ~7L);
            }
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static long total(final StreamChecker checker)
    {
        long total = 0;
        for (int producer = 1; producer < 16; producer++)
        {
            total += checker.received(producer);
        }
        return total;
    }
}
