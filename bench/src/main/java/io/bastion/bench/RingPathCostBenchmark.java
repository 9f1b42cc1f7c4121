package io.bastion.bench;

import org.agrona.concurrent.UnsafeBuffer;
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
 * The cost of each ring's own code per message, on one thread: {@link #BATCH} writes, then one read of them all.
 * No second core is involved, so unlike {@link RingThroughputBenchmark} the figure does not depend on the
 * cross-core speed of the machine (which flips between modes on the 2-core VM) nor on which of a full or an empty
 * ring a fork settles in: it tells the instructions and stores each implementation spends, and is stable enough to
 * compare two builds of one ring.
 * <pre>
 * java --add-opens java.base/jdk.internal.misc=ALL-UNNAMED --add-opens java.base/sun.security.provider=ALL-UNNAMED \
 *     -jar bench/target/benchmarks.jar \
 *     RingPathCostBenchmark -f 3 -prof gc \
 *     -jvmArgsAppend "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED \
 *     --add-opens=java.base/sun.security.provider=ALL-UNNAMED"
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"})
@State(Scope.Thread)
public class RingPathCostBenchmark
{
    /** Messages written, then read, per invocation; the score is per message. */
    public static final int BATCH = 100;

    /** Which ring. */
    @Param({"bastion-spsc", "agrona-spsc", "bastion-mpsc", "agrona-mpsc"})
    public String impl;

    /** Payload bytes per message. */
    @Param({"64", "256"})
    public int size;

    private ShmFiles files;
    private BenchRing ring;
    private UnsafeBuffer payload;

    /**
     * Map the ring and fill the payload.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        files = new ShmFiles();
        ring = BenchRing.create(impl, RingThroughputBenchmark.CAPACITY, files);
        payload = BenchRing.payload(size);
    }

    /**
     * Unmap and delete the ring's files.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        files.close();
    }

    /**
     * Write a batch, then read it back.
     *
     * @return messages read, so that nothing is dead code.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int writeBatchThenRead()
    {
        final BenchRing ring = this.ring;
        final UnsafeBuffer payload = this.payload;
        final int size = this.size;
        for (int i = 0; i < BATCH; i++)
        {
            if (!ring.offer(payload, size))
            {
                throw new IllegalStateException("a batch must fit in the ring: " + impl);
            }
        }
        // Agrona's rings stop a read at the end of the buffer; the next poll carries on from the start.
        int read = 0;
        for (int polls = 0; read < BATCH; polls++)
        {
            if (polls > 2)
            {
                throw new IllegalStateException("read " + read + " of " + BATCH + ": " + impl);
            }
            read += ring.poll(BATCH - read);
        }
        return read;
    }
}
