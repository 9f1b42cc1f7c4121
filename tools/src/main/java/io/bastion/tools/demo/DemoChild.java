package io.bastion.tools.demo;

import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.tools.BastionCommand;

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
import java.util.concurrent.TimeUnit;

/**
 * One process the {@code demo} starts: the same java binary with the flag Agrona needs, the same class path, and a
 * hidden {@code bastion} subcommand. Its stdout lines go to the parent's queue (a {@link Line} with null text once
 * stdout ends), its stderr to a file the parent shows if it fails, and its stdin carries the parent's commands; when
 * the parent dies, stdin closes and the child ends itself ({@link ParentLink}).
 */
final class DemoChild implements AutoCloseable
{
    private static final long STOP_WAIT_MS = 5_000;
    private static final int STDERR_SHOWN = 4_000;

    private final String name;
    private final Process process;
    private final Path stderr;
    private final OutputStream stdin;

    /**
     * A line a child printed.
     *
     * @param child the child.
     * @param text  the line, or null when its stdout ended.
     */
    record Line(DemoChild child, String text)
    {
    }

    private DemoChild(final String name, final Process process, final Path stderr)
    {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = process.getOutputStream();
    }

    /**
     * Start a child.
     *
     * @param name   a short name for messages.
     * @param stderr the file its stderr goes to.
     * @param lines  where its stdout lines go.
     * @param args   the {@code bastion} arguments (a hidden subcommand and its options).
     * @return the running child.
     * @throws IOException if it cannot be started.
     */
    static DemoChild start(
        final String name, final Path stderr, final BlockingQueue<Line> lines, final List<String> args)
            throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        // JNA and junixsocket load native code: JDK 24 and later warn on stderr without this (JDK 17 accepts it).
        command.add("--enable-native-access=ALL-UNNAMED");
        // One GC thread and a modest heap: the demo runs up to three of these beside the parent, on few cores.
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BastionCommand.class.getName());
        command.addAll(args);
        // Created owner-only first: a redirect would create it with the umask (0644), and a child's stderr may
        // name paths and peers. Appending to it keeps that mode.
        new OwnerOnlyFiles(FilePolicy.ownerOnly()).createFile(stderr).close();
        final Process process = new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
        final DemoChild child = new DemoChild(name, process, stderr);
        final Thread reader = new Thread(() -> child.readStdout(lines), "bastion-demo-" + name);
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    private void readStdout(final BlockingQueue<Line> lines)
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                lines.add(new Line(this, line));
            }
        }
        catch (final IOException ex)
        {
            // The child is gone: the end-of-stdout line below says so.
        }
        lines.add(new Line(this, null));
    }

    /**
     * The child's name.
     *
     * @return e.g. {@code subscriber}.
     */
    String name()
    {
        return name;
    }

    /**
     * The child's process id.
     *
     * @return the pid.
     */
    long pid()
    {
        return process.pid();
    }

    /**
     * Send a command line to the child's stdin; a child that is gone is ignored (its exit tells the story).
     *
     * @param command the command word.
     */
    void send(final String command)
    {
        try
        {
            stdin.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        }
        catch (final IOException ex)
        {
            // The child exited: its exit code and stderr are reported by the caller.
        }
    }

    /**
     * Wait for the child to exit.
     *
     * @param timeoutMs how long to wait at most.
     * @return its exit code, or -1 if it still runs.
     * @throws InterruptedException if interrupted while waiting.
     */
    int awaitExit(final long timeoutMs) throws InterruptedException
    {
        return process.waitFor(timeoutMs, TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /**
     * Whether the child still runs.
     *
     * @return true if alive.
     */
    boolean isAlive()
    {
        return process.isAlive();
    }

    /**
     * What the child wrote to stderr, its last few thousand characters, for a failure report.
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
     * End the child if it still runs: close its stdin (it then closes its clients and exits), then SIGTERM, then
     * SIGKILL, each after a bounded wait.
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
            // Already closed: the child has seen the end of stdin.
        }
        try
        {
            if (!process.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroy();
                if (!process.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS))
                {
                    process.destroyForcibly();
                    process.waitFor(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
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
