package io.bastion.tools;

import io.bastion.test.ChildJvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@code bastion} command run as a user runs it: a {@link ChildJvm} with {@link BastionCommand} as its main class
 * and the options of a short-lived tool. Short commands run to completion ({@link #run}); long-running ones
 * ({@link #start}) are waited on through the {@link ChildJvm}'s methods, each bounded by {@link #TIMEOUT_MS}.
 */
public final class BastionProcess
{
    /** Bound on any one command; generous, since two cores may be shared with other JVMs. */
    public static final long TIMEOUT_MS = 120_000;

    private static final Path ENV = Path.of("/usr/bin/env");
    /** Background jobs of a non-interactive shell start with SIGINT ignored, and so does everything they start. */
    private static final boolean INHERITS_IGNORED_SIGINT = sigintIgnored() && Files.isExecutable(ENV);

    private BastionProcess()
    {
    }

    /**
     * Run a command to completion with an empty stdin.
     *
     * @param dir  a folder for its output files.
     * @param args the arguments after {@code bastion}.
     * @return what it printed and its exit code.
     */
    public static ChildJvm.Result run(final Path dir, final String... args) throws IOException, InterruptedException
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
    public static ChildJvm.Result run(
        final Path dir, final Map<String, String> env, final String stdin, final String... args)
            throws IOException, InterruptedException
    {
        final ChildJvm.Launch launch = launch(dir, args);
        env.forEach(launch::environment);
        return launch.run(stdin, TIMEOUT_MS);
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
    public static ChildJvm startWithTokenOnFd3(final Path dir, final String token, final String... args)
            throws IOException
    {
        final ChildJvm.Launch launch = ChildJvm.launch(dir, "bastion", BastionCommand.class)
            .prefix("/bin/sh", "-c", "printf '%s\\n' \"$BASTION_TEST_TOKEN\" | (exec \"$@\" 3<&0 </dev/null)", "sh")
            .environment("BASTION_TEST_TOKEN", token);
        return options(launch, args).start();
    }

    /**
     * Start a long-running command.
     *
     * @param dir  a folder for its stderr file.
     * @param args the arguments after {@code bastion}.
     * @return the running command.
     */
    public static ChildJvm start(final Path dir, final String... args) throws IOException
    {
        return launch(dir, args).start();
    }

    private static ChildJvm.Launch launch(final Path dir, final String... args)
    {
        return options(ChildJvm.launch(dir, "bastion", BastionCommand.class), args);
    }

    private static ChildJvm.Launch options(final ChildJvm.Launch launch, final String... args)
    {
        if (INHERITS_IGNORED_SIGINT)
        {
            // A JVM leaves a signal it was started ignoring ignored: the Ctrl-C tests would wait forever.
            launch.prefix(ENV.toString(), "--default-signal=INT");
        }
        // A short-lived tool: small heap, quick start, and room for the test's other JVMs on two cores. Payload lines
        // in the tests are UTF-8 whatever the locale of the machine that runs them.
        return launch.jvmOptions("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dfile.encoding=UTF-8")
            .args(args);
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
}
