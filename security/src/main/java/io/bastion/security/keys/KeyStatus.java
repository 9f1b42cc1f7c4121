package io.bastion.security.keys;

/**
 * Outcome of looking a key up in a {@link KeyRing}. Every value except {@link #ACCEPTED} is a refusal: the frame
 * must not be dispatched. The channel reports each under its own refusal reason ({@code UNKNOWN_KEY},
 * {@code REVOKED_KEY}, {@code EXPIRED_KEY}); see {@code MacResult} for why the security layer keeps one verdict type
 * per component.
 */
public enum KeyStatus
{
    /** The key is known, not revoked and within its not-after time; the lookup holds it. */
    ACCEPTED,
    /** No key with this id is known (never added, or dropped long ago). */
    UNKNOWN,
    /** The key was revoked: refused at once, whatever its grace period. */
    REVOKED,
    /** The key's not-after time has passed (its rotation grace period is over). */
    EXPIRED,
    /** There is no current sending key (none added yet, the current one was revoked, or the ring is closed). */
    NO_CURRENT_KEY
}
