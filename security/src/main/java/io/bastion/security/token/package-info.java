/**
 * Capability tokens: Ed25519-signed claims (subject, channel pattern, rights, validity window, token id) in a compact
 * binary form with a total, strict parser ({@link io.bastion.security.token.TokenCodec}), an issuer
 * ({@link io.bastion.security.token.TokenIssuer}, {@link io.bastion.security.token.IssuerKeys}), and a verifier with a
 * revocation list ({@link io.bastion.security.token.TokenVerifier}). Used at handshake time, not per frame.
 */
package io.bastion.security.token;
