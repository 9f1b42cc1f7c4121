package io.bastion.security.audit;

/**
 * What an audit record is about. A closed set, so a record can never carry free-form data in this field.
 */
public enum AuditEventType
{
    /** A client connected and a handshake began or ended. */
    HANDSHAKE,
    /** A peer's {@code SO_PEERCRED} identity was checked against policy. */
    PEER_CHECK,
    /** A capability token was verified. */
    TOKEN_CHECK,
    /** A key was rotated. */
    KEY_ROTATED,
    /** A key or token was revoked. */
    REVOKED,
    /** A file or folder was created, published or refused on open. */
    FILE_CHECK,
    /** A channel was opened. */
    CHANNEL_OPENED,
    /** A channel was closed. */
    CHANNEL_CLOSED,
    /** A frame was rejected (tag, replay, structure). */
    FRAME_REJECTED,
    /** A peer hit a rate limit. */
    RATE_LIMITED,
    /** A peer was quarantined. */
    QUARANTINED,
    /** Written by the log itself: events were dropped because the queue was full. */
    EVENTS_DROPPED,
    /** Written by the log itself when it has a checkpoint signer: a signed statement of the chain so far (see
     * {@link AuditLogConfig#checkpointSigner}). {@link AuditLog#log} refuses this type. */
    CHECKPOINT
}
