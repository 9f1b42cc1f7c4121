package io.bastion.security.token;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

/**
 * Signs capability tokens with an Ed25519 issuer private key.
 * <p>
 * Thread safe: each call uses its own {@link Signature}. Used at issue time, never on a hot path.
 */
public final class TokenIssuer
{
    private final PrivateKey issuerKey;

    /**
     * An issuer for a key.
     *
     * @param issuerKey Ed25519 private key, retained by reference.
     */
    public TokenIssuer(final PrivateKey issuerKey)
    {
        if (!IssuerKeys.ALGORITHM.equalsIgnoreCase(issuerKey.getAlgorithm()) &&
            !"EdDSA".equalsIgnoreCase(issuerKey.getAlgorithm()))
        {
            throw new IllegalArgumentException("issuer key must be Ed25519: " + issuerKey.getAlgorithm());
        }
        this.issuerKey = issuerKey;
    }

    /**
     * Sign and encode a token.
     *
     * @param token the claims.
     * @return the encoded token, {@link TokenCodec} layout.
     */
    public byte[] issue(final CapabilityToken token)
    {
        final byte[] body = TokenCodec.encodeBody(token);
        try
        {
            final Signature signer = Signature.getInstance(IssuerKeys.ALGORITHM);
            signer.initSign(issuerKey);
            signer.update(body);
            return TokenCodec.encode(token, signer.sign());
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("Ed25519 signing failed", ex);
        }
    }
}
