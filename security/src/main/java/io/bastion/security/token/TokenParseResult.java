package io.bastion.security.token;

/**
 * The outcome of {@link TokenCodec#parse(byte[])}: a reason and, only when the reason is {@link TokenParseReason#OK},
 * the token's claims and its signature bytes. Immutable.
 */
public final class TokenParseResult
{
    private final TokenParseReason reason;
    private final CapabilityToken token;
    private final byte[] signature;

    private TokenParseResult(final TokenParseReason reason, final CapabilityToken token, final byte[] signature)
    {
        this.reason = reason;
        this.token = token;
        this.signature = signature;
    }

    static TokenParseResult refused(final TokenParseReason reason)
    {
        return new TokenParseResult(reason, null, null);
    }

    static TokenParseResult ok(final CapabilityToken token, final byte[] signature)
    {
        return new TokenParseResult(TokenParseReason.OK, token, signature);
    }

    /**
     * Why the bytes were accepted or refused.
     *
     * @return the reason, never null.
     */
    public TokenParseReason reason()
    {
        return reason;
    }

    /**
     * Whether the bytes parsed.
     *
     * @return true if {@link #reason()} is OK.
     */
    public boolean isOk()
    {
        return reason == TokenParseReason.OK;
    }

    /**
     * The parsed claims, not yet verified.
     *
     * @return the token, or null when refused.
     */
    public CapabilityToken token()
    {
        return token;
    }

    /**
     * A copy of the signature bytes.
     *
     * @return the {@link TokenCodec#SIGNATURE_LENGTH} signature bytes, or null when refused.
     */
    public byte[] signature()
    {
        return null == signature ? null : signature.clone();
    }
}
