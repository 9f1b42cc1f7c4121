/**
 * The broker: it owns the folder, accepts connections on its Unix-domain socket, runs the server side of the
 * handshake, allocates rings and routes keys between each channel's publishers and its subscriber.
 * <p>
 * Public API: {@link io.bastion.broker.Bastion#launchEmbedded()} for an application that runs its own broker,
 * {@link io.bastion.broker.Broker} with its {@link io.bastion.broker.BrokerContext} (what {@code bastion broker}
 * runs), the pluggable {@link io.bastion.broker.RingAllocator} (default
 * {@link io.bastion.broker.OwnerOnlyRingAllocator}), {@link io.bastion.broker.BrokerLimits} and
 * {@link io.bastion.broker.SessionListener}. Everything else here is the broker's own machinery.
 * <p>
 * Threads: {@link io.bastion.broker.Broker}'s acceptor runs each handshake
 * ({@link io.bastion.broker.BrokerHandshake}); the {@link io.bastion.broker.ChannelRouter} conductor owns every open
 * session's socket, the timers and one state machine per channel ({@link io.bastion.broker.ChannelMachine}), which
 * decides and acts only through its {@link io.bastion.broker.RouterOutput}; one thread drives them all, so the state
 * machine needs no lock. The protocol (handshake, live joins, rotation, revocation, limits) is described in
 * {@code docs/} of the repository: {@code broker-handshake.md}, {@code broker-authority.md} and
 * {@code rotation-and-revocation.md}.
 */
package io.bastion.broker;
