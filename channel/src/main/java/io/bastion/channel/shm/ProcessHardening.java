package io.bastion.channel.shm;

import java.io.IOException;

/**
 * Hardening of the running process against other processes of the same user, Linux only.
 * <p>
 * A process that is not dumpable ({@code prctl(PR_SET_DUMPABLE, 0)}) has its {@code /proc/PID} entries owned by
 * root, and the kernel allows {@code ptrace} and the ptrace-guarded entries ({@code /proc/PID/fd}, {@code mem},
 * {@code maps}, {@code environ}) only to callers with {@code CAP_SYS_PTRACE}. So another process of the same user can
 * neither attach a debugger, read or write this process's memory (keys, ring contents), nor reopen its shared-memory
 * descriptors through {@code /proc/PID/fd/N}; and the process writes no core dump. The process itself keeps using
 * {@code /proc/self/fd}, so {@link SharedMemory#readOnlyDescriptor} still works.
 * <p>
 * The price: tools that attach to the JVM as the same user ({@code jcmd}, {@code jstack}, async-profiler) stop
 * working, and a crash leaves no core file. The kernel sets the flag back on {@code execve} of an ordinary binary.
 */
public final class ProcessHardening
{
    static final int PR_GET_DUMPABLE = 3;
    static final int PR_SET_DUMPABLE = 4;

    private ProcessHardening()
    {
    }

    /**
     * Make this process non-dumpable: {@code prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)}. Call it early, before keys or
     * shared memory exist.
     *
     * @return true if the call succeeded; false where unsupported (not Linux on x86_64 or aarch64, or JNA cannot
     * load) or if it failed. Never throws.
     */
    public static boolean disableDumping()
    {
        if (!SharedMemory.isLinux64())
        {
            return false;
        }
        try
        {
            return 0 == LibC.processControl(PR_SET_DUMPABLE, 0L);
        }
        catch (final IOException | LinkageError ex)
        {
            return false;
        }
    }

    /**
     * Whether this process is dumpable: {@code prctl(PR_GET_DUMPABLE)} is not 0.
     *
     * @return false once {@link #disableDumping()} succeeded; true where it cannot be asked (not Linux on x86_64 or
     * aarch64, or JNA cannot load), since nothing then says the process is protected.
     */
    public static boolean isDumpable()
    {
        if (!SharedMemory.isLinux64())
        {
            return true;
        }
        try
        {
            return 0 != LibC.processControl(PR_GET_DUMPABLE, 0L);
        }
        catch (final IOException | LinkageError ex)
        {
            return true;
        }
    }
}
