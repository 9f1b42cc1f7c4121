package io.bastion.bench.latency;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Pins the calling thread to one CPU with Linux's {@code sched_setaffinity(2)}, so that a benchmark can place its
 * two threads on one core's hyperthreads or on different cores and measure both placements on one host. Only the
 * calling thread moves, not the JVM's compiler and GC threads, nor an embedded broker or media driver.
 * <p>
 * Thread safe; each call affects only the calling thread.
 */
public final class ThreadAffinity
{
    private static final int BITS_PER_WORD = Long.SIZE;

    static
    {
        Native.register(ThreadAffinity.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private ThreadAffinity()
    {
    }

    /**
     * Whether pinning can mean anything here.
     *
     * @return null if it can, else why not.
     */
    public static String unavailableReason()
    {
        return Runtime.getRuntime().availableProcessors() < 2 ? "this machine has one CPU" : null;
    }

    /**
     * Pin the calling thread to {@code cpu}.
     *
     * @param cpu a CPU number this process may run on.
     * @throws IllegalArgumentException if the CPU number is negative.
     * @throws IllegalStateException    if the kernel refuses (the CPU does not exist, is offline or is outside this
     *                                  process's allowed set), with the errno.
     */
    public static void pin(final int cpu)
    {
        if (cpu < 0)
        {
            throw new IllegalArgumentException("cpu must be >= 0: " + cpu);
        }
        final long[] mask = new long[cpu / BITS_PER_WORD + 1];
        mask[cpu / BITS_PER_WORD] = 1L << (cpu % BITS_PER_WORD);
        try
        {
            // pid 0 is the calling thread.
            sched_setaffinity(0, (long)mask.length * Long.BYTES, mask);
        }
        catch (final LastErrorException ex)
        {
            throw new IllegalStateException(
                "cannot pin this thread to cpu " + cpu + " (errno " + ex.getErrorCode() + "): this host offers cpus " +
                "0.." + (Runtime.getRuntime().availableProcessors() - 1), ex);
        }
    }

    @SuppressWarnings("checkstyle:methodname")
    private static native int sched_setaffinity(int pid, long cpuSetSize, long[] mask) throws LastErrorException;
}
