package io.bastion.bench.latency;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The facts about the machine that latency figures mean nothing without: the CPU model, the CPUs this JVM may use,
 * the JDK, the operating system, and how long a cache line takes to travel between two threads here
 * ({@link CoreToCoreProbe}, the same probe the JMH benchmarks print), as its samples and their median.
 *
 * @param cpuModel         the CPU model from {@code /proc/cpuinfo}, or {@code unknown}.
 * @param cpus             CPUs available to this JVM.
 * @param jdk              the JDK's vendor and runtime version.
 * @param vm               the VM's name and version.
 * @param os               the operating system's name, version and architecture.
 * @param coreToCoreNanos  the probe's samples, nanoseconds per round trip.
 * @param coreToCoreMedian the samples' median.
 * @param startedAt        when the suite started.
 */
public record MachineFacts(
    String cpuModel, int cpus, String jdk, String vm, String os, double[] coreToCoreNanos, double coreToCoreMedian,
    Instant startedAt)
{
    /**
     * Look at this machine and run the core-to-core probe (a fraction of a second on an idle machine).
     *
     * @return the facts.
     * @throws InterruptedException if interrupted during the probe.
     */
    public static MachineFacts probe() throws InterruptedException
    {
        final Instant startedAt = Instant.now();
        final double[] samples = CoreToCoreProbe.sampleRoundTripNanos();
        return new MachineFacts(readCpuModel(), Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " " +
                System.getProperty("os.arch"),
            samples, CoreToCoreProbe.median(samples), startedAt);
    }

    private static String readCpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        }
        catch (final IOException ex)
        {
            // Not Linux, or hidden: say so below.
        }
        return "unknown";
    }
}
