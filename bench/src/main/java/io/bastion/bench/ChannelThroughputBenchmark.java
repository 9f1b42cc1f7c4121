package io.bastion.bench;

import io.bastion.bench.latency.CorePlacement;
import io.bastion.bench.latency.CoreToCoreProbe;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.FrameSealer;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.Publisher;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.SealingMode;
import io.bastion.channel.Subscriber;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.mac.HmacSha256;
import io.bastion.security.mac.MacKey;
import io.bastion.security.rate.QuarantinePolicy;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Throughput of one publisher thread and one subscriber thread through a secure channel over a
 * one-to-one ring in {@code /dev/shm}, beside the same flow without a MAC and beside the MAC alone:
 * <ul>
 *     <li>{@code sealed}: HMAC-SHA256 per frame, verified on a private copy before dispatch;</li>
 *     <li>{@code plain}: the same publisher, ring, copy, validation and replay check, no MAC;</li>
 *     <li>{@code mac-only}: no ring; one thread seals and the other verifies frames of the same size;</li>
 *     <li>{@code batch-sealed}: HMAC-SHA256 per batch ({@code SealingMode.HMAC_BATCH}): the publisher commits up to
 *     {@value #BATCH_FRAMES} frames or {@value #BATCH_BYTES} bytes under one tag, the subscriber verifies the batch
 *     on a private copy before it dispatches any frame of it;</li>
 *     <li>{@code encrypted}: AES-GCM per frame ({@code SealingMode.AEAD_PER_FRAME}): the payload encrypted in place,
 *     the header authenticated, opened on the subscriber's private copy.</li>
 * </ul>
 * Read the {@code consumed} counter (frames verified and dispatched per second, counted by the handler, so a batch
 * counts its frames): the primary score also counts refused offers and empty polls.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"})
@State(Scope.Group)
public class ChannelThroughputBenchmark
{
    private static final int CHANNEL_ID = 1;
    private static final int PRODUCER_ID = 1;
    private static final int CAPACITY = 1024 * 1024;
    private static final byte[] KEY = new byte[32];
    private static final int BATCH_FRAMES = 32;
    private static final int BATCH_BYTES = 4096;

    /** Flow under test. */
    @Param({"sealed", "plain", "mac-only", "batch-sealed", "encrypted"})
    public String mode;

    /** Payload bytes per frame. */
    @Param({"64", "256", "1024"})
    public int size;

    /**
     * Where the two threads run: {@code none} (the scheduler decides), or {@code P/C}, the publisher's CPU then the
     * subscriber's (see {@link CorePlacement}), e.g. {@code -p cpus=0/1}.
     */
    @Param({CorePlacement.NONE})
    public String cpus;

    /**
     * What the subscribing thread does after a poll: {@code none}, {@code spin} or {@code batch} (see
     * {@link ConsumerIdle}). {@code mac-only} has no poll and ignores it.
     */
    @Param({"none"})
    public String idle;

    private CorePlacement placement;
    private ConsumerIdle consumerIdle;

    private ShmFiles files;
    private Publisher publisher;
    private Subscriber subscriber;
    private UnsafeBuffer payload;
    private HmacSha256 producerMac;
    private HmacSha256 consumerMac;
    private MacKey macKey;
    private UnsafeBuffer producerFrame;
    private UnsafeBuffer consumerFrame;

    /**
     * Frames the subscriber verified and dispatched: the score to compare.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class ConsumerCounters
    {
        /** Frames consumed. */
        public long consumed;

        /**
         * Counts each frame dispatched here, in the subscribing thread's own state: a count in the group's state
         * would share a cache line with the references the publishing thread reads on every offer.
         */
        final FrameHandler handler = (buffer, offset, length, frame) -> consumed++;

        /**
         * Pin the subscribing thread, when the benchmark places its threads.
         *
         * @param benchmark the group's state, set up first.
         */
        @Setup(Level.Trial)
        public void pin(final ChannelThroughputBenchmark benchmark)
        {
            benchmark.placement.pinConsumer();
        }

        /**
         * Zero before each iteration.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            consumed = 0;
        }
    }

    /**
     * The publishing thread's own state: where it runs.
     */
    @State(Scope.Thread)
    public static class PublisherThread
    {
        /**
         * Pin the publishing thread, when the benchmark places its threads.
         *
         * @param benchmark the group's state, set up first.
         */
        @Setup(Level.Trial)
        public void pin(final ChannelThroughputBenchmark benchmark)
        {
            benchmark.placement.pinProducer();
        }
    }

    /**
     * Build the flow for this mode.
     *
     * @throws IllegalArgumentException for a mode this benchmark does not know.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        if (!"sealed".equals(mode) && !"plain".equals(mode) && !"mac-only".equals(mode) &&
            !"batch-sealed".equals(mode) && !"encrypted".equals(mode))
        {
            throw new IllegalArgumentException(
                "unknown mode '" + mode + "': sealed, plain, mac-only, batch-sealed or encrypted");
        }
        placement = CorePlacement.parse(cpus);
        consumerIdle = ConsumerIdle.parse(idle);
        payload = new UnsafeBuffer(new byte[size]);
        final int frameLength = FrameDescriptor.frameLength(size);
        if ("mac-only".equals(mode))
        {
            macKey = new MacKey(KEY);
            producerMac = new HmacSha256();
            consumerMac = new HmacSha256();
            producerFrame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frameLength, 64));
            consumerFrame = new UnsafeBuffer(new byte[frameLength]);
            consumerMac.signSkippingTag(macKey, consumerFrame, 0, frameLength, FrameDescriptor.TAG_OFFSET);
            CoreToCoreProbe.print("start", placement);
            return;
        }

        files = new ShmFiles();
        final UnsafeBuffer producerRegion =
            files.map("channel-producer", OneToOneRingDescriptor.producerRegionLength(CAPACITY));
        final UnsafeBuffer consumerRegion =
            files.map("channel-consumer", OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * 1024, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * 1024, 64)));
        final boolean batch = "batch-sealed".equals(mode);
        final boolean encrypted = "encrypted".equals(mode);
        final boolean sealed = batch || "sealed".equals(mode);
        final KeyRing sendKeys =
            new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        final KeyRing receiveKeys =
            new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        sendKeys.rotate(1, KEY, 0);
        receiveKeys.rotate(1, KEY, 0);

        publisher = new Publisher(
            new OneToOneRingProducer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE),
            sealer(sealed, encrypted, sendKeys),
            CHANNEL_ID, PRODUCER_ID, new SystemEpochNanoClock(), new ChannelCounters(counters, "bench/pub"));
        subscriber = new Subscriber(
            CHANNEL_ID, batch ? Math.max(BATCH_BYTES, frameLength) : frameLength,
            sealer(sealed, encrypted, receiveKeys),
            new QuarantinePolicy(4, 1, 1, 1), RejectionHandler.NONE, SystemEpochClock.INSTANCE,
            new ChannelCounters(counters, "bench/sub"));
        if (batch)
        {
            // No linger: the publishing thread only offers, so batches go when full.
            publisher.sealing(SealingMode.HMAC_BATCH).batchLimits(BATCH_FRAMES, BATCH_BYTES, Long.MAX_VALUE);
            subscriber.sealing(SealingMode.HMAC_BATCH);
        }
        if (encrypted)
        {
            publisher.sealing(SealingMode.AEAD_PER_FRAME);
            subscriber.sealing(SealingMode.AEAD_PER_FRAME);
        }
        subscriber.addSource(
            new OneToOneRingConsumer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE),
            PRODUCER_ID);
        subscriber.doWork();
        publisher.doWork();
        CoreToCoreProbe.print("start", placement);
    }

    /**
     * Unmap the ring files.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        CoreToCoreProbe.print("end", placement);
        if (null != files)
        {
            files.close();
        }
    }

    /**
     * The publishing thread: one offer (or one seal) per call.
     *
     * @param thread the publishing thread's state (its placement).
     * @return the offer's result, so the JIT keeps it.
     */
    @Benchmark
    @Group("channel")
    @GroupThreads(1)
    public long publish(final PublisherThread thread)
    {
        if (null == publisher)
        {
            producerMac.signSkippingTag(
                macKey, producerFrame, 0, producerFrame.capacity(), FrameDescriptor.TAG_OFFSET);
            return 1;
        }
        return publisher.offer(payload, 0, size, 1);
    }

    /**
     * The subscribing thread: one poll (or one verify) per call.
     *
     * @param counters where frames consumed are counted.
     */
    @Benchmark
    @Group("channel")
    @GroupThreads(1)
    public void subscribe(final ConsumerCounters counters)
    {
        if (null == subscriber)
        {
            consumerMac.verifySkippingTag(
                macKey, consumerFrame, 0, consumerFrame.capacity(), FrameDescriptor.TAG_OFFSET);
            counters.consumed++;
            return;
        }
        consumerIdle.afterPoll(subscriber.poll(counters.handler, 64));
    }

    private static FrameSealer sealer(final boolean sealed, final boolean encrypted, final KeyRing keys)
    {
        if (encrypted)
        {
            return SealingMode.AEAD_PER_FRAME.newSealer(keys);
        }
        return sealed ? new HmacFrameSealer(keys) : new UnsealedFrames();
    }

    /**
     * The channel's flow without a MAC, for the {@code plain} mode only: never use it for real frames.
     */
    static final class UnsealedFrames implements FrameSealer
    {
        public int sendingKeyId()
        {
            return 1;
        }

        public boolean seal(final MutableDirectBuffer buffer, final int offset, final int frameLength)
        {
            return true;
        }

        public RejectReason verify(
            final DirectBuffer buffer, final int offset, final int frameLength, final int keyId, final long nowMs)
        {
            return RejectReason.NONE;
        }

        public boolean sealBatch(final MutableDirectBuffer buffer, final int offset, final int length)
        {
            return true;
        }

        public RejectReason verifyBatch(
            final DirectBuffer buffer, final int offset, final int length, final int keyId, final long nowMs)
        {
            return RejectReason.NONE;
        }
    }
}
