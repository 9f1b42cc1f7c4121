package io.bastion.security.files;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Who may own and open Bastion's files: the expected owner uid, the widest allowed modes, and optionally a group.
 * <ul>
 *     <li>{@link #ownerOnly()}: folders {@code 0700}, files {@code 0600}, owned by this process's uid.</li>
 *     <li>{@link #groupShared(String)}: folders {@code 0770}, files {@code 0660}, group set to the named group at
 *     creation. Sharing is never implied: it needs this explicit policy and a group name.</li>
 * </ul>
 * Immutable and thread safe.
 */
public final class FilePolicy
{
    /** Owner-only file mode. */
    public static final int OWNER_FILE_MODE = 0600;
    /** Owner-only folder mode. */
    public static final int OWNER_DIR_MODE = 0700;
    /** Group-shared file mode. */
    public static final int GROUP_FILE_MODE = 0660;
    /** Group-shared folder mode. */
    public static final int GROUP_DIR_MODE = 0770;

    private final int ownerUid;
    private final GroupPrincipal group;
    private final int fileMode;
    private final int dirMode;

    private FilePolicy(final int ownerUid, final GroupPrincipal group, final int fileMode, final int dirMode)
    {
        this.ownerUid = ownerUid;
        this.group = group;
        this.fileMode = fileMode;
        this.dirMode = dirMode;
    }

    /**
     * Owner-only for this process's effective uid.
     *
     * @return the policy.
     * @throws IOException if the uid cannot be read.
     */
    public static FilePolicy ownerOnly() throws IOException
    {
        return ownerOnly(currentUid());
    }

    /**
     * Owner-only for a given uid.
     *
     * @param uid the expected owner.
     * @return the policy.
     */
    public static FilePolicy ownerOnly(final int uid)
    {
        return new FilePolicy(uid, null, OWNER_FILE_MODE, OWNER_DIR_MODE);
    }

    /**
     * Shared with a named group, owned by this process's effective uid.
     *
     * @param groupName the group, resolved through the platform's lookup service.
     * @return the policy.
     * @throws IOException if the group does not exist or the uid cannot be read.
     */
    public static FilePolicy groupShared(final String groupName) throws IOException
    {
        final GroupPrincipal group = FileSystems.getDefault().getUserPrincipalLookupService()
            .lookupPrincipalByGroupName(groupName);
        return groupShared(currentUid(), group);
    }

    /**
     * Shared with a group, for a given owner uid.
     *
     * @param uid   the expected owner.
     * @param group the group files and folders get at creation and must have on open.
     * @return the policy.
     */
    public static FilePolicy groupShared(final int uid, final GroupPrincipal group)
    {
        if (null == group)
        {
            throw new IllegalArgumentException("group sharing needs a named group");
        }
        return new FilePolicy(uid, group, GROUP_FILE_MODE, GROUP_DIR_MODE);
    }

    /**
     * The effective uid of this process, read as the owner of {@code /proc/self} (Linux).
     *
     * @return the uid.
     * @throws IOException if {@code /proc} is unavailable.
     */
    public static int currentUid() throws IOException
    {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /**
     * The expected owner.
     *
     * @return the uid.
     */
    public int ownerUid()
    {
        return ownerUid;
    }

    /**
     * The group under a sharing policy.
     *
     * @return the group, or null for owner-only.
     */
    public GroupPrincipal group()
    {
        return group;
    }

    /**
     * The widest and the created file mode.
     *
     * @return permission bits, e.g. 0600.
     */
    public int fileMode()
    {
        return fileMode;
    }

    /**
     * The widest and the created folder mode.
     *
     * @return permission bits, e.g. 0700.
     */
    public int dirMode()
    {
        return dirMode;
    }

    static Set<PosixFilePermission> permissions(final int mode)
    {
        final Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        final PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ };
        for (int bit = 0; bit < order.length; bit++)
        {
            if ((mode & (1 << bit)) != 0)
            {
                set.add(order[bit]);
            }
        }
        return set;
    }
}
