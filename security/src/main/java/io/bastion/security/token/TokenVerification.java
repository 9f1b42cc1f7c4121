package io.bastion.security.token;

/**
 * The outcome of {@link TokenVerifier#verify}: a decision, the parse reason, and the token when it parsed.
 * Immutable.
 */
public final class TokenVerification
{
    private final TokenDecision decision;
    private final TokenParseReason parseReason;
    private final CapabilityToken token;

    TokenVerification(final TokenDecision decision, final TokenParseReason parseReason, final CapabilityToken token)
    {
        this.decision = decision;
        this.parseReason = parseReason;
        this.token = token;
    }

    /**
     * The decision.
     *
     * @return never null.
     */
    public TokenDecision decision()
    {
        return decision;
    }

    /**
     * Whether access is granted.
     *
     * @return true only for {@link TokenDecision#ACCEPTED}.
     */
    public boolean isAccepted()
    {
        return decision == TokenDecision.ACCEPTED;
    }

    /**
     * The parser's reason; {@link TokenParseReason#OK} unless the decision is {@link TokenDecision#MALFORMED}.
     *
     * @return never null.
     */
    public TokenParseReason parseReason()
    {
        return parseReason;
    }

    /**
     * The parsed claims; present when the bytes parsed, even if a later check refused them (for auditing).
     *
     * @return the token or null when malformed.
     */
    public CapabilityToken token()
    {
        return token;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "TokenVerification{" + decision + ", parse=" + parseReason + '}';
    }
}
