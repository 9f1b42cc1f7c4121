package io.bastion.broker.process;

import io.bastion.broker.BrokerLimits;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.SealingMode;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.process.StreamChecker;
import io.bastion.channel.process.Wire;
import io.bastion.client.ClientContext;
import io.bastion.client.ConcurrentPublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.token.Right;
import io.bastion.test.ChildJvm;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publisher that several threads share, through a broker: the broker grants a concurrent session a sealed
 * many-to-one ring and a block of lane producer ids, announces it to the subscriber as a shared source, and rotates
 * its key while every lane offers. Real processes: the publishing threads run in a child JVM, one of them dies holding
 * a claim, and the subscriber's unblock frees the ring without costing the other threads a frame.
 */
class ConcurrentPublisherProcessTest extends EmbeddedBrokerTest
{
    private static final String CHANNEL = "exchange.concurrent";
    private static final long DEADLINE_MS = 120_000;

    private final List<RejectReason> rejections = Collections.synchronizedList(new ArrayList<>());
    private final RejectionHandler recorder = new RejectionHandler()
    {
        public void onRejected(final int sourceId, final RejectReason reason)
        {
            rejections.add(reason);
        }

        public void onQuarantined(final int sourceId)
        {
            rejections.add(RejectReason.QUARANTINED);
        }
    };

    @Test
    void fourThreadsOfAnotherProcessShareOnePublisherOneDiesMidClaimAndTheOthersLoseNothing() throws Exception
    {
        launch((context) -> context.ringCapacity(64 * 1024));
        final long count = 20_000;
        final long dieAfter = 3_000;
        final StreamChecker checker = new StreamChecker();
        try (SubscriberClient subscriber = SubscriberClient.connect(
            context(Right.SUBSCRIBE).unblockTimeoutMs(1_000), CHANNEL, recorder);
            ChildJvm publisher = ChildJvm.start(temp, "concurrent-publisher", ConcurrentPublisherMain.class,
                "dir=" + dir, "token=" + token("pub", CHANNEL, Right.PUBLISH), "channel=" + CHANNEL, "lanes=4",
                "threads=4", "count=" + count, "dying=3", "die-after=" + dieAfter, "deadline-ms=" + DEADLINE_MS))
        {
            final long expected = 3 * count + dieAfter;
            final boolean[] rotated = new boolean[2];
            ProcessTestSupport.await(() ->
            {
                subscriber.doWork();
                subscriber.poll(checker, 256);
                final long received = received(checker);
                // Two rotations while every living lane offers: each switches all lanes at a position.
                if (received > count && !rotated[0])
                {
                    rotated[0] = true;
                    bastion.broker().router().rotateKeys(CHANNEL);
                }
                if (received > 2 * count && !rotated[1])
                {
                    rotated[1] = true;
                    bastion.broker().router().rotateKeys(CHANNEL);
                }
                return received == expected;
            }, expected + " frames", DEADLINE_MS);
            final String died = publisher.awaitLineContaining("died lane=", DEADLINE_MS);
            final Map<String, String> summary = Wire.summary(publisher.awaitLine(Wire.SUMMARY, DEADLINE_MS));
            final String[] lanes = summary.get("lanes").split(",");
            final String[] sent = summary.get("sent").split(",");
            assertEquals(4, lanes.length, summary.toString());
            assertEquals(List.of(String.valueOf(count), String.valueOf(count), String.valueOf(count),
                String.valueOf(dieAfter)), List.of(sent), summary.toString());
            assertEquals("died lane=" + lanes[3], died.trim(), "the thread that died held lane " + lanes[3]);
            for (int t = 0; t < 4; t++)
            {
                final int lane = Integer.parseInt(lanes[t]);
                final long frames = 3 == t ? dieAfter : count;
                assertTrue(lane >= subscriber.producerIdOf(0) && lane < subscriber.producerIdOf(0) + 4,
                    "lane " + lane + " in the session's block");
                assertEquals(frames, checker.received(lane), "lane " + lane);
                assertEquals(frames, checker.lastSequence(lane), "lane " + lane + ": 1 to " + frames + " in order");
            }
            assertEquals(0, checker.mismatches());
            assertTrue(checker.byKeyId(2) > 0 && checker.byKeyId(3) > 0, "frames under the rotated keys");
            assertTrue(rejections.isEmpty(), rejections::toString);
            assertTrue(subscriber.counters().sequenceGaps() == 0, "no frame of a living lane lost");
            publisher.closeStdin();
            assertEquals(0, publisher.awaitExit(30_000), publisher.describe());
            ProcessTestSupport.await(() ->
            {
                subscriber.doWork();
                subscriber.poll(checker, 256);
                return 0 == subscriber.sourceCount();
            }, "the publisher's ring drained and released", DEADLINE_MS);
        }
        final List<AuditRecord> audit = closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((record) -> AuditEventType.HANDSHAKE == record.type() &&
            record.detail().contains(" lanes=4 ")), "the welcome audits the lanes granted");
    }

    @Test
    void aSubscriberThatJoinsLateStartsWhereEveryLaneSealsUnderAKeyMadeAfterItJoined() throws Exception
    {
        launch((context) -> context.ringCapacity(64 * 1024));
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<String> failure = new AtomicReference<>();
        try (ConcurrentPublisherClient publisher =
            ConcurrentPublisherClient.connect(context(Right.PUBLISH), CHANNEL, 2))
        {
            assertEquals(SealingMode.HMAC_PER_FRAME, publisher.sealing());
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++)
            {
                threads.add(new Thread(() -> publishUntil(publisher, stop, failure)));
            }
            threads.forEach(Thread::start);
            final LiveFrames first = new LiveFrames();
            try (SubscriberClient early = SubscriberClient.connect(context(Right.SUBSCRIBE), CHANNEL, recorder))
            {
                ProcessTestSupport.await(() ->
                {
                    early.doWork();
                    early.poll(first, 256);
                    return first.total > 5_000;
                }, "frames for the first subscriber", DEADLINE_MS);
            }
            final int firstKey = first.lastKeyId;
            // The second subscriber joins while both lanes go on offering: it starts at the live position.
            final LiveFrames second = new LiveFrames();
            try (SubscriberClient late = SubscriberClient.connect(context(Right.SUBSCRIBE), CHANNEL, recorder))
            {
                ProcessTestSupport.await(() ->
                {
                    late.doWork();
                    late.poll(second, 256);
                    return second.total > 5_000;
                }, "frames for the late subscriber", DEADLINE_MS);
            }
            stop.set(true);
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertNull(failure.get());
            assertEquals(0, first.mismatches + second.mismatches);
            assertTrue(rejections.isEmpty(), "nothing sealed before the join reached the late subscriber: " +
                rejections);
            assertTrue(second.lowestKeyId > firstKey, "the late subscriber holds only keys made after it joined: " +
                second.lowestKeyId + " after " + firstKey);
            assertEquals(2, second.lanes(), "both lanes reached it");
        }
    }

    @Test
    void theBrokerBoundsTheLanesAndRefusesConcurrentSessionsItCannotServe() throws Exception
    {
        launch((context) -> context.ringCapacity(64 * 1024).limits(BrokerLimits.defaults().withMaxLanesPerSession(2))
            .channelSealing("exchange.secret", SealingMode.AEAD_PER_FRAME));
        final HandshakeException tooMany = assertThrows(HandshakeException.class,
            () -> ConcurrentPublisherClient.connect(context(Right.PUBLISH), CHANNEL, 3));
        assertEquals(RejectReason.RATE_LIMITED, tooMany.reason());
        final HandshakeException encrypted = assertThrows(HandshakeException.class, () ->
            ConcurrentPublisherClient.connect(new ClientContext().directory(dir).token(Files.readAllBytes(
                token("local-secret", "exchange.secret", Right.PUBLISH))), "exchange.secret", 2));
        assertEquals(RejectReason.CHANNEL_CLOSED, encrypted.reason());
        try (ConcurrentPublisherClient granted = ConcurrentPublisherClient.connect(context(Right.PUBLISH), CHANNEL, 2))
        {
            assertEquals(2, granted.lanes());
            assertTrue(granted.producerId() > 0);
        }
        final List<AuditRecord> audit = closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((record) -> record.detail().contains("lanes per session limit 2")));
        assertTrue(audit.stream().anyMatch((record) -> record.detail().contains("encrypted channel")));
    }

    @Test
    void theNamedFileFallbackRefusesAConcurrentSessionWithATypedReason() throws Exception
    {
        launch((context) -> context.ringCapacity(64 * 1024).sealedRings(false));
        final HandshakeException refused = assertThrows(HandshakeException.class,
            () -> ConcurrentPublisherClient.connect(context(Right.PUBLISH), CHANNEL, 2));
        assertEquals(RejectReason.CHANNEL_CLOSED, refused.reason());
        final List<AuditRecord> audit = closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((record) -> record.detail().contains("needs sealed rings")),
            "the audit says why");
    }

    private static void publishUntil(
        final ConcurrentPublisherClient publisher, final AtomicBoolean stop, final AtomicReference<String> failure)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
        long sequence = 1;
        while (!stop.get() && null == failure.get())
        {
            publisher.doWork();
            final int length = Wire.length(sequence);
            Wire.fill(payload, 0, sequence, length);
            final long result = publisher.offer(payload, 0, length, Wire.messageType(sequence));
            if (result > 0)
            {
                sequence++;
            }
            else if (ChannelStatus.BACK_PRESSURED != result && ChannelStatus.NOT_CONNECTED != result &&
                ChannelStatus.ADMIN_ACTION != result)
            {
                failure.set(ChannelStatus.describe(result));
            }
        }
    }

    private static long received(final StreamChecker checker)
    {
        long total = 0;
        for (int id = 1; id < 16; id++)
        {
            total += checker.received(id);
        }
        return total;
    }

    private ClientContext context(final Right right) throws IOException
    {
        return new ClientContext().directory(dir)
            .token(Files.readAllBytes(token("local-" + right, CHANNEL, right)));
    }

    /**
     * Frames of a stream joined anywhere: per lane, sequences only go up and each payload is its sequence's.
     */
    private static final class LiveFrames implements FrameHandler
    {
        private final Map<Integer, Long> lastSequence = new HashMap<>();
        private final UnsafeBuffer expected = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
        long total;
        long mismatches;
        int lastKeyId;
        int lowestKeyId = Integer.MAX_VALUE;

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
        {
            final long sequence = frame.sequence();
            final Long last = lastSequence.put(frame.producerId(), sequence);
            final int expectedLength = Wire.length(sequence);
            Wire.fill(expected, 0, sequence, expectedLength);
            boolean same = length == expectedLength && frame.messageTypeId() == Wire.messageType(sequence);
            for (int i = 0; same && i < length; i++)
            {
                same = buffer.getByte(offset + i) == expected.getByte(i);
            }
            if ((null != last && sequence <= last) || !same)
            {
                mismatches++;
            }
            total++;
            lastKeyId = frame.keyId();
            lowestKeyId = Math.min(lowestKeyId, frame.keyId());
        }

        int lanes()
        {
            return lastSequence.size();
        }
    }
}
