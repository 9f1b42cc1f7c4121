package io.bastion.channel.shm;

import java.io.IOException;
import java.util.Objects;

/**
 * A descriptor handed to this process failed {@link SharedMemory#checkSealed}, for a typed reason. The receiver must
 * not map it.
 */
public final class SharedMemoryException extends IOException
{
    private static final long serialVersionUID = 1L;

    /**
     * Why a descriptor was refused.
     */
    public enum Reason
    {
        /** The memfd lacks {@code F_SEAL_SHRINK} or {@code F_SEAL_GROW}: its size could change under a mapping. */
        NOT_SEALED,
        /** The sealed size is not the length the receiver expects. */
        WRONG_SIZE,
        /** The descriptor is not a sealable memfd (e.g. a regular file, a pipe, closed), or the check itself failed. */
        NOT_A_MEMFD_OR_IO,
        /**
         * The memfd lacks {@code F_SEAL_FUTURE_WRITE}: a process that holds any descriptor of it, even a read-only
         * one, and runs as its owner could reopen it through {@code /proc/self/fd/N} and map it writable.
         */
        STILL_WRITABLE
    }

    /** The typed reason. */
    private final Reason reason;

    /**
     * A refusal.
     *
     * @param reason  why, never null.
     * @param message what was found.
     * @param cause   the failed call, or null.
     */
    public SharedMemoryException(final Reason reason, final String message, final Throwable cause)
    {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
        this.reason = reason;
    }

    /**
     * Why the descriptor was refused.
     *
     * @return the typed reason.
     */
    public Reason reason()
    {
        return reason;
    }
}
