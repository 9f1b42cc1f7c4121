/**
 * The bridge: sealed Bastion frames between two hosts over Aeron UDP. {@link io.bastion.bridge.Bridge} (configured by
 * a {@link io.bastion.bridge.BridgeContext}) embeds or attaches to an Aeron media driver, runs a mutual handshake
 * between two pinned Ed25519 identities ({@link io.bastion.bridge.BridgeHandshakeCrypto}), and carries frames with
 * its {@link io.bastion.bridge.BridgeSender} and {@link io.bastion.bridge.BridgeReceiver}: each frame one datagram
 * ({@link io.bastion.bridge.BridgeDescriptor}) encrypted with an AEAD under a per-direction session key, its header
 * as associated data, checked against a sliding replay window and the codec's structural validator before dispatch.
 * Refusals have a {@link io.bastion.bridge.BridgeRejectReason} and a counter
 * ({@link io.bastion.bridge.BridgeCounters}); handshakes and rekeys are audited
 * ({@link io.bastion.bridge.BridgeAuditSink}). The protocol, the wire format and
 * the threat it answers are in {@code docs/bridge.md}.
 */
package io.bastion.bridge;
