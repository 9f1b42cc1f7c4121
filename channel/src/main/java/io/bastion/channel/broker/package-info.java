/**
 * The broker and its handshake: a Unix-domain socket, the peer's kernel identity ({@code SO_PEERCRED}), a capability
 * token, an ephemeral X25519 exchange bound to the transcript, the broker's Ed25519 proof of identity, HKDF session
 * keys per direction, and owner-only ring files.
 * <p>
 * Applications use {@link io.bastion.channel.broker.PublisherClient} and
 * {@link io.bastion.channel.broker.SubscriberClient} with a {@link io.bastion.channel.broker.ClientContext}; the
 * broker's {@link io.bastion.channel.broker.ChannelRouter} joins each channel's publishers to its subscriber (rings,
 * producer ids, keys sealed under the subscriber's control key, rotations, revocations, departures).
 * <p>
 * Public API: {@link io.bastion.channel.broker.Broker} with its {@link io.bastion.channel.broker.BrokerContext},
 * {@link io.bastion.channel.broker.HandshakeClient#connect}, the resulting
 * {@link io.bastion.channel.broker.Session} and {@link io.bastion.channel.broker.SessionKeys}, the pluggable
 * {@link io.bastion.channel.broker.RingAllocator} (default {@link io.bastion.channel.broker.OwnerOnlyRingAllocator})
 * and {@link io.bastion.channel.broker.SessionListener}, and {@link io.bastion.channel.broker.HandshakeException}.
 * <p>
 * Wire: each control message is a uint32 little-endian length then one SBE control message of the codec schema
 * ({@code ControlChannel}), validated by {@link io.bastion.codec.ControlMessageValidator} before decoding. The
 * sockets are junixsocket's, so that a message can carry file descriptors ({@code SCM_RIGHTS}, ancillary data beside
 * the bytes, see {@code ControlLink}); the client side receives them, the broker side lets the kernel close any a
 * client attaches.
 * <pre>
 * client                                             broker
 *   | connect                                          | SO_PEERCRED vs PeerPolicy    (else Refusal PEER_REJECTED)
 *   |                                                  | pending slots of the uid, then of all
 *   |                                                  |   (else Refusal RATE_LIMITED)
 *   | Hello(min,max version, nonce, X25519 key,        |
 *   |       token | right | channel)  ----------------&gt; | deadline                    (else Refusal TIMED_OUT)
 *   |                                                  | token: issuer signature, broker key = own identity,
 *   |                                                  |   subject = SO_PEERCRED user, channel, right
 *   |                                                  |   (else Refusal INVALID_TOKEN / EXPIRED_TOKEN / UNAUTHORIZED)
 *   |                                                  | single-use token: first use only (else Refusal REPLAY)
 *   |   &lt;---------------- Challenge(version, nonce, X25519 key, Ed25519 sig over transcript)
 *   | verify sig with the broker key its own token names (else Refusal BAD_SIGNATURE, abort)
 *   |   &lt;---------------- Welcome(sessionId, keyId, channelId, producerId, ring capacity, publish ring, "")
 *   | keys = HKDF(transcript, X25519 secret, "bastion/session/v1" | sessionId | direction | keyId)
 *   |                                                  |
 *   | then, on the same socket (see ChannelRouter):    |
 *   |   publisher: SourceUpdate(MAPPED) ------------&gt;  |
 *   |   subscriber &lt;---- SourceUpdate(ADDED | KEY_ADDED | KEY_RETIRED | KEY_REVOKED | REMOVED), acknowledged
 *   |   publisher  &lt;---- KeyUpdate(n), acknowledged by SourceUpdate(KEY_IN_USE)
 *   |   either side: Goodbye
 * </pre>
 */
package io.bastion.channel.broker;
