package io.bastion.bench.latency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Pins the calling thread to one CPU with {@code taskset}, when the machine has it and more than one CPU. Only the
 * measuring thread moves, not the JVM's compiler and GC threads, nor an embedded broker or media driver.
 */
final class CpuPinning
{
    private static final Path TASKSET = findTaskset();
    private static final long WAIT_MS = 10_000;

    private CpuPinning()
    {
    }

    private static Path findTaskset()
    {
        for (final String candidate : new String[]{"/usr/bin/taskset", "/bin/taskset"})
        {
            final Path path = Path.of(candidate);
            if (Files.isExecutable(path))
            {
                return path;
            }
        }
        return null;
    }

    /**
     * Whether pinning can work here.
     *
     * @return null if it can, else why not.
     */
    static String unavailableReason()
    {
        if (null == TASKSET)
        {
            return "taskset is not installed";
        }
        if (Runtime.getRuntime().availableProcessors() < 2)
        {
            return "this machine has one CPU";
        }
        return null;
    }

    /**
     * Pin the calling thread to a CPU.
     *
     * @param cpu the CPU number.
     * @throws IOException if pinning is unavailable or taskset refuses.
     */
    static void pinCurrentThread(final int cpu) throws IOException
    {
        final String reason = unavailableReason();
        if (null != reason)
        {
            throw new IOException("cannot pin to CPU " + cpu + ": " + reason);
        }
        // /proc/thread-self is the calling thread's own folder: .../task/<tid>.
        final String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        final Process process = new ProcessBuilder(TASKSET.toString(), "-p", "-c", Integer.toString(cpu), tid)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        try
        {
            if (!process.waitFor(WAIT_MS, TimeUnit.MILLISECONDS) || 0 != process.exitValue())
            {
                process.destroyForcibly();
                throw new IOException("taskset could not pin thread " + tid + " to CPU " + cpu);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pinning to CPU " + cpu, ex);
        }
    }
}
