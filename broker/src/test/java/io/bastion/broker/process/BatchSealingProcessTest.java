package io.bastion.broker.process;

import io.bastion.channel.RejectionHandler;
import io.bastion.channel.SealingMode;
import io.bastion.channel.process.StreamChecker;
import io.bastion.channel.process.Wire;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.token.Right;
import io.bastion.test.ChildJvm;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sealing modes through a broker: the broker announces each channel's sealing mode to its publishers and its
 * subscriber, and a publisher in another process that seals by batch, or encrypts, reaches the subscriber whole and in
 * order.
 */
class BatchSealingProcessTest extends EmbeddedBrokerTest
{
    private static final String BATCHED = "exchange.batched";
    private static final String PER_FRAME = "exchange.plain";
    private static final String ENCRYPTED = "exchange.encrypted";
    private static final int FRAMES = 200_000;
    private static final long DEADLINE_MS = 120_000;

    private final List<RejectReason> rejections = new ArrayList<>();
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
    void theBrokerAnnouncesEachChannelsSealingToBothEnds() throws Exception
    {
        launch((context) -> context.ringCapacity(64 * 1024).channelSealing(BATCHED, SealingMode.HMAC_BATCH)
            .channelSealing(ENCRYPTED, SealingMode.AEAD_PER_FRAME));
        final Map<String, SealingMode> modes = Map.of(BATCHED, SealingMode.HMAC_BATCH,
            PER_FRAME, SealingMode.HMAC_PER_FRAME, ENCRYPTED, SealingMode.AEAD_PER_FRAME);
        for (final String channel : List.of(BATCHED, PER_FRAME, ENCRYPTED))
        {
            final SealingMode expected = modes.get(channel);
            try (SubscriberClient subscriber = SubscriberClient.connect(context(channel, Right.SUBSCRIBE), channel,
                recorder);
                PublisherClient publisher = PublisherClient.connect(context(channel, Right.PUBLISH), channel))
            {
                assertEquals(expected, subscriber.subscriber().sealing(), channel);
                assertEquals(expected, publisher.sealing(), channel);

                final StreamChecker checker = new StreamChecker();
                final UnsafeBuffer payload = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
                final long[] sequence = {1};
                ProcessTestSupport.await(() ->
                {
                    subscriber.doWork();
                    publisher.doWork();
                    if (sequence[0] <= 100)
                    {
                        ProcessTestSupport.offer(publisher, payload, sequence);
                    }
                    else
                    {
                        publisher.flush();
                    }
                    subscriber.poll(checker, 64);
                    return checker.received(publisher.producerId()) == 100;
                }, "100 frames on " + channel, DEADLINE_MS);
                assertEquals(0, checker.mismatches(), channel);
                assertTrue(rejections.isEmpty(), rejections::toString);
            }
        }
        final List<AuditRecord> audit = closeAndReadAudit();
        for (final String channel : List.of(BATCHED, PER_FRAME, ENCRYPTED))
        {
            assertEquals(2, audit.stream().filter((record) -> AuditEventType.HANDSHAKE == record.type() &&
                channel.equals(record.channel()) && record.detail().endsWith(" sealing=" + modes.get(channel)))
                .count(), channel + ": both ends' welcomes audit the channel's sealing");
        }
    }

    @Test
    void framesSealedByBatchInAnotherProcessArriveVerifiedInOrderAndNoneLost() throws Exception
    {
        exchangeWithAnotherProcess(BATCHED, SealingMode.HMAC_BATCH);
    }

    @Test
    void encryptedFramesFromAnotherProcessArriveVerifiedInOrderAndNoneLost() throws Exception
    {
        exchangeWithAnotherProcess(ENCRYPTED, SealingMode.AEAD_PER_FRAME);
    }

    private void exchangeWithAnotherProcess(final String channel, final SealingMode mode) throws Exception
    {
        final StreamChecker checker = new StreamChecker();
        try (SubscriberClient subscriber = subscriber(channel, mode);
            ChildJvm publisher = publisher(channel, FRAMES, "hold=true"))
        {
            assertEquals(mode, subscriber.subscriber().sealing());
            ProcessTestSupport.await(() ->
            {
                subscriber.doWork();
                subscriber.poll(checker, 256);
                return received(checker) == FRAMES;
            }, FRAMES + " frames", DEADLINE_MS);
            final Map<String, String> sent = Wire.summary(publisher.awaitLine(Wire.SUMMARY, DEADLINE_MS));
            assertEquals(String.valueOf(FRAMES), sent.get("sent"), sent.toString());
            assertEquals(FRAMES, checker.lastSequence(producer(checker)), "in order, from 1, none missing");
            assertEquals(0, checker.mismatches());
            assertTrue(rejections.isEmpty(), rejections::toString);
            publisher.closeStdin();
            assertEquals(0, publisher.awaitExit(20_000), publisher.describe());
        }
    }

    @Test
    void aPublisherKilledMidStreamLeavesOnlyWholeVerifiedBatchesDispatched() throws Exception
    {
        final StreamChecker checker = new StreamChecker();
        try (SubscriberClient subscriber = subscriber(BATCHED, SealingMode.HMAC_BATCH);
            ChildJvm publisher = publisher(BATCHED, Long.MAX_VALUE / 2, "progress=100000"))
        {
            // Killed while it offers as fast as it can: wherever it is, a batch, a claim, a copy into the ring.
            ProcessTestSupport.await(() ->
            {
                subscriber.doWork();
                subscriber.poll(checker, 256);
                return publisher.pollLineQuietly("sent 100000");
            }, "the publisher well under way", DEADLINE_MS);
            publisher.kill();
            ProcessTestSupport.await(() ->
            {
                subscriber.doWork();
                subscriber.poll(checker, 256);
                return 0 == subscriber.sourceCount();
            }, "the dead publisher's source drained and removed", DEADLINE_MS);
        }
        final long received = received(checker);
        assertTrue(received > 0, "frames flowed before the kill");
        assertEquals(received, checker.lastSequence(producer(checker)), "in order from 1, none missing before the cut");
        assertEquals(0, checker.mismatches());
        assertTrue(rejections.isEmpty(), rejections::toString);
    }

    /**
     * Launch the broker with {@code channel} sealed as {@code mode} and connect a subscriber to it in this process.
     */
    private SubscriberClient subscriber(final String channel, final SealingMode mode) throws Exception
    {
        launch((context) -> context.ringCapacity(256 * 1024).channelSealing(channel, mode));
        return SubscriberClient.connect(context(channel, Right.SUBSCRIBE), channel, recorder);
    }

    /**
     * A child process that publishes {@code count} frames on {@code channel} as fast as it can.
     */
    private ChildJvm publisher(final String channel, final long count, final String option) throws IOException
    {
        return ChildJvm.start(temp, "publisher", BrokerClientMain.class, "role=pub", "dir=" + dir,
            "token=" + token("pub", channel, Right.PUBLISH), "channel=" + channel, "count=" + count, option,
            "deadline-ms=" + DEADLINE_MS);
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

    /** The one producer id the checker saw frames from. */
    private static int producer(final StreamChecker checker)
    {
        for (int id = 1; id < 16; id++)
        {
            if (checker.received(id) > 0)
            {
                return id;
            }
        }
        return -1;
    }

    private ClientContext context(final String channel, final Right right) throws IOException
    {
        return new ClientContext().directory(dir)
            .token(Files.readAllBytes(token("local-" + channel + "-" + right, channel, right)));
    }
}
