package io.bastion.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestFoldersTest
{
    @TempDir
    Path temp;

    @Test
    void anOwnerOnlyFolderIsCreatedOwnerOnlyAndNeverReused() throws IOException
    {
        final Path folder = TestFolders.ownerOnly(temp, "broker");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertThrows(FileAlreadyExistsException.class, () -> TestFolders.ownerOnly(temp, "broker"));
    }

    @Test
    void aSocketFolderIsShortTraversableByOthersAndWritableOnlyByItsOwner() throws IOException
    {
        final Path folder = TestFolders.traversableUnderTmp("bastion-folders-test-");
        try
        {
            assertEquals(Path.of("/tmp"), folder.getParent());
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
            // sun_path holds 108 bytes: a socket in this folder must fit with room to spare.
            assertTrue(folder.resolve("broker.sock").toString().length() < 80, folder.toString());
        }
        finally
        {
            TestFolders.deleteRecursively(folder);
        }
        assertFalse(Files.exists(folder));
    }

    @Test
    void deletingATreeRemovesEveryLevelAndLeavesLinkedTargetsAlone() throws IOException
    {
        final Path outside = Files.writeString(temp.resolve("outside.txt"), "keep");
        final Path root = TestFolders.ownerOnly(temp, "tree");
        Files.createDirectories(root.resolve("a/b/c"));
        Files.writeString(root.resolve("a/b/c/ring"), "x");
        Files.writeString(root.resolve("a/key"), "y");
        Files.createSymbolicLink(root.resolve("a/link"), outside);

        TestFolders.deleteRecursively(root);

        assertFalse(Files.exists(root));
        assertEquals("keep", Files.readString(outside));
        TestFolders.deleteRecursively(root);
        TestFolders.deleteRecursively(null);
    }
}
