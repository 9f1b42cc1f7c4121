package io.bastion.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM running a main class from this JVM's class path: the one way the test trees start a process of their
 * own code. Its stdout is read line by line on a daemon thread (so the test can wait for a line), its stderr goes to a
 * file that is shown when something fails, and every wait is bounded. {@link #close()} destroys the process if it is
 * still running, so a test that fails never leaves a child behind.
 * <p>
 * {@link #start(Path, String, Class, String...)} starts one with the usual options; {@link #launch} says more first
 * (other JVM options, class path, JDK, environment, a command that runs the JVM) and then either starts it or
 * {@linkplain Launch#run runs it to completion}.
 */
public final class ChildJvm implements AutoCloseable
{
    private static final String EOF = "\u0000eof";
    /** Small heaps and one compiler thread: two or three of these share two cores with the test. */
    private static final List<String> SIZING = List.of("-Xmx256m", "-XX:CICompilerCount=2");
    private static final int STDERR_SHOWN = 4000;

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
        return launch(logDir, name, mainClass).args(args).start();
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
        return launch(logDir, name, mainClass).javaHome(javaHome).args(args).start();
    }

    /**
     * Describe a child JVM before starting or running it.
     *
     * @param logDir    where its output files go.
     * @param name      a short name for messages and its files.
     * @param mainClass the class whose main to run, on this JVM's class path.
     * @return the launch, with this JVM's JDK and class path, the usual options and no arguments.
     */
    public static Launch launch(final Path logDir, final String name, final Class<?> mainClass)
    {
        return new Launch(logDir, name, mainClass);
    }

    /**
     * How a child JVM is started: every option but the log folder, the name and the main class has a default.
     */
    public static final class Launch
    {
        private final Path logDir;
        private final String name;
        private final Class<?> mainClass;
        private final List<String> prefix = new ArrayList<>();
        private final Map<String, String> environment = new HashMap<>();
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private List<String> jvmOptions = SIZING;
        private String classPath = System.getProperty("java.class.path");
        private List<String> args = List.of();
        private Path directory;
        private boolean digestOpens = true;

        private Launch(final Path logDir, final String name, final Class<?> mainClass)
        {
            this.logDir = logDir;
            this.name = name;
            this.mainClass = mainClass;
        }

        /**
         * Run it on another JDK.
         *
         * @param javaHome the JDK's folder.
         * @return this.
         */
        public Launch javaHome(final Path javaHome)
        {
            this.javaHome = javaHome;
            return this;
        }

        /**
         * Its JVM options, in place of the default small heap and compiler threads ({@code -Xmx256m
         * -XX:CICompilerCount=2}). The flags Agrona, the native libraries and the fast HMAC need are always given
         * (the last unless {@link #withoutDigestOpens()}).
         *
         * @param options the options, e.g. {@code -Dname=value}.
         * @return this.
         */
        public Launch jvmOptions(final String... options)
        {
            this.jvmOptions = List.of(options);
            return this;
        }

        /**
         * Leave out {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}, which every other child gets, so
         * that the child runs HMAC-SHA256 on its fallback path, as an embedder that forgot the option would.
         *
         * @return this.
         */
        public Launch withoutDigestOpens()
        {
            this.digestOpens = false;
            return this;
        }

        /**
         * Its class path, in place of this JVM's.
         *
         * @param classPath the class path.
         * @return this.
         */
        public Launch classPath(final String classPath)
        {
            this.classPath = classPath;
            return this;
        }

        /**
         * A command that runs the JVM, its arguments followed by the JVM's command line (e.g. {@code /usr/bin/env
         * --default-signal=INT}); called again, it adds to the command.
         *
         * @param command the program and its arguments.
         * @return this.
         */
        public Launch prefix(final String... command)
        {
            prefix.addAll(List.of(command));
            return this;
        }

        /**
         * An environment variable, beside those of this JVM.
         *
         * @param variable its name.
         * @param value    its value, or null to start the child without the variable even if this JVM has it.
         * @return this.
         */
        public Launch environment(final String variable, final String value)
        {
            environment.put(variable, value);
            return this;
        }

        /**
         * The folder the child starts in, instead of this JVM's working folder: one a second user can reach, when
         * the child runs as one.
         *
         * @param directory the folder.
         * @return this.
         */
        public Launch directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        /**
         * The sizing options every child gets unless {@link #jvmOptions} replaces them: a bounded heap and two
         * compiler threads, so that several children fit on a 2-core machine.
         *
         * @return the options.
         */
        public static List<String> sizing()
        {
            return SIZING;
        }

        /**
         * The arguments of the main class.
         *
         * @param args the arguments.
         * @return this.
         */
        public Launch args(final String... args)
        {
            this.args = List.of(args);
            return this;
        }

        /**
         * The whole command line.
         *
         * @return the prefix, the java binary, its options, the main class and its arguments.
         */
        public List<String> command()
        {
            final List<String> command = new ArrayList<>(prefix);
            command.add(javaHome.resolve("bin").resolve("java").toString());
            command.add("--add-opens");
            command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
            if (digestOpens)
            {
                // HmacSha256's fast path restarts the JDK's SHA-256 (docs/fast-hmac.md); without this it falls back.
                command.add("--add-opens");
                command.add("java.base/sun.security.provider=ALL-UNNAMED");
            }
            // JNA and junixsocket load native code: JDK 24 and later warn on stderr without this (JDK 17 accepts it).
            command.add("--enable-native-access=ALL-UNNAMED");
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(classPath);
            command.add(mainClass.getName());
            command.addAll(args);
            return command;
        }

        private void prepare(final ProcessBuilder builder)
        {
            for (final Map.Entry<String, String> variable : environment.entrySet())
            {
                if (null == variable.getValue())
                {
                    builder.environment().remove(variable.getKey());
                }
                else
                {
                    builder.environment().put(variable.getKey(), variable.getValue());
                }
            }
            if (null != directory)
            {
                builder.directory(directory.toFile());
            }
        }

        /**
         * Start the child, its stdin a pipe ({@link ChildJvm#send}) and its stdout read line by line.
         *
         * @return the running child.
         * @throws IOException if it cannot start.
         */
        public ChildJvm start() throws IOException
        {
            // createTempFile makes the file 0600 on POSIX, and a redirect to an existing file keeps its mode.
            final Path err = Files.createTempFile(logDir, name + "-", ".stderr");
            final ProcessBuilder builder = new ProcessBuilder(command()).redirectError(err.toFile());
            prepare(builder);
            return new ChildJvm(name, builder.start(), err);
        }

        /**
         * Run the child to completion, its stdin, stdout and stderr files in the log folder.
         *
         * @param input     what its stdin holds.
         * @param timeoutMs how long it may take.
         * @return its exit code and what it printed.
         * @throws IOException if it cannot start or its output cannot be read.
         * @throws InterruptedException if interrupted while waiting.
         * @throws AssertionError if it does not finish in time (it is destroyed).
         */
        public Result run(final String input, final long timeoutMs) throws IOException, InterruptedException
        {
            // Each is created 0600 (createTempFile on POSIX); writing and redirecting keep that mode.
            final Path in = Files.createTempFile(logDir, name + "-", ".stdin");
            final Path out = Files.createTempFile(logDir, name + "-", ".stdout");
            final Path err = Files.createTempFile(logDir, name + "-", ".stderr");
            Files.writeString(in, input);
            final ProcessBuilder builder = new ProcessBuilder(command())
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
            prepare(builder);
            final Process process = builder.start();
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(name + " " + String.join(" ", args) + " did not finish within " +
                    timeoutMs + " ms: " + new Result(-1, Files.readString(out), Files.readString(err)));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        }
    }

    /**
     * What a child run to completion left behind.
     *
     * @param exitCode its exit code.
     * @param stdout   everything on stdout.
     * @param stderr   everything on stderr.
     */
    public record Result(int exitCode, String stdout, String stderr)
    {
        /**
         * The exit code and both outputs, for failure messages.
         *
         * @return a description.
         */
        @Override
        public String toString()
        {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
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
        return awaitLine((line) -> line.startsWith(prefix), "'" + prefix + "'", timeoutMs);
    }

    /**
     * Wait for a stdout line that contains {@code text}; earlier lines are kept for {@link #describe()}.
     *
     * @param text      what the line must contain.
     * @param timeoutMs how long to wait at most.
     * @return the line.
     * @throws AssertionError if it does not come in time or the child's stdout ends first.
     */
    public String awaitLineContaining(final String text, final long timeoutMs) throws InterruptedException
    {
        return awaitLine((line) -> line.contains(text), "with '" + text + "'", timeoutMs);
    }

    private String awaitLine(final Predicate<String> wanted, final String what, final long timeoutMs)
            throws InterruptedException
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
                throw new AssertionError("no line " + what + " from " + describe());
            }
            synchronized (seen)
            {
                seen.add(line);
            }
            if (wanted.test(line))
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
     * Every stdout line, once stdout has ended (the child exited): the lines earlier waits went past included.
     *
     * @param timeoutMs how long to wait at most for the end of stdout.
     * @return the lines in order.
     * @throws AssertionError if stdout does not end in time.
     */
    public List<String> allStdoutLines(final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
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
     * Send a line to the child's stdin.
     *
     * @param line the line, without its end.
     * @throws IOException if the pipe is closed.
     */
    public void send(final String line) throws IOException
    {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /**
     * Close the child's stdin: the end of its input.
     *
     * @throws IOException if it cannot be closed.
     */
    public void closeStdin() throws IOException
    {
        stdin.close();
    }

    /**
     * Send a signal, as {@code kill -NAME} does (Ctrl-C in a terminal sends INT).
     *
     * @param signal the signal's name, e.g. {@code INT}.
     * @throws IOException if {@code kill} cannot run.
     * @throws AssertionError if {@code kill} fails.
     */
    public void signal(final String signal) throws IOException, InterruptedException
    {
        final Process kill = new ProcessBuilder("/bin/kill", "-" + signal, Long.toString(process.pid())).start();
        if (!kill.waitFor(60, TimeUnit.SECONDS) || 0 != kill.exitValue())
        {
            throw new AssertionError("kill -" + signal + " " + name + " failed");
        }
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
     * Send SIGTERM, as a service manager or {@code kill} does, and wait for the exit.
     *
     * @param timeoutMs how long to wait at most.
     * @return its exit code.
     * @throws AssertionError if it did not exit in time (it is then killed).
     */
    public int terminate(final long timeoutMs) throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("did not stop on SIGTERM: " + describe());
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
     * What the child wrote to stderr so far.
     *
     * @return the text.
     * @throws IOException if the file cannot be read.
     */
    public String stderr() throws IOException
    {
        return Files.readString(stderr);
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
            err = stderr();
        }
        catch (final IOException ex)
        {
            err = ex.toString();
        }
        synchronized (seen)
        {
            return name + " stdout=" + seen + " stderr=" +
                (err.length() > STDERR_SHOWN ? err.substring(0, STDERR_SHOWN) : err);
        }
    }

    /**
     * Destroy the child if it still runs, and wait (bounded) until it is gone.
     */
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
            // The child died; EOF below tells the waiter.
        }
        lines.add(EOF);
    }
}
