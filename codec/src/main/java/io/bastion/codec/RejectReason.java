package io.bastion.codec;

/**
 * The stable vocabulary of reasons why Bastion refuses a frame, a record, a ring or a peer: the one refusal
 * vocabulary every layer reports upward, from the validators to the counters, {@code bastion stat}, the rejection
 * handler and the audit log.
 * <p>
 * Each constant has a fixed numeric {@link #code()} that is part of the wire format (the {@code RejectCode} enum of
 * the SBE schema carries the same names and values, and a test keeps the two equal), of counters and of the audit
 * log. Codes are never renumbered or reused; new reasons take new codes. All codes are 0 or more, so none is ever
 * mistaken for one of the negative status codes the rings and the publisher return.
 * <ul>
 *     <li>0: {@link #NONE}, not a refusal: what a check returns when it accepts. Never on the wire, never
 *     counted.</li>
 *     <li>1 to 31: structural refusals by {@link FrameValidator} and {@link ControlMessageValidator}, before any
 *     decoder touches the bytes.</li>
 *     <li>32 to 63: refusals by the channel, the broker and the security layer.</li>
 *     <li>64 to 95: ring faults: the ring a source shares holds a value no correct peer writes. Each has the name of
 *     the ring's own {@code RingFault} (the codec does not depend on the rings, so the channel maps one to the
 *     other, and a test keeps the names equal).</li>
 * </ul>
 * <p>
 * Thread safety: immutable.
 */
public enum RejectReason
{
    /** Not a refusal: every check passed. The value a check returns on acceptance; never on the wire. */
    NONE(0),

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
    /**
     * The frame's sequence is one the source's replay guard has passed: the same frame again, or an older one (under
     * a strict guard, behind the last accepted; under a sliding window, left of it).
     */
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
    /**
     * A ring record is longer than the largest frame the subscriber accepts. (A record length outside the ring's
     * own bounds is the ring fault {@link #RECORD_LENGTH_OUT_OF_RANGE}.)
     */
    FRAME_TOO_LONG(46),
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
    MAPPING_FAULT(51),
    /** The frame's key id names a key whose not-after time has passed (its rotation grace period is over). */
    EXPIRED_KEY(52),
    /** The frame's sequence lies outside the sequence space (negative, or {@link Long#MAX_VALUE}): no publisher sends
     * it, so its sealer is broken or hostile. */
    INVALID_SEQUENCE(53),
    /**
     * A batch record (several frames under one tag) breaks the batch layout: a frame lacks the batch flag (or a frame
     * outside a batch record carries it), or a frame but the last carries a tag that is not all zero.
     */
    MALFORMED_BATCH(54),
    /** The frames of one batch record carry different key ids: one tag is made with one key. */
    BATCH_KEY_MISMATCH(55),
    /**
     * Fan-out: this subscriber fell further behind the publisher than the channel's lag bound, and was evicted so
     * that it no longer held the publisher back. The other subscribers carried on.
     */
    CONSUMER_LAGGED(56),
    /**
     * Fan-out: this subscriber held the publisher back and published no heartbeat for longer than the channel's
     * stall timeout (a stopped or hung process), and was evicted.
     */
    CONSUMER_STALLED(57),
    /**
     * Fan-out: this subscriber's consumer region held a head no correct consumer writes (misaligned, beyond the
     * tail, more than a lap behind, backwards), and was evicted: the publisher no longer reads it.
     */
    CONSUMER_HEAD_INVALID(58),
    /**
     * The broker refused a channel whose id (a function of its name, the same on every broker) is already the id of
     * another channel it serves: two names collided. Nothing is ever given a reused id; rename one of the channels.
     */
    CHANNEL_ID_TAKEN(59),
    /**
     * The channel is relayed: only a relay (a session with the {@code RELAY} right) may publish on it, since its
     * frames come sealed from another host. An ordinary publisher is refused.
     */
    RELAY_ONLY(60),
    /** A relay asked to publish on a channel the broker does not declare relayed. */
    NOT_RELAYED(61),
    /** A relay declared an origin producer id that another session of the channel already publishes under. */
    PRODUCER_ID_IN_USE(62),

    /** Ring fault: the tail is negative, or behind the head, or more than a lap ahead of it. */
    TAIL_OUT_OF_RANGE(64),
    /** Ring fault: the tail is not a multiple of the record alignment. */
    TAIL_MISALIGNED(65),
    /** Ring fault: a record length is below the header, runs past the end of the buffer or past what a correct
     * producer can have published. */
    RECORD_LENGTH_OUT_OF_RANGE(66),
    /** Ring fault: a record carries a type no producer writes. */
    RECORD_TYPE_INVALID(67),
    /** Ring fault: a padding record does not end exactly at the end of the buffer. */
    PADDING_INVALID(68),
    /** Ring fault: the consumer's head is beyond the producer's tail. */
    HEAD_BEYOND_TAIL(69),
    /** Ring fault: the consumer's head is more than a lap behind the producer's tail. */
    HEAD_MORE_THAN_A_LAP_BEHIND(70),
    /** Ring fault: the consumer's head moved back behind a head the producer read earlier. */
    HEAD_BACKWARDS(71),
    /** Ring fault: the consumer's head is not a multiple of the record alignment. */
    HEAD_MISALIGNED(72);

    private static final int FIRST_CHANNEL_CODE = 32;
    private static final int FIRST_RING_FAULT_CODE = 64;
    private static final int FIRST_UNASSIGNED_RANGE_CODE = 96;

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
     * @return 0 for {@link #NONE}, else a code greater than zero.
     */
    public int code()
    {
        return code;
    }

    /**
     * Whether this is a refusal, that is anything but {@link #NONE}.
     *
     * @return false only for {@link #NONE}.
     */
    public boolean isRefusal()
    {
        return NONE != this;
    }

    /**
     * Whether this reason is a structural refusal made by {@link FrameValidator} or {@link ControlMessageValidator}.
     *
     * @return true for codes 1 to 31.
     */
    public boolean isStructural()
    {
        return code > 0 && code < FIRST_CHANNEL_CODE;
    }

    /**
     * Whether this reason is a fault of a ring's shared words, named as the ring's {@code RingFault}.
     *
     * @return true for codes 64 to 95.
     */
    public boolean isRingFault()
    {
        return code >= FIRST_RING_FAULT_CODE && code < FIRST_UNASSIGNED_RANGE_CODE;
    }

    /**
     * The reason for a code, without allocating.
     *
     * @param code a code from {@link #code()}, for instance read from the wire.
     * @return the reason ({@link #NONE} for 0), or null when the code names no reason.
     */
    public static RejectReason fromCode(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
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
