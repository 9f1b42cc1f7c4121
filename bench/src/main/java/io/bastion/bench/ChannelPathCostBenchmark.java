package io.bastion.bench;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.Publisher;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.Subscriber;
import io.bastion.codec.FrameDescriptor;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.mac.HmacSha256;
import io.bastion.security.mac.MacKey;
import io.bastion.security.rate.QuarantinePolicy;
import org.agrona.BufferUtil;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The channel's own cost per frame on one thread: {@link #BATCH} offers, then polls until all of them are dispatched.
 * No second core is involved, so the figure is the instructions the path spends, whatever the machine's cross-core
 * speed. Set beside the MAC alone ({@code mac-only}: one seal and one verify of a frame of the same length), it
 * tells how much of a sealed frame's cost is the MAC and how much the rest of the path:
 * <ul>
 *     <li>{@code plain}: encode, copy in, ring, copy out, validate, replay check, dispatch; no MAC;</li>
 *     <li>{@code sealed}: the same with HMAC-SHA256 per frame;</li>
 *     <li>{@code mac-only}: a sign and a verify, no channel.</li>
 * </ul>
 * {@code sealed - plain} against {@code mac-only} is the overhead sealing adds beyond the MAC itself.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"})
@State(Scope.Thread)
public class ChannelPathCostBenchmark
{
    /** Frames offered, then dispatched, per invocation; the score is per frame. */
    public static final int BATCH = 64;

    private static final int CHANNEL_ID = 1;
    private static final int PRODUCER_ID = 1;
    private static final int CAPACITY = 1024 * 1024;
    private static final byte[] KEY = new byte[32];

    /** Flow under test. */
    @Param({"plain", "sealed", "mac-only"})
    public String mode;

    /** Payload bytes per frame. */
    @Param({"64", "256"})
    public int size;

    private ShmFiles files;
    private Publisher publisher;
    private Subscriber subscriber;
    private UnsafeBuffer payload;
    private HmacSha256 mac;
    private MacKey macKey;
    private UnsafeBuffer frame;
    private long dispatched;
    private final FrameHandler handler = (buffer, offset, length, header) -> dispatched++;

    /**
     * Build the flow for this mode.
     *
     * @throws IllegalArgumentException for a mode this benchmark does not know.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        payload = BenchRing.payload(size);
        final int frameLength = FrameDescriptor.frameLength(size);
        switch (mode)
        {
            case "mac-only":
                macKey = new MacKey(KEY);
                mac = new HmacSha256();
                frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameLength, 64));
                return;
            case "plain":
            case "sealed":
                break;
            default:
                throw new IllegalArgumentException("unknown mode '" + mode + "': plain, sealed or mac-only");
        }
        files = new ShmFiles();
        final UnsafeBuffer producerRegion =
            files.map("path-producer", OneToOneRingDescriptor.producerRegionLength(CAPACITY));
        final UnsafeBuffer consumerRegion =
            files.map("path-consumer", OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * 1024, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * 1024, 64)));
        final KeyRing sendKeys =
            new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        final KeyRing receiveKeys =
            new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        sendKeys.rotate(1, KEY, 0);
        receiveKeys.rotate(1, KEY, 0);
        final boolean sealed = "sealed".equals(mode);
        publisher = new Publisher(
            new OneToOneRingProducer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE),
            sealed ? new HmacFrameSealer(sendKeys) : new ChannelThroughputBenchmark.UnsealedFrames(),
            CHANNEL_ID, PRODUCER_ID, new SystemEpochNanoClock(), new ChannelCounters(counters, "bench/pub"));
        subscriber = new Subscriber(
            CHANNEL_ID, frameLength,
            sealed ? new HmacFrameSealer(receiveKeys) : new ChannelThroughputBenchmark.UnsealedFrames(),
            new QuarantinePolicy(4, 1, 1, 1), RejectionHandler.NONE, SystemEpochClock.INSTANCE,
            new ChannelCounters(counters, "bench/sub"));
        subscriber.addSource(
            new OneToOneRingConsumer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE), PRODUCER_ID);
        subscriber.doWork();
        publisher.doWork();
    }

    /**
     * Unmap the ring files.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (null != files)
        {
            files.close();
        }
    }

    /**
     * Offer a batch, then dispatch it (or, for {@code mac-only}, seal and verify a batch of frames).
     *
     * @return frames dispatched, so that nothing is dead code.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long offerBatchThenPoll()
    {
        if (null == publisher)
        {
            long ok = 0;
            final int length = frame.capacity();
            for (int i = 0; i < BATCH; i++)
            {
                mac.signSkippingTag(macKey, frame, 0, length, FrameDescriptor.TAG_OFFSET);
                ok += mac.verifySkippingTag(macKey, frame, 0, length, FrameDescriptor.TAG_OFFSET).ordinal();
            }
            return ok;
        }
        for (int i = 0; i < BATCH; i++)
        {
            final long result = publisher.offer(payload, 0, size, 1);
            if (result < 0)
            {
                throw new IllegalStateException("offer refused: " + result);
            }
        }
        final long before = dispatched;
        for (int polls = 0; dispatched - before < BATCH; polls++)
        {
            if (polls > 4)
            {
                throw new IllegalStateException("dispatched " + (dispatched - before) + " of " + BATCH);
            }
            subscriber.poll(handler, BATCH);
        }
        return dispatched;
    }
}
