package io.bastion.bench.latency;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The pinger's handle on one {@link Ponger} process, a {@link ChildProcess}. Its stdin carries the case's secrets and
 * then {@code stop}; its stdout lines ({@code ready}, {@code done echoes=N}) come back here; its stderr goes to an
 * owner-only file in the suite's folder, shown when it fails. Closing stdin ends it, so a killed suite leaves no
 * ponger behind.
 */
final class PongerProcess implements AutoCloseable
{
    private static final String END = "\u0000end";
    private static final long STOP_WAIT_MS = 10_000;

    private final ChildProcess child;
    private final BlockingQueue<String> lines;

    private PongerProcess(final ChildProcess child, final BlockingQueue<String> lines)
    {
        this.child = child;
        this.lines = lines;
    }

    /**
     * Start a ponger for a case and wait until it is attached.
     *
     * @param latencyCase the case.
     * @param folder      the suite's folder (its stderr file goes there too).
     * @param transport   the case's transport, for the ponger's arguments and secrets.
     * @param idle        the idle strategy's name.
     * @param cpu         the CPU to pin its echo thread to, or {@link MeasuringThread#NO_CPU}.
     * @param timeoutMs   how long to wait for {@code ready}.
     * @return the running ponger.
     * @throws IOException if it cannot start or fails before it is ready.
     * @throws InterruptedException if interrupted while waiting.
     */
    static PongerProcess start(
        final LatencyCase latencyCase, final SharedFolder folder, final CaseTransport transport, final String idle,
        final int cpu, final long timeoutMs) throws IOException, InterruptedException
    {
        final List<String> args = new ArrayList<>();
        args.add(latencyCase.label());
        args.add(folder.path().toString());
        args.add(idle);
        args.add(Integer.toString(cpu));
        args.addAll(transport.pongerArgs());
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final ChildProcess child = ChildProcess.start("ponger",
            folder.path().resolve("ponger-" + latencyCase.label() + ".stderr"),
            (from, line) -> lines.add(null == line ? END : line), Ponger.class.getName(), args);
        final PongerProcess ponger = new PongerProcess(child, lines);
        try
        {
            for (final String secret : transport.pongerSecrets())
            {
                // A ponger that is gone already is reported by the wait for its line.
                child.send(secret);
            }
            ponger.awaitLine("ready", timeoutMs);
            return ponger;
        }
        catch (final IOException | InterruptedException | RuntimeException ex)
        {
            ponger.close();
            throw ex;
        }
    }

    private String awaitLine(final String prefix, final long timeoutMs) throws IOException, InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final String line = lines.poll(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (null == line)
            {
                throw new IOException("the ponger said nothing for " + timeoutMs + " ms (waiting for '" + prefix +
                    "'): " + stderr());
            }
            if (END.equals(line))
            {
                final int code = child.awaitExit(STOP_WAIT_MS);
                throw new IOException("the ponger ended (exit code " + code + ") before '" + prefix + "': " +
                    stderr());
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    /**
     * Whether the ponger still runs.
     *
     * @return true if alive.
     */
    boolean isAlive()
    {
        return child.isAlive();
    }

    /**
     * Stop the ponger and check that it ended well.
     *
     * @return how many messages it echoed.
     * @throws IOException if it fails, exits with an error or does not stop in time.
     * @throws InterruptedException if interrupted while waiting.
     */
    long stop() throws IOException, InterruptedException
    {
        child.send("stop");
        final String done = awaitLine("done", STOP_WAIT_MS);
        child.closeStdin();
        final int code = child.awaitExit(STOP_WAIT_MS);
        if (code < 0)
        {
            throw new IOException("the ponger did not exit within " + STOP_WAIT_MS + " ms");
        }
        if (0 != code)
        {
            throw new IOException("the ponger exited with code " + code + ": " + stderr());
        }
        return Long.parseLong(done.substring(done.indexOf('=') + 1).strip());
    }

    /**
     * What the ponger wrote on stderr, its last few thousand characters.
     *
     * @return the text, or a note that there is none.
     */
    String stderr()
    {
        return child.stderr();
    }

    /**
     * End the ponger if it still runs: close its stdin, then SIGTERM, then SIGKILL, each after a bounded wait.
     */
    @Override
    public void close()
    {
        child.stop(STOP_WAIT_MS);
    }
}
