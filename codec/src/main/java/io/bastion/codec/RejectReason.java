package io.bastion.codec;

/**
 * The stable vocabulary of reasons why Bastion refuses a frame, a record or a peer.
 * <p>
 * Each constant has a fixed numeric {@link #code()} that is part of the wire format (the {@code RejectCode} enum of
 * the SBE schema carries the same names and values, and a test keeps the two equal), of counters and of the audit
 * log. Codes are never renumbered or reused; new reasons take new codes.
 * <ul>
 *     <li>1 to 31: structural refusals by {@link FrameValidator} and {@link ControlMessageValidator}, before any
 *     decoder touches the bytes.</li>
 *     <li>32 and up: refusals by the channel, the broker and the security layer.</li>
 * </ul>
 * Code {@code 0} is not a reason: it is {@link FrameValidator#ACCEPT}.
 * <p>
 * Thread safety: immutable.
 */
public enum RejectReason
{
    /** The record is shorter than the smallest frame of the minimum supported version. */
    TOO_SHORT(1),
    /** The header's schema id is not Bastion's. */
    WRONG_SCHEMA_ID(2),
    /** The header's version is below {@link FrameValidator#MIN_SUPPORTED_VERSION}. */
    VERSION_TOO_OLD(3),
    /** The header's version is above the highest version the validator's policy accepts. */
    VERSION_TOO_NEW(4),
    /** The header's template id is not one this reader expects. */
    UNKNOWN_TEMPLATE(5),
    /** The header's block length is smaller than its version requires. */
    BLOCK_LENGTH_TOO_SHORT(6),
    /** The header's block length is larger than its version or the policy allows. */
    BLOCK_LENGTH_TOO_LONG(7),
    /** The record ends before the block and the payload length prefix that the header announces. */
    TRUNCATED(8),
    /** The payload length exceeds the declared or configured maximum. */
    PAYLOAD_TOO_LONG(9),
    /** The payload length runs past the end of the record. */
    PAYLOAD_BEYOND_RECORD(10),
    /** The record holds bytes after the end of the payload. */
    TRAILING_BYTES(11),
    /** The frame's own total-length field differs from its encoded length. */
    FRAME_LENGTH_MISMATCH(12),
    /** The (offset, length) region given to the validator does not lie inside the buffer. */
    REGION_OUT_OF_BOUNDS(13),
    /** A control message carries an enum value this build does not know. */
    UNKNOWN_ENUM_VALUE(14),

    /** The frame's key id names no key the consumer holds. */
    UNKNOWN_KEY(32),
    /** The frame's key id names a revoked key. */
    REVOKED_KEY(33),
    /** The frame's tag does not verify. */
    BAD_TAG(34),
    /** The frame's sequence was already seen. */
    REPLAY(35),
    /** The frame's sequence skips ahead where the channel requires no gaps. */
    SEQUENCE_GAP(36),
    /** The producer exceeded its rate limit. */
    RATE_LIMITED(37),
    /** The producer or channel is quarantined after earlier refusals. */
    QUARANTINED(38),
    /** The peer or token lacks the right for this channel or action. */
    UNAUTHORIZED(39),
    /** The capability token is outside its validity period. */
    EXPIRED_TOKEN(40),
    /** The capability token is malformed or its signature does not verify. */
    INVALID_TOKEN(41),
    /** A handshake signature does not verify. */
    BAD_SIGNATURE(42),
    /** The peer's credentials (user, group) are not allowed by policy. */
    PEER_REJECTED(43),
    /** The peers share no protocol version. */
    UNSUPPORTED_VERSION(44),
    /** A message arrived that the protocol state does not allow. */
    PROTOCOL_VIOLATION(45),
    /** A ring record's length is out of the ring's bounds or the channel's maximum. */
    RECORD_LENGTH_INVALID(46),
    /** A file or folder is open to more principals than policy allows. */
    PERMISSIONS_TOO_WIDE(47),
    /** The peer did not answer in time. */
    TIMED_OUT(48),
    /** The channel is closed. */
    CHANNEL_CLOSED(49),
    /** The channel already has a subscriber: a channel's rings have one consumer each. */
    CHANNEL_IN_USE(50),
    /**
     * The ring's shared memory faulted under a read or write: its file was truncated or its pages could not be
     * backed (a full tmpfs). The source is quarantined; nothing of the fault reaches the application.
     */
    MAPPING_FAULT(51);

    private static final RejectReason[] BY_CODE;

    static
    {
        int maxCode = 0;
        for (final RejectReason reason : values())
        {
            maxCode = Math.max(maxCode, reason.code);
        }
        BY_CODE = new RejectReason[maxCode + 1];
        for (final RejectReason reason : values())
        {
            if (null != BY_CODE[reason.code])
            {
                throw new IllegalStateException("duplicate reject code " + reason.code);
            }
            BY_CODE[reason.code] = reason;
        }
    }

    private final int code;

    RejectReason(final int code)
    {
        this.code = code;
    }

    /**
     * The stable numeric code of this reason, as carried on the wire and in counters.
     *
     * @return a code greater than zero.
     */
    public int code()
    {
        return code;
    }

    /**
     * Whether this reason is a structural refusal made by {@link FrameValidator}.
     *
     * @return true for codes 1 to 31.
     */
    public boolean isStructural()
    {
        return code < 32;
    }

    /**
     * The reason for a code, without allocating.
     *
     * @param code a code returned by {@link FrameValidator#validate} or read from the wire.
     * @return the reason, or null when the code is {@link FrameValidator#ACCEPT} or names no reason.
     */
    public static RejectReason fromCode(final int code)
    {
        if (code <= 0 || code >= BY_CODE.length)
        {
            return null;
        }
        return BY_CODE[code];
    }

    /**
     * The highest code in use, for sizing per-reason counter arrays indexed by code.
     *
     * @return the largest {@link #code()} of any constant.
     */
    public static int maxCode()
    {
        return BY_CODE.length - 1;
    }
}
