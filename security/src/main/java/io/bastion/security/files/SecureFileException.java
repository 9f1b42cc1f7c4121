package io.bastion.security.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A refused or failed owner-only file operation, with its typed reason.
 */
public final class SecureFileException extends IOException
{
    private static final long serialVersionUID = 1L;

    /** Why. */
    private final FileCheckReason reason;
    /** The path concerned. */
    private final transient Path path;

    /**
     * A refusal.
     *
     * @param reason why.
     * @param path   the path concerned.
     * @param cause  the underlying I/O error, or null.
     */
    public SecureFileException(final FileCheckReason reason, final Path path, final Throwable cause)
    {
        super(reason + ": " + path, cause);
        this.reason = reason;
        this.path = path;
    }

    /**
     * The typed reason.
     *
     * @return never null.
     */
    public FileCheckReason reason()
    {
        return reason;
    }

    /**
     * The path concerned.
     *
     * @return the path.
     */
    public Path path()
    {
        return path;
    }
}
