package io.bastion.security.peer;

/**
 * Whether a Unix-domain-socket peer may proceed with the handshake.
 */
public enum PeerDecision
{
    /** The peer's user is in the policy's allowed users. */
    ALLOWED_USER,
    /** The peer's (effective, primary) group is in the policy's allowed groups. */
    ALLOWED_GROUP,
    /** Neither user nor group is allowed. */
    REFUSED,
    /** The kernel's credentials could not be read (not a Unix-domain socket, closed, unsupported platform). */
    NO_CREDENTIALS;

    /**
     * Whether the peer may proceed.
     *
     * @return true for the ALLOWED_* decisions.
     */
    public boolean isAllowed()
    {
        return this == ALLOWED_USER || this == ALLOWED_GROUP;
    }
}
