package io.bastion.security.keys;

/**
 * Which way frames signed by a key travel. Each direction of a channel has its own keys, so a frame cannot be
 * reflected back to its sender and accepted.
 */
public enum KeyDirection
{
    /** Frames from the side that opened the channel (the client) to the other side. */
    INITIATOR_TO_RESPONDER((byte) 1),
    /** Frames from the side that accepted the channel (the broker) back to the initiator. */
    RESPONDER_TO_INITIATOR((byte) 2);

    private final byte code;

    KeyDirection(final byte code)
    {
        this.code = code;
    }

    /**
     * Stable wire code of the direction, bound into key derivation.
     *
     * @return 1 or 2.
     */
    public byte code()
    {
        return code;
    }
}
