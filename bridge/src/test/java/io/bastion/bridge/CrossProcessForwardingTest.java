package io.bastion.bridge;

import io.bastion.broker.Bastion;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.test.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HexFormat;

import static io.bastion.bridge.ForwardingRig.WAIT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The two hosts as two processes: this JVM is host A (broker A, a publisher, the sending bridge), the child
 * ({@link ForwardingReceiverMain}) host B (broker B, the receiving bridge, a subscriber that checks every frame's
 * number, payload and origin producer, in order). Each bridge's identity is its broker's, each pinning the other's.
 */
class CrossProcessForwardingTest
{
    private static final long FRAMES = 1_000_000;

    @TempDir
    Path temp;

    @Test
    void framesPublishedOnHostAAreVerifiedByASubscriberOnHostBInAnotherProcess() throws Exception
    {
        final int portA = BridgeRig.freePort();
        final int portB = BridgeRig.freePort();
        final HexFormat hex = HexFormat.of();
        try (Bastion brokerA = ForwardingRig.originBroker(temp);
            ChildJvm child = ChildJvm.start(temp, "host-b", ForwardingReceiverMain.class,
                temp.toString(), Integer.toString(portB), Integer.toString(portA), Long.toString(FRAMES)))
        {
            final String identity = child.awaitLine("identity ", WAIT_MS);
            child.send(hex.formatHex(IssuerKeys.rawPublic(brokerA.identityPublicKey())));
            try (ForwardingRig.Node sending = new ForwardingRig.Node(ForwardingRig.sendingNode(temp, brokerA,
                    IssuerKeys.publicFromRaw(hex.parseHex(identity.substring("identity ".length()))),
                    BridgeRole.RESPONDER, portA, portB), false);
                ForwardingRig.Origin origin = new ForwardingRig.Origin(
                    ForwardingRig.client(brokerA, Right.PUBLISH), FRAMES, (n) -> { }))
            {
                final String result = child.awaitLine("received ", 3 * WAIT_MS);
                assertEquals("received " + FRAMES + " last " + FRAMES + " errors 0 rejections 0 republished " + FRAMES,
                    result, child.describe());
                assertEquals(0, child.awaitExit(WAIT_MS), child.describe());
                sending.check();
                assertEquals(FRAMES, origin.sent());
                assertEquals(FRAMES, sending.forwarding.counters().framesForwarded().get());
            }
        }
    }
}
