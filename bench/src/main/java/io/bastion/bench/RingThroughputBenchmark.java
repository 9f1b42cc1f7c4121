package io.bastion.bench;

import io.bastion.bench.latency.CorePlacement;
import io.bastion.bench.latency.CoreToCoreProbe;
import org.agrona.concurrent.UnsafeBuffer;
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
 * Throughput of one producer thread and one consumer thread through a ring in a mapped file in
 * {@code /dev/shm}: Bastion's one-to-one and many-to-one rings beside Agrona's, in the same run.
 * <p>
 * The primary score counts every call, including failed offers and empty polls; read the
 * {@code consumed} counter (messages actually read per second) instead.
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.security.provider=ALL-UNNAMED \
 *     -jar bench/target/benchmarks.jar \
 *     RingThroughputBenchmark -f 3 -prof gc \
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
@State(Scope.Group)
public class RingThroughputBenchmark
{
    /** Capacity of every ring's records: 64 KiB, as Agrona's own benchmarks use. */
    public static final int CAPACITY = 64 * 1024;

    /** Most messages one poll reads. */
    public static final int POLL_LIMIT = 256;

    /** Which ring. */
    @Param({"bastion-spsc", "agrona-spsc", "bastion-mpsc", "agrona-mpsc"})
    public String impl;

    /** Payload bytes per message. */
    @Param({"64", "256"})
    public int size;

    /**
     * What the consumer does after a poll: {@code none} polls again at once; {@code spin} calls
     * {@link Thread#onSpinWait()} after an empty poll, as an agent with Agrona's {@code BusySpinIdleStrategy} does;
     * {@code batch} waits after a short poll so that records gather (see {@link ConsumerIdle}).
     */
    @Param({"none"})
    public String idle;

    /**
     * Where the two threads run: {@code none} (the scheduler decides), or {@code P/C}, the producer's CPU then the
     * consumer's (see {@link CorePlacement}), e.g. {@code -p cpus=0/1}.
     */
    @Param({CorePlacement.NONE})
    public String cpus;

    private CorePlacement placement;

    private ShmFiles files;
    private ConsumerIdle consumerIdle;
    private BenchRing ring;
    private UnsafeBuffer payload;

    /**
     * Messages the consumer actually read: the score to compare.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class ConsumerCounters
    {
        /** Messages read. */
        public long consumed;

        /**
         * Pin the consumer thread, when the benchmark places its threads.
         *
         * @param benchmark the group's state, set up first.
         */
        @Setup(Level.Trial)
        public void pin(final RingThroughputBenchmark benchmark)
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
     * Offers the producer made that found the ring full.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class ProducerCounters
    {
        /** Offers refused with back pressure. */
        public long backPressured;

        /**
         * Pin the producer thread, when the benchmark places its threads.
         *
         * @param benchmark the group's state, set up first.
         */
        @Setup(Level.Trial)
        public void pin(final RingThroughputBenchmark benchmark)
        {
            benchmark.placement.pinProducer();
        }

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
     * Map the ring and fill the payload.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        placement = CorePlacement.parse(cpus);
        files = new ShmFiles();
        ring = BenchRing.create(impl, CAPACITY, files);
        payload = BenchRing.payload(size);
        consumerIdle = ConsumerIdle.parse(idle);
        CoreToCoreProbe.print("start", placement);
    }

    /**
     * Unmap and delete the ring's files.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        CoreToCoreProbe.print("end", placement);
        files.close();
    }

    /**
     * The producer: one offer per call.
     *
     * @param counters where refused offers are counted.
     */
    @Benchmark
    @Group("ring")
    @GroupThreads(1)
    public void producer(final ProducerCounters counters)
    {
        if (!ring.offer(payload, size))
        {
            counters.backPressured++;
        }
    }

    /**
     * The consumer: one poll per call.
     *
     * @param counters where messages read are counted.
     */
    @Benchmark
    @Group("ring")
    @GroupThreads(1)
    public void consumer(final ConsumerCounters counters)
    {
        final int read = ring.poll(POLL_LIMIT);
        if (read > 0)
        {
            counters.consumed += read;
        }
        consumerIdle.afterPoll(read);
    }
}
