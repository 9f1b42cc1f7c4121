package io.bastion.broker.process;

import io.bastion.broker.ChannelIds;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.process.Wire;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.RelayPublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.token.Right;
import io.bastion.test.ChildJvm;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay republishes frames sealed by a publisher elsewhere (a {@link RemoteOrigin}) into a relayed channel, byte for
 * byte, with the origin's keys; the channel's subscribers verify the origin's tags end to end. Each frame the relay's
 * checks refuse is refused by reason and never dispatched; each session the broker's relay rules refuse is refused by
 * reason.
 */
class RelayTest extends EmbeddedBrokerTest
{
    private static final String CHANNEL = "relay.prices";
    private static final int ORIGIN_PRODUCER = 7;
    private static final byte[] KEY_1 = key(1);
    private static final byte[] KEY_2 = key(2);
    private static final Duration KEY_WAIT = Duration.ofSeconds(60);
    private static final long DEADLINE_MS = 120_000;

    @Test
    void aSubscriberInAChildJvmVerifiesEveryRelayedFrameThroughAnOriginRotation() throws Exception
    {
        launch((context) -> context.relayedChannel(CHANNEL));
        final int frames = 4000;
        try (ChildJvm subscriber = ChildJvm.start(temp, "subscriber", BrokerClientMain.class,
            "role=sub", "dir=" + dir, "token=" + token("sub", CHANNEL, Right.SUBSCRIBE), "channel=" + CHANNEL,
            "expect=" + frames, "deadline-ms=" + DEADLINE_MS);
            RelayPublisherClient relay = RelayPublisherClient.connect(context(Right.RELAY), CHANNEL, ORIGIN_PRODUCER);
            RemoteOrigin origin = new RemoteOrigin(ChannelIds.of(CHANNEL), ORIGIN_PRODUCER, 1, KEY_1))
        {
            subscriber.awaitLine("ready", 30_000);
            assertEquals(RejectReason.NONE, relay.addKey(1, KEY_1, KEY_WAIT));
            assertEquals(ChannelIds.of(CHANNEL), relay.channelId());
            for (long sequence = 1; sequence <= frames; sequence++)
            {
                if (frames / 2 + 1 == sequence)
                {
                    // The origin rotates mid-stream: its new key reaches the relay (as a bridge forwards it), is
                    // confirmed, the origin seals with it, and the old key retires once its last frame went out.
                    assertEquals(RejectReason.NONE, relay.addKey(2, KEY_2, KEY_WAIT));
                    origin.rotate(2, KEY_2);
                    assertTrue(relay.retireKey(1));
                }
                final byte[] frame = origin.seal(sequence);
                offer(relay, frame);
            }
            final Map<String, String> received = Wire.summary(subscriber.awaitLine(Wire.SUMMARY, DEADLINE_MS));
            assertEquals(0, subscriber.awaitExit(30_000), subscriber.describe());
            assertEquals(String.valueOf(frames), received.get("received"), received.toString());
            assertEquals("0", received.get("mismatches"), received.toString());
            assertEquals("0", received.get("rejections"), received.toString());
            assertEquals(frames / 2 + "," + frames / 2 + ",0,0", received.get("keys"), received.toString());
        }
        final List<AuditRecord> audit = closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((r) -> AuditEventType.KEY_ROTATED == r.type() &&
            r.detail().contains("keyId=2 (origin key confirmed to the relay)")), audit::toString);
        final String key1 = HexFormat.of().formatHex(KEY_1);
        final String key2 = HexFormat.of().formatHex(KEY_2);
        assertFalse(audit.stream().anyMatch((r) -> String.valueOf(r.detail()).contains(key1) ||
            String.valueOf(r.detail()).contains(key2)), "no key material in the audit");
    }

    @Test
    void framesArriveByteExactAndEachFailedCheckIsRefusedByReasonWithNothingDispatched() throws Exception
    {
        launch((context) -> context.relayedChannel(CHANNEL));
        final ConcurrentLinkedQueue<byte[]> dispatched = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final SubscriberClient subscriber = recordingSubscriber(events);
        final FrameHandler handler = (buffer, offset, length, frame) ->
        {
            final byte[] copy = new byte[frame.frameLength()];
            frame.buffer().getBytes(frame.offset(), copy);
            dispatched.add(copy);
        };
        final Thread reader = new Thread(() ->
        {
            while (!stop.get())
            {
                subscriber.doWork();
                if (0 == subscriber.poll(handler, 64))
                {
                    Thread.yield();
                }
            }
        }, "relay-test-subscriber");
        reader.start();
        try (RelayPublisherClient relay = RelayPublisherClient.connect(context(Right.RELAY), CHANNEL, ORIGIN_PRODUCER);
            RemoteOrigin origin = new RemoteOrigin(ChannelIds.of(CHANNEL), ORIGIN_PRODUCER, 1, KEY_1);
            RemoteOrigin unconfirmed = new RemoteOrigin(ChannelIds.of(CHANNEL), ORIGIN_PRODUCER, 9, key(9));
            RemoteOrigin otherChannel = new RemoteOrigin(ChannelIds.of("relay.other"), ORIGIN_PRODUCER, 1, KEY_1);
            RemoteOrigin otherProducer = new RemoteOrigin(ChannelIds.of(CHANNEL), ORIGIN_PRODUCER + 1, 1, KEY_1))
        {
            assertEquals(RejectReason.NONE, relay.addKey(1, KEY_1, KEY_WAIT));
            final List<byte[]> sent = new ArrayList<>();
            for (long sequence = 1; sequence <= 100; sequence++)
            {
                final byte[] frame = origin.seal(sequence);
                offer(relay, frame);
                sent.add(frame);
            }
            final byte[] tampered = origin.seal(101);
            // One bit of the timestamp, which the tag covers.
            tampered[FrameDescriptor.KEY_ID_FIELD_OFFSET + 12] ^= 1;
            assertRefused(relay, tampered, RejectReason.BAD_TAG);
            final byte[] truncated = Arrays.copyOf(origin.seal(102), 40);
            assertEquals(ChannelStatus.REFUSED, relay.offerSealed(new UnsafeBuffer(truncated), 0, truncated.length));
            assertTrue(relay.lastRefusal().isStructural(), relay.lastRefusal().toString());
            assertRefused(relay, unconfirmed.seal(1), RejectReason.UNKNOWN_KEY);
            assertRefused(relay, otherChannel.seal(1), RejectReason.UNAUTHORIZED);
            assertRefused(relay, otherProducer.seal(1), RejectReason.UNAUTHORIZED);
            assertRefused(relay, sent.get(99), RejectReason.REPLAY);
            assertRefused(relay, sent.get(0), RejectReason.REPLAY);
            assertEquals(1, relay.counters().rejected(RejectReason.BAD_TAG));
            assertEquals(2, relay.counters().rejected(RejectReason.REPLAY));

            // The origin rotates: key 2 is added, frames under it pass, key 1 retires and is refused from then on.
            origin.rotate(2, KEY_2);
            assertEquals(RejectReason.NONE, relay.addKey(2, KEY_2, KEY_WAIT));
            assertEquals(2, relay.currentKeyId());
            for (long sequence = 103; sequence <= 200; sequence++)
            {
                final byte[] frame = origin.seal(sequence);
                offer(relay, frame);
                sent.add(frame);
            }
            assertTrue(relay.retireKey(1));
            try (RemoteOrigin stale = new RemoteOrigin(ChannelIds.of(CHANNEL), ORIGIN_PRODUCER, 1, KEY_1))
            {
                for (long sequence = 1; sequence < 300; sequence++)
                {
                    stale.seal(sequence);
                }
                // Retired at the relay with no grace: frames under it are refused as under an expired key.
                assertRefused(relay, stale.seal(300), RejectReason.EXPIRED_KEY);
            }
            ProcessTestSupport.await(() -> relay.doWork() >= 0 && dispatched.size() >= sent.size() &&
                events.contains("key " + ORIGIN_PRODUCER + " 1 RETIRED"), "every relayed frame dispatched", 60_000);
            final List<byte[]> got = new ArrayList<>(dispatched);
            assertEquals(sent.size(), got.size(), "nothing refused was dispatched");
            for (int i = 0; i < sent.size(); i++)
            {
                assertArrayEquals(sent.get(i), got.get(i), "frame " + i + " byte for byte, tag intact");
            }
        }
        finally
        {
            stop.set(true);
            reader.join(30_000);
            subscriber.close();
        }
        final List<String> seen = new ArrayList<>(events);
        assertFalse(seen.stream().anyMatch((e) -> e.startsWith("rejected") || e.startsWith("quarantined")),
            seen::toString);
        assertTrue(seen.contains("key " + ORIGIN_PRODUCER + " 1 ADDED " + hex(KEY_1)), seen::toString);
        assertTrue(seen.contains("key " + ORIGIN_PRODUCER + " 2 ADDED " + hex(KEY_2)), seen::toString);
        assertTrue(seen.indexOf("key " + ORIGIN_PRODUCER + " 1 RETIRED") >
            seen.indexOf("key " + ORIGIN_PRODUCER + " 2 ADDED " + hex(KEY_2)), seen::toString);
    }

    @Test
    void theBrokerRefusesEachSessionThatBreaksTheRelayRules() throws Exception
    {
        launch((context) -> context.relayedChannel(CHANNEL));
        final String plain = "relay.plain";
        try (RelayPublisherClient relay = RelayPublisherClient.connect(context(Right.RELAY), CHANNEL, ORIGIN_PRODUCER))
        {
            assertEquals(RejectReason.UNAUTHORIZED, assertThrows(HandshakeException.class,
                () -> RelayPublisherClient.connect(context(Right.PUBLISH), CHANNEL, 11)).reason(),
                "a token without the RELAY right");
            assertEquals(RejectReason.NOT_RELAYED, assertThrows(HandshakeException.class,
                () -> RelayPublisherClient.connect(context(Right.RELAY, plain), plain, 11)).reason());
            assertEquals(RejectReason.RELAY_ONLY, assertThrows(HandshakeException.class,
                () -> PublisherClient.connect(context(Right.PUBLISH), CHANNEL)).reason());
            assertEquals(RejectReason.PRODUCER_ID_IN_USE, assertThrows(HandshakeException.class,
                () -> RelayPublisherClient.connect(context(Right.RELAY), CHANNEL, ORIGIN_PRODUCER)).reason());
            try (RelayPublisherClient other = RelayPublisherClient.connect(context(Right.RELAY), CHANNEL, 12))
            {
                assertEquals(12, other.producerId());
            }
            // An ordinary channel still takes an ordinary publisher.
            try (PublisherClient publisher = PublisherClient.connect(context(Right.PUBLISH, plain), plain))
            {
                assertEquals(ChannelIds.of(plain), publisher.channelId());
            }
        }
        // Once the relay left, its origin producer id is free again.
        final RelayPublisherClient again = RelayPublisherClient.connect(context(Right.RELAY), CHANNEL, ORIGIN_PRODUCER);
        again.close();
        final List<AuditRecord> audit = closeAndReadAudit();
        for (final String reason : List.of("RELAY_ONLY", "NOT_RELAYED", "PRODUCER_ID_IN_USE"))
        {
            assertTrue(audit.stream().anyMatch((r) -> AuditEventType.HANDSHAKE == r.type() &&
                AuditOutcome.REFUSED == r.outcome() && String.valueOf(r.detail()).contains(reason)),
                reason + " audited: " + audit);
        }
    }

    /**
     * A subscriber of the channel that records every refusal, quarantine and key it is told about.
     */
    private SubscriberClient recordingSubscriber(final ConcurrentLinkedQueue<String> events) throws Exception
    {
        final SubscriberClient subscriber = SubscriberClient.connect(context(Right.SUBSCRIBE), CHANNEL,
            new RejectionHandler()
            {
                public void onRejected(final int sourceId, final RejectReason reason)
                {
                    events.add("rejected " + reason);
                }

                public void onQuarantined(final int sourceId)
                {
                    events.add("quarantined");
                }
            });
        return subscriber.keyObserver((producerId, keyId, action, keyBytes) -> events.add("key " + producerId + " " +
            keyId + " " + action + (null == keyBytes ? "" : " " + hex(keyBytes))));
    }

    private ClientContext context(final Right right) throws Exception
    {
        return context(right, CHANNEL);
    }

    private ClientContext context(final Right right, final String channel) throws Exception
    {
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        return new ClientContext().directory(dir).token(
            bastion.issueToken(user, channel, right.bit(), System.currentTimeMillis(), 3_600_000));
    }

    private static void offer(final RelayPublisherClient relay, final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final long deadlineNs = System.nanoTime() + DEADLINE_MS * 1_000_000L;
        long result;
        while ((result = relay.offerSealed(buffer, 0, frame.length)) < 0)
        {
            final long status = result;
            assertTrue(ChannelStatus.NOT_CONNECTED == status || ChannelStatus.BACK_PRESSURED == status,
                () -> ChannelStatus.describe(status) + " " + relay.lastRefusal());
            assertTrue(System.nanoTime() < deadlineNs, "the frame went out in time");
            relay.doWork();
            Thread.yield();
        }
    }

    private static void assertRefused(final RelayPublisherClient relay, final byte[] frame, final RejectReason reason)
    {
        assertEquals(ChannelStatus.REFUSED, relay.offerSealed(new UnsafeBuffer(frame), 0, frame.length),
            reason.toString());
        assertEquals(reason, relay.lastRefusal());
    }

    private static byte[] key(final int seed)
    {
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(seed * 37 + i);
        }
        return key;
    }

    private static String hex(final byte[] bytes)
    {
        return HexFormat.of().formatHex(bytes);
    }

    private static String hex(final DirectBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.capacity()];
        buffer.getBytes(0, bytes);
        return hex(bytes);
    }
}
