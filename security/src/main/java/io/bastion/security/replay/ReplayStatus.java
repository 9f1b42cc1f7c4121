package io.bastion.security.replay;

/**
 * Verdict of a {@link ReplayGuard} on a frame's sequence number. {@link #ACCEPTED} and {@link #GAP} let the frame
 * through; the others are refusals, which the channel reports as {@code REPLAY} ({@link #DUPLICATE},
 * {@link #STALE}: a sequence the guard has passed) or {@code INVALID_SEQUENCE} ({@link #INVALID}). See
 * {@code MacResult} for why the security layer keeps one verdict type per component.
 */
public enum ReplayStatus
{
    /** New and in place: strict mode, exactly the next sequence; window mode, never seen and inside the window. */
    ACCEPTED,
    /**
     * Strict mode only: newer than the next expected sequence, so frames were lost in between (the guard reports the
     * gap's size). Not a replay; a channel that must not lose frames treats it as fatal.
     */
    GAP,
    /** Already accepted: a replay or duplicate. */
    DUPLICATE,
    /** Older than the guard can judge (strict: before the last accepted; window: left of the window). */
    STALE,
    /** Outside the sequence space: negative or {@link Long#MAX_VALUE}. */
    INVALID;

    /**
     * Does this verdict let the frame through?
     *
     * @return true for {@link #ACCEPTED} and {@link #GAP}.
     */
    public boolean isAccepted()
    {
        return this == ACCEPTED || this == GAP;
    }
}
