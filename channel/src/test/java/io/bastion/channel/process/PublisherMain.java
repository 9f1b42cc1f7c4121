package io.bastion.channel.process;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameClaim;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.MappedRing;
import io.bastion.channel.Publisher;
import io.bastion.channel.RingFiles;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RecordProducer;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A child process that publishes frames whose payload is {@link Wire#fill} of their sequence,
 * alternately with {@code offer} and with {@code tryClaim}/{@code commit}.
 * <p>
 * Arguments ({@code key=value}): {@code ring}, {@code kind} ({@code one} for a one-to-one ring in
 * files, {@code many} for a many-to-one ring file), {@code capacity}, {@code key} (key file),
 * {@code key-id}, {@code producer-id}, {@code count} (-1: until told to stop or killed),
 * {@code liveness-ms}, {@code deadline-ms}, optional {@code key2}/{@code key2-id} for rotation,
 * optional {@code unblock-ms} (many-to-one), optional {@code hang-after-claim=true}.
 * <p>
 * Commands on stdin: {@code stop}; {@code rotate} (make key2 the sending key); {@code stale N}
 * (publish N frames under key 1 from a second publisher on the same ring).
 * <p>
 * Prints {@code connected}, {@code claimed}, {@code rotated seq=S}, {@code stale sent=N} and finally
 * {@code SUMMARY sent=N lastSeq=S backPressure=B}; exits 0, or 1 on a deadline or an unexpected status.
 */
public final class PublisherMain
{
    private PublisherMain()
    {
    }

    /**
     * Run the publisher.
     *
     * @param args {@code key=value} arguments, see the class description.
     * @throws Exception if the files or keys cannot be opened.
     */
    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> opts = Wire.parse(args);
        final long deadlineNs = deadlineNs(opts);
        final int producerId = Integer.parseInt(opts.get("producer-id"));
        final RecordProducer ring = openRing(opts);
        final KeyRing keys = new KeyRing(
            Wire.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        keys.rotate(Integer.parseInt(opts.get("key-id")), KeyFiles.read(Path.of(opts.get("key"))), 0);
        final ChannelCounters counters = Wire.counters("pub");
        final Publisher publisher = new Publisher(ring, Wire.sealer(opts, keys), Wire.CHANNEL_ID, producerId,
            SystemEpochNanoClock.INSTANCE, counters)
            .livenessTimeoutMs(Long.parseLong(opts.getOrDefault("liveness-ms", "2000")))
            .heartbeatIntervalMs(50);
        final Queue<String> commands = readCommands();

        if (!awaitConnected(publisher, deadlineNs))
        {
            fail("never connected");
        }
        System.out.println("connected");
        if (Boolean.parseBoolean(opts.getOrDefault("hang-after-claim", "false")))
        {
            hangMidClaim(publisher, deadlineNs);
        }

        final long count = Long.parseLong(opts.get("count"));
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
        final FrameClaim claim = new FrameClaim();
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(100, 10, 1_000, 200_000);
        long sent = 0;
        long iteration = 0;
        while (count < 0 || sent < count)
        {
            if ((++iteration & 31) == 0)
            {
                publisher.doWork();
                if (System.nanoTime() - deadlineNs > 0)
                {
                    fail("deadline with sent=" + sent);
                }
                final String command = commands.poll();
                if (null != command && handle(command, opts, keys, publisher, ring, producerId))
                {
                    break;
                }
            }
            final long result = publishOne(publisher, scratch, claim);
            if (result > 0)
            {
                sent++;
                idle.reset();
            }
            else if (ChannelStatus.BACK_PRESSURED == result || ChannelStatus.ADMIN_ACTION == result ||
                ChannelStatus.NOT_CONNECTED == result)
            {
                publisher.doWork();
                idle.idle();
            }
            else
            {
                fail("offer returned " + ChannelStatus.describe(result) + " after sent=" + sent);
            }
        }
        System.out.println(Wire.SUMMARY + " sent=" + sent + " lastSeq=" + (publisher.nextSequence() - 1) +
            " backPressure=" + counters.backPressure());
        System.out.flush();
        System.exit(0);
    }

    private static long publishOne(final Publisher publisher, final UnsafeBuffer scratch, final FrameClaim claim)
    {
        final long sequence = publisher.nextSequence();
        final int length = Wire.length(sequence);
        final int type = Wire.messageType(sequence);
        if ((sequence & 1) == 0)
        {
            Wire.fill(scratch, 0, sequence, length);
            return publisher.offer(scratch, 0, length, type);
        }
        final long position = publisher.tryClaim(length, type, claim);
        if (position < 0)
        {
            return position;
        }
        Wire.fill(claim.buffer(), claim.offset(), sequence, length);
        return claim.commit();
    }

    private static RecordProducer openRing(final Map<String, String> opts) throws IOException
    {
        final Path path = Path.of(opts.get("ring"));
        final int capacity = Integer.parseInt(opts.get("capacity"));
        if ("many".equals(opts.get("kind")))
        {
            return new ManyToOneRing(Wire.mapManyToOne(path, capacity), SystemEpochClock.INSTANCE,
                Long.parseLong(opts.getOrDefault("unblock-ms", "1000")));
        }
        final MappedRing mapped = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()))
            .mapAsProducer(path, capacity);
        return new OneToOneRingProducer(mapped.producerRegion(), mapped.consumerRegion(), SystemEpochClock.INSTANCE);
    }

    private static boolean awaitConnected(final Publisher publisher, final long deadlineNs)
            throws InterruptedException
    {
        while (System.nanoTime() - deadlineNs < 0)
        {
            publisher.doWork();
            if (publisher.isConnected())
            {
                return true;
            }
            Thread.sleep(1);
        }
        return false;
    }

    private static void hangMidClaim(final Publisher publisher, final long deadlineNs) throws InterruptedException
    {
        final FrameClaim claim = new FrameClaim();
        final long position = publisher.tryClaim(Wire.length(1), Wire.messageType(1), claim);
        if (position < 0)
        {
            fail("claim returned " + ChannelStatus.describe(position));
        }
        Wire.fill(claim.buffer(), claim.offset(), 1, Wire.length(1));
        System.out.println("claimed position=" + position);
        System.out.flush();
        while (System.nanoTime() - deadlineNs < 0)
        {
            // Holding the claim and never committing: the parent kills this process.
            Thread.sleep(10);
        }
        fail("not killed before the deadline");
    }

    private static boolean handle(
        final String command,
        final Map<String, String> opts,
        final KeyRing keys,
        final Publisher publisher,
        final RecordProducer ring,
        final int producerId) throws IOException
    {
        if ("stop".equals(command))
        {
            return true;
        }
        if ("rotate".equals(command))
        {
            keys.rotate(Integer.parseInt(opts.get("key2-id")), KeyFiles.read(Path.of(opts.get("key2"))), 0);
            System.out.println("rotated seq=" + publisher.nextSequence());
            System.out.flush();
            return false;
        }
        if (command.startsWith("stale "))
        {
            final int frames = Integer.parseInt(command.substring("stale ".length()).trim());
            final KeyRing stale = new KeyRing(Wire.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER,
                SystemEpochClock.INSTANCE);
            stale.rotate(Integer.parseInt(opts.get("key-id")), KeyFiles.read(Path.of(opts.get("key"))), 0);
            final Publisher old = new Publisher(ring, new HmacFrameSealer(stale), Wire.CHANNEL_ID, producerId,
                SystemEpochNanoClock.INSTANCE, Wire.counters("stale"));
            old.doWork();
            int sent = 0;
            while (sent < frames)
            {
                final long sequence = old.nextSequence();
                if (old.offer(Wire.payload(sequence), 0, Wire.length(sequence), Wire.messageType(sequence)) > 0)
                {
                    sent++;
                }
                else
                {
                    old.doWork();
                    Thread.onSpinWait();
                }
            }
            System.out.println("stale sent=" + sent);
            System.out.flush();
            return false;
        }
        fail("unknown command " + command);
        return true;
    }

    private static Queue<String> readCommands()
    {
        final Queue<String> commands = new ConcurrentLinkedQueue<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    commands.add(line.trim());
                }
            }
            catch (final IOException ignore)
            {
                // The parent went away: nothing more to read.
            }
        }, "commands");
        reader.setDaemon(true);
        reader.start();
        return commands;
    }

    /**
     * The deadline the {@code deadline-ms} option names (default 60 s).
     *
     * @param opts the parsed options.
     * @return the deadline in {@link System#nanoTime()} terms.
     */
    public static long deadlineNs(final Map<String, String> opts)
    {
        return System.nanoTime() + Long.parseLong(opts.getOrDefault("deadline-ms", "60000")) * 1_000_000L;
    }

    static void fail(final String message)
    {
        System.out.println(Wire.SUMMARY + " error=" + message.replace(' ', '_'));
        System.out.flush();
        System.exit(1);
    }
}
