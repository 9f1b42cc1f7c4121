package io.bastion.bench.latency;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The pinger's handle on one {@link Ponger} process: the same java binary and class path, with the flags Agrona and
 * the native libraries need, one GC thread and a modest heap. Its stdin carries the case's secrets and then
 * {@code stop}; its stdout lines ({@code ready}, {@code done echoes=N}) come back here; its stderr goes to an
 * owner-only file shown when it fails. Closing stdin ends it, so a killed suite leaves no ponger behind.
 */
final class PongerProcess implements AutoCloseable
{
    private static final String END = "\u0000end";
    private static final long STOP_WAIT_MS = 10_000;
    private static final int STDERR_SHOWN = 4_000;

    private final Process process;
    private final Path stderr;
    private final OutputStream stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private PongerProcess(final Process process, final Path stderr)
    {
        this.process = process;
        this.stderr = stderr;
        this.stdin = process.getOutputStream();
        final Thread reader = new Thread(this::readStdout, "bastion-ponger-stdout");
        reader.setDaemon(true);
        reader.start();
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
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");
        // JNA and junixsocket load native code: JDK 24 and later warn on stderr without this (JDK 17 accepts it).
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Ponger.class.getName());
        command.add(latencyCase.label());
        command.add(folder.path().toString());
        command.add(idle);
        command.add(Integer.toString(cpu));
        command.addAll(transport.pongerArgs());
        final Path stderr = folder.newFile("ponger-" + latencyCase.label() + ".stderr");
        final Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .start();
        final PongerProcess ponger = new PongerProcess(process, stderr);
        try
        {
            for (final String secret : transport.pongerSecrets())
            {
                ponger.send(secret);
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

    private void readStdout()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                lines.add(line);
            }
        }
        catch (final IOException ex)
        {
            // The process is gone: the end marker says so.
        }
        lines.add(END);
    }

    private void send(final String line) throws IOException
    {
        stdin.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
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
                final int code = process.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
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
        return process.isAlive();
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
        send("stop");
        final String done = awaitLine("done", STOP_WAIT_MS);
        stdin.close();
        if (!process.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS))
        {
            throw new IOException("the ponger did not exit within " + STOP_WAIT_MS + " ms");
        }
        if (0 != process.exitValue())
        {
            throw new IOException("the ponger exited with code " + process.exitValue() + ": " + stderr());
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
        try
        {
            final String text = Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.UTF_8).strip() : "";
            if (text.isEmpty())
            {
                return "(nothing on stderr)";
            }
            return text.length() > STDERR_SHOWN ? "..." + text.substring(text.length() - STDERR_SHOWN) : text;
        }
        catch (final IOException ex)
        {
            return "(stderr unreadable: " + ex.getMessage() + ")";
        }
    }

    /**
     * End the ponger if it still runs: close its stdin, then SIGTERM, then SIGKILL, each after a bounded wait.
     */
    @Override
    public void close()
    {
        try
        {
            stdin.close();
        }
        catch (final IOException ex)
        {
            // Already closed: the ponger has seen the end of stdin.
        }
        try
        {
            if (!process.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroy();
                if (!process.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly();
                }
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
