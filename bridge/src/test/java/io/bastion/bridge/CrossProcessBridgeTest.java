package io.bastion.bridge;

import io.bastion.security.token.IssuerKeys;
import io.bastion.test.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.HexFormat;

import static io.bastion.bridge.BridgeRig.TIMEOUT_MS;
import static io.bastion.bridge.BridgeRig.context;
import static io.bastion.bridge.BridgeRig.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two hosts as two processes, each with its own embedded media driver: this JVM sends a channel key and 10^6
 * sealed frames; the child ({@link BridgeReceiverMain}) receives, checks every byte and verifies every inner tag with
 * the key the bridge carried.
 */
class CrossProcessBridgeTest
{
    private static final long FRAMES = 1_000_000;

    @TempDir
    Path temp;

    @Test
    void millionFramesCrossToAnotherProcessIntact() throws Exception
    {
        final KeyPair sender = IssuerKeys.generate();
        final KeyPair receiver = IssuerKeys.generate();
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final HexFormat hex = HexFormat.of();
        try (ChildJvm child = ChildJvm.start(temp, "bridge-receiver", BridgeReceiverMain.class,
                temp.resolve("b").toString(), Integer.toString(portB), Integer.toString(portA),
                Long.toString(FRAMES));
            Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, sender, receiver, portA, portB)))
        {
            child.send(hex.formatHex(IssuerKeys.rawPublic(receiver.getPublic())));
            child.send(hex.formatHex(IssuerKeys.rawPrivate(receiver.getPrivate())));
            child.send(BridgeRig.fingerprint(sender));
            a.connect(TIMEOUT_MS);
            final String connected = child.awaitLine("connected ", TIMEOUT_MS);
            assertEquals("connected " + a.sessionId(), connected);

            final byte[] key = SealedFrames.channelKey();
            BridgeRig.await("channel key sent", () -> a.sender().offerChannelKey(
                SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID, key) > 0, () -> { });
            for (long i = 0; i < FRAMES; i++)
            {
                final int length = producer.build(i);
                long result;
                while ((result = a.sender().offer(producer.buffer(), 0, length)) < 0)
                {
                    assertTrue(BridgeSender.BACK_PRESSURED == result || BridgeSender.ADMIN_ACTION == result,
                        "offer: " + result + "; child: " + child.describe());
                    Thread.yield();
                }
            }
            final String result = child.awaitLine("received ", 3 * TIMEOUT_MS);
            assertEquals("received " + FRAMES + " errors 0 channelKeys 1 rejections 0", result);
            assertEquals(0, child.awaitExit(TIMEOUT_MS), child.describe());
            assertEquals(FRAMES, a.counters().framesOut().get());
        }
    }
}
