/**
 * What an application embeds to publish and subscribe through a broker: {@link io.bastion.client.PublisherClient}
 * and {@link io.bastion.client.SubscriberClient}, set up by a {@link io.bastion.client.ClientContext} that holds a
 * capability token. Each client runs the client side of the handshake ({@link io.bastion.client.HandshakeClient}),
 * pins the broker named by its token, maps the rings the broker hands over, and keeps its control socket for key
 * updates and goodbye.
 * <p>
 * This package depends on {@code io.bastion.channel} (the data path) and never on the broker: a client process does
 * not load broker code. The handshake is described in the repository's {@code docs/broker-handshake.md}.
 */
package io.bastion.client;
