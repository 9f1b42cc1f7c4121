package io.bastion.channel.process;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.MappedRing;
import io.bastion.channel.Publisher;
import io.bastion.channel.RingFiles;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.sbe.FrameDecoder;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.ringbuffer.RecordProducer;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A hostile child process of the same user holding no key. It maps the good publisher's producer
 * file read-write (any same-user process can) and:
 * <ol>
 *   <li>phase 1: rewrites a payload byte of every frame with a sequence divisible by 10 up to
 *   {@code phase1-last}, right after the frame was committed (the subscriber does not read yet, so
 *   these always land before its copy), and captures the frames whose sequence ends in 5;</li>
 *   <li>writes into its own ring (which the subscriber reads as producer {@code own-producer-id}):
 *   10 frames forged with a wrong key, 5 under an unknown key id, 10 replays of captured frames,
 *   10 truncated captured frames and 5 records of other types; then {@code flood} forged frames;</li>
 *   <li>phase 2: while the good stream runs, rewrites a byte of each frame whose sequence is
 *   {@code live-mod / 2} modulo {@code live-mod}, right after its commit (racing the subscriber);</li>
 *   <li>phase 3, on the command {@code inject} (after the good publisher exited): writes into the
 *   good ring 5 replays, 5 bit-flipped and 5 truncated copies of captured frames.</li>
 * </ol>
 * Prints {@code ready}, {@code phase1 tampered=N}, {@code attacked}, {@code injected} and
 * {@code SUMMARY tampered=s1,s2,... missed=M}.
 */
public final class HostileMain
{
    private static final int SEQUENCE_OFFSET =
        FrameDescriptor.HEADER_LENGTH + FrameDecoder.sequenceEncodingOffset();
    private static final int TIMESTAMP_OFFSET =
        FrameDescriptor.HEADER_LENGTH + FrameDecoder.timestampEncodingOffset();
    private static final int PAYLOAD_OFFSET = FrameDescriptor.payloadOffset(FrameDescriptor.BLOCK_LENGTH);

    private final AtomicBuffer good;
    private final int capacity;
    private final long phase1Last;
    private final long liveMod;
    private final List<byte[]> captured = new ArrayList<>();
    private final List<Long> tampered = new ArrayList<>();
    private long walked;
    private long missed;
    private long highestSeen;

    private HostileMain(final AtomicBuffer good, final int capacity, final long phase1Last, final long liveMod)
    {
        this.good = good;
        this.capacity = capacity;
        this.phase1Last = phase1Last;
        this.liveMod = liveMod;
    }

    /**
     * Run the attack.
     *
     * @param args {@code good-ring}, {@code good-capacity}, {@code own-ring}, {@code own-capacity},
     *             {@code own-producer-id}, {@code phase1-last}, {@code live-mod}, {@code flood},
     *             {@code deadline-ms}.
     * @throws Exception if a file cannot be mapped.
     */
    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> opts = Wire.parse(args);
        final long deadlineNs = PublisherMain.deadlineNs(opts);
        final Path goodRing = Path.of(opts.get("good-ring"));
        final int goodCapacity = Integer.parseInt(opts.get("good-capacity"));
        final HostileMain hostile = new HostileMain(Wire.mapUnchecked(RingFiles.producerFile(goodRing)),
            goodCapacity, Long.parseLong(opts.get("phase1-last")), Long.parseLong(opts.get("live-mod")));
        final MappedRing own = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()))
            .mapAsProducer(Path.of(opts.get("own-ring")), Integer.parseInt(opts.get("own-capacity")));
        final OneToOneRingProducer ownRing = new OneToOneRingProducer(
            own.producerRegion(), own.consumerRegion(), SystemEpochClock.INSTANCE);
        final Thread commandReader = commandReader();
        System.out.println("ready");
        System.out.flush();

        while (hostile.highestSeen < hostile.phase1Last)
        {
            checkDeadline(deadlineNs, "phase 1");
            if (!hostile.walk())
            {
                LockSupport.parkNanos(20_000);
            }
        }
        System.out.println("phase1 tampered=" + hostile.tampered.size() + " captured=" + hostile.captured.size());
        System.out.flush();

        hostile.attackOwnRing(ownRing, Integer.parseInt(opts.get("own-producer-id")),
            Integer.parseInt(opts.get("flood")), deadlineNs);
        System.out.println("attacked");
        System.out.flush();

        while (commandReader.isAlive())
        {
            checkDeadline(deadlineNs, "phase 2");
            if (!hostile.walk())
            {
                LockSupport.parkNanos(20_000);
            }
        }
        hostile.walk();
        hostile.injectIntoGoodRing(goodRing, deadlineNs);
        System.out.println("injected");
        final StringBuilder list = new StringBuilder();
        for (final long sequence : hostile.tampered)
        {
            list.append(list.length() > 0 ? "," : "").append(sequence);
        }
        System.out.println(Wire.SUMMARY + " tampered=" + list + " missed=" + hostile.missed);
        System.out.flush();
        System.exit(0);
    }

    /**
     * Follow the good ring's tail and act on each newly committed frame.
     *
     * @return true if the tail had moved.
     */
    private boolean walk()
    {
        final long tail = good.getLongVolatile(capacity + OneToOneRingDescriptor.TAIL_POSITION_OFFSET);
        if (tail == walked)
        {
            return false;
        }
        if (tail < walked || tail - walked > capacity)
        {
            missed++;
            walked = tail;
            return true;
        }
        while (walked < tail)
        {
            final int index = (int)walked & (capacity - 1);
            final long header = good.getLong(index);
            final int length = RecordDescriptor.lengthOf(header);
            if (length < RecordDescriptor.HEADER_LENGTH || RecordDescriptor.align(length) > tail - walked)
            {
                missed++;
                walked = tail;
                break;
            }
            if (Publisher.FRAME_RECORD_TYPE == RecordDescriptor.typeOf(header) &&
                length - RecordDescriptor.HEADER_LENGTH >= FrameDescriptor.MIN_FRAME_LENGTH)
            {
                onFrame(index + RecordDescriptor.HEADER_LENGTH, length - RecordDescriptor.HEADER_LENGTH);
            }
            walked += RecordDescriptor.align(length);
        }
        return true;
    }

    private void onFrame(final int frameOffset, final int frameLength)
    {
        final long sequence = good.getLong(frameOffset + SEQUENCE_OFFSET, FrameDescriptor.BYTE_ORDER);
        highestSeen = Math.max(highestSeen, sequence);
        if (sequence <= phase1Last && sequence % 10 == 5)
        {
            final byte[] copy = new byte[frameLength];
            good.getBytes(frameOffset, copy);
            captured.add(copy);
        }
        final boolean tamper = sequence <= phase1Last ? sequence % 10 == 0 : sequence % liveMod == liveMod / 2;
        if (tamper)
        {
            // The double fetch: change the bytes after the commit, hoping the subscriber checked the
            // original and dispatches the change.
            final int target = frameOffset + (frameLength > PAYLOAD_OFFSET ? PAYLOAD_OFFSET : TIMESTAMP_OFFSET);
            if (good.getLong(frameOffset + SEQUENCE_OFFSET, FrameDescriptor.BYTE_ORDER) == sequence)
            {
                good.putByte(target, (byte)(good.getByte(target) ^ 0x5A));
                tampered.add(sequence);
            }
        }
    }

    private void attackOwnRing(
        final OneToOneRingProducer ring, final int ownProducerId, final int flood, final long deadlineNs)
    {
        final Forger forger = new Forger(ownProducerId);
        for (int i = 0; i < 10; i++)
        {
            write(ring, Publisher.FRAME_RECORD_TYPE, forger.forge(1, 24 + i), deadlineNs);
        }
        for (int i = 0; i < 5; i++)
        {
            write(ring, Publisher.FRAME_RECORD_TYPE, forger.forge(77, 16), deadlineNs);
        }
        for (int i = 0; i < 10; i++)
        {
            write(ring, Publisher.FRAME_RECORD_TYPE, captured.get(i % captured.size()), deadlineNs);
        }
        for (int i = 0; i < 10; i++)
        {
            final byte[] frame = captured.get(i % captured.size());
            // Cut 1..10 bytes off the end, and once below the smallest frame.
            final int cut = 9 == i ? frame.length - 10 : i + 1;
            write(ring, Publisher.FRAME_RECORD_TYPE, Arrays.copyOf(frame, frame.length - cut), deadlineNs);
        }
        final int[] otherTypes = {2, 3, 9, 1000, Integer.MAX_VALUE};
        for (final int type : otherTypes)
        {
            write(ring, type, captured.get(0), deadlineNs);
        }
        for (int i = 0; i < flood; i++)
        {
            write(ring, Publisher.FRAME_RECORD_TYPE, forger.forge(1, 8), deadlineNs);
        }
    }

    private void injectIntoGoodRing(final Path goodRing, final long deadlineNs) throws Exception
    {
        // The good publisher is gone: take over its ring as a second producer would.
        final OneToOneRingProducer ring = new OneToOneRingProducer(
            good, Wire.mapUnchecked(RingFiles.consumerFile(goodRing)), SystemEpochClock.INSTANCE);
        for (int i = 0; i < 5; i++)
        {
            write(ring, Publisher.FRAME_RECORD_TYPE, captured.get(i), deadlineNs);
        }
        for (int i = 0; i < 5; i++)
        {
            final byte[] flipped = captured.get(i).clone();
            flipped[TIMESTAMP_OFFSET + i] ^= (byte)(1 << i);
            write(ring, Publisher.FRAME_RECORD_TYPE, flipped, deadlineNs);
        }
        for (int i = 0; i < 5; i++)
        {
            final byte[] frame = captured.get(i);
            final byte[] truncated = Arrays.copyOf(frame, frame.length - 1 - i);
            write(ring, Publisher.FRAME_RECORD_TYPE, truncated, deadlineNs);
        }
    }

    private static void write(final RecordProducer ring, final int type, final byte[] bytes, final long deadlineNs)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        while (ring.write(type, buffer, 0, bytes.length) < 0)
        {
            checkDeadline(deadlineNs, "write");
            LockSupport.parkNanos(100_000);
        }
    }

    private static void checkDeadline(final long deadlineNs, final String what)
    {
        if (System.nanoTime() - deadlineNs > 0)
        {
            PublisherMain.fail("deadline in " + what);
        }
    }

    private static Thread commandReader()
    {
        // Ends when the parent says "inject" (or closes stdin).
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)))
            {
                String line;
                while (null != (line = in.readLine()) && !"inject".equals(line.trim()))
                {
                    Thread.onSpinWait();
                }
            }
            catch (final IOException ignore)
            {
                // Parent gone.
            }
        }, "commands");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /**
     * Makes well-formed frames sealed with a key the subscriber does not hold, through a real
     * publisher over a private in-memory ring.
     */
    private static final class Forger
    {
        private final int producerId;
        private final AtomicBuffer producerRegion = new UnsafeBuffer(new byte[
            OneToOneRingDescriptor.producerRegionLength(64 * 1024)]);
        private final AtomicBuffer consumerRegion = new UnsafeBuffer(new byte[
            OneToOneRingDescriptor.CONSUMER_REGION_LENGTH]);
        private final OneToOneRingConsumer consumer =
            new OneToOneRingConsumer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE);
        private final OneToOneRingProducer producer =
            new OneToOneRingProducer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE);
        private final ChannelCounters counters = Wire.counters("forger");
        private byte[] last;

        Forger(final int producerId)
        {
            this.producerId = producerId;
        }

        byte[] forge(final int keyId, final int payloadLength)
        {
            final KeyRing wrongKeys = new KeyRing(
                Wire.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
            wrongKeys.rotate(keyId, KeyFiles.key(666), 0);
            final Publisher publisher = new Publisher(producer, new HmacFrameSealer(wrongKeys), Wire.CHANNEL_ID,
                producerId, SystemEpochNanoClock.INSTANCE, counters);
            consumer.consumerHeartbeat();
            publisher.doWork();
            if (publisher.offer(new UnsafeBuffer(new byte[payloadLength]), 0, payloadLength, 1) < 0)
            {
                PublisherMain.fail("forger could not offer");
            }
            last = null;
            consumer.read((type, buffer, offset, length) ->
            {
                last = new byte[length];
                buffer.getBytes(offset, last);
            }, 1);
            return last;
        }
    }
}
