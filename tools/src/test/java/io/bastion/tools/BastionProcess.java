package io.bastion.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The {@code bastion} command run as a user runs it: a child JVM with the flag Agrona needs, the test class path
 * and {@link BastionCommand} as its main class. Short commands run to completion ({@link #run}); long-running ones
 * ({@link #start}) have their stdout read line by line so a test can wait for a line. Every wait is bounded, and
 * {@link #close()} destroys a child that is still running.
 */
public final class BastionProcess implements AutoCloseable
{
    /** Bound on any one command; generous, since two cores may be shared with other JVMs. */
    public static final long TIMEOUT_MS = 120_000;

    private static final String EOF = "\u0000eof";
    private static final Path ENV = Path.of("/usr/bin/env");
    /** Background jobs of a non-interactive shell start with SIGINT ignored, and so does everything they start. */
    private static final boolean INHERITS_IGNORED_SIGINT = sigintIgnored() && Files.isExecutable(ENV);

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    /**
     * What a finished command left behind.
     *
     * @param exitCode its exit code.
     * @param stdout   everything on stdout.
     * @param stderr   everything on stderr.
     */
    public record Result(int exitCode, String stdout, String stderr)
    {
        @Override
        public String toString()
        {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    private BastionProcess(final Process process, final Path stderr)
    {
        this.process = process;
        this.stderr = stderr;
        final Thread reader = new Thread(this::readStdout, "bastion-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Run a command to completion with an empty stdin.
     *
     * @param dir  a folder for its output files.
     * @param args the arguments after {@code bastion}.
     * @return what it printed and its exit code.
     */
    public static Result run(final Path dir, final String... args) throws IOException, InterruptedException
    {
        return run(dir, Map.of(), "", args);
    }

    /**
     * Run a command to completion.
     *
     * @param dir   a folder for its output files.
     * @param env   environment variables to set.
     * @param stdin what to send to its stdin.
     * @param args  the arguments after {@code bastion}.
     * @return what it printed and its exit code.
     */
    public static Result run(final Path dir, final Map<String, String> env, final String stdin, final String... args)
            throws IOException, InterruptedException
    {
        final Path in = Files.createTempFile(dir, "stdin", ".txt");
        final Path out = Files.createTempFile(dir, "stdout", ".txt");
        final Path err = Files.createTempFile(dir, "stderr", ".txt");
        Files.writeString(in, stdin);
        final ProcessBuilder builder = new ProcessBuilder(command(args))
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().putAll(env);
        final Process process = builder.start();
        if (!process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("bastion " + String.join(" ", args) + " did not finish: " +
                Files.readString(out) + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Start a long-running command with a token on its inherited descriptor 3: a pipe the shell writes the token
     * into (the token travels in the environment of the shell, never in a file).
     *
     * @param dir   a folder for its stderr file.
     * @param token the token text.
     * @param args  the arguments after {@code bastion}.
     * @return the running command.
     */
    public static BastionProcess startWithTokenOnFd3(final Path dir, final String token, final String... args)
            throws IOException
    {
        final Path err = Files.createTempFile(dir, "stderr", ".txt");
        final List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
            "printf '%s\\n' \"$BASTION_TEST_TOKEN\" | (exec \"$@\" 3<&0 </dev/null)", "sh"));
        command.addAll(command(args));
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("BASTION_TEST_TOKEN", token);
        return new BastionProcess(builder.start(), err);
    }

    /**
     * Start a long-running command.
     *
     * @param dir  a folder for its stderr file.
     * @param args the arguments after {@code bastion}.
     * @return the running command.
     */
    public static BastionProcess start(final Path dir, final String... args) throws IOException
    {
        final Path err = Files.createTempFile(dir, "stderr", ".txt");
        final Process process = new ProcessBuilder(command(args))
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
        return new BastionProcess(process, err);
    }

    private static boolean sigintIgnored()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
            {
                if (line.startsWith("SigIgn:"))
                {
                    final long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                    return (mask & (1L << (2 - 1))) != 0;
                }
            }
            return false;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    private static List<String> command(final String... args)
    {
        final List<String> command = new ArrayList<>();
        if (INHERITS_IGNORED_SIGINT)
        {
            // A JVM leaves a signal it was started ignoring ignored: the Ctrl-C tests would wait forever.
            command.add(ENV.toString());
            command.add("--default-signal=INT");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        // JNA and junixsocket load native code: JDK 24 and later warn on stderr without this (JDK 17 accepts it).
        command.add("--enable-native-access=ALL-UNNAMED");
        // A short-lived tool: small heap, quick start, and room for the test's other JVMs on two cores.
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        // Payload lines in the tests are UTF-8 whatever the locale of the machine that runs them.
        command.add("-Dfile.encoding=UTF-8");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BastionCommand.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Wait for a stdout line that contains {@code text}.
     *
     * @param text what the line must contain.
     * @return the line.
     * @throws AssertionError if stdout ends or the bound passes first.
     */
    public String awaitLine(final String text) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
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
                throw new AssertionError("no line with '" + text + "' in " + describe());
            }
            synchronized (seen)
            {
                seen.add(line);
            }
            if (line.contains(text))
            {
                return line;
            }
        }
    }

    /**
     * Write a line to the command's stdin.
     *
     * @param line the line, without its end.
     */
    public void send(final String line) throws IOException
    {
        final OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * Close the command's stdin: the end of its input.
     */
    public void closeStdin() throws IOException
    {
        process.getOutputStream().close();
    }

    /**
     * Send a signal, as {@code kill -NAME} does (Ctrl-C in a terminal sends INT).
     *
     * @param name the signal's name, e.g. {@code INT}.
     */
    public void signal(final String name) throws IOException, InterruptedException
    {
        final Process kill = new ProcessBuilder("/bin/kill", "-" + name, Long.toString(process.pid())).start();
        if (!kill.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS) || 0 != kill.exitValue())
        {
            throw new AssertionError("kill -" + name + " failed");
        }
    }

    /**
     * Wait for the command to exit by itself.
     *
     * @return its exit code.
     * @throws AssertionError if it does not exit within the bound.
     */
    public int awaitExit() throws InterruptedException
    {
        if (!process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("did not exit: " + describe());
        }
        return process.exitValue();
    }

    /**
     * Every stdout line, once stdout has ended (the command exited).
     *
     * @return the lines in order.
     * @throws AssertionError if stdout does not end within the bound.
     */
    public List<String> allStdoutLines() throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (true)
        {
            final long left = deadline - System.nanoTime();
            final String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (null == line)
            {
                throw new AssertionError("stdout did not end: " + describe());
            }
            if (EOF.equals(line))
            {
                lines.add(EOF);
                synchronized (seen)
                {
                    return new ArrayList<>(seen);
                }
            }
            synchronized (seen)
            {
                seen.add(line);
            }
        }
    }

    /**
     * What the command wrote to stderr so far.
     *
     * @return the text.
     */
    public String stderr() throws IOException
    {
        return Files.readString(stderr);
    }

    /**
     * Send SIGTERM, as a service manager or {@code kill} does, and wait for the exit.
     *
     * @return the exit code.
     */
    public int terminate() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("did not stop on SIGTERM: " + describe());
        }
        return process.exitValue();
    }

    /**
     * The stdout lines seen so far and the stderr, for failure messages.
     *
     * @return a description.
     */
    public String describe()
    {
        String err;
        try
        {
            err = Files.readString(stderr);
        }
        catch (final IOException ex)
        {
            err = "(unreadable: " + ex + ")";
        }
        synchronized (seen)
        {
            return "stdout " + seen + "\nstderr " + err;
        }
    }

    private void readStdout()
    {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                lines.add(line);
            }
        }
        catch (final IOException ignore)
        {
            // The child is gone; EOF below says so.
        }
        lines.add(EOF);
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
