package io.bastion.bench;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.bastion.bench.latency.CoreToCoreProbe;
import io.bastion.ringbuffer.FanOutPolicy;
import io.bastion.ringbuffer.OneToManyRingProducer;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.RecordHandler;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of one producer thread publishing to {@code consumers} consumer threads, each of which reads every
 * message: Bastion's fan-out ring ({@link OneToManyRingProducer}, one producer region and one consumer region per
 * consumer, in files in {@code /dev/shm}) beside Aeron IPC (one exclusive publication, {@code consumers}
 * subscriptions to its stream, an embedded media driver), in the same run.
 * <p>
 * Both hold the producer to the slowest consumer: Bastion under {@link FanOutPolicy#blocking(long)} with no stall
 * timeout, Aeron's subscriptions tethered (its default). Bastion's ring holds {@value #CAPACITY} bytes; Aeron's term is
 * {@value #AERON_TERM_LENGTH} bytes, so its publication window (half a term) is the same 64 KiB. The driver runs
 * {@link ThreadingMode#SHARED} with a backing-off idle strategy, as in the latency suite: one more thread, which parks
 * when idle. A consumer thread yields when a poll finds nothing and the producer when an offer is refused, as agents
 * with a yielding idle strategy do: on a 2-core machine up to six threads share two cores, and a thread spinning
 * without yielding would keep the one it waits for off a core until the end of a time slice.
 * <p>
 * The benchmark method is the producer, one offer per call. Read the {@code published} counter (messages offered
 * successfully per second, which every consumer reads), not the primary score, which counts refused offers too. At
 * the end of each trial every consumer is drained and must have read exactly what was published, and the Bastion
 * producer must have evicted nobody; otherwise the trial fails.
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.security.provider=ALL-UNNAMED \
 *     -jar bench/target/benchmarks.jar \
 *     FanOutRingBenchmark -f 3 \
 *     -jvmArgsAppend "--add-opens java.base/jdk.internal.misc=ALL-UNNAMED \
 *     --add-opens java.base/sun.security.provider=ALL-UNNAMED"
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class FanOutRingBenchmark
{
    /** Capacity of the Bastion ring's records: 64 KiB, as {@link RingThroughputBenchmark} uses. */
    public static final int CAPACITY = RingThroughputBenchmark.CAPACITY;

    /** Aeron's IPC term length: twice the ring, so its publication window (half a term) equals the ring. */
    public static final int AERON_TERM_LENGTH = 2 * CAPACITY;

    /** Most messages one poll reads. */
    public static final int POLL_LIMIT = RingThroughputBenchmark.POLL_LIMIT;

    /** The Aeron stream every subscription reads. */
    public static final int STREAM_ID = 1001;

    /** Which transport. */
    @Param({"bastion-fanout", "aeron-ipc"})
    public String impl;

    /** How many consumer threads, each reading every message. */
    @Param({"1", "2", "4"})
    public int consumers;

    /** Payload bytes per message. */
    @Param({"64", "256"})
    public int size;

    private ShmFiles files;
    private Transport transport;
    private UnsafeBuffer payload;
    private Thread[] threads;
    private volatile boolean running;
    private long publishedTotal;

    /**
     * Offers that succeeded: the score to compare, messages per second each consumer reads.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class PublishedCounters
    {
        /** Messages published. */
        public long published;

        /**
         * Zero before each iteration.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            published = 0;
        }
    }

    /**
     * Offers refused because the slowest consumer had not made room.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class BackPressureCounters
    {
        /** Offers refused with back pressure. */
        public long backPressured;

        /**
         * Zero before each iteration.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            backPressured = 0;
        }
    }

    /**
     * Build the transport and start the consumer threads.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        CoreToCoreProbe.print("start");
        files = new ShmFiles();
        switch (impl)
        {
            case "bastion-fanout":
                transport = new BastionFanOut(consumers, files);
                break;
            case "aeron-ipc":
                transport = new AeronIpc(consumers, files.directory());
                break;
            default:
                throw new IllegalArgumentException("unknown transport: " + impl);
        }
        payload = BenchRing.payload(size);
        publishedTotal = 0;
        running = true;
        threads = new Thread[consumers];
        for (int i = 0; i < consumers; i++)
        {
            final int consumer = i;
            threads[i] = new Thread(() -> consume(consumer), "fan-out-consumer-" + i);
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    /**
     * Stop the consumers, drain them, check every one read everything, and close.
     *
     * @throws InterruptedException if interrupted while joining a consumer thread.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        running = false;
        for (final Thread thread : threads)
        {
            thread.join();
        }
        try
        {
            transport.checkAfterDrain(publishedTotal);
        }
        finally
        {
            CloseHelper.quietClose(transport);
            files.close();
            CoreToCoreProbe.print("end");
        }
    }

    /**
     * The producer: one offer per call.
     *
     * @param published     where successful offers are counted.
     * @param backPressured where refused offers are counted.
     */
    @Benchmark
    @Threads(1)
    public void producer(final PublishedCounters published, final BackPressureCounters backPressured)
    {
        if (transport.offer(payload, size))
        {
            published.published++;
            publishedTotal++;
        }
        else
        {
            backPressured.backPressured++;
            // With more threads than cores, a producer spinning on back pressure would keep a core from the very
            // consumer it waits for until the scheduler's time slice ends.
            Thread.yield();
        }
    }

    private void consume(final int consumer)
    {
        final Transport transport = this.transport;
        final PaddedLong consumed = transport.consumed[consumer];
        while (running)
        {
            final int read = transport.poll(consumer, POLL_LIMIT);
            if (read > 0)
            {
                consumed.value += read;
            }
            else
            {
                Thread.yield();
            }
        }
    }

    /**
     * One producer and {@code consumers} consumers over one transport. {@link #offer} is called by the producer thread
     * only, {@link #poll} for consumer {@code i} by that consumer's thread only.
     */
    abstract static class Transport implements AutoCloseable
    {
        final PaddedLong[] consumed;
        final PaddedLong[] checksums;

        Transport(final int consumers)
        {
            consumed = new PaddedLong[consumers];
            checksums = new PaddedLong[consumers];
            for (int i = 0; i < consumers; i++)
            {
                consumed[i] = new PaddedLong();
                checksums[i] = new PaddedLong();
            }
        }

        abstract boolean offer(DirectBuffer src, int length);

        abstract int poll(int consumer, int limit);

        /**
         * After the consumer threads stopped: read what is left, then check each consumer read every message.
         */
        void checkAfterDrain(final long published)
        {
            for (int i = 0; i < consumed.length; i++)
            {
                for (int idle = 0; idle < 1_000 && consumed[i].value < published; idle++)
                {
                    final int read = poll(i, POLL_LIMIT);
                    consumed[i].value += read;
                    if (0 == read)
                    {
                        Thread.yield();
                    }
                }
                if (consumed[i].value != published)
                {
                    throw new IllegalStateException(
                        "consumer " + i + " read " + consumed[i].value + " of " + published + " messages");
                }
            }
        }

        @Override
        public void close()
        {
        }
    }

    static final class BastionFanOut extends Transport
    {
        private final OneToManyRingProducer producer;
        private final OneToOneRingConsumer[] ringConsumers;
        private final RecordHandler[] handlers;

        BastionFanOut(final int consumers, final ShmFiles files)
        {
            super(consumers);
            final UnsafeBuffer producerRegion =
                files.map("fanout-producer", OneToOneRingDescriptor.producerRegionLength(CAPACITY));
            // No stall timeout: these consumers never beat, and every one must read every message, as Aeron's
            // tethered subscriptions do.
            producer = new OneToManyRingProducer(
                producerRegion, consumers, FanOutPolicy.blocking(Long.MAX_VALUE), SystemEpochClock.INSTANCE);
            ringConsumers = new OneToOneRingConsumer[consumers];
            handlers = new RecordHandler[consumers];
            for (int i = 0; i < consumers; i++)
            {
                final UnsafeBuffer region =
                    files.map("fanout-consumer-" + i, OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
                final int slot = producer.attach(region);
                ringConsumers[i] = new OneToOneRingConsumer(
                    producerRegion, region, SystemEpochClock.INSTANCE, producer.joinPosition(slot));
                final PaddedLong checksum = checksums[i];
                handlers[i] = (typeId, buffer, offset, length) -> checksum.value += buffer.getLong(offset);
            }
        }

        boolean offer(final DirectBuffer src, final int length)
        {
            return producer.write(BenchRing.TYPE_ID, src, 0, length) > 0;
        }

        int poll(final int consumer, final int limit)
        {
            return ringConsumers[consumer].read(handlers[consumer], limit);
        }

        @Override
        void checkAfterDrain(final long published)
        {
            if (0 != producer.evictions())
            {
                throw new IllegalStateException("the producer evicted " + producer.evictions() + " consumers");
            }
            super.checkAfterDrain(published);
        }
    }

    static final class AeronIpc extends Transport
    {
        private static final String CHANNEL = "aeron:ipc";
        private static final long CONNECT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

        private final MediaDriver driver;
        private final Aeron aeron;
        private final ExclusivePublication publication;
        private final Subscription[] subscriptions;
        private final FragmentHandler[] handlers;

        AeronIpc(final int consumers, final File parent)
        {
            super(consumers);
            final File directory = new File(parent, "bastion-bench-aeron-" + ProcessHandle.current().pid());
            driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                .aeronDirectoryName(directory.getAbsolutePath())
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(
                    10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)))
                .ipcTermBufferLength(AERON_TERM_LENGTH)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .warnIfDirectoryExists(false)
                .printConfigurationOnStart(false));
            Aeron client = null;
            try
            {
                client = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
                publication = client.addExclusivePublication(CHANNEL, STREAM_ID);
                subscriptions = new Subscription[consumers];
                handlers = new FragmentHandler[consumers];
                for (int i = 0; i < consumers; i++)
                {
                    subscriptions[i] = client.addSubscription(CHANNEL, STREAM_ID);
                    final PaddedLong checksum = checksums[i];
                    handlers[i] = (buffer, offset, length, header) -> checksum.value += buffer.getLong(offset);
                }
                awaitConnected();
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(client);
                driver.close();
                throw ex;
            }
            aeron = client;
        }

        private void awaitConnected()
        {
            final long deadlineNs = System.nanoTime() + CONNECT_TIMEOUT_NS;
            while (!publication.isConnected() || !allSubscriptionsConnected())
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("the Aeron IPC stream did not connect");
                }
                Thread.yield();
            }
        }

        private boolean allSubscriptionsConnected()
        {
            for (final Subscription subscription : subscriptions)
            {
                if (!subscription.isConnected())
                {
                    return false;
                }
            }
            return true;
        }

        boolean offer(final DirectBuffer src, final int length)
        {
            final long result = publication.offer(src, 0, length);
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new IllegalStateException("the Aeron publication failed: " + Publication.errorString(result));
            }
            return result > 0;
        }

        int poll(final int consumer, final int limit)
        {
            return subscriptions[consumer].poll(handlers[consumer], limit);
        }

        @Override
        public void close()
        {
            CloseHelper.closeAll(subscriptions);
            CloseHelper.closeAll(publication, aeron, driver);
        }
    }
}
