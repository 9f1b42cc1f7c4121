package io.bastion.bridge;

import io.bastion.security.keys.KeyDirection;

/**
 * Which side of the handshake a bridge plays. The initiator sends the first hello; the responder answers. The role
 * fixes the order of the two hellos in the transcript, the label of each side's signature and which direction key
 * each side seals with. Immutable.
 */
public enum BridgeRole
{
    /** Sends INIT_HELLO and INIT_FINISH; seals with the initiator-to-responder key. */
    INITIATOR((byte)1, KeyDirection.INITIATOR_TO_RESPONDER),

    /** Answers with RESP_HELLO; seals with the responder-to-initiator key. */
    RESPONDER((byte)2, KeyDirection.RESPONDER_TO_INITIATOR);

    private final byte code;
    private final KeyDirection sending;

    BridgeRole(final byte code, final KeyDirection sending)
    {
        this.code = code;
        this.sending = sending;
    }

    /**
     * The role's code, bound into its signatures.
     *
     * @return 1 for the initiator, 2 for the responder.
     */
    public byte code()
    {
        return code;
    }

    /**
     * The direction this role seals with.
     *
     * @return the sending direction.
     */
    public KeyDirection sendingDirection()
    {
        return sending;
    }

    /**
     * The direction this role opens with: the peer's sending direction.
     *
     * @return the receiving direction.
     */
    public KeyDirection receivingDirection()
    {
        return KeyDirection.INITIATOR_TO_RESPONDER == sending ?
            KeyDirection.RESPONDER_TO_INITIATOR : KeyDirection.INITIATOR_TO_RESPONDER;
    }

    /**
     * The other role.
     *
     * @return the peer's role.
     */
    public BridgeRole peer()
    {
        return INITIATOR == this ? RESPONDER : INITIATOR;
    }
}
