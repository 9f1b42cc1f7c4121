package io.bastion.bridge;

/**
 * What a CHANNEL_KEY datagram says about an origin producer's key, in the field at
 * {@link BridgeDescriptor#CHANNEL_KEY_ACTION_OFFSET}: the key was handed over (the only action that carries key
 * material), retired by a rotation, revoked, or the producer itself is gone. The receiving bridge repeats each one to
 * its broker, so a key the origin's broker retires or revokes stops there too.
 */
public enum ChannelKeyAction
{
    /** A new key: frames of the producer may carry it from now on. Carries the 32 key bytes. */
    ADDED(0),
    /** The producer switched to a newer key: this one is accepted for a grace, then dropped. No key bytes. */
    RETIRED(1),
    /** The key was revoked: frames under it are refused from now on. No key bytes. */
    REVOKED(2),
    /** The producer left the origin channel: its frames stop, and the relay of it may close. No key bytes. */
    SOURCE_REMOVED(3);

    private static final ChannelKeyAction[] BY_CODE = values();

    private final int code;

    ChannelKeyAction(final int code)
    {
        this.code = code;
    }

    /**
     * The value on the wire.
     *
     * @return the code.
     */
    public int code()
    {
        return code;
    }

    /**
     * The action a wire value names.
     *
     * @param code the value read from a datagram (untrusted).
     * @return the action, or null for a value no sender writes.
     */
    public static ChannelKeyAction fromCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
