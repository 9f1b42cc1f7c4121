package io.bastion.security.token;

/**
 * Why the parser accepted or refused an encoded token. Only {@link #OK} carries a token.
 */
public enum TokenParseReason
{
    /** Well formed; the signature is not checked by the parser. */
    OK,
    /** The input was null. */
    NULL_INPUT,
    /** Fewer bytes than the header and signature, or than the lengths in the header say. */
    TRUNCATED,
    /** More bytes than any token can have. */
    TOO_LONG,
    /** Bytes after the signature. */
    TRAILING_BYTES,
    /** The magic/version byte is not a version this code knows. */
    UNKNOWN_VERSION,
    /** Format version 1, which names no broker: such a token must be issued again. */
    RETIRED_VERSION,
    /** A flag bit that this version does not know. */
    UNKNOWN_FLAGS,
    /** A rights bit that names no known right. */
    UNKNOWN_RIGHTS,
    /** No rights at all. */
    NO_RIGHTS,
    /** Subject length zero or above the maximum. */
    BAD_SUBJECT_LENGTH,
    /** Channel pattern length zero or above the maximum. */
    BAD_PATTERN_LENGTH,
    /** Negative not-before, or not-after before not-before. */
    BAD_VALIDITY,
    /** The subject is not well-formed UTF-8 or holds control characters. */
    MALFORMED_SUBJECT,
    /**
     * The channel pattern holds a character outside the allowed set or a '*' that is neither the whole pattern nor
     * right after a final '.' (see {@link ChannelPattern}).
     */
    MALFORMED_PATTERN
}
