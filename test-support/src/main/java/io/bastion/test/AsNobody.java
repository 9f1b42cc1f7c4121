package io.bastion.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python snippet as the real second user {@code nobody} (uid and gid 65534, no supplementary groups), so
 * permission tests are enforced by the kernel rather than ignored by root: the other user a hostile process runs as.
 */
public final class AsNobody
{
    /** Absolute path of setpriv. */
    public static final String SETPRIV = "/usr/bin/setpriv";
    /** Absolute path of a system Python that nobody can run. */
    public static final String PYTHON = "/usr/bin/python3";
    /** Uid and gid of nobody/nogroup. */
    public static final int NOBODY_ID = 65534;

    private AsNobody()
    {
    }

    /**
     * Whether a second-user test can run here: as root, with setpriv and python3.
     *
     * @return true if so.
     */
    public static boolean available()
    {
        try
        {
            // The owner of this process's /proc folder is its uid.
            return 0 == (Integer)Files.getAttribute(Path.of("/proc/self"), "unix:uid") &&
                Files.isExecutable(Path.of(SETPRIV)) && Files.isExecutable(Path.of(PYTHON));
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * A Python peer of a Unix-domain socket, as a hostile process of another user would be one: it makes itself
     * non-dumpable (as every Bastion client does, so its /proc entry belongs to root and the broker must name it from
     * the kernel's ids), connects to {@code sys.argv[1]}, runs the given lines, then reads every byte until the other
     * side closes and prints them in hex, then {@code EOF}.
     *
     * @param afterConnect Python lines run once connected, with the socket as {@code s} (e.g. a sendall).
     * @return the script, for {@link #start(Path, String, String...)}.
     */
    public static String unixPeerScript(final String... afterConnect)
    {
        final List<String> lines = new ArrayList<>(List.of(
            "import ctypes, socket, struct, sys",
            "assert ctypes.CDLL(None).prctl(4, 0, 0, 0, 0) == 0",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)",
            "s.settimeout(20)",
            "s.connect(sys.argv[1])"));
        lines.addAll(List.of(afterConnect));
        lines.addAll(List.of(
            "data = b''",
            "while True:",
            "    chunk = s.recv(4096)",
            "    if not chunk:",
            "        break",
            "    data += chunk",
            "print(data.hex())",
            "print('EOF')"));
        return String.join("\n", lines);
    }

    /**
     * Start a Python snippet as nobody.
     *
     * @param workDir working folder the child starts in (must be reachable by nobody, e.g. "/").
     * @param script  Python source passed with -c.
     * @param args    arguments (sys.argv[1:]).
     * @return the process, stderr merged into stdout.
     * @throws IOException if it cannot start.
     */
    public static Process start(final Path workDir, final String script, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(Arrays.asList(commandPrefix()));
        command.addAll(List.of(PYTHON, "-c", script));
        command.addAll(Arrays.asList(args));
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true);
        builder.environment().put("HOME", "/");
        return builder.start();
    }

    /**
     * The words that run the command after them as nobody, with no supplementary groups: for a child JVM, pass them
     * to {@link ChildJvm.Launch#prefix}.
     *
     * @return a new array each call.
     */
    public static String[] commandPrefix()
    {
        return new String[]{SETPRIV, "--reuid=" + NOBODY_ID, "--regid=" + NOBODY_ID, "--clear-groups"};
    }

    /**
     * Run a Python snippet as nobody and collect its output lines.
     *
     * @param script Python source.
     * @param args   arguments.
     * @return the stdout lines; the exit code is required to be 0.
     * @throws IOException          if it cannot start or fails.
     * @throws InterruptedException if interrupted.
     */
    public static List<String> run(final String script, final String... args)
            throws IOException, InterruptedException
    {
        final Process process = start(Path.of("/"), script, args);
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            process.destroyForcibly();
            throw new IOException("child as nobody failed: " + output);
        }
        return output.lines().toList();
    }
}
