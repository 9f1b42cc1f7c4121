package io.bastion.bridge;

/**
 * {@link Bridge#connect} ran out of time without a session. Carries the last refusal the handshake met, if any (an
 * unpinned peer, a bad signature...), so an operator can tell a missing peer from a refused one.
 */
public final class BridgeHandshakeException extends Exception
{
    private static final long serialVersionUID = 1L;

    /** The last refusal, or null if the peer never answered. */
    private final transient BridgeRejectReason lastRefusal;

    /**
     * An exception.
     *
     * @param message     what happened.
     * @param lastRefusal the last refusal, or null.
     */
    public BridgeHandshakeException(final String message, final BridgeRejectReason lastRefusal)
    {
        super(message + (null == lastRefusal ? "" : " (last refusal: " + lastRefusal + ")"));
        this.lastRefusal = lastRefusal;
    }

    /**
     * The last refusal the handshake met.
     *
     * @return the reason, or null if the peer never answered.
     */
    public BridgeRejectReason lastRefusal()
    {
        return lastRefusal;
    }
}
