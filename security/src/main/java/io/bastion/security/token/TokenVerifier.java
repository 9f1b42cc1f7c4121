package io.bastion.security.token;

import org.agrona.concurrent.EpochClock;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Objects;

/**
 * Decides whether a presented token grants a right on a channel to a subject.
 * <p>
 * Checks run in this order and the first failure is the decision: parse ({@link TokenCodec#parse(byte[])}),
 * Ed25519 signature under the issuer key, the broker the token names (it must be this verifier's broker, so that a
 * token issued for one broker is useless at another), revocation list, validity window on the injected clock
 * ({@code notBefore <= now < notAfter}), subject (exact, against the identity established by other means, for
 * example the peer's user name from {@code SO_PEERCRED}), channel pattern, and the required right. The signature is
 * checked before any claim is trusted.
 * <p>
 * Thread safe (each call uses its own {@link Signature}); runs at handshake time and allocates. Never throws on
 * hostile bytes: every refusal is a {@link TokenDecision}. Whether a single-use token was already used is not this
 * class's question: see {@link SingleUseTokens}, which the broker consults once a token is accepted.
 */
public final class TokenVerifier
{
    private final PublicKey issuerKey;
    private final byte[] brokerKey;
    private final RevocationList revocations;
    private final EpochClock clock;

    /**
     * A broker's verifier: it accepts only tokens that name this broker.
     *
     * @param issuerKey   the issuer's Ed25519 public key.
     * @param brokerKey   the broker's own Ed25519 identity public key, never null.
     * @param revocations revoked token ids, shared with whoever revokes.
     * @param clock       epoch-millisecond clock.
     * @throws NullPointerException     if the broker key is null.
     * @throws IllegalArgumentException if it is not an Ed25519 key.
     */
    public TokenVerifier(
        final PublicKey issuerKey, final PublicKey brokerKey, final RevocationList revocations, final EpochClock clock)
    {
        this(issuerKey, IssuerKeys.rawPublic(Objects.requireNonNull(brokerKey, "brokerKey")), revocations,
            clock);
    }

    private TokenVerifier(
        final PublicKey issuerKey, final byte[] brokerKey, final RevocationList revocations, final EpochClock clock)
    {
        this.issuerKey = issuerKey;
        this.brokerKey = brokerKey;
        this.revocations = revocations;
        this.clock = clock;
    }

    /**
     * A verifier that skips the broker check, for inspecting a token away from any broker ({@code bastion token
     * verify} without a broker key). A broker never uses it.
     *
     * @param issuerKey   the issuer's Ed25519 public key.
     * @param revocations revoked token ids.
     * @param clock       epoch-millisecond clock.
     * @return the verifier.
     */
    public static TokenVerifier forAnyBroker(
        final PublicKey issuerKey, final RevocationList revocations, final EpochClock clock)
    {
        return new TokenVerifier(issuerKey, (byte[])null, revocations, clock);
    }

    /**
     * Verify a presented token.
     *
     * @param encoded  the token bytes as received, untrusted.
     * @param subject  the authenticated user name of the presenting peer.
     * @param channel  the channel the peer asks for.
     * @param required the right the peer needs on it.
     * @return the typed decision, never null.
     */
    public TokenVerification verify(
        final byte[] encoded, final String subject, final String channel, final Right required)
    {
        final TokenParseResult parsed = TokenCodec.parse(encoded);
        if (!parsed.isOk())
        {
            return new TokenVerification(TokenDecision.MALFORMED, parsed.reason(), null);
        }
        final CapabilityToken token = parsed.token();
        if (!signatureVerifies(encoded))
        {
            return new TokenVerification(TokenDecision.BAD_SIGNATURE, TokenParseReason.OK, token);
        }
        return new TokenVerification(checkClaims(token, subject, channel, required), TokenParseReason.OK, token);
    }

    private TokenDecision checkClaims(
        final CapabilityToken token, final String subject, final String channel, final Right required)
    {
        if (null != brokerKey && !token.isForBroker(brokerKey))
        {
            return TokenDecision.WRONG_BROKER;
        }
        if (revocations.isRevoked(token.tokenId()))
        {
            return TokenDecision.REVOKED;
        }
        final long now = clock.time();
        if (now < token.notBeforeMs())
        {
            return TokenDecision.NOT_YET_VALID;
        }
        if (now >= token.notAfterMs())
        {
            return TokenDecision.EXPIRED;
        }
        if (!token.subject().equals(subject))
        {
            return TokenDecision.WRONG_SUBJECT;
        }
        if (!ChannelPattern.matches(token.channelPattern(), channel))
        {
            return TokenDecision.WRONG_CHANNEL;
        }
        if (null == required || !token.grants(required))
        {
            return TokenDecision.MISSING_RIGHT;
        }
        return TokenDecision.ACCEPTED;
    }

    private boolean signatureVerifies(final byte[] encoded)
    {
        final int bodyLength = encoded.length - TokenCodec.SIGNATURE_LENGTH;
        try
        {
            final Signature verifier = Signature.getInstance(IssuerKeys.ALGORITHM);
            verifier.initVerify(issuerKey);
            verifier.update(encoded, 0, bodyLength);
            return verifier.verify(encoded, bodyLength, TokenCodec.SIGNATURE_LENGTH);
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            // A signature the provider cannot even decode is as forged as one that does not verify.
            return false;
        }
    }
}
