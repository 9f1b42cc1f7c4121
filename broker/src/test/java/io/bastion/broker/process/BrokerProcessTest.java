package io.bastion.broker.process;

import io.bastion.channel.process.StreamChecker;
import io.bastion.channel.process.Wire;
import io.bastion.test.ChildJvm;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.RejectionHandler;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.token.Right;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes joined by an embedded broker ({@link Bastion#launchEmbedded}): they hold nothing but a capability
 * token (which also names the broker they pin) and the broker folder; rings, producer ids and keys come from the
 * broker.
 */
class BrokerProcessTest extends EmbeddedBrokerTest
{
    private static final String CHANNEL = "exchange.prices";
    private static final int FRAMES = 1_000_000;
    private static final long DEADLINE_MS = 120_000;

    @Test
    void aMillionFramesThroughTheBrokerWithKeyRotationsMidStream() throws Exception
    {
        launch();
        try (ChildJvm subscriber = ChildJvm.start(temp, "subscriber", BrokerClientMain.class,
            "role=sub", "dir=" + dir, "token=" + token("sub", Right.SUBSCRIBE), "channel=" + CHANNEL,
            "expect=" + FRAMES, "deadline-ms=" + DEADLINE_MS))
        {
            subscriber.awaitLine("ready", 30_000);
            try (ChildJvm publisher = ChildJvm.start(temp, "publisher", BrokerClientMain.class,
                "role=pub", "dir=" + dir, "token=" + token("pub", Right.PUBLISH), "channel=" + CHANNEL,
                "count=" + FRAMES, "progress=250000", "deadline-ms=" + DEADLINE_MS))
            {
                // Three rotations while the frames flow, each ordered once a quarter of them is out.
                for (int quarter = 1; quarter <= 3; quarter++)
                {
                    publisher.awaitLine("sent " + quarter * 250_000, DEADLINE_MS);
                    bastion.broker().router().rotateKeys(CHANNEL);
                }
                final Map<String, String> sent = Wire.summary(publisher.awaitLine(Wire.SUMMARY, DEADLINE_MS));
                final Map<String, String> received = Wire.summary(subscriber.awaitLine(Wire.SUMMARY, DEADLINE_MS));
                assertEquals(0, publisher.awaitExit(20_000), publisher.describe());
                assertEquals(0, subscriber.awaitExit(20_000), subscriber.describe());

                assertEquals(String.valueOf(FRAMES), sent.get("sent"), sent.toString());
                assertEquals(String.valueOf(FRAMES), received.get("received"), received.toString());
                assertEquals("0", received.get("mismatches"), received.toString());
                assertEquals("0", received.get("rejections"), received.toString());
                final String[] perKey = received.get("keys").split(",");
                long total = 0;
                for (final String count : perKey)
                {
                    total += Long.parseLong(count);
                }
                assertEquals(FRAMES, total, "every frame was sealed under one of keys 1 to 4: " + received);
                assertTrue(Long.parseLong(perKey[0]) > 0 && Long.parseLong(perKey[3]) > 0,
                    "frames under the first and the last key: " + received);
                assertEquals("4", sent.get("keyId"), sent.toString());
            }
        }
        final List<AuditRecord> audit = closeAndReadAudit();
        assertEquals(3, audit.stream().filter((r) -> AuditEventType.KEY_ROTATED == r.type()).count());
        assertTrue(ringFiles().isEmpty(), "rings deleted at the end");
    }

    @Test
    void aPublisherKilledMidStreamIsDrainedAndItsRingDeleted() throws Exception
    {
        // The named-file fallback, where a dead publisher's ring files must go.
        launch(false);
        final List<Long> received = new ArrayList<>();
        try (SubscriberClient subscriber = SubscriberClient.connect(clientContext(Right.SUBSCRIBE), CHANNEL,
            RejectionHandler.NONE);
            ChildJvm publisher = ChildJvm.start(temp, "publisher", BrokerClientMain.class,
                "role=pub", "dir=" + dir, "token=" + token("pub", Right.PUBLISH), "channel=" + CHANNEL,
                "count=2000", "hold=true", "deadline-ms=" + DEADLINE_MS))
        {
            final StreamChecker checker = new StreamChecker();
            ProcessTestSupport.await(() ->
            {
                subscriber.doWork();
                subscriber.poll(checker, 256);
                return publisher.pollLineQuietly(Wire.SUMMARY);
            }, "the publisher sent everything", DEADLINE_MS);
            assertEquals(1, ringFiles().size());
            publisher.kill();
            ProcessTestSupport.await(() ->
            {
                subscriber.doWork();
                subscriber.poll(checker, 256);
                return 0 == subscriber.sourceCount() && ringFiles().isEmpty();
            }, "the dead publisher's source drained and removed", DEADLINE_MS);
            assertEquals(2000, checker.received(1), "every committed frame delivered");
            assertEquals(0, checker.mismatches());
            assertFalse(subscriber.isClosed());
            received.add(checker.received(1));
        }
        assertEquals(List.of(2000L), received);
    }

    @Test
    void aKilledSubscriberTurnsOffersIntoNotConnectedAndTheNextSubscriberJoinsAtTheLivePosition() throws Exception
    {
        launch();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
        try (PublisherClient publisher = PublisherClient.connect(clientContext(Right.PUBLISH), CHANNEL))
        {
            publisher.publisher().livenessTimeoutMs(500);
            try (ChildJvm subscriber = ChildJvm.start(temp, "subscriber", BrokerClientMain.class,
                "role=sub", "dir=" + dir, "token=" + token("sub", Right.SUBSCRIBE), "channel=" + CHANNEL,
                "expect=" + Long.MAX_VALUE, "deadline-ms=" + DEADLINE_MS))
            {
                subscriber.awaitLine("ready", 30_000);
                final long[] sequence = {1};
                ProcessTestSupport.await(() ->
                {
                    publisher.doWork();
                    ProcessTestSupport.offer(publisher, payload, sequence);
                    return sequence[0] > 1000;
                }, "1000 frames offered to the live subscriber", DEADLINE_MS);
                subscriber.kill();
            }
            final long[] sequence = {1001};
            ProcessTestSupport.await(() ->
            {
                publisher.doWork();
                // Until the heartbeat is stale, offers still land in the ring: for the next subscriber.
                return ChannelStatus.NOT_CONNECTED == ProcessTestSupport.offer(publisher, payload, sequence);
            }, "offers turn into NOT_CONNECTED", DEADLINE_MS);

            try (SubscriberClient next = awaitSubscriber())
            {
                final StreamChecker checker = new StreamChecker();
                final long resumeAt = sequence[0];
                ProcessTestSupport.await(() ->
                {
                    next.doWork();
                    publisher.doWork();
                    ProcessTestSupport.offer(publisher, payload, sequence);
                    next.poll(checker, 256);
                    return checker.lastSequence(1) >= resumeAt + 100;
                }, "the next subscriber reads from its join on", DEADLINE_MS);
                // It starts where the publisher's first frame under a key made after the join lies: one jump from
                // the start of the stream, in order from there.
                assertTrue(checker.mismatches() <= 1, "it starts at a frame boundary, in order: " +
                    checker.mismatches());
            }
        }
    }

    @Test
    void processesWithoutAValidTokenAreRefusedWithATypedReason() throws Exception
    {
        launch();
        final Path forged = dir.getParent().resolve("forged.token");
        final byte[] token = Files.readAllBytes(token("good", Right.SUBSCRIBE));
        token[token.length - 1] ^= 1;
        Files.write(forged, token);
        final Path wrongRight = token("pub-only", Right.PUBLISH);
        final Path empty = dir.getParent().resolve("empty.token");
        Files.write(empty, new byte[0]);
        final String[][] cases = {
            {forged.toString(), "INVALID_TOKEN"}, {wrongRight.toString(), "UNAUTHORIZED"},
            {empty.toString(), "INVALID_TOKEN"}};
        for (final String[] refused : cases)
        {
            try (ChildJvm client = ChildJvm.start(temp, "refused", BrokerClientMain.class,
                "role=sub", "dir=" + dir, "token=" + refused[0], "channel=" + CHANNEL, "expect=1",
                "deadline-ms=20000"))
            {
                assertEquals("REFUSED " + refused[1], client.awaitLine("REFUSED", 30_000), client.describe());
                assertEquals(1, client.awaitExit(20_000), client.describe());
            }
        }
        final List<AuditRecord> audit = closeAndReadAudit();
        // The empty token names no broker to pin: its client refuses it itself and never connects.
        assertEquals(2, audit.stream().filter((r) -> AuditEventType.TOKEN_CHECK == r.type() &&
            r.outcome() == io.bastion.security.audit.AuditOutcome.REFUSED).count());
    }

    private void launch() throws IOException
    {
        launch(true);
    }

    private void launch(final boolean sealedRings) throws IOException
    {
        launch((context) -> context.ringCapacity(256 * 1024).sealedRings(sealedRings).unlinkRings(false));
    }

    private Path token(final String name, final Right right) throws IOException
    {
        return token(name, CHANNEL, right);
    }

    private ClientContext clientContext(final Right right) throws IOException
    {
        return new ClientContext().directory(dir).token(Files.readAllBytes(token("local-" + right, right)));
    }

    private SubscriberClient awaitSubscriber() throws Exception
    {
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (true)
        {
            try
            {
                return SubscriberClient.connect(clientContext(Right.SUBSCRIBE), CHANNEL, RejectionHandler.NONE);
            }
            catch (final io.bastion.channel.control.HandshakeException ex)
            {
                if (System.currentTimeMillis() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(10);
            }
        }
    }

    private List<Path> ringFiles()
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter((p) -> p.getFileName().toString().endsWith(".ring")).toList();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
