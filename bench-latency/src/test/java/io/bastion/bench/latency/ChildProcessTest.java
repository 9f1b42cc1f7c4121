package io.bastion.bench.latency;

import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The helper processes main code starts: their stderr file is owner-only, their stdout lines come back in order and
 * end with a null line, closing stdin ends a child that reads it, and {@link ChildProcess#stop(long)} ends one that
 * does not.
 */
class ChildProcessTest
{
    private static final long TIMEOUT_MS = 60_000;

    @TempDir
    Path temp;

    @Test
    void aChildsStderrFileIsOwnerOnlyWhateverTheUmask() throws Exception
    {
        // The umask of a test JVM is 022 here: a redirect that created the file would make it 0644.
        final Path folder = new OwnerOnlyFiles(FilePolicy.ownerOnly()).createDirectory(temp.resolve("children"));
        final Path stderr = folder.resolve("child.stderr");
        try (ChildProcess child = start("child", stderr, new LinkedBlockingQueue<>(), "fail"))
        {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stderr)));
            assertEquals(3, child.awaitExit(TIMEOUT_MS));
            assertTrue(child.stderr().contains("failing on purpose"), child.stderr());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stderr)));
    }

    @Test
    void linesComeBackInOrderAndClosingStdinEndsTheChild() throws Exception
    {
        final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
        try (ChildProcess child = start("echo", temp.resolve("echo.stderr"), lines, "echo"))
        {
            assertTrue(child.send("one"));
            assertTrue(child.send("two"));
            assertEquals(Optional.of("echo one"), lines.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertEquals(Optional.of("echo two"), lines.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            child.closeStdin();
            assertEquals(Optional.empty(), lines.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS), child::stderr);
            assertEquals(0, child.awaitExit(TIMEOUT_MS), child::stderr);
            assertFalse(child.send("three"), "the pipe of a child that is gone is closed");
        }
    }

    @Test
    void stopEndsAChildThatIgnoresItsStdin() throws Exception
    {
        final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
        try (ChildProcess child = start("stubborn", temp.resolve("stubborn.stderr"), lines, "stubborn"))
        {
            assertEquals(Optional.of("sleeping"), lines.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS), child::stderr);
            child.stop(500);
            assertFalse(child.isAlive());
            assertTrue(child.awaitExit(0) > 0, "ended by a signal, not by itself");
        }
    }

    private static ChildProcess start(
        final String name, final Path stderr, final BlockingQueue<Optional<String>> lines, final String mode)
            throws IOException
    {
        return ChildProcess.start(name, stderr, (child, line) -> lines.add(Optional.ofNullable(line)),
            Child.class.getName(), List.of(mode));
    }

    /**
     * The child: {@code fail} writes to stderr and exits 3, {@code echo} echoes each stdin line until stdin ends,
     * {@code stubborn} ignores stdin and sleeps.
     */
    static final class Child
    {
        private Child()
        {
        }

        /**
         * Run one mode.
         *
         * @param args the mode.
         * @throws Exception never on purpose.
         */
        public static void main(final String[] args) throws Exception
        {
            switch (args[0])
            {
                case "fail":
                    System.err.println("failing on purpose");
                    System.exit(3);
                    break;
                case "echo":
                    final BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
                        StandardCharsets.UTF_8));
                    String line;
                    while (null != (line = in.readLine()))
                    {
                        System.out.println("echo " + line);
                        System.out.flush();
                    }
                    break;
                default:
                    System.out.println("sleeping");
                    System.out.flush();
                    Thread.sleep(TIMEOUT_MS);
            }
        }
    }
}
