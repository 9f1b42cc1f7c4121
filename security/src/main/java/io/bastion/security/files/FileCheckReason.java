package io.bastion.security.files;

/**
 * Why a file or folder passed or failed an owner-only check. {@code PARENT_*} reasons are about the folder that holds
 * the file.
 */
public enum FileCheckReason
{
    /** Every check passed. */
    OK,
    /** Nothing at the path. */
    NOT_FOUND,
    /** The path is a symbolic link (never followed). */
    IS_SYMLINK,
    /** Expected a regular file and found something else (folder, FIFO, device, socket). */
    NOT_REGULAR_FILE,
    /** Expected a folder and found something else. */
    NOT_DIRECTORY,
    /** Owned by another uid than the policy expects. */
    WRONG_OWNER,
    /** Under a group-sharing policy, the group is not the named group. */
    WRONG_GROUP,
    /** Permission bits (including setuid, setgid, sticky) beyond what the policy allows. */
    MODE_TOO_WIDE,
    /** A regular file with more than one hard link: another name could reach it. */
    TOO_MANY_LINKS,
    /** Size differs from the expected size. */
    WRONG_SIZE,
    /** The file changed identity or size between the check and the open. */
    CHANGED_DURING_OPEN,
    /** The name already exists (creation never replaces). */
    ALREADY_EXISTS,
    /** The parent folder does not exist. */
    PARENT_NOT_FOUND,
    /** The parent folder is a symbolic link. */
    PARENT_IS_SYMLINK,
    /** The parent is not a folder. */
    PARENT_NOT_DIRECTORY,
    /** The parent folder is owned by another uid. */
    PARENT_WRONG_OWNER,
    /** The parent folder has the wrong group under a group-sharing policy. */
    PARENT_WRONG_GROUP,
    /** The parent folder's mode is wider than policy. */
    PARENT_MODE_TOO_WIDE,
    /** An I/O error other than the above; see the exception's cause. */
    IO_ERROR;

    FileCheckReason asParent()
    {
        switch (this)
        {
            case NOT_FOUND:
                return PARENT_NOT_FOUND;
            case IS_SYMLINK:
                return PARENT_IS_SYMLINK;
            case NOT_DIRECTORY:
                return PARENT_NOT_DIRECTORY;
            case WRONG_OWNER:
                return PARENT_WRONG_OWNER;
            case WRONG_GROUP:
                return PARENT_WRONG_GROUP;
            case MODE_TOO_WIDE:
                return PARENT_MODE_TOO_WIDE;
            default:
                return this;
        }
    }
}
