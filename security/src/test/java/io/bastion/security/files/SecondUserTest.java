package io.bastion.security.files;

import io.bastion.test.AsNobody;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real second user: a child process running as nobody tries to open, for reading and for writing, every file the
 * helper created. The temporary root is 0755 so that the refusal comes from Bastion's own modes, and a positive
 * control (a 0666 file nobody can open) shows the child really ran and really could have opened a file.
 */
class SecondUserTest
{
    private static final String PROBE = String.join("\n",
        "import os, sys",
        "for p in sys.argv[1:]:",
        "    for name, flags in (('read', os.O_RDONLY), ('write', os.O_WRONLY)):",
        "        try:",
        "            os.close(os.open(p, flags | os.O_NOFOLLOW))",
        "            print(p, name, 'OPENED')",
        "        except OSError as e:",
        "            print(p, name, e.errno)");
    private static final String EACCES = "13";

    @TempDir
    Path tmp;

    private final List<Path> created = new ArrayList<>();
    private Path dir;
    private Path control;

    @BeforeEach
    void setUp() throws IOException
    {
        assumeTrue(AsNobody.available(), "needs root, " + AsNobody.SETPRIV + " and " + AsNobody.PYTHON);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        dir = files.createDirectory(tmp.resolve("bastion"));
        created.add(files.publish(dir.resolve("ring"), "ring".getBytes(StandardCharsets.US_ASCII)));
        try (FileChannel channel = files.createFile(dir.resolve("key")))
        {
            channel.force(true);
        }
        created.add(dir.resolve("key"));
        final Path sub = files.createDirectory(dir.resolve("sub"));
        created.add(files.publish(sub.resolve("counters"), new byte[64]));
        control = Files.write(tmp.resolve("control"), new byte[1]);
        Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    private List<String> probe(final List<Path> paths) throws Exception
    {
        final List<String> args = new ArrayList<>();
        for (final Path path : paths)
        {
            args.add(path.toString());
        }
        args.add(control.toString());
        final List<String> lines = AsNobody.run(PROBE, args.toArray(new String[0]));
        assertEquals(2 * args.size(), lines.size(), String.join("\n", lines));
        assertEquals(control + " read OPENED", lines.get(lines.size() - 2), "positive control");
        assertEquals(control + " write OPENED", lines.get(lines.size() - 1), "positive control");
        return lines.subList(0, lines.size() - 2);
    }

    @Test
    void nobodyCannotOpenAnyFileThroughTheOwnerOnlyFolder() throws Exception
    {
        for (final String line : probe(created))
        {
            assertEquals(EACCES, line.substring(line.lastIndexOf(' ') + 1), line);
        }
    }

    @Test
    void nobodyCannotOpenAnyFileEvenWhenTheFolderIsTraversable() throws Exception
    {
        // Open the folders to traversal only, so the kernel reaches each file and refuses on the file's own 0600.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(dir.resolve("sub"), PosixFilePermissions.fromString("rwx--x--x"));
        for (final String line : probe(created))
        {
            assertEquals(EACCES, line.substring(line.lastIndexOf(' ') + 1), line);
        }
    }

    @Test
    void nobodyInTheNamedGroupCanOpenGroupSharedFiles() throws Exception
    {
        final OwnerOnlyFiles shared = new OwnerOnlyFiles(FilePolicy.groupShared("nogroup"));
        final Path sharedDir = shared.createDirectory(tmp.resolve("shared"));
        final Path ring = shared.publish(sharedDir.resolve("ring"), new byte[8]);
        final List<String> lines = probe(List.of(ring));
        assertEquals(List.of(ring + " read OPENED", ring + " write OPENED"), lines);
    }
}
