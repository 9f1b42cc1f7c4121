package io.bastion.bridge;

/**
 * Why a {@link BridgeReceiver} refused a datagram. Each reason has its own counter
 * ({@code "<label>: rejected <REASON>"}); nothing refused is ever handed to a handler.
 * <p>
 * Reassembly of fragmented Aeron messages (only a DATA_BATCH may be one) refuses {@link #FRAGMENT_TOO_LONG},
 * {@link #FRAGMENT_OUT_OF_ORDER} and {@link #FRAGMENT_EVICTED}. The datagram (or reassembled message) checks then run
 * in this order, the first failing one deciding: {@link #TOO_LONG}, {@link #TRUNCATED},
 * {@link #FRAGMENTED}, {@link #MALFORMED_HEADER}, {@link #UNEXPECTED_TYPE}; then for sealed types
 * {@link #UNKNOWN_SESSION}, {@link #UNKNOWN_KEY}, {@link #INVALID_SEQUENCE}, {@link #DUPLICATE}, {@link #TOO_OLD}
 * (a pure check: a forged datagram cannot move the window), {@link #AUTHENTICATION_FAILED}, and after the window has
 * recorded the sequence {@link #MALFORMED_FRAME} or {@link #MALFORMED_CONTROL}; handshake types end in one of the
 * {@code HANDSHAKE_} reasons. Immutable.
 */
public enum BridgeRejectReason
{
    /**
     * A reassembled (fragmented) Aeron message of a type other than DATA_BATCH: handshake, DATA, CHANNEL_KEY, REKEY
     * and KEEPALIVE datagrams always fit one Aeron frame.
     */
    FRAGMENTED,
    /** Longer than the receiver's datagram buffer. */
    TOO_LONG,
    /** Shorter than the header, or the body (and tag) run past the datagram's end. */
    TRUNCATED,
    /** Unknown version, a reserved field not zero, bytes after the body, or a body length the type forbids. */
    MALFORMED_HEADER,
    /** A type this build does not know, or one this side's role never receives. */
    UNEXPECTED_TYPE,
    /** Sealed, but no session is established or its session id is not the current one. */
    UNKNOWN_SESSION,
    /** Sealed under a key id that is neither the current, the previous nor the announced next one. */
    UNKNOWN_KEY,
    /** A sequence outside the sequence space (negative, or the largest long). */
    INVALID_SEQUENCE,
    /** A sequence the replay window has already accepted: a replay or a duplicate. */
    DUPLICATE,
    /** A sequence left of the replay window: too old to judge, refused. */
    TOO_OLD,
    /** The AEAD tag does not verify: forged, altered, or sealed under another key, key id or sequence. */
    AUTHENTICATION_FAILED,
    /** Authentic, but the inner frame fails the codec's structural validator. */
    MALFORMED_FRAME,
    /** Authentic, but a CHANNEL_KEY or REKEY body is inconsistent (a reserved field, or a key id that is not next). */
    MALFORMED_CONTROL,
    /**
     * A fragmented Aeron message longer than the reassembly buffer ({@link BridgeContext#maxBatchLength()} plus the
     * bridge's header and tag): counted once, the rest of its fragments dropped.
     */
    FRAGMENT_TOO_LONG,
    /**
     * A middle or end fragment of an Aeron image with no message begun, or a partial message cut off by a new begin
     * of the same image (the partial message is refused).
     */
    FRAGMENT_OUT_OF_ORDER,
    /**
     * A partial message dropped to make room for another image's: the receiver reassembles at most
     * {@link BridgeReceiver#MAX_PARTIAL_MESSAGES} messages at once and evicts the one least recently added to.
     */
    FRAGMENT_EVICTED,
    /** A handshake message whose identity key does not match the pinned fingerprint. */
    HANDSHAKE_UNPINNED,
    /** A handshake message whose signature does not verify over this side's transcript. */
    HANDSHAKE_BAD_SIGNATURE,
    /** A handshake message that answers no handshake in progress: a replay, or one for another session or nonce. */
    HANDSHAKE_STALE,
    /** A handshake message with a malformed key (an ephemeral X25519 key of small order, an invalid identity). */
    HANDSHAKE_MALFORMED
}
