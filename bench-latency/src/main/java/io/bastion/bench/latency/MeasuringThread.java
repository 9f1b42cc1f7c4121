package io.bastion.bench.latency;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs a loop on a thread of its own, named and optionally pinned to a CPU, and waits for it: so that the pinger and
 * the ponger measure on threads set up alike in both processes.
 */
final class MeasuringThread
{
    /** No pinning. */
    static final int NO_CPU = -1;

    private MeasuringThread()
    {
    }

    /**
     * Run a task on a new thread and wait for its result.
     *
     * @param name the thread's name.
     * @param cpu  the CPU to pin it to, or {@link #NO_CPU}.
     * @param task the work.
     * @param <T>  the result's type.
     * @return the task's result.
     * @throws Exception what the task (or pinning) threw.
     */
    static <T> T call(final String name, final int cpu, final Callable<T> task) throws Exception
    {
        final FutureTask<T> future = new FutureTask<>(() ->
        {
            if (NO_CPU != cpu)
            {
                ThreadAffinity.pin(cpu);
            }
            return task.call();
        });
        final Thread thread = new Thread(future, name);
        thread.start();
        try
        {
            return future.get();
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            if (cause instanceof Exception)
            {
                throw (Exception)cause;
            }
            if (cause instanceof Error)
            {
                throw (Error)cause;
            }
            throw ex;
        }
        finally
        {
            thread.join();
        }
    }
}
