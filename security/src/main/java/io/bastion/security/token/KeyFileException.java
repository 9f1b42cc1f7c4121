package io.bastion.security.token;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A key file passed the file checks but does not hold what it must: the typed reason and the file.
 */
public final class KeyFileException extends IOException
{
    private static final long serialVersionUID = 1L;

    /**
     * Why a key file's content was refused.
     */
    public enum Reason
    {
        /** Larger than any key file. */
        TOO_LARGE,
        /** A private key file without both its {@code private-key} and {@code public-key} lines. */
        NOT_A_PRIVATE_KEY_FILE,
        /** A key that is not 64 hex digits, or not an Ed25519 key. */
        MALFORMED_KEY,
        /** The private and the public key of the file do not belong together. */
        KEYS_DO_NOT_MATCH
    }

    /** The reason. */
    private final transient Reason reason;
    /** The file. */
    private final transient Path path;

    /**
     * A refusal.
     *
     * @param reason why.
     * @param path   the file.
     * @param detail a short description, without key bytes.
     */
    public KeyFileException(final Reason reason, final Path path, final String detail)
    {
        super(path + ": " + detail);
        this.reason = reason;
        this.path = path;
    }

    /**
     * Why the file was refused.
     *
     * @return the reason.
     */
    public Reason reason()
    {
        return reason;
    }

    /**
     * The refused file.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }
}
