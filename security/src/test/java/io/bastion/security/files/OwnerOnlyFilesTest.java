package io.bastion.security.files;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class OwnerOnlyFilesTest
{
    private static final byte[] CONTENT = "sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    private OwnerOnlyFiles files;
    private Path dir;

    @BeforeEach
    void setUp() throws IOException
    {
        files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        dir = files.createDirectory(tmp.resolve("bastion"));
    }

    private static String mode(final Path path) throws IOException
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static FileCheckReason reasonOf(final ThrowingAction action)
    {
        return assertThrows(SecureFileException.class, action::run).reason();
    }

    @FunctionalInterface
    interface ThrowingAction
    {
        void run() throws IOException;
    }

    @Test
    void createsOwnerOnlyFolderAndFiles() throws IOException
    {
        assertEquals("rwx------", mode(dir));
        try (FileChannel channel = files.createFile(dir.resolve("key")))
        {
            channel.write(ByteBuffer.wrap(CONTENT));
        }
        assertEquals("rw-------", mode(dir.resolve("key")));
        final Path ring = files.publish(dir.resolve("ring"), CONTENT);
        assertEquals("rw-------", mode(ring));
        assertEquals(FilePolicy.currentUid(), Files.getAttribute(ring, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(FileCheckReason.OK, files.checkFile(ring, CONTENT.length));
        assertEquals(FileCheckReason.OK, files.checkDirectory(dir));
    }

    @Test
    void publishIsCompleteAndNeverReplaces() throws IOException
    {
        final Path ring = files.publish(dir.resolve("ring"), CONTENT);
        assertArrayEquals(CONTENT, Files.readAllBytes(ring));
        assertEquals(FileCheckReason.ALREADY_EXISTS,
            reasonOf(() -> files.publish(ring, "other".getBytes(StandardCharsets.US_ASCII))));
        assertArrayEquals(CONTENT, Files.readAllBytes(ring));
        try (Stream<Path> listing = Files.list(dir))
        {
            assertEquals(List.of(ring), listing.toList(), "no temporary file left behind");
        }
    }

    @Test
    void failedInitialiserPublishesNothing() throws IOException
    {
        final Path ring = dir.resolve("ring");
        assertEquals(FileCheckReason.IO_ERROR, reasonOf(() -> files.publish(ring, (channel) ->
        {
            channel.write(ByteBuffer.wrap(CONTENT));
            throw new IOException("half written");
        })));
        try (Stream<Path> listing = Files.list(dir))
        {
            assertEquals(0, listing.count());
        }
    }

    @Test
    void refusesPrePlantedSymlinkAtTheFile() throws IOException
    {
        final Path victim = tmp.resolve("victim");
        Files.write(victim, CONTENT);
        final Path planted = Files.createSymbolicLink(dir.resolve("ring"), victim);
        assertEquals(FileCheckReason.ALREADY_EXISTS, reasonOf(() -> files.createFile(planted).close()));
        assertEquals(FileCheckReason.ALREADY_EXISTS, reasonOf(() -> files.publish(planted, new byte[4])));
        assertEquals(FileCheckReason.IS_SYMLINK, files.checkFile(planted, -1));
        assertEquals(FileCheckReason.IS_SYMLINK, reasonOf(() -> files.openForMapping(planted, -1, false)));
        assertArrayEquals(CONTENT, Files.readAllBytes(victim), "the link target was not written through");
    }

    @Test
    void refusesPrePlantedSymlinkAtTheFolder() throws IOException
    {
        files.publish(dir.resolve("ring"), CONTENT);
        final Path linkedDir = Files.createSymbolicLink(tmp.resolve("linked"), dir);
        assertEquals(FileCheckReason.IS_SYMLINK, files.checkDirectory(linkedDir));
        assertEquals(FileCheckReason.ALREADY_EXISTS, reasonOf(() -> files.createDirectory(linkedDir)));
        assertEquals(FileCheckReason.IS_SYMLINK, reasonOf(() -> files.ensureDirectory(linkedDir)));
        assertEquals(FileCheckReason.PARENT_IS_SYMLINK,
            reasonOf(() -> files.createFile(linkedDir.resolve("new")).close()));
        assertEquals(FileCheckReason.PARENT_IS_SYMLINK,
            reasonOf(() -> files.publish(linkedDir.resolve("new"), CONTENT)));
        assertEquals(FileCheckReason.PARENT_IS_SYMLINK,
            reasonOf(() -> files.openForMapping(linkedDir.resolve("ring"), CONTENT.length, false)));
        assertEquals(false, Files.exists(dir.resolve("new")));
    }

    @Test
    void refusesPreExistingFile() throws IOException
    {
        final Path existing = Files.write(dir.resolve("ring"), CONTENT);
        assertEquals(FileCheckReason.ALREADY_EXISTS, reasonOf(() -> files.createFile(existing).close()));
        assertEquals(FileCheckReason.ALREADY_EXISTS, reasonOf(() -> files.publish(existing, new byte[1])));
        assertArrayEquals(CONTENT, Files.readAllBytes(existing));
        assertEquals(FileCheckReason.OK, files.checkDirectory(files.ensureDirectory(dir)));
    }

    @Test
    void refusesWidenedModes() throws IOException
    {
        final Path ring = files.publish(dir.resolve("ring"), CONTENT);
        Files.setPosixFilePermissions(ring, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(FileCheckReason.MODE_TOO_WIDE, reasonOf(() -> files.openForMapping(ring, -1, false)));
        Files.setPosixFilePermissions(ring, PosixFilePermissions.fromString("rw--w----"));
        assertEquals(FileCheckReason.MODE_TOO_WIDE, files.checkFile(ring, -1));
        Files.setPosixFilePermissions(ring, PosixFilePermissions.fromString("r--------"));
        assertEquals(FileCheckReason.OK, files.checkFile(ring, -1), "narrower than policy is fine");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(FileCheckReason.MODE_TOO_WIDE, files.checkDirectory(dir));
        assertEquals(FileCheckReason.PARENT_MODE_TOO_WIDE, reasonOf(() -> files.openForMapping(ring, -1, false)));
        assertEquals(FileCheckReason.PARENT_MODE_TOO_WIDE,
            reasonOf(() -> files.publish(dir.resolve("other"), CONTENT)));
        assertEquals(FileCheckReason.MODE_TOO_WIDE, reasonOf(() -> files.ensureDirectory(dir)));
    }

    @Test
    void refusesWrongOwner() throws IOException
    {
        assumeTrue(FilePolicy.currentUid() == 0, "chown to another user needs root");
        final UserPrincipal nobody =
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        final Path ring = files.publish(dir.resolve("ring"), CONTENT);
        Files.setOwner(ring, nobody);
        assertEquals(FileCheckReason.WRONG_OWNER, reasonOf(() -> files.openForMapping(ring, -1, true)));
        Files.setOwner(ring, Files.getOwner(dir));
        assertEquals(FileCheckReason.OK, files.checkFile(ring, -1));
        Files.setOwner(dir, nobody);
        assertEquals(FileCheckReason.PARENT_WRONG_OWNER, files.checkFile(ring, -1));
        assertEquals(FileCheckReason.WRONG_OWNER, files.checkDirectory(dir));
    }

    @Test
    void refusesWrongSizeAndOpensRightSize() throws IOException
    {
        final Path ring = files.publish(dir.resolve("ring"), CONTENT);
        assertEquals(FileCheckReason.WRONG_SIZE, reasonOf(() -> files.openForMapping(ring, 32, false)));
        assertEquals(FileCheckReason.WRONG_SIZE, reasonOf(() -> files.openForMapping(ring, 0, false)));
        try (FileChannel channel = files.openForMapping(ring, CONTENT.length, true))
        {
            assertEquals(CONTENT[0], channel.map(FileChannel.MapMode.READ_WRITE, 0, CONTENT.length).get(0));
        }
    }

    @Test
    void refusesNonRegularFilesAndExtraHardLinks() throws IOException
    {
        final Path sub = files.createDirectory(dir.resolve("sub"));
        assertEquals(FileCheckReason.NOT_REGULAR_FILE, files.checkFile(sub, -1));
        assertEquals(FileCheckReason.NOT_FOUND, reasonOf(() -> files.openForMapping(dir.resolve("none"), -1, false)));
        final Path ring = files.publish(dir.resolve("ring"), CONTENT);
        assertEquals(FileCheckReason.NOT_DIRECTORY, files.checkDirectory(ring));
        Files.createLink(dir.resolve("second-name"), ring);
        assertEquals(FileCheckReason.TOO_MANY_LINKS, reasonOf(() -> files.openForMapping(ring, -1, false)));
        assertEquals(FileCheckReason.PARENT_NOT_FOUND, files.checkFile(tmp.resolve("nodir/x"), -1));
    }

    @Test
    void groupSharingIsExplicit() throws IOException
    {
        assumeTrue(FilePolicy.currentUid() == 0, "chgrp to a group we are not in needs root");
        final OwnerOnlyFiles shared = new OwnerOnlyFiles(FilePolicy.groupShared("nogroup"));
        final GroupPrincipal nogroup = shared.policy().group();
        final Path sharedDir = shared.createDirectory(tmp.resolve("shared"));
        final Path ring = shared.publish(sharedDir.resolve("ring"), CONTENT);
        assertEquals("rwxrwx---", mode(sharedDir));
        assertEquals("rw-rw----", mode(ring));
        assertEquals(nogroup, Files.readAttributes(ring, java.nio.file.attribute.PosixFileAttributes.class,
            LinkOption.NOFOLLOW_LINKS).group());
        assertEquals(FileCheckReason.OK, shared.checkFile(ring, CONTENT.length));
        assertEquals(FileCheckReason.PARENT_MODE_TOO_WIDE, files.checkFile(ring, CONTENT.length));
        final Path ownerOnly = files.publish(dir.resolve("ring"), CONTENT);
        assertEquals(FileCheckReason.PARENT_WRONG_GROUP, shared.checkFile(ownerOnly, -1));
        assertEquals(FileCheckReason.WRONG_GROUP, shared.checkDirectory(dir));
    }
}
