package io.bastion.bench.latency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a two-thread benchmark runs its producer and its consumer: wherever the scheduler puts them
 * ({@code none}), or pinned to two different CPUs ({@code P/C}). Two hyperthreads of one core (siblings in
 * {@code /sys/devices/system/cpu/cpuN/topology/thread_siblings_list}) give the near placement, CPUs of different
 * cores the far one; {@link #describe()} says which. One CPU for both is refused: two busy-spinning threads
 * time-sharing one CPU measure the scheduler, not the ring. Parsed from a JMH parameter such as
 * {@code -p cpus=0/1}.
 * <p>
 * Immutable and thread safe.
 */
public final class CorePlacement
{
    /** The parameter value that leaves both threads to the scheduler. */
    public static final String NONE = "none";

    /** Left to the scheduler. */
    public static final CorePlacement UNPINNED = new CorePlacement(-1, -1);

    private final int producerCpu;
    private final int consumerCpu;

    private CorePlacement(final int producerCpu, final int consumerCpu)
    {
        this.producerCpu = producerCpu;
        this.consumerCpu = consumerCpu;
    }

    /**
     * Parse a placement.
     *
     * @param spec {@code none}, or {@code P/C}: the producer's CPU, then the consumer's.
     * @return the placement.
     * @throws IllegalArgumentException if {@code spec} is neither form, or names a CPU this JVM cannot see.
     */
    public static CorePlacement parse(final String spec)
    {
        if (NONE.equals(spec))
        {
            return UNPINNED;
        }
        final String[] parts = spec.split("/", -1);
        if (parts.length != 2)
        {
            throw new IllegalArgumentException(
                "cpus must be 'none' or 'PRODUCER/CONSUMER', e.g. 0/1 (JMH splits values at commas): " + spec);
        }
        final int producer = cpu(parts[0], spec);
        final int consumer = cpu(parts[1], spec);
        if (producer == consumer)
        {
            throw new IllegalArgumentException("cpus " + spec + " puts both threads on one cpu, where busy-spinning " +
                "threads measure the scheduler: for the near placement name two hyperthreads of one core (see " +
                "/sys/devices/system/cpu/cpu" + producer + "/topology/thread_siblings_list)");
        }
        return new CorePlacement(producer, consumer);
    }

    /**
     * Whether the threads are pinned.
     *
     * @return false for {@link #UNPINNED}.
     */
    public boolean isPinned()
    {
        return producerCpu >= 0;
    }

    /**
     * Pin the calling thread where the producer goes; does nothing when unpinned.
     */
    public void pinProducer()
    {
        if (isPinned())
        {
            ThreadAffinity.pin(producerCpu);
        }
    }

    /**
     * Pin the calling thread where the consumer goes; does nothing when unpinned.
     */
    public void pinConsumer()
    {
        if (isPinned())
        {
            ThreadAffinity.pin(consumerCpu);
        }
    }

    /**
     * A line for the benchmark's log.
     *
     * @return e.g. {@code producer on cpu 0, consumer on cpu 1 (different cores)}, or {@code (one core's
     *         hyperthreads)} when the kernel lists the two as siblings.
     */
    public String describe()
    {
        if (!isPinned())
        {
            return "threads not pinned";
        }
        return "producer on cpu " + producerCpu + ", consumer on cpu " + consumerCpu +
            (areSiblings(producerCpu, consumerCpu) ? " (one core's hyperthreads)" : " (different cores)");
    }

    private static boolean areSiblings(final int cpu, final int other)
    {
        final Path list = Path.of("/sys/devices/system/cpu/cpu" + cpu + "/topology/thread_siblings_list");
        try
        {
            // A list such as "0,64" or "0-1".
            for (final String part : Files.readString(list).trim().split(","))
            {
                final String[] range = part.split("-");
                final int from = Integer.parseInt(range[0]);
                final int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (other >= from && other <= to)
                {
                    return true;
                }
            }
            return false;
        }
        catch (final IOException | NumberFormatException ex)
        {
            return false;
        }
    }

    private static int cpu(final String text, final String spec)
    {
        final int cpu;
        try
        {
            cpu = Integer.parseInt(text.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("not a cpu number in '" + spec + "': " + text, ex);
        }
        final int available = Runtime.getRuntime().availableProcessors();
        if (cpu < 0 || cpu >= available)
        {
            throw new IllegalArgumentException("cpu " + cpu + " is not one of this host's 0.." + (available - 1));
        }
        return cpu;
    }
}
