package io.bastion.bench;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.bastion.bench.latency.CoreToCoreProbe;
import io.bastion.bench.latency.CorePlacement;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.ConcurrentPublisher;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.SealingMode;
import io.bastion.channel.Subscriber;
import io.bastion.codec.FrameDescriptor;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.rate.QuarantinePolicy;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
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

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of a publication that several threads share, with one or two publishing threads and one subscribing
 * thread, Bastion beside Aeron in the same run:
 * <ul>
 *     <li>{@code bastion}: a {@link ConcurrentPublisher} (each thread its own lane: private buffer, sealer and
 *     sequence; HMAC-SHA256 per frame, claimed with a compare-and-set on a many-to-one ring in {@code /dev/shm}) and a
 *     {@link Subscriber} reading the lane block (copy, validate, verify, strict sequence per lane, dispatch);</li>
 *     <li>{@code aeron}: Aeron's concurrent {@code Publication} ({@code Aeron.addPublication}, not the exclusive
 *     one) on {@code aeron:ipc}, and a {@code Subscription}, with a media driver embedded in the benchmark's process
 *     ({@link ThreadingMode#SHARED}, backing off to {@value #DRIVER_MAX_PARK_US} us parks, its folder in
 *     {@code /dev/shm}). Aeron seals nothing: the difference is what sealing, checking and the ring's protocol
 *     cost.</li>
 * </ul>
 * Group {@code one} runs one publishing thread, group {@code two} two, each beside one subscribing thread; each
 * publishing thread runs the publisher's duty cycle every {@value #DUTY_EVERY} offers (one at a time runs it, the
 * other returns at once), the subscriber its own as often. Read the {@code consumed} counter (messages dispatched per
 * second, counted by the handler), not the primary score, which also counts refused offers and empty polls; run with
 * {@code -prof gc} for B/op. On a machine with two cores, group {@code two} runs three spinning threads (and Aeron's
 * driver a fourth, parking one): it shows contention on the claim, not added throughput.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"})
@State(Scope.Group)
public class ConcurrentPublicationBenchmark
{
    static final long DRIVER_MAX_PARK_US = 100;
    static final int DUTY_EVERY = 1024;

    private static final int CHANNEL_ID = 1;
    private static final int FIRST_PRODUCER_ID = 1;
    /** Lanes: the publishing threads of a group, with room for a thread JMH may replace between iterations. */
    private static final int LANES = 4;
    private static final int CAPACITY = 1024 * 1024;
    private static final int STREAM_ID = 1001;
    private static final int TERM_LENGTH = 16 * 1024 * 1024;
    private static final int FRAGMENTS = 64;
    private static final byte[] KEY = new byte[32];

    /** What publishes: {@code bastion} or {@code aeron}. */
    @Param({"bastion", "aeron"})
    public String transport;

    /** Payload bytes per message. */
    @Param({"64", "256"})
    public int size;

    private ShmFiles files;
    private ConcurrentPublisher publisher;
    private Subscriber subscriber;
    private MediaDriver driver;
    private Aeron aeron;
    private Publication publication;
    private Subscription subscription;
    private File aeronDirectory;
    private UnsafeBuffer payload;
    /** Messages the handler received; the subscribing thread's alone. */
    private final PaddedLong dispatched = new PaddedLong();
    private final FrameHandler handler = (buffer, offset, length, frame) -> dispatched.value++;
    private final FragmentHandler fragments = (buffer, offset, length, header) -> dispatched.value++;

    /**
     * Messages the subscriber dispatched: the score to compare.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class ConsumerCounters
    {
        /** Messages consumed. */
        public long consumed;
        private int polls;

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
     * A publishing thread's own state: when it next runs the duty cycle.
     */
    @State(Scope.Thread)
    public static class PublisherThread
    {
        private int offers;
    }

    /**
     * Build the transport, both ends connected.
     *
     * @throws IOException if the driver's folder cannot be made.
     */
    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        payload = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(size, 64), 64));
        if ("aeron".equals(transport))
        {
            setupAeron();
        }
        else if ("bastion".equals(transport))
        {
            setupBastion();
        }
        else
        {
            throw new IllegalArgumentException("unknown transport '" + transport + "': bastion or aeron");
        }
        CoreToCoreProbe.print("start", CorePlacement.parse(CorePlacement.NONE));
    }

    private void setupBastion()
    {
        files = new ShmFiles();
        final UnsafeBuffer region = files.map("concurrent", ManyToOneRingDescriptor.regionLength(CAPACITY));
        final ManyToOneRing ring = new ManyToOneRing(region, SystemEpochClock.INSTANCE, 5_000);
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * 1024, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * 1024, 64)));
        final KeyRing sendKeys =
            new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        final KeyRing receiveKeys =
            new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        sendKeys.rotate(1, KEY, 0);
        receiveKeys.rotate(1, KEY, 0);
        publisher = new ConcurrentPublisher(ring, sendKeys, SealingMode.HMAC_PER_FRAME, CHANNEL_ID,
            FIRST_PRODUCER_ID, LANES, new SystemEpochNanoClock(), new ChannelCounters(counters, "bench/pub"));
        subscriber = new Subscriber(CHANNEL_ID, FrameDescriptor.frameLength(size), new HmacFrameSealer(receiveKeys),
            new QuarantinePolicy(4, 1, 1, 1), RejectionHandler.NONE, SystemEpochClock.INSTANCE,
            new ChannelCounters(counters, "bench/sub"));
        subscriber.addLaneSource(
            ring, FIRST_PRODUCER_ID, ConcurrentPublisher.MAX_LANES, new HmacFrameSealer(receiveKeys));
        subscriber.doWork();
        publisher.doWork();
    }

    private void setupAeron() throws IOException
    {
        aeronDirectory = Files.createTempDirectory(Path.of("/dev/shm"), "bench-aeron-").toFile();
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName(new File(aeronDirectory, "driver").getAbsolutePath())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(DRIVER_MAX_PARK_US)))
            .ipcTermBufferLength(TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .printConfigurationOnStart(false));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
        publication = aeron.addPublication("aeron:ipc", STREAM_ID);
        subscription = aeron.addSubscription("aeron:ipc", STREAM_ID);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!publication.isConnected() || !subscription.isConnected())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the Aeron publication did not connect");
            }
            Thread.yield();
        }
    }

    /**
     * Close both ends and remove the files.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        CoreToCoreProbe.print("end", CorePlacement.parse(CorePlacement.NONE));
        CloseHelper.quietCloseAll(publication, subscription, aeron, driver);
        if (null != aeronDirectory)
        {
            IoUtil.delete(aeronDirectory, true);
        }
        if (null != files)
        {
            files.close();
        }
    }

    /**
     * One publishing thread: one offer per call.
     *
     * @param thread this thread's state.
     * @return the offer's result, so the JIT keeps it.
     */
    @Benchmark
    @Group("one")
    @GroupThreads(1)
    public long publishOne(final PublisherThread thread)
    {
        return offer(thread);
    }

    /**
     * The subscribing thread beside one publisher: one poll per call.
     *
     * @param counters where messages consumed are counted.
     */
    @Benchmark
    @Group("one")
    @GroupThreads(1)
    public void subscribeOne(final ConsumerCounters counters)
    {
        poll(counters);
    }

    /**
     * Two publishing threads sharing the publication: one offer per call each.
     *
     * @param thread this thread's state.
     * @return the offer's result, so the JIT keeps it.
     */
    @Benchmark
    @Group("two")
    @GroupThreads(2)
    public long publishTwo(final PublisherThread thread)
    {
        return offer(thread);
    }

    /**
     * The subscribing thread beside two publishers: one poll per call.
     *
     * @param counters where messages consumed are counted.
     */
    @Benchmark
    @Group("two")
    @GroupThreads(1)
    public void subscribeTwo(final ConsumerCounters counters)
    {
        poll(counters);
    }

    private long offer(final PublisherThread thread)
    {
        final ConcurrentPublisher publisher = this.publisher;
        if (null == publisher)
        {
            return publication.offer(payload, 0, size);
        }
        if (++thread.offers >= DUTY_EVERY)
        {
            thread.offers = 0;
            publisher.doWork();
        }
        return publisher.offer(payload, 0, size, 1);
    }

    private void poll(final ConsumerCounters counters)
    {
        final long before = dispatched.value;
        final Subscriber subscriber = this.subscriber;
        if (null == subscriber)
        {
            subscription.poll(fragments, FRAGMENTS);
        }
        else
        {
            if (++counters.polls >= DUTY_EVERY)
            {
                counters.polls = 0;
                subscriber.doWork();
            }
            subscriber.poll(handler, FRAGMENTS);
        }
        counters.consumed += dispatched.value - before;
    }
}
