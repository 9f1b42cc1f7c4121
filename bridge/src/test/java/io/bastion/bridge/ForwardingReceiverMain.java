package io.bastion.bridge;

import io.bastion.broker.Bastion;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * The receiving host of {@link CrossProcessForwardingTest}, in a child JVM: broker B (the channel relayed), the
 * receiving bridge (initiator, its identity broker B's) and a subscriber that checks every frame. Prints broker B's
 * identity public key, reads broker A's from stdin, then prints what its subscriber received.
 */
public final class ForwardingReceiverMain
{
    private ForwardingReceiverMain()
    {
    }

    /**
     * Run the receiving host.
     *
     * @param args folder, local port, peer port, frame count.
     * @throws Exception on any failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        final HexFormat hex = HexFormat.of();
        final Path folder = Path.of(args[0]);
        final int localPort = Integer.parseInt(args[1]);
        final int peerPort = Integer.parseInt(args[2]);
        final long count = Long.parseLong(args[3]);
        try (Bastion brokerB = ForwardingRig.relayBroker(folder, "broker-b"))
        {
            System.out.println("identity " + hex.formatHex(IssuerKeys.rawPublic(brokerB.identityPublicKey())));
            System.out.flush();
            final String peer = stdin.readLine();
            try (ForwardingRig.Destination destination = new ForwardingRig.Destination(
                    ForwardingRig.client(brokerB, Right.SUBSCRIBE), false);
                ForwardingRig.Node receiving = new ForwardingRig.Node(ForwardingRig.receivingNode(folder, "bridge-b",
                    brokerB, IssuerKeys.publicFromRaw(hex.parseHex(peer)), BridgeRole.INITIATOR, localPort, peerPort),
                    true))
            {
                final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (destination.received() < count && destination.errors.isEmpty() && !destination.isClosed() &&
                    System.nanoTime() - deadline < 0)
                {
                    receiving.check();
                    ForwardingRig.sleep(1);
                }
                System.out.println("received " + destination.received() + " last " + destination.last() +
                    " errors " + destination.errors.size() + " rejections " + destination.rejections() +
                    " republished " + receiving.forwarding.counters().framesRepublished().get());
                destination.errors.stream().limit(5).forEach(System.out::println);
                System.out.flush();
            }
        }
    }
}
