package io.bastion.security.mac;

/**
 * Outcome of computing or verifying an HMAC-SHA256 tag with {@link HmacSha256}.
 * <p>
 * The security layer keeps one verdict type per component (this one, {@code KeyStatus}, {@code ReplayStatus},
 * {@code QuarantineStatus}): each answers its own question, and none has a value another could return. The channel
 * reports each refusal among them under the refusal reason of its meaning ({@code RejectReason}, mapped in one place).
 */
public enum MacResult
{
    /** The tag was written, or the tag in the buffer matches the computed one. */
    OK,
    /** The tag in the buffer differs from the computed one: refuse the frame. */
    TAG_MISMATCH,
    /** A range (data, skipped tag or destination) lies outside its buffer: nothing was trusted or written. */
    OUT_OF_BOUNDS,
    /**
     * The key was destroyed (dropped or revoked) before or while the tag was computed: nothing was written, refuse the
     * frame. Never replaced by a tag computed from the zeroed key.
     */
    KEY_DESTROYED,
    /** {@code finish} was called without {@code begin}, or {@code begin} twice: a programming error. */
    NOT_STARTED
}
