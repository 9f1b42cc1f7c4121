/**
 * Capability tokens: Ed25519-signed claims (subject, channel pattern, rights, validity window, token id, the broker
 * identity the token is for, and a single-use flag) in a compact binary form with a total, strict parser
 * ({@link io.bastion.security.token.TokenCodec}), an issuer ({@link io.bastion.security.token.TokenIssuer},
 * {@link io.bastion.security.token.IssuerKeys}, key files in {@link io.bastion.security.token.KeyFile}), a verifier
 * with a revocation list ({@link io.bastion.security.token.TokenVerifier}), and the registry that lets a single-use
 * token in once ({@link io.bastion.security.token.SingleUseTokens}). Used at handshake time, not per frame.
 */
package io.bastion.security.token;
