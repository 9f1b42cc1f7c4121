package io.bastion.channel.control;

import io.bastion.codec.RejectReason;

/**
 * A handshake ended without a session, for a typed reason: the broker's {@code Refusal}, or a failure the client
 * detected itself ({@link RejectReason#BAD_SIGNATURE} when the broker does not prove the pinned key,
 * {@link RejectReason#TIMED_OUT}, {@link RejectReason#CHANNEL_CLOSED}, {@link RejectReason#PROTOCOL_VIOLATION}).
 * <p>
 * Checked on purpose: a handshake runs at connect time, never on a hot path, and its caller must decide what to do.
 */
public final class HandshakeException extends Exception
{
    private static final long serialVersionUID = 1L;

    /** The typed reason. */
    private final transient RejectReason reason;
    /** Whether the peer sent the refusal. */
    private final boolean refusedByPeer;

    /**
     * A failure.
     *
     * @param reason        why, never null.
     * @param refusedByPeer true if the other side sent a {@code Refusal} with this reason.
     * @param message       a short description without key or token bytes.
     */
    public HandshakeException(final RejectReason reason, final boolean refusedByPeer, final String message)
    {
        super(reason + (refusedByPeer ? " (refused by peer)" : "") + (null == message ? "" : ": " + message));
        this.reason = reason;
        this.refusedByPeer = refusedByPeer;
    }

    /**
     * Why the handshake failed.
     *
     * @return the typed reason.
     */
    public RejectReason reason()
    {
        return reason;
    }

    /**
     * Whether the reason came from the other side's {@code Refusal} (rather than a local check).
     *
     * @return true if the peer refused.
     */
    public boolean refusedByPeer()
    {
        return refusedByPeer;
    }
}
