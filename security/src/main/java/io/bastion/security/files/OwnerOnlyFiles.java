package io.bastion.security.files;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Creates, publishes and opens files and folders that only the policy's principal can reach (POSIX, Linux).
 * <p>
 * <b>Creation</b> uses {@code CREATE_NEW} ({@code O_CREAT|O_EXCL}, which never follows a link at the final name)
 * and passes the owner-only mode as a {@link FileAttribute}, so the file never exists with a wider mode. A
 * group-sharing policy then sets the group and only afterwards widens the mode to {@code 0660}/{@code 0770}, both
 * through {@link LinkOption#NOFOLLOW_LINKS} (lchown, and fchmod on an {@code O_NOFOLLOW} descriptor); the explicit
 * chmod also undoes any narrowing by the process umask.
 * <p>
 * <b>Publication</b> ({@link #publish}) writes the full contents to a random-named temporary file in the same folder,
 * forces it, then gives it its final name with {@code link(2)}, which is atomic and fails if the name exists (where
 * {@code rename(2)} would silently replace it), and finally unlinks the temporary name. A reader therefore sees either
 * no file or a complete one, and never a replaced one. If the process dies between link and unlink, an owner-only
 * {@code .name.tmp-*} file remains beside the published one (harmless, and a second name for it means
 * {@link FileCheckReason#TOO_MANY_LINKS} on open until it is removed). The file system must support hard links
 * (ext4, xfs, btrfs, tmpfs and overlayfs do).
 * <p>
 * <b>Opening</b> ({@link #openForMapping}) checks, without following links, that the parent folder is a folder owned
 * by the policy uid with a mode no wider than policy, and that the file is a regular file, not a link, owned by the
 * uid, in the policy group if any, no wider than policy, with one hard link and the expected size. It opens with
 * {@code O_NOFOLLOW}, then re-reads the attributes and requires the same file key (device, inode) and the expected
 * size through the channel. Residual race, documented: between the first check and the open, a process of the
 * <em>same</em> uid (the only one that can write into an owner-only folder) could swap the file and swap it back
 * before the re-check; such a process is already able to open the file, per the threat model.
 * Only the last component of a folder path is checked; the folders above it are trusted (root-owned or the user's).
 * <p>
 * Thread safe; not for hot paths (it allocates and throws).
 */
public final class OwnerOnlyFiles
{
    private static final String TEMP_INFIX = ".tmp-";
    private static final int PERMISSION_BITS = 07777;

    private final FilePolicy policy;
    private final SecureRandom random = new SecureRandom();

    /**
     * Files under a policy.
     *
     * @param policy the owner, modes and optional group.
     */
    public OwnerOnlyFiles(final FilePolicy policy)
    {
        this.policy = policy;
    }

    /**
     * The policy.
     *
     * @return the policy.
     */
    public FilePolicy policy()
    {
        return policy;
    }

    /**
     * Check a folder: exists, not a link, a folder, owner, group under sharing policy, mode no wider than policy.
     *
     * @param dir the folder.
     * @return {@link FileCheckReason#OK} or the first failed check.
     */
    public FileCheckReason checkDirectory(final Path dir)
    {
        final Map<String, Object> attributes;
        try
        {
            attributes = readAttributes(dir);
        }
        catch (final NoSuchFileException ex)
        {
            return FileCheckReason.NOT_FOUND;
        }
        catch (final IOException ex)
        {
            return FileCheckReason.IO_ERROR;
        }
        return checkAttributes(attributes, true, -1);
    }

    /**
     * Check a file and its parent folder (see the class description).
     *
     * @param file         the file.
     * @param expectedSize the size it must have, or -1 for any.
     * @return {@link FileCheckReason#OK} or the first failed check.
     */
    public FileCheckReason checkFile(final Path file, final long expectedSize)
    {
        final FileCheckReason parent = checkDirectory(parentOf(file));
        if (parent != FileCheckReason.OK)
        {
            return parent.asParent();
        }
        try
        {
            return checkAttributes(readAttributes(file), false, expectedSize);
        }
        catch (final NoSuchFileException ex)
        {
            return FileCheckReason.NOT_FOUND;
        }
        catch (final IOException ex)
        {
            return FileCheckReason.IO_ERROR;
        }
    }

    /**
     * Create a new folder with the policy's mode (and group). Never reuses an existing name or follows a link.
     *
     * @param dir the folder to create; its parent must exist.
     * @return dir.
     * @throws SecureFileException ALREADY_EXISTS if anything (a link included) has the name, IO_ERROR otherwise.
     */
    public Path createDirectory(final Path dir) throws SecureFileException
    {
        try
        {
            Files.createDirectory(dir, ownerOnlyAttribute(FilePolicy.OWNER_DIR_MODE));
            applyPolicy(dir, policy.dirMode());
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new SecureFileException(FileCheckReason.ALREADY_EXISTS, dir, ex);
        }
        catch (final IOException ex)
        {
            throw new SecureFileException(FileCheckReason.IO_ERROR, dir, ex);
        }
        requireOk(checkDirectory(dir), dir);
        return dir;
    }

    /**
     * Create the folder, or accept an existing one only if it passes {@link #checkDirectory(Path)}.
     *
     * @param dir the folder.
     * @return dir.
     * @throws SecureFileException with the failed check.
     */
    public Path ensureDirectory(final Path dir) throws SecureFileException
    {
        try
        {
            return createDirectory(dir);
        }
        catch (final SecureFileException ex)
        {
            if (ex.reason() != FileCheckReason.ALREADY_EXISTS)
            {
                throw ex;
            }
        }
        requireOk(checkDirectory(dir), dir);
        return dir;
    }

    /**
     * Create a new, empty file with the policy's mode (and group) in a folder that passes the folder check.
     *
     * @param file the file to create.
     * @return a channel open for reading and writing; the caller closes it.
     * @throws SecureFileException ALREADY_EXISTS, a PARENT_* reason, or IO_ERROR.
     */
    public FileChannel createFile(final Path file) throws SecureFileException
    {
        requireOk(checkDirectory(parentOf(file)).asParent(), file);
        final FileChannel channel;
        try
        {
            channel = FileChannel.open(file, createOptions(), ownerOnlyAttribute(FilePolicy.OWNER_FILE_MODE));
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new SecureFileException(FileCheckReason.ALREADY_EXISTS, file, ex);
        }
        catch (final IOException ex)
        {
            throw new SecureFileException(FileCheckReason.IO_ERROR, file, ex);
        }
        try
        {
            applyPolicy(file, policy.fileMode());
            return channel;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            throw new SecureFileException(FileCheckReason.IO_ERROR, file, ex);
        }
    }

    /**
     * Publish a fully written file atomically under a name that must not exist yet.
     *
     * @param target      the final name.
     * @param initializer writes the contents into the temporary file.
     * @return target.
     * @throws SecureFileException ALREADY_EXISTS (nothing is replaced), a PARENT_* reason, or IO_ERROR.
     */
    public Path publish(final Path target, final FileInitializer initializer) throws SecureFileException
    {
        final Path parent = parentOf(target);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS))
        {
            throw new SecureFileException(FileCheckReason.ALREADY_EXISTS, target, null);
        }
        final Path temp = parent.resolve("." + target.getFileName() + TEMP_INFIX + randomHex());
        try
        {
            try (FileChannel channel = createFile(temp))
            {
                initializer.initialise(channel);
                channel.force(true);
            }
            Files.createLink(target, temp);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new SecureFileException(FileCheckReason.ALREADY_EXISTS, target, ex);
        }
        catch (final SecureFileException ex)
        {
            throw ex;
        }
        catch (final IOException ex)
        {
            throw new SecureFileException(FileCheckReason.IO_ERROR, target, ex);
        }
        finally
        {
            deleteQuietly(temp);
        }
        return target;
    }

    /**
     * Publish a file with the given bytes atomically.
     *
     * @param target  the final name, which must not exist.
     * @param content the bytes.
     * @return target.
     * @throws SecureFileException as {@link #publish(Path, FileInitializer)}.
     */
    public Path publish(final Path target, final byte[] content) throws SecureFileException
    {
        return publish(target, (channel) ->
        {
            final ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
        });
    }

    /**
     * Open a file for mapping after every check passes (see the class description).
     *
     * @param file         the file.
     * @param expectedSize the size it must have, or -1 for any.
     * @param writable     open for writing too.
     * @return the open channel; the caller closes it.
     * @throws SecureFileException with the first failed check.
     */
    public FileChannel openForMapping(final Path file, final long expectedSize, final boolean writable)
            throws SecureFileException
    {
        requireOk(checkFile(file, expectedSize), file);
        final Object fileKey = fileKey(file);
        final FileChannel channel;
        try
        {
            channel = writable ?
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS) :
                FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final IOException ex)
        {
            throw new SecureFileException(FileCheckReason.IO_ERROR, file, ex);
        }
        try
        {
            final boolean sameFile = fileKey.equals(fileKey(file));
            if (!sameFile || (expectedSize >= 0 && channel.size() != expectedSize))
            {
                throw new SecureFileException(FileCheckReason.CHANGED_DURING_OPEN, file, null);
            }
            return channel;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
            if (ex instanceof SecureFileException)
            {
                throw (SecureFileException) ex;
            }
            throw new SecureFileException(FileCheckReason.IO_ERROR, file, ex);
        }
    }

    private FileCheckReason checkAttributes(
        final Map<String, Object> attributes, final boolean directory, final long expectedSize)
    {
        if ((Boolean) attributes.get("isSymbolicLink"))
        {
            return FileCheckReason.IS_SYMLINK;
        }
        if (directory && !(Boolean) attributes.get("isDirectory"))
        {
            return FileCheckReason.NOT_DIRECTORY;
        }
        if (!directory && !(Boolean) attributes.get("isRegularFile"))
        {
            return FileCheckReason.NOT_REGULAR_FILE;
        }
        if ((Integer) attributes.get("uid") != policy.ownerUid())
        {
            return FileCheckReason.WRONG_OWNER;
        }
        final GroupPrincipal group = policy.group();
        if (null != group && !group.equals(attributes.get("group")))
        {
            return FileCheckReason.WRONG_GROUP;
        }
        final int allowed = directory ? policy.dirMode() : policy.fileMode();
        if (((Integer) attributes.get("mode") & PERMISSION_BITS & ~allowed) != 0)
        {
            return FileCheckReason.MODE_TOO_WIDE;
        }
        if (!directory && (Integer) attributes.get("nlink") != 1)
        {
            return FileCheckReason.TOO_MANY_LINKS;
        }
        if (!directory && expectedSize >= 0 && (Long) attributes.get("size") != expectedSize)
        {
            return FileCheckReason.WRONG_SIZE;
        }
        return FileCheckReason.OK;
    }

    private static Map<String, Object> readAttributes(final Path path) throws IOException
    {
        return Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
    }

    private static Object fileKey(final Path file) throws SecureFileException
    {
        try
        {
            return readAttributes(file).get("fileKey");
        }
        catch (final IOException ex)
        {
            throw new SecureFileException(FileCheckReason.CHANGED_DURING_OPEN, file, ex);
        }
    }

    private void applyPolicy(final Path path, final int mode) throws IOException
    {
        final PosixFileAttributeView view =
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (null != policy.group())
        {
            // Group first, mode second: the object is owner-only until it has the right group.
            view.setGroup(policy.group());
        }
        view.setPermissions(FilePolicy.permissions(mode));
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnlyAttribute(final int mode)
    {
        return PosixFilePermissions.asFileAttribute(FilePolicy.permissions(mode));
    }

    private static Set<OpenOption> createOptions()
    {
        final Set<OpenOption> options = new HashSet<>();
        options.add(StandardOpenOption.CREATE_NEW);
        options.add(StandardOpenOption.READ);
        options.add(StandardOpenOption.WRITE);
        options.add(LinkOption.NOFOLLOW_LINKS);
        return options;
    }

    private static Path parentOf(final Path file)
    {
        final Path parent = file.toAbsolutePath().getParent();
        return null == parent ? file.toAbsolutePath().getRoot() : parent;
    }

    private static void requireOk(final FileCheckReason reason, final Path path) throws SecureFileException
    {
        if (reason != FileCheckReason.OK)
        {
            throw new SecureFileException(reason, path, null);
        }
    }

    private String randomHex()
    {
        final byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        final StringBuilder sb = new StringBuilder(16);
        for (final byte b : bytes)
        {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    private static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ignore)
        {
            // An owner-only leftover; the caller's reason matters more.
        }
    }
}
