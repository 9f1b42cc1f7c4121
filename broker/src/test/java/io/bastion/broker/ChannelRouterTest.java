package io.bastion.broker;

import io.bastion.channel.RingFiles;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.client.ClientContext;
import io.bastion.client.HandshakeClient;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.channel.SealedRing;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Publishers and subscribers joined by the broker's {@link ChannelRouter}, in one JVM: each publisher's ring and key
 * reach the subscriber, rotations lose nothing, revoked keys are refused, leaving publishers are drained and their
 * rings deleted, one subscriber per channel, and a client that breaks the control protocol is dropped.
 */
class ChannelRouterTest
{
    private static final long DEADLINE_MS = 20_000;

    @TempDir
    Path temp;

    private BrokerFixture fixture;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final Map<Integer, List<Long>> received = new HashMap<>();
    private final Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
    private final FrameHandler handler = this::onFrame;
    private final List<Integer> quarantinedProducers = new ArrayList<>();
    private SubscriberClient lastSubscriber;

    @AfterEach
    void tearDown() throws Exception
    {
        for (final AutoCloseable client : clients)
        {
            client.close();
        }
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void eachPublisherReachesTheSubscriberWithItsOwnRingAndKey() throws Exception
    {
        start((context) -> { });
        final SubscriberClient subscriber = subscriber();
        final PublisherClient first = publisher();
        final PublisherClient second = publisher();
        assertEquals(1, first.producerId());
        assertEquals(2, second.producerId());
        awaitSources(subscriber, 2);
        awaitConnected(subscriber, first, second);

        publish(first, 1, 500, subscriber);
        publish(second, 1, 500, subscriber);
        awaitReceived(subscriber, 1, 500);
        awaitReceived(subscriber, 2, 500);
        assertInOrder(1, 1, 500);
        assertInOrder(2, 1, 500);
        assertTrue(rejected.isEmpty(), rejected.toString());
        assertEquals(1000, subscriber.counters().framesIn());
    }

    @Test
    void aPublisherThatComesBeforeTheSubscriberIsAnnouncedWhenItArrives() throws Exception
    {
        start((context) -> { });
        final PublisherClient publisher = publisher();
        publisher.doWork();
        assertEquals(ChannelStatus.NOT_CONNECTED, publisher.offer(payload, 0, 8, 1));
        final SubscriberClient subscriber = subscriber();
        // Announced only once the publisher switched to a key made after the subscriber joined.
        awaitSources(subscriber, 1, publisher);
        assertEquals(2, publisher.keyId());
        awaitConnected(subscriber, publisher);
        publish(publisher, 1, 100, subscriber);
        awaitReceived(subscriber, 1, 100);
        assertInOrder(1, 1, 100);
    }

    @Test
    void keyRotationMidStreamLosesNothingAndARevokedKeyIsRefused() throws Exception
    {
        start((context) -> context.keyGraceMs(60_000));
        final SubscriberClient subscriber = subscriber();
        final PublisherClient publisher = publisher();
        awaitSources(subscriber, 1);
        awaitConnected(subscriber, publisher);
        assertEquals(1, publisher.keyId());

        long sequence = 1;
        for (int rotation = 2; rotation <= 4; rotation++)
        {
            fixture.broker.router().rotateKeys(BrokerFixture.CHANNEL);
            final int expected = rotation;
            // Keep publishing while the rotation runs: nothing may be lost or refused.
            final long deadline = System.currentTimeMillis() + DEADLINE_MS;
            while (publisher.keyId() != expected)
            {
                sequence = publish(publisher, sequence, 50, subscriber);
                assertTrue(System.currentTimeMillis() < deadline, "rotation did not finish");
            }
            sequence = publish(publisher, sequence, 50, subscriber);
        }
        final long sent = sequence - 1;
        awaitReceived(subscriber, 1, (int)sent);
        assertInOrder(1, 1, (int)sent);
        assertTrue(rejected.isEmpty(), rejected.toString());

        fixture.broker.router().revokeKey(BrokerFixture.CHANNEL, 1, 4);
        // Its keys all derive from its session secret, so the publisher's session ends: it is told, drops its keys
        // and can offer nothing more; the subscriber is told to stop reading its ring at once.
        await(() ->
        {
            pump(subscriber, publisher);
            publisher.offer(payload, 0, 8, 1);
            return publisher.isClosed() && 0 == subscriber.sourceCount();
        }, "the publisher cut off on both sides");
        assertEquals(RejectReason.REVOKED_KEY, publisher.closedFor());
        assertEquals(-1, publisher.keyId(), "the publisher holds no key any more");
        assertTrue(publisher.offer(payload, 0, 8, 1) < 0);
        final int dispatched = received.get(1).size();
        for (int i = 0; i < 10; i++)
        {
            pump(subscriber, publisher);
        }
        assertEquals(dispatched, received.get(1).size(), "nothing dispatched after the revocation");
        // Frames the publisher offered after the broker revoked key 4 but before its Goodbye arrived may still be in
        // the ring when the subscriber reads its KEY_REVOKED: refusing them under that name is the point.
        rejected.remove(RejectReason.REVOKED_KEY);
        assertTrue(rejected.isEmpty(), rejected.toString());
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        // The last rotation's acknowledgement may reach the broker after the revocation ended the session.
        final long rotated = audit.stream().filter((r) -> AuditEventType.KEY_ROTATED == r.type() &&
            AuditOutcome.SUCCESS == r.outcome()).count();
        assertTrue(rotated >= 2 && rotated <= 3, "rotations audited: " + rotated);
        assertTrue(audit.stream().anyMatch((r) -> AuditEventType.REVOKED == r.type() &&
            r.detail().contains("key 4 revoked")));
    }

    @Test
    void aRotationRequestedWhileOneIsUnderWayRunsAfterIt() throws Exception
    {
        start((context) -> context.keyGraceMs(60_000));
        final SubscriberClient subscriber = subscriber();
        final PublisherClient publisher = publisher();
        awaitSources(subscriber, 1);
        awaitConnected(subscriber, publisher);

        // Both requests reach the conductor before any client answers: the second must wait, not vanish.
        fixture.broker.router().rotateKeys(BrokerFixture.CHANNEL);
        fixture.broker.router().rotateKeys(BrokerFixture.CHANNEL);
        fixture.broker.router().rotateKeys(BrokerFixture.CHANNEL);
        long sequence = 1;
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (publisher.keyId() != 3)
        {
            sequence = publish(publisher, sequence, 10, subscriber);
            assertTrue(System.currentTimeMillis() < deadline, "queued rotation did not run");
        }
        sequence = publish(publisher, sequence, 10, subscriber);
        awaitReceived(subscriber, 1, (int)(sequence - 1));
        assertInOrder(1, 1, (int)(sequence - 1));
        assertTrue(rejected.isEmpty(), rejected.toString());
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertEquals(2, audit.stream().filter((r) -> AuditEventType.KEY_ROTATED == r.type()).count(),
            "three requests during one rotation make two rotations");
    }

    @Test
    void aPublisherThatLeavesIsDrainedThenItsRingIsDeleted() throws Exception
    {
        // The named-file fallback, whose ring files go with their publisher.
        start((context) -> context.sealedRings(false).unlinkRings(false));
        final SubscriberClient subscriber = subscriber();
        final PublisherClient publisher = publisher();
        awaitSources(subscriber, 1);
        awaitConnected(subscriber, publisher);
        final Path ring = ringFiles().get(0);

        // Offered, but not yet read when the publisher goes: still delivered.
        // The fixture's rings hold 4 KiB: 20 small frames fit.
        for (int i = 1; i <= 20; i++)
        {
            payload.putLong(0, i, ByteOrder.LITTLE_ENDIAN);
            assertTrue(publisher.offer(payload, 0, 8, 1) > 0);
        }
        clients.remove(publisher);
        publisher.close();

        await(() ->
        {
            subscriber.doWork();
            subscriber.poll(handler, 64);
            return 0 == subscriber.sourceCount() && !Files.exists(ring);
        }, "source drained and ring deleted");
        assertInOrder(1, 1, 20);
        assertFalse(Files.exists(ring.resolveSibling(ring.getFileName() + ".consumer")));
    }

    @Test
    void aSecondSubscriberIsRefusedUntilTheFirstLeavesThenItReadsOn() throws Exception
    {
        start((context) -> { });
        final SubscriberClient first = subscriber();
        final HandshakeException refused = assertThrows(HandshakeException.class, this::subscriber);
        assertEquals(RejectReason.CHANNEL_IN_USE, refused.reason());

        final PublisherClient publisher = publisher();
        awaitSources(first, 1);
        awaitConnected(first, publisher);
        publish(publisher, 1, 100, first);
        awaitReceived(first, 1, 100);
        clients.remove(first);
        first.close();

        // Written while nobody reads: the next subscriber joins at the live position and never sees these.
        for (int i = 101; i <= 120; i++)
        {
            payload.putLong(0, i, ByteOrder.LITTLE_ENDIAN);
            assertTrue(publisher.offer(payload, 0, 8, 1) > 0);
        }
        received.clear();
        final SubscriberClient second = awaitSubscriber();
        awaitSources(second, 1, publisher);
        awaitConnected(second, publisher);
        publish(publisher, 121, 50, second);
        awaitReceived(second, 1, 50);
        assertInOrder(1, 121, 50);
        assertTrue(rejected.isEmpty(), rejected.toString());
        assertEquals(50, second.counters().framesIn());
    }

    @Test
    void sealedRingsHaveNoNameInTheFolderAndCarryTheStreamUntilThePublisherLeaves() throws Exception
    {
        assumeTrue(SealedRing.isSupported(), "sealed rings need Linux memfd");
        start((context) -> { });
        final SubscriberClient subscriber = subscriber();
        final PublisherClient publisher = publisher();
        awaitSources(subscriber, 1);
        awaitConnected(subscriber, publisher);
        publish(publisher, 1, 100, subscriber);
        awaitReceived(subscriber, 1, 100);
        try (Stream<Path> listing = Files.list(fixture.directory))
        {
            final List<String> names = listing.map((p) -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch((n) -> n.contains(".ring")), "no ring in the folder: " + names);
        }
        clients.remove(publisher);
        publisher.close();
        await(() ->
        {
            subscriber.doWork();
            subscriber.poll(handler, 64);
            return 0 == subscriber.sourceCount();
        }, "the departed publisher's source drained and removed");
        assertInOrder(1, 1, 100);
    }

    @Test
    void theUnlinkOptionRemovesTheRingNamesOnceBothSidesMappedIt() throws Exception
    {
        start((context) -> context.sealedRings(false).unlinkRings(true));
        final SubscriberClient subscriber = subscriber();
        final PublisherClient publisher = publisher();
        awaitSources(subscriber, 1);
        await(() ->
        {
            pump(subscriber, publisher);
            return ringFiles().isEmpty();
        }, "ring names removed");
        awaitConnected(subscriber, publisher);
        publish(publisher, 1, 100, subscriber);
        awaitReceived(subscriber, 1, 100);
        assertInOrder(1, 1, 100);
    }

    @Test
    void aClientThatBreaksTheControlProtocolIsDroppedAndTheOthersCarryOn() throws Exception
    {
        start((context) -> { });
        final SubscriberClient subscriber = subscriber();
        final PublisherClient good = publisher();
        final Session rogue = rogueSession();
        awaitSources(subscriber, 2);

        // An acknowledgement of a key the broker never sent.
        final byte[] bogus = ControlMessages.sourceUpdate(io.bastion.codec.sbe.SourceAction.KEY_IN_USE,
            rogue.channelId(), rogue.producerId(), 99, 0, 0, "", null);
        final SocketChannel socket = rogue.controlChannel();
        socket.configureBlocking(true);
        final java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(4 + bogus.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(bogus.length).put(bogus).flip();
        socket.write(out);

        await(() ->
        {
            pump(subscriber, good);
            return 1 == subscriber.sourceCount();
        }, "the rogue source removed");
        awaitConnected(subscriber, good);
        publish(good, 1, 100, subscriber);
        awaitReceived(subscriber, good.producerId(), 100);
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((r) -> null != r.detail() &&
            r.detail().contains("PROTOCOL_VIOLATION: unexpected acknowledgement")));
    }

    @Test
    void aPublisherTheSubscriberQuarantinesIsAuditedCutOffAndRemoved() throws Exception
    {
        // The rogue maps the ring file, on the named-file fallback.
        start((context) -> context.sealedRings(false).unlinkRings(false));
        final SubscriberClient subscriber = subscriber();
        final PublisherClient good = publisher();
        final Session rogue = rogueSession();
        final io.bastion.channel.MappedRing mapping =
            new io.bastion.channel.RingFiles(new io.bastion.security.files.OwnerOnlyFiles(
                io.bastion.security.files.FilePolicy.ownerOnly())).mapAsProducer(rogue.publishRingPath(),
                rogue.ringCapacity());
        clients.add(mapping);
        final io.bastion.ringbuffer.OneToOneRingProducer ring = new io.bastion.ringbuffer.OneToOneRingProducer(
            mapping.producerRegion(), mapping.consumerRegion(), System::currentTimeMillis);
        awaitSources(subscriber, 2);
        final UnsafeBuffer junk = new UnsafeBuffer(new byte[128]);
        junk.setMemory(0, 128, (byte)0x42);
        for (int i = 0; i < ClientContext.QUARANTINE_THRESHOLD; i++)
        {
            assertTrue(ring.write(io.bastion.channel.Publisher.FRAME_RECORD_TYPE, junk, 0, 128) > 0);
        }

        await(() ->
        {
            pump(subscriber, good);
            return 1 == subscriber.sourceCount();
        }, "the quarantined source removed");
        assertTrue(rejected.getOrDefault(RejectReason.WRONG_SCHEMA_ID, 0) >= ClientContext.QUARANTINE_THRESHOLD,
            rejected.toString());

        final SocketChannel socket = rogue.controlChannel();
        socket.configureBlocking(true);
        final java.nio.ByteBuffer prefix = java.nio.ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        while (prefix.hasRemaining() && socket.read(prefix) >= 0)
        {
            Thread.yield();
        }
        final byte[] refusal = new byte[prefix.getInt(0)];
        final java.nio.ByteBuffer body = java.nio.ByteBuffer.wrap(refusal);
        while (body.hasRemaining() && socket.read(body) >= 0)
        {
            Thread.yield();
        }
        assertEquals(RejectReason.QUARANTINED, ControlMessages.parse(refusal, refusal.length).refusalReason);
        assertEquals(List.of(rogue.producerId()), quarantinedProducers);

        awaitConnected(subscriber, good);
        publish(good, 1, 100, subscriber);
        awaitReceived(subscriber, good.producerId(), 100);
        await(() ->
        {
            pump(subscriber, good);
            return 1 == ringFiles().size();
        }, "the quarantined publisher's ring deleted");
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((r) -> AuditEventType.QUARANTINED == r.type() &&
            r.detail().contains("producer=" + rogue.producerId()) &&
            r.detail().endsWith("last refusal=" + RejectReason.WRONG_SCHEMA_ID.name())), audit.toString());
    }

    @Test
    void noKeyFileInTheFolderPinsTheBroker() throws Exception
    {
        start((context) -> { });
        assertFalse(Files.exists(fixture.directory.resolve("broker.pub")), "the broker publishes no key file");
        // A key planted in the folder, as a stand-in would leave it, is never read: the token pins the broker.
        Files.write(fixture.directory.resolve("broker.pub"), IssuerKeys.rawPublic(IssuerKeys.generate().getPublic()));
        final ClientContext context = clientContext(Right.PUBLISH).conclude();
        assertNull(context.brokerKey(), "no key besides the token's");
        try (PublisherClient publisher = PublisherClient.connect(context, BrokerFixture.CHANNEL))
        {
            assertTrue(publisher.producerId() > 0);
        }
    }

    @Test
    void ringsLeftByABrokerThatDiedAreRemovedAtLaunch() throws Exception
    {
        final Path dir = Files.createDirectory(temp.resolve("broker"), java.nio.file.attribute.PosixFilePermissions
            .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        final Path stale = dir.resolve("deadbeef" + OwnerOnlyRingAllocator.RING_SUFFIX);
        Files.write(stale, new byte[64]);
        Files.write(RingFiles.consumerFile(stale), new byte[64]);
        final Path other = Files.write(dir.resolve("notes.txt"), new byte[1]);
        start((context) -> { });
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(RingFiles.consumerFile(stale)));
        assertTrue(Files.exists(other), "only ring files are removed");
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((r) -> null != r.detail() && r.detail().contains("removed 1 rings")));
    }

    @Test
    void closingTheBrokerSaysGoodbyeToEveryClientAndDeletesTheRings() throws Exception
    {
        start((context) -> { });
        final SubscriberClient subscriber = subscriber();
        final PublisherClient publisher = publisher();
        awaitSources(subscriber, 1);
        fixture.broker.close();
        await(() ->
        {
            pump(subscriber, publisher);
            return subscriber.isClosed() && publisher.isClosed();
        }, "goodbye seen");
        assertEquals(RejectReason.CHANNEL_CLOSED, publisher.closedFor());
        assertEquals(ChannelStatus.CLOSED, publisher.offer(payload, 0, 8, 1));
        assertTrue(ringFiles().isEmpty());
        assertEquals(RejectReason.CHANNEL_CLOSED, subscriber.closedFor());
    }

    private void start(final Consumer<BrokerContext> configure) throws IOException
    {
        fixture = new BrokerFixture(temp, (context) ->
        {
            context.sessionListener(null);
            configure.accept(context);
        });
    }

    private ClientContext clientContext(final Right right) throws IOException
    {
        return new ClientContext()
            .directory(fixture.directory)
            .token(fixture.validToken(right));
    }

    private SubscriberClient subscriber() throws Exception
    {
        final SubscriberClient client = SubscriberClient.connect(clientContext(Right.SUBSCRIBE), BrokerFixture.CHANNEL,
            new RejectionHandler()
            {
                @Override
                public void onRejected(final int sourceId, final RejectReason reason)
                {
                    rejected.merge(reason, 1, Integer::sum);
                }

                @Override
                public void onQuarantined(final int sourceId)
                {
                    quarantinedProducers.add(lastSubscriber.producerIdOf(sourceId));
                }
            });
        lastSubscriber = client;
        clients.add(client);
        return client;
    }

    private SubscriberClient awaitSubscriber() throws Exception
    {
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (true)
        {
            try
            {
                return subscriber();
            }
            catch (final HandshakeException ex)
            {
                // The broker frees the slot when it sees the first subscriber's goodbye, a moment later.
                if (RejectReason.CHANNEL_IN_USE != ex.reason() || System.currentTimeMillis() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(10);
            }
        }
    }

    private PublisherClient publisher() throws Exception
    {
        final PublisherClient client = PublisherClient.connect(clientContext(Right.PUBLISH), BrokerFixture.CHANNEL);
        clients.add(client);
        return client;
    }

    /**
     * A publisher that holds a valid token but speaks the control protocol by hand, as a rogue one would.
     */
    private Session rogueSession() throws Exception
    {
        final Session rogue = HandshakeClient.connect(fixture.directory.resolve(BrokerContext.SOCKET_FILE_NAME),
            fixture.validToken(Right.PUBLISH), fixture.broker.identityPublicKey(), BrokerFixture.CHANNEL,
            Right.PUBLISH, java.time.Duration.ofSeconds(10));
        clients.add(rogue);
        return rogue;
    }

    private List<Path> ringFiles()
    {
        try (Stream<Path> files = Files.list(fixture.directory))
        {
            return files.filter((p) -> p.getFileName().toString().endsWith(".ring")).toList();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private long publish(
        final PublisherClient publisher, final long firstSequence, final int count, final SubscriberClient subscriber)
    {
        long sequence = firstSequence;
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (sequence < firstSequence + count)
        {
            pump(subscriber, publisher);
            payload.putLong(0, sequence, ByteOrder.LITTLE_ENDIAN);
            final long result = publisher.offer(payload, 0, 8, 1);
            if (result > 0)
            {
                sequence++;
            }
            else if (ChannelStatus.BACK_PRESSURED != result && ChannelStatus.NOT_CONNECTED != result ||
                System.currentTimeMillis() > deadline)
            {
                fail("offer failed: " + result);
            }
        }
        return sequence;
    }

    private void pump(final SubscriberClient subscriber, final PublisherClient... publishers)
    {
        subscriber.doWork();
        for (final PublisherClient publisher : publishers)
        {
            publisher.doWork();
        }
        subscriber.poll(handler, 64);
    }

    private void awaitSources(final SubscriberClient subscriber, final int count, final PublisherClient... publishers)
    {
        await(() ->
        {
            subscriber.doWork();
            for (final PublisherClient publisher : publishers)
            {
                publisher.doWork();
            }
            return subscriber.sourceCount() == count;
        }, count + " sources");
    }

    private void awaitConnected(final SubscriberClient subscriber, final PublisherClient... publishers)
    {
        await(() ->
        {
            pump(subscriber, publishers);
            for (final PublisherClient publisher : publishers)
            {
                if (!publisher.isConnected())
                {
                    return false;
                }
            }
            return true;
        }, "publishers connected");
    }

    private void awaitReceived(final SubscriberClient subscriber, final int producerId, final int count)
    {
        await(() ->
        {
            subscriber.doWork();
            subscriber.poll(handler, 256);
            return received.getOrDefault(producerId, List.of()).size() >= count;
        }, count + " frames of producer " + producerId);
    }

    private void assertInOrder(final int producerId, final long first, final int count)
    {
        final List<Long> values = received.get(producerId);
        assertEquals(count, values.size());
        for (int i = 0; i < count; i++)
        {
            assertEquals(first + i, values.get(i), "payload " + i + " of producer " + producerId);
        }
    }

    private void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
    {
        assertEquals(8, length);
        received.computeIfAbsent(frame.producerId(), (id) -> new ArrayList<>())
            .add(buffer.getLong(offset, ByteOrder.LITTLE_ENDIAN));
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!condition.getAsBoolean())
        {
            if (System.currentTimeMillis() > deadline)
            {
                fail("timed out waiting for " + what);
            }
            Thread.yield();
        }
    }
}
