package io.bastion.tools.demo;

import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoChildTest
{
    @TempDir
    Path temp;

    @Test
    void aChildsStderrFileIsOwnerOnlyWhateverTheUmask() throws Exception
    {
        // The umask of a test JVM is 022 here: a redirect that created the file would make it 0644.
        final Path folder = new OwnerOnlyFiles(FilePolicy.ownerOnly()).createDirectory(temp.resolve("demo"));
        final Path stderr = folder.resolve("child.stderr");
        final DemoChild child =
            DemoChild.start("child", stderr, new LinkedBlockingQueue<>(), List.of("no-such-command"));
        try
        {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stderr)));
            assertTrue(child.awaitExit(60_000) > 0);
        }
        finally
        {
            child.close();
        }
        assertTrue(child.stderr().contains("no-such-command"), child.stderr());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stderr)));
    }
}
