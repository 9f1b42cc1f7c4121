package io.bastion.tools.pubsub;

import io.bastion.tools.cli.ExitCodes;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C (SIGINT) or SIGTERM into a clean stop with exit code 0, for a command whose normal end is a signal:
 * a shutdown hook asks the command's loop to stop, waits until it has closed its client and flushed its output
 * ({@link #finished()}), then halts the JVM with {@link ExitCodes#OK}. When the command ends by itself, it calls
 * {@link #finished()} first and the hook does nothing, so its own exit code stands.
 */
final class SignalStop
{
    private static final long FINISH_WAIT_MS = 5_000;

    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean requested;
    private volatile boolean finished;

    private SignalStop()
    {
    }

    /**
     * Install the hook.
     *
     * @return the stop to ask and to finish.
     */
    static SignalStop install()
    {
        final SignalStop stop = new SignalStop();
        Runtime.getRuntime().addShutdownHook(new Thread(stop::onSignal, "bastion-signal-stop"));
        return stop;
    }

    private void onSignal()
    {
        if (finished)
        {
            return;
        }
        requested = true;
        try
        {
            done.await(FINISH_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        // The JVM would end with 128 + the signal; a stop the user asked for is a success.
        Runtime.getRuntime().halt(ExitCodes.OK);
    }

    /**
     * Whether a signal asked the command to stop.
     *
     * @return true once asked.
     */
    boolean requested()
    {
        return requested;
    }

    /**
     * Say that the command has closed what it holds and flushed its output.
     */
    void finished()
    {
        finished = true;
        done.countDown();
    }
}
