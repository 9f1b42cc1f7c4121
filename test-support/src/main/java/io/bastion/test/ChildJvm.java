package io.bastion.test;

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
 * A child JVM running a main class from this JVM's class path. Its stdout is read line
 * by line on a daemon thread (so the test can wait for a line), its stderr goes to a file that is
 * shown when something fails, and every wait is bounded. {@link #close()} destroys the process if
 * it is still running, so a test that fails never leaves a child behind.
 */
public final class ChildJvm implements AutoCloseable
{
    private static final String EOF = "\u0000eof";

    private final String name;
    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final OutputStream stdin;

    private ChildJvm(final String name, final Process process, final Path stderr)
    {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdin = process.getOutputStream();
        final Thread reader = new Thread(this::readStdout, "child-stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Start a child JVM.
     *
     * @param logDir    where its stderr file goes.
     * @param name      a short name for messages and the stderr file.
     * @param mainClass the class whose main to run.
     * @param args      its arguments.
     * @return the running child.
     * @throws IOException if it cannot start.
     */
    public static ChildJvm start(final Path logDir, final String name, final Class<?> mainClass, final String... args)
            throws IOException
    {
        return start(Path.of(System.getProperty("java.home")), logDir, name, mainClass, args);
    }

    /**
     * Start a child JVM of another JDK.
     *
     * @param javaHome  the JDK to run it on.
     * @param logDir    where its stderr goes.
     * @param name      a short name for messages.
     * @param mainClass its main class, on this JVM's class path.
     * @param args      its arguments.
     * @return the running child.
     * @throws IOException if it cannot be started.
     */
    public static ChildJvm start(
        final Path javaHome, final Path logDir, final String name, final Class<?> mainClass, final String... args)
            throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        // JNA and junixsocket load native code: JDK 24 and later warn on stderr without this (JDK 17 accepts it).
        command.add("--enable-native-access=ALL-UNNAMED");
        // Small heaps and one compiler thread: two or three of these share two cores with the test.
        command.add("-Xmx256m");
        command.add("-XX:CICompilerCount=2");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        final Path stderr = logDir.resolve(name + ".stderr");
        final Process process = new ProcessBuilder(command)
            .redirectError(stderr.toFile())
            .start();
        return new ChildJvm(name, process, stderr);
    }

    /**
     * The process, e.g. to kill it.
     *
     * @return the process.
     */
    public Process process()
    {
        return process;
    }

    /**
     * Wait for a stdout line starting with {@code prefix}; earlier lines are kept for {@link #describe()}.
     *
     * @param prefix    the start of the line.
     * @param timeoutMs how long to wait at most.
     * @return the line.
     * @throws AssertionError if it does not come in time or the child's stdout ends first.
     */
    public String awaitLine(final String prefix, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long left = deadline - System.nanoTime();
            final String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (null == line || EOF.equals(line))
            {
                if (EOF.equals(line))
                {
                    lines.add(EOF);
                }
                throw new AssertionError("no line '" + prefix + "' from " + describe());
            }
            synchronized (seen)
            {
                seen.add(line);
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    /**
     * Wait a little for a stdout line starting with {@code prefix}, without failing.
     *
     * @param prefix    the start of the line.
     * @param timeoutMs how long to wait at most.
     * @return the line, or null if none came in time.
     */
    public String pollLine(final String prefix, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final long left = deadline - System.nanoTime();
            final String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (null == line)
            {
                return null;
            }
            if (EOF.equals(line))
            {
                lines.add(EOF);
                return null;
            }
            synchronized (seen)
            {
                seen.add(line);
            }
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
    }

    /**
     * Whether a stdout line starting with {@code prefix} has come, without waiting: for a loop that does other work
     * meanwhile. Lines before it are consumed.
     *
     * @param prefix the start of the line.
     * @return true once it came.
     */
    public boolean pollLineQuietly(final String prefix)
    {
        try
        {
            return null != pollLine(prefix, 0);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Send a command line to the child's stdin.
     *
     * @param line the command.
     * @throws IOException if the pipe is closed.
     */
    public void send(final String line) throws IOException
    {
        stdin.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
    }

    /**
     * Wait for the child to exit, destroying it if it does not in time.
     *
     * @param timeoutMs how long to wait at most.
     * @return its exit code.
     * @throws AssertionError if it did not exit in time.
     */
    public int awaitExit(final long timeoutMs) throws InterruptedException
    {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("child did not exit in time: " + describe());
        }
        return process.exitValue();
    }

    /**
     * Kill the child with SIGKILL and wait (bounded) until it is gone.
     */
    public void kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            throw new AssertionError("killed child still running: " + name);
        }
    }

    /**
     * The name, the stdout lines seen so far and the stderr, for failure messages.
     *
     * @return a description.
     */
    public String describe()
    {
        String err;
        try
        {
            err = Files.exists(stderr) ? Files.readString(stderr) : "";
        }
        catch (final IOException ex)
        {
            err = ex.toString();
        }
        synchronized (seen)
        {
            return name + " stdout=" + seen + " stderr=" + (err.length() > 4000 ? err.substring(0, 4000) : err);
        }
    }

    /**
     * Destroy the child if it still runs.
     */
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
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
        catch (final IOException ignore)
        {
            // The child died; EOF below tells the waiter.
        }
        lines.add(EOF);
    }
}
