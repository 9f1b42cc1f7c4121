/**
 * Peer identity of Unix-domain-socket clients from the kernel ({@code SO_PEERCRED}), checked against an allow policy
 * ({@link io.bastion.security.peer.PeerIdentity}, {@link io.bastion.security.peer.PeerPolicy}). A PID is never
 * evidence of identity.
 */
package io.bastion.security.peer;
