package io.bastion.bridge;

import io.bastion.broker.Bastion;
import io.bastion.broker.ChannelIds;
import io.bastion.channel.ChannelStatus;
import io.bastion.client.PublisherClient;
import io.bastion.codec.RejectReason;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.bastion.bridge.ForwardingRig.CHANNEL;
import static io.bastion.bridge.ForwardingRig.await;
import static io.bastion.bridge.ForwardingRig.client;
import static io.bastion.bridge.ForwardingRig.originBroker;
import static io.bastion.bridge.ForwardingRig.receivingNode;
import static io.bastion.bridge.ForwardingRig.relayBroker;
import static io.bastion.bridge.ForwardingRig.sendingNode;
import static io.bastion.bridge.ForwardingRig.watched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two brokers, two bridges with two embedded media drivers on 127.0.0.1, in one JVM: a publisher on broker A, its
 * channel forwarded by the sending bridge ({@link ChannelForwarder}) and republished into broker B's relayed channel
 * by the receiving one ({@link ChannelRelay}), where a subscriber verifies the origin's tags. The receiving bridge is
 * the initiator, so that restarting it is a new handshake the sending bridge follows.
 */
class ForwardingTest
{
    /** In the restart tests the last third of the frames waits for the new session (see Origin's hold). */
    private static final long HELD_FROM = 40_001;

    @TempDir
    Path temp;

    @Test
    void aMillionFramesCrossFromBrokerAToBrokerBVerifiedInOrder() throws Exception
    {
        final long frames = 1_000_000;
        final int portA = BridgeRig.freePort();
        final int portB = BridgeRig.freePort();
        try (Bastion brokerA = originBroker(temp);
            Bastion brokerB = relayBroker(temp, "broker-b");
            ForwardingRig.Destination destination = new ForwardingRig.Destination(client(brokerB, Right.SUBSCRIBE),
                false);
            ForwardingRig.Node sending = new ForwardingRig.Node(sendingNode(temp, brokerA,
                brokerB.identityPublicKey(), BridgeRole.RESPONDER, portA, portB), false);
            ForwardingRig.Node receiving = new ForwardingRig.Node(receivingNode(temp, "bridge-b", brokerB,
                brokerA.identityPublicKey(), BridgeRole.INITIATOR, portB, portA), true);
            ForwardingRig.Origin origin = new ForwardingRig.Origin(client(brokerA, Right.PUBLISH), frames, (n) -> { }))
        {
            await("every frame at B", () ->
            {
                sending.check();
                receiving.check();
                return destination.received() >= frames || !destination.errors.isEmpty() || destination.isClosed();
            });
            assertEquals(List.of(), new ArrayList<>(destination.errors));
            assertEquals(frames, destination.received());
            assertEquals(frames, destination.last());
            assertEquals(origin.publisher.producerId(), destination.producerId(), "the origin's producer id");
            assertEquals(0, destination.rejections());
            final ForwardingCounters sent = sending.forwarding.counters();
            final ForwardingCounters relayed = receiving.forwarding.counters();
            assertEquals(frames, sent.framesForwarded().get());
            assertEquals(0, sent.droppedTooLong().get());
            assertEquals(frames, relayed.framesRepublished().get());
            assertEquals(0, relayed.refusedTotal().get());
            assertEquals(1, relayed.relaysOpened().get());
            assertEquals(IssuerKeys.fingerprint(brokerA.identityPublicKey()), sending.forwarding.bridge().fingerprint(),
                "the sending bridge's identity is broker A's");
        }
    }
    @Test
    void aRotationOnBrokerAMidStreamIsFollowedOnBrokerB() throws Exception
    {
        final long frames = 60_000;
        final int portA = BridgeRig.freePort();
        final int portB = BridgeRig.freePort();
        try (Bastion brokerA = originBroker(temp);
            Bastion brokerB = relayBroker(temp, "broker-b");
            ForwardingRig.Destination destination = new ForwardingRig.Destination(client(brokerB, Right.SUBSCRIBE),
                false);
            ForwardingRig.Node sending = new ForwardingRig.Node(sendingNode(temp, brokerA,
                brokerB.identityPublicKey(), BridgeRole.RESPONDER, portA, portB), false);
            ForwardingRig.Node receiving = new ForwardingRig.Node(receivingNode(temp, "bridge-b", brokerB,
                brokerA.identityPublicKey(), BridgeRole.INITIATOR, portB, portA), true);
            ForwardingRig.Origin origin = new ForwardingRig.Origin(client(brokerA, Right.PUBLISH), frames, (n) ->
            {
                if (0 == n % 15_000)
                {
                    // Broker A rotates the publisher's key while frames under the old one are still on their way.
                    brokerA.broker().router().rotateKeys(CHANNEL);
                }
            }))
        {
            await("every frame at B, and three keys retired there", () ->
            {
                sending.check();
                receiving.check();
                return !destination.errors.isEmpty() || destination.isClosed() ||
                    destination.received() >= frames && ids(destination, "RETIRED").size() >= 3;
            });
            assertEquals(List.of(), new ArrayList<>(destination.errors));
            assertEquals(frames, destination.received());
            assertEquals(frames, destination.last());
            assertEquals(0, destination.rejections());
            final List<Integer> added = ids(destination, "ADDED");
            final List<Integer> retired = ids(destination, "RETIRED");
            assertTrue(added.size() >= 4, () -> "keys added at B: " + added);
            for (final int keyId : retired)
            {
                assertTrue(added.contains(keyId) && keyId < added.get(added.size() - 1),
                    () -> "retired " + retired + " after added " + added);
            }
            final ForwardingCounters sent = sending.forwarding.counters();
            final ForwardingCounters relayed = receiving.forwarding.counters();
            assertTrue(sent.keysForwarded().get() >= 4);
            assertTrue(sent.keyActionsForwarded().get() >= 3);
            assertTrue(relayed.keysRetired().get() >= 3);
            assertEquals(0, relayed.refusedTotal().get());
            assertEquals(origin.publisher.producerId(), destination.producerId());
        }
    }

    @Test
    void aRestartedReceivingBridgeResumesWithoutReplay() throws Exception
    {
        final long frames = 60_000;
        final int portA = BridgeRig.freePort();
        final int portB = BridgeRig.freePort();
        try (Bastion brokerA = originBroker(temp);
            Bastion brokerB = relayBroker(temp, "broker-b");
            ForwardingRig.Destination destination = new ForwardingRig.Destination(client(brokerB, Right.SUBSCRIBE),
                true);
            ForwardingRig.Node sending = new ForwardingRig.Node(sendingNode(temp, brokerA,
                brokerB.identityPublicKey(), BridgeRole.RESPONDER, portA, portB), false);
            ForwardingRig.Node first = new ForwardingRig.Node(receivingNode(temp, "bridge-b", brokerB,
                brokerA.identityPublicKey(), BridgeRole.INITIATOR, portB, portA), true);
            ForwardingRig.Origin origin = new ForwardingRig.Origin(client(brokerA, Right.PUBLISH), frames, (n) -> { },
                HELD_FROM))
        {
            await("a third of the frames at B", () -> destination.received() >= frames / 3 ||
                !destination.errors.isEmpty());
            // The receiving host's bridge goes (its relays too) while the origin keeps publishing, and comes back.
            first.close();
            try (ForwardingRig.Node second = new ForwardingRig.Node(receivingNode(temp, "bridge-b2", brokerB,
                brokerA.identityPublicKey(), BridgeRole.INITIATOR, portB, portA), true))
            {
                // The last third waits for the new session, so that frames cross it whatever the outage took.
                await("the new session", () -> sending.forwarding.counters().sessions().get() >= 2 &&
                    second.forwarding.bridge().isConnected());
                origin.release();
                awaitEveryFrameOnceInOrder(destination, frames, sending, second);
                final ForwardingCounters sent = sending.forwarding.counters();
                assertTrue(sent.sessions().get() >= 2, "the sending bridge followed the new session");
                assertTrue(sent.keysResent().get() >= 1, "and re-sent the keys it held");
                assertEquals(1, second.forwarding.counters().relaysOpened().get());
                // Frames the sending bridge handed to Aeron before it saw the outage are gone with the old session.
                System.out.println("bridge restart: " + destination.gaps() + " of " + frames +
                    " frames lost in the outage, none twice");
                assertEquals(frames, origin.sent());
            }
        }
    }

    @Test
    void aRestartedSendingResponderIsNoticedByTheReceivingInitiatorAndFramesFlowAgainWithoutReplay() throws Exception
    {
        final long frames = 60_000;
        final int portA = BridgeRig.freePort();
        final int portB = BridgeRig.freePort();
        try (Bastion brokerA = originBroker(temp);
            Bastion brokerB = relayBroker(temp, "broker-b");
            ForwardingRig.Destination destination = new ForwardingRig.Destination(client(brokerB, Right.SUBSCRIBE),
                true);
            ForwardingRig.Node receiving = new ForwardingRig.Node(watched(receivingNode(temp, "bridge-b", brokerB,
                brokerA.identityPublicKey(), BridgeRole.INITIATOR, portB, portA)), true);
            ForwardingRig.Node first = new ForwardingRig.Node(watched(sendingNode(temp, brokerA,
                brokerB.identityPublicKey(), BridgeRole.RESPONDER, portA, portB)), false);
            ForwardingRig.Origin origin = new ForwardingRig.Origin(client(brokerA, Right.PUBLISH), frames, (n) -> { },
                HELD_FROM))
        {
            await("a third of the frames at B", () ->
            {
                receiving.check();
                return destination.received() >= frames / 3 || !destination.errors.isEmpty();
            });
            final Bridge initiator = receiving.forwarding.bridge();
            final long session = initiator.sessionId();
            // The sending host's bridge goes (its subscription on broker A too) while the origin keeps publishing,
            // and comes back: a new process, the same broker identity and endpoint. Nobody calls connect on B.
            first.close();
            try (ForwardingRig.Node second = new ForwardingRig.Node(watched(sendingNode(temp, "bridge-a2", brokerA,
                brokerB.identityPublicKey(), BridgeRole.RESPONDER, portA, portB)), false))
            {
                await("the new session", () -> initiator.counters().handshakes().get() >= 2 &&
                    second.forwarding.bridge().isConnected());
                origin.release();
                awaitEveryFrameOnceInOrder(destination, frames, receiving, second);
                assertTrue(initiator.counters().sessionTimeouts().get() >= 1, "B noticed the silence");
                assertTrue(initiator.counters().handshakes().get() >= 2, "and handshook again by itself");
                assertTrue(initiator.sessionId() != session && initiator.sessionId() == second.forwarding.bridge()
                    .sessionId());
                assertTrue(second.forwarding.counters().keysForwarded().get() >= 1, "the keys went to B again");
                assertEquals(1, receiving.forwarding.counters().relaysOpened().get(), "B's relay carried on");
                System.out.println("sending bridge restart: " + destination.gaps() + " of " + frames +
                    " frames lost in the outage, none twice");
                assertEquals(frames, origin.sent());
            }
        }
    }

    @Test
    void aRestartedReceivingResponderIsNoticedByTheSendingInitiatorWhichResendsItsKeys() throws Exception
    {
        final long frames = 60_000;
        final int portA = BridgeRig.freePort();
        final int portB = BridgeRig.freePort();
        try (Bastion brokerA = originBroker(temp);
            Bastion brokerB = relayBroker(temp, "broker-b");
            ForwardingRig.Destination destination = new ForwardingRig.Destination(client(brokerB, Right.SUBSCRIBE),
                true);
            ForwardingRig.Node sending = new ForwardingRig.Node(watched(sendingNode(temp, brokerA,
                brokerB.identityPublicKey(), BridgeRole.INITIATOR, portA, portB)), true);
            ForwardingRig.Node first = new ForwardingRig.Node(watched(receivingNode(temp, "bridge-b", brokerB,
                brokerA.identityPublicKey(), BridgeRole.RESPONDER, portB, portA)), false);
            ForwardingRig.Origin origin = new ForwardingRig.Origin(client(brokerA, Right.PUBLISH), frames, (n) -> { },
                HELD_FROM))
        {
            await("a third of the frames at B", () ->
            {
                sending.check();
                return destination.received() >= frames / 3 || !destination.errors.isEmpty();
            });
            final Bridge initiator = sending.forwarding.bridge();
            first.close();
            try (ForwardingRig.Node second = new ForwardingRig.Node(watched(receivingNode(temp, "bridge-b2", brokerB,
                brokerA.identityPublicKey(), BridgeRole.RESPONDER, portB, portA)), false))
            {
                await("the new session", () -> sending.forwarding.counters().sessions().get() >= 2 &&
                    second.forwarding.bridge().isConnected());
                origin.release();
                awaitEveryFrameOnceInOrder(destination, frames, sending, second);
                assertTrue(initiator.counters().sessionTimeouts().get() >= 1, "A noticed the silence");
                final ForwardingCounters sent = sending.forwarding.counters();
                assertTrue(sent.sessions().get() >= 2, "the sending bridge moved to the new session");
                assertTrue(sent.keysResent().get() >= 1, "and re-sent the keys it held");
                assertEquals(1, second.forwarding.counters().relaysOpened().get());
                System.out.println("receiving bridge restart, noticed by the watchdog: " + destination.gaps() +
                    " of " + frames + " frames lost in the outage, none twice");
                assertEquals(frames, origin.sent());
            }
        }
    }

    @Test
    void aKeyRevokedOnBrokerAIsRevokedOnBrokerB() throws Exception
    {
        final long frames = 20_000;
        final int portA = BridgeRig.freePort();
        final int portB = BridgeRig.freePort();
        try (Bastion brokerA = originBroker(temp);
            Bastion brokerB = relayBroker(temp, "broker-b");
            ForwardingRig.Destination destination = new ForwardingRig.Destination(client(brokerB, Right.SUBSCRIBE),
                false);
            ForwardingRig.Node sending = new ForwardingRig.Node(sendingNode(temp, brokerA,
                brokerB.identityPublicKey(), BridgeRole.RESPONDER, portA, portB), false);
            ForwardingRig.Node receiving = new ForwardingRig.Node(receivingNode(temp, "bridge-b", brokerB,
                brokerA.identityPublicKey(), BridgeRole.INITIATOR, portB, portA), true);
            ForwardingRig.Origin origin = new ForwardingRig.Origin(client(brokerA, Right.PUBLISH), frames, (n) -> { }))
        {
            await("every frame at B", () -> destination.received() >= frames || !destination.errors.isEmpty());
            final List<Integer> added = ids(destination, "ADDED");
            final int keyId = added.get(added.size() - 1);
            brokerA.broker().router().revokeKey(CHANNEL, origin.publisher.producerId(), keyId);
            final ForwardingCounters relayed = receiving.forwarding.counters();
            await("the key revoked at B, and the relay closed", () ->
                destination.sawKey(keyId + " REVOKED") && 1 == relayed.relaysClosed().get());
            assertEquals(1, relayed.keysRevoked().get());
            assertTrue(sending.forwarding.counters().keyActionsForwarded().get() >= 2, "REVOKED, SOURCE_REMOVED");
            assertEquals(0, receiving.forwarding.relay().relayCount());
            assertEquals(List.of(), new ArrayList<>(destination.errors));
            assertEquals(frames, destination.received());
        }
    }

    @Test
    void theReceivingHostRefusesFramesUnderARevokedKeyAndDropsStrangers() throws Exception
    {
        final int channelId = ChannelIds.of(CHANNEL);
        final int producerId = 9;
        try (Bastion brokerB = relayBroker(temp, "broker-b");
            ForwardingRig.Destination destination = new ForwardingRig.Destination(client(brokerB, Right.SUBSCRIBE),
                false);
            ForwardingCounters counters = ForwardingCounters.inMemory("relay");
            ChannelRelay relay = new ChannelRelay(client(brokerB, Right.RELAY), List.of(CHANNEL), 2048, counters);
            OriginFrames origin = new OriginFrames(channelId, producerId);
            OriginFrames otherChannel = new OriginFrames(ChannelIds.of("fwd.other"), producerId);
            OriginFrames otherProducer = new OriginFrames(channelId, producerId + 1))
        {
            origin.useKey(1, OriginFrames.key(1));
            otherChannel.useKey(1, OriginFrames.key(1));
            otherProducer.useKey(1, OriginFrames.key(2));
            relay.onChannelKey(channelId, producerId, 1, OriginFrames.key(1));
            assertEquals(1, relay.relayCount());
            for (long n = 1; n <= 100; n++)
            {
                relay.onFrame(origin.buffer(), 0, origin.seal(n), n);
                await("frame " + n + " republished", () -> !relay.hasPending(), relay::doRelayWork);
            }
            await("100 frames at B", () -> destination.received() >= 100, relay::doRelayWork);

            // A re-send of the same key (a new bridge session) changes nothing.
            relay.onChannelKey(channelId, producerId, 1, OriginFrames.key(1));
            relay.onChannelKeyAction(channelId, producerId, 1, ChannelKeyAction.REVOKED);
            await("the key revoked at B", () -> destination.sawKey("1 REVOKED"), relay::doRelayWork);
            relay.onFrame(origin.buffer(), 0, origin.seal(101), 101);
            assertEquals(1, counters.refusals(RejectReason.REVOKED_KEY), "refused under the revoked key");
            assertEquals(1, counters.keysAdded().get());
            assertEquals(1, counters.keysRevoked().get());

            relay.onFrame(otherChannel.buffer(), 0, otherChannel.seal(1), 102);
            assertEquals(1, counters.droppedUnknownChannel().get());
            relay.onFrame(otherProducer.buffer(), 0, otherProducer.seal(1), 103);
            assertEquals(1, counters.droppedUnknownSource().get());
            relay.onChannelKey(ChannelIds.of("fwd.other"), producerId, 1, OriginFrames.key(1));
            assertEquals(2, counters.droppedUnknownChannel().get());
            assertEquals(1, relay.relayCount());
            assertFalse(relay.hasPending());

            relay.onChannelKeyAction(channelId, producerId, 1, ChannelKeyAction.SOURCE_REMOVED);
            assertEquals(0, relay.relayCount());
            assertEquals(1, counters.relaysClosed().get());
            ForwardingRig.sleep(200);
            assertEquals(100, destination.received(), "nothing refused was dispatched");
            assertEquals(100, destination.last());
            assertEquals(List.of(), new ArrayList<>(destination.errors));
        }
    }

    @Test
    void aFrameLongerThanOneDatagramIsCountedAndDroppedAndTheRestGoOn() throws Exception
    {
        final int portA = BridgeRig.freePort();
        final int portB = BridgeRig.freePort();
        try (Bastion brokerA = originBroker(temp);
            Bastion brokerB = relayBroker(temp, "broker-b");
            ForwardingRig.Destination destination = new ForwardingRig.Destination(client(brokerB, Right.SUBSCRIBE),
                false);
            ForwardingRig.Node sending = new ForwardingRig.Node(sendingNode(temp, brokerA,
                brokerB.identityPublicKey(), BridgeRole.RESPONDER, portA, portB), false);
            ForwardingRig.Node receiving = new ForwardingRig.Node(receivingNode(temp, "bridge-b", brokerB,
                brokerA.identityPublicKey(), BridgeRole.INITIATOR, portB, portA), true);
            PublisherClient publisher = PublisherClient.connect(client(brokerA, Right.PUBLISH), CHANNEL))
        {
            final int maxFrameLength = sending.forwarding.bridge().sender().maxFrameLength();
            final UnsafeBuffer small = new UnsafeBuffer(new byte[ForwardingRig.PAYLOAD_LENGTH]);
            final UnsafeBuffer large = new UnsafeBuffer(new byte[maxFrameLength]);
            ForwardingRig.fill(small, 1);
            offer(publisher, small);
            offer(publisher, large);
            ForwardingRig.fill(small, 2);
            offer(publisher, small);
            final ForwardingCounters sent = sending.forwarding.counters();
            await("frames 1 and 2 at B", () ->
            {
                publisher.doWork();
                return destination.received() >= 2 || !destination.errors.isEmpty();
            });
            assertEquals(List.of(), new ArrayList<>(destination.errors));
            assertEquals(2, destination.last());
            assertEquals(1, sent.droppedTooLong().get(), "above the bridge's MTU: dropped, counted");
            assertEquals(2, sent.framesForwarded().get());
        }
    }

    /**
     * Wait, checking both nodes, until B has the last of {@code frames}; then every frame came at most once and in
     * order, the outage's losses are counted as gaps, and nothing was refused.
     */
    private static void awaitEveryFrameOnceInOrder(
        final ForwardingRig.Destination destination,
        final long frames,
        final ForwardingRig.Node one,
        final ForwardingRig.Node two)
    {
        await("the last frame at B", () ->
        {
            one.check();
            two.check();
            return destination.last() >= frames || !destination.errors.isEmpty() || destination.isClosed();
        });
        assertEquals(List.of(), new ArrayList<>(destination.errors), "no frame twice, none out of order");
        assertEquals(frames, destination.last());
        assertEquals(frames, destination.received() + destination.gaps());
        assertEquals(0, destination.rejections());
    }

    private static void offer(final PublisherClient publisher, final UnsafeBuffer payload)
    {
        await("the frame published", () ->
        {
            publisher.doWork();
            final long result = publisher.offer(payload, 0, payload.capacity(), 1);
            assertTrue(result > 0 || ChannelStatus.NOT_CONNECTED == result || ChannelStatus.BACK_PRESSURED == result ||
                ChannelStatus.ADMIN_ACTION == result, () -> ChannelStatus.describe(result));
            return result > 0;
        });
    }

    private static List<Integer> ids(final ForwardingRig.Destination destination, final String action)
    {
        final List<Integer> ids = new ArrayList<>();
        for (final String event : destination.keyEvents)
        {
            final String[] parts = event.split(" ");
            if (parts[1].equals(action))
            {
                ids.add(Integer.parseInt(parts[0]));
            }
        }
        return ids;
    }
}
