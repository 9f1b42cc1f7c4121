package io.bastion.bench.latency;

import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A helper process that main code starts: a main class of this JVM's class path, run on the same java binary with
 * the flags Agrona and the native libraries need, one GC thread and a modest heap (a ponger or a demo child runs
 * beside its parent on few cores). The one place that starts such a process, for the latency suite's ponger and the
 * children of {@code bastion demo}; tests start theirs with the test support's {@code ChildJvm}.
 * <p>
 * Its stdout lines go to a {@link LineListener} on a daemon thread, then a {@code null} line once stdout ends. Its
 * stderr is appended to a file created owner-only (a child's stderr may name paths and peers), shown by
 * {@link #stderr()} when it fails. Its stdin carries the parent's commands, one a line; a child that ends itself when
 * its stdin closes never outlives a parent that was killed. {@link #stop(long)} (and {@link #close()}) closes stdin,
 * then sends SIGTERM, then SIGKILL, each after a bounded wait.
 */
public final class ChildProcess implements AutoCloseable
{
    /** How long {@link #close()} waits for the child after closing its stdin, and again after SIGTERM. */
    public static final long CLOSE_WAIT_MS = 5_000;

    private static final int STDERR_SHOWN = 4_000;

    private final String name;
    private final Process process;
    private final Path stderr;
    private final OutputStream stdin;

    /**
     * Takes the lines a child prints on stdout.
     */
    @FunctionalInterface
    public interface LineListener
    {
        /**
         * A line the child printed, on the thread that reads its stdout.
         *
         * @param child the child.
         * @param line  the line without its end, or {@code null} once stdout ended (the child exited or closed it).
         */
        void onLine(ChildProcess child, String line);
    }

    private ChildProcess(final String name, final Process process, final Path stderr)
    {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = process.getOutputStream();
    }

    /**
     * Start a child and the thread that reads its stdout.
     *
     * @param name      a short name, for messages and the reader thread.
     * @param stderr    the file its stderr goes to: created owner-only here if it does not exist, appended to.
     * @param lines     where its stdout lines go.
     * @param mainClass the name of the class whose {@code main} it runs, on this JVM's class path.
     * @param args      the arguments of {@code main}.
     * @return the running child.
     * @throws IOException if the stderr file cannot be created or the child cannot be started.
     */
    public static ChildProcess start(
        final String name, final Path stderr, final LineListener lines, final String mainClass, final List<String> args)
            throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        // HmacSha256's fast path restarts the JDK's SHA-256 (docs/fast-hmac.md); without this it falls back.
        command.add("--add-opens");
        command.add("java.base/sun.security.provider=ALL-UNNAMED");
        // JNA and junixsocket load native code: JDK 24 and later warn on stderr without this (JDK 17 accepts it).
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        if (!Files.exists(stderr))
        {
            // A redirect would create it with the umask (0644); appending to it keeps the mode it was created with.
            new OwnerOnlyFiles(FilePolicy.ownerOnly()).createFile(stderr).close();
        }
        final Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
        final ChildProcess child = new ChildProcess(name, process, stderr);
        final Thread reader = new Thread(() -> child.readStdout(lines), "bastion-child-" + name);
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    private void readStdout(final LineListener lines)
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                lines.onLine(this, line);
            }
        }
        catch (final IOException ex)
        {
            // The child is gone: the null line below says so.
        }
        lines.onLine(this, null);
    }

    /**
     * The child's name.
     *
     * @return the name it was started with.
     */
    public String name()
    {
        return name;
    }

    /**
     * The child's process id.
     *
     * @return the pid.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * Send a line to the child's stdin.
     *
     * @param line the line, without its end.
     * @return false if the child's stdin is closed: the child is gone, and its exit code and {@link #stderr()} say
     * why.
     */
    public boolean send(final String line)
    {
        try
        {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Close the child's stdin: the end of the parent's commands.
     */
    public void closeStdin()
    {
        try
        {
            stdin.close();
        }
        catch (final IOException ex)
        {
            // Closed already, or the child is gone: either way it has seen the end of its stdin.
        }
    }

    /**
     * Wait for the child to exit.
     *
     * @param timeoutMs how long to wait at most.
     * @return its exit code, or -1 if it still runs.
     * @throws InterruptedException if interrupted while waiting.
     */
    public int awaitExit(final long timeoutMs) throws InterruptedException
    {
        return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /**
     * Whether the child still runs.
     *
     * @return true if alive.
     */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * What the child wrote to stderr, its last few thousand characters, for a failure report.
     *
     * @return the text, or a note that there is none.
     */
    public String stderr()
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
     * End the child if it still runs: close its stdin (a child that ends itself then does), then SIGTERM, then
     * SIGKILL, waiting up to {@code waitMs} after each.
     *
     * @param waitMs how long to wait after each step.
     */
    public void stop(final long waitMs)
    {
        closeStdin();
        try
        {
            if (!process.waitFor(waitMs, TimeUnit.MILLISECONDS))
            {
                process.destroy();
                if (!process.waitFor(waitMs, TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly();
                    process.waitFor(waitMs, TimeUnit.MILLISECONDS);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * End the child if it still runs: {@link #stop(long)} with {@link #CLOSE_WAIT_MS}.
     */
    @Override
    public void close()
    {
        stop(CLOSE_WAIT_MS);
    }
}
