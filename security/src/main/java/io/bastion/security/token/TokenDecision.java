package io.bastion.security.token;

/**
 * The verifier's decision on a presented token, in the order the checks run. Only {@link #ACCEPTED} grants access.
 */
public enum TokenDecision
{
    /** Every check passed. */
    ACCEPTED,
    /** The bytes did not parse; see {@link TokenVerification#parseReason()}. */
    MALFORMED,
    /** The signature does not verify under the issuer key (forged or altered). */
    BAD_SIGNATURE,
    /** The token names another broker than the one verifying it: issued for a different broker identity. */
    WRONG_BROKER,
    /** The token id is on the revocation list. */
    REVOKED,
    /** The clock is before not-before. */
    NOT_YET_VALID,
    /** The clock is at or after not-after. */
    EXPIRED,
    /** The token is for another subject than the peer presenting it. */
    WRONG_SUBJECT,
    /** The token's pattern does not match the requested channel (or the channel name is invalid). */
    WRONG_CHANNEL,
    /** The token does not grant the required right. */
    MISSING_RIGHT
}
