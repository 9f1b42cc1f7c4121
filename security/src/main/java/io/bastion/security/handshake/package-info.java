/**
 * The handshake's cryptography, free of any channel knowledge: X25519 key agreement
 * ({@link io.bastion.security.handshake.X25519}), the transcript, its Ed25519 signature and the HKDF session keys
 * ({@link io.bastion.security.handshake.HandshakeCrypto}, {@link io.bastion.security.handshake.SessionKeys}), the
 * AES-GCM box that carries the token after the broker proved its identity
 * ({@link io.bastion.security.handshake.CredentialSeal}, {@link io.bastion.security.handshake.AeadBox}) and the
 * wrapping of channel keys under a session key ({@link io.bastion.security.handshake.KeyWrap}).
 * <p>
 * Public because the client and broker modules both use it; the protocol is in the repository's
 * {@code docs/broker-handshake.md}.
 */
package io.bastion.security.handshake;
