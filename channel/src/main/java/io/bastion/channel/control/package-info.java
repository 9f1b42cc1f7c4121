/**
 * The control-socket protocol that clients and the broker share: length-prefixed SBE control messages
 * ({@link io.bastion.channel.control.ControlMessages}, parsed into {@link io.bastion.channel.control.ControlMessage}
 * after {@link io.bastion.codec.ControlMessageValidator} accepted them), the blocking handshake transport
 * ({@link io.bastion.channel.control.ControlChannel}) and the non-blocking one that carries file descriptors
 * ({@link io.bastion.channel.control.ControlLink}), and what a handshake produces
 * ({@link io.bastion.channel.control.Session}, {@link io.bastion.channel.control.RingAllocation}).
 * <p>
 * These types are public because two modules use them; applications do not need them. Every byte read here comes
 * from another process and is validated before use; a malformed message ends the session with a typed
 * {@link io.bastion.channel.control.HandshakeException} or a refusal, never a partial state.
 */
package io.bastion.channel.control;
