package io.bastion.tools.inspect;

import io.bastion.security.files.FileCheckReason;
import io.bastion.security.files.OwnerOnlyFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * What a file is, read without following links: size, mode, owner, and the verdict of the owner-only checks.
 *
 * @param path   the file.
 * @param exists whether anything has the name.
 * @param size   bytes, or -1 if it does not exist.
 * @param mode   e.g. {@code rw-------}, or empty.
 * @param owner  user name and uid, or empty.
 * @param check  the first failed file check, or {@link FileCheckReason#OK}.
 */
record FileFacts(Path path, boolean exists, long size, String mode, String owner, FileCheckReason check)
{
    /**
     * Read the facts of a file.
     *
     * @param files        the checks to apply.
     * @param path         the file.
     * @param expectedSize the size the checks require, or -1 for any.
     * @return the facts; never throws for a missing or unreadable file.
     */
    static FileFacts of(final OwnerOnlyFiles files, final Path path, final long expectedSize)
    {
        final FileCheckReason check = files.checkFile(path, expectedSize);
        try
        {
            final PosixFileAttributes attributes =
                Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            final Object uid = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return new FileFacts(path, true, attributes.size(),
                PosixFilePermissions.toString(attributes.permissions()),
                attributes.owner().getName() + " (uid " + uid + ")", check);
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return new FileFacts(path, Files.exists(path, LinkOption.NOFOLLOW_LINKS), -1, "", "", check);
        }
    }

    /**
     * Whether the file can be read as a plain file: it exists, is no link and is a regular file.
     *
     * @return true if its words may be read.
     */
    boolean readable()
    {
        return exists && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS);
    }
}
