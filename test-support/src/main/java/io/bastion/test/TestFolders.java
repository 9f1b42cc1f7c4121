package io.bastion.test;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The temporary folders a broker or process test lays out: an owner-only folder such as a broker's, and a short
 * folder under {@code /tmp} another user can traverse, for a socket that a second-user test must reach.
 * <p>
 * Why a second kind: a Unix socket's path must fit {@code sun_path} (108 bytes), which JUnit's temporary folders can
 * exceed, and a peer running as another user must be able to traverse every folder above the socket, which an
 * owner-only folder forbids. The broker's own folder stays owner-only in every test.
 * <p>
 * Thread safety: stateless.
 */
public final class TestFolders
{
    private static final Path SHORT_ROOT = Path.of("/tmp");

    private TestFolders()
    {
    }

    /**
     * Create a folder that only its owner may list, enter or write (0700), as Bastion's file policy demands of a
     * broker folder. It is created with that mode, never widened first.
     *
     * @param parent where.
     * @param name   its name.
     * @return the folder.
     * @throws IOException if it exists or cannot be created.
     */
    public static Path ownerOnly(final Path parent, final String name) throws IOException
    {
        return Files.createDirectory(
            parent.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * Create a fresh folder under {@code /tmp} that every user may traverse and list (0755) but only its owner may
     * write: the place for a socket a second user's peer must reach. Delete it with {@link #deleteRecursively}.
     *
     * @param prefix the start of its name.
     * @return the folder.
     * @throws IOException if it cannot be created.
     */
    public static Path traversableUnderTmp(final String prefix) throws IOException
    {
        final Path folder = Files.createTempDirectory(SHORT_ROOT, prefix);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        return folder;
    }

    /**
     * Delete a folder and everything in it, without following symbolic links; a folder already gone is not an
     * error.
     *
     * @param folder the folder, or null for nothing.
     * @throws IOException if something in it cannot be deleted.
     */
    public static void deleteRecursively(final Path folder) throws IOException
    {
        if (null == folder || !Files.exists(folder))
        {
            return;
        }
        Files.walkFileTree(folder, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) throws IOException
            {
                deleteIfPresent(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path dir, final IOException failure) throws IOException
            {
                if (null != failure)
                {
                    throw failure;
                }
                deleteIfPresent(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteIfPresent(final Path path) throws IOException
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final NoSuchFileException ignored)
        {
            // A child process removed it meanwhile: the aim is reached.
        }
    }
}
