package io.bastion.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChildJvmTest
{
    @TempDir
    Path temp;

    @Test
    void aChildRunToCompletionLeavesItsStdinStdoutAndStderrFilesOwnerOnly() throws Exception
    {
        final Path logs = TestFolders.ownerOnly(temp, "logs");

        final ChildJvm.Result result = ChildJvm.launch(logs, "echo", EchoMain.class).run("secret line\n", 60_000);

        assertEquals(0, result.exitCode(), result.stderr());
        assertEquals("secret line", result.stdout().strip());
        assertTrue(result.stderr().contains("to stderr"), result.stderr());
        final List<Path> files = listed(logs);
        assertEquals(3, files.size(), files.toString());
        for (final Path file : files)
        {
            assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), file.toString());
        }
    }

    private static List<Path> listed(final Path folder) throws IOException
    {
        try (Stream<Path> files = Files.list(folder))
        {
            return files.toList();
        }
    }

    /**
     * Copies its stdin to its stdout and writes one line to stderr.
     */
    public static final class EchoMain
    {
        private EchoMain()
        {
        }

        /**
         * Entry point.
         *
         * @param args none.
         * @throws IOException if stdin cannot be read.
         */
        public static void main(final String[] args) throws IOException
        {
            System.out.print(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
            System.err.println("to stderr");
        }
    }
}
