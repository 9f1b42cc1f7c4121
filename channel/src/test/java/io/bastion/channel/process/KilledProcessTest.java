package io.bastion.channel.process;

import io.bastion.test.TestFolders;
import io.bastion.test.ChildJvm;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.MappedRing;
import io.bastion.channel.Publisher;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.RingFiles;
import io.bastion.channel.Subscriber;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.rate.QuarantinePolicy;
import io.bastion.security.replay.StrictReplayGuard;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Processes that die with SIGKILL: a publisher mid-stream, a producer holding an open claim on a
 * many-to-one ring, and a subscriber. Their peers notice through heartbeats and timeouts and carry
 * on; no timing is asserted, every wait is bounded.
 */
class KilledProcessTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final long LIVENESS_MS = 500;
    private static final long WAIT_MS = 20_000;

    @TempDir
    Path temp;

    private Path dir;
    private Path key;
    private final StreamChecker checker = new StreamChecker();
    private final ChannelCounters counters = Wire.counters("sub");

    private Subscriber newSubscriber() throws Exception
    {
        dir = TestFolders.ownerOnly(temp, "bastion");
        key = KeyFiles.write(dir, "channel.key", KeyFiles.key(1));
        final KeyRing keys = new KeyRing(
            Wire.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        keys.rotate(1, KeyFiles.read(key), 0);
        return new Subscriber(Wire.CHANNEL_ID, Wire.MAX_FRAME, new HmacFrameSealer(keys),
            new QuarantinePolicy(4, 16, 60_000_000_000L, Long.MAX_VALUE), RejectionHandler.NONE,
            SystemEpochClock.INSTANCE, counters).heartbeatIntervalMs(50);
    }

    private String[] publisherArgs(final Path ring, final int producerId, final String... more)
    {
        return CrossProcessExchangeTest.concat(new String[] {
            "ring=" + ring, "capacity=" + CAPACITY, "key=" + key, "key-id=1", "producer-id=" + producerId,
            "liveness-ms=2000", "deadline-ms=60000"}, more);
    }

    private void pollUntil(final Subscriber subscriber, final BooleanSupplier done, final String what)
            throws InterruptedException
    {
        final long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        while (!done.getAsBoolean())
        {
            assertTrue(System.nanoTime() - deadline < 0, "timed out waiting for " + what);
            subscriber.doWork();
            if (0 == subscriber.poll(checker, 64))
            {
                Thread.sleep(0, 200_000);
            }
        }
    }

    @Test
    void aPublisherKilledMidStreamIsSeenDeadWhileAnotherIsStillServed() throws Exception
    {
        final Subscriber subscriber = newSubscriber();
        final RingFiles ringFiles = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()));
        final Path ringA = ProcessFolders.oneToOneRing(dir, "a-7", CAPACITY);
        final Path ringB = ProcessFolders.oneToOneRing(dir, "b-8", CAPACITY);
        try (MappedRing a = ringFiles.mapAsConsumer(ringA, CAPACITY);
            MappedRing b = ringFiles.mapAsConsumer(ringB, CAPACITY);
            ChildJvm victim = ChildJvm.start(temp, "victim", PublisherMain.class,
                publisherArgs(ringA, 7, "kind=one", "count=-1"));
            ChildJvm survivor = ChildJvm.start(temp, "survivor", PublisherMain.class,
                publisherArgs(ringB, 8, "kind=one", "count=-1")))
        {
            final int sourceA = subscriber.addSource(new OneToOneRingConsumer(
                a.producerRegion(), a.consumerRegion(), SystemEpochClock.INSTANCE), 7, new StrictReplayGuard(1));
            final int sourceB = subscriber.addSource(new OneToOneRingConsumer(
                b.producerRegion(), b.consumerRegion(), SystemEpochClock.INSTANCE), 8, new StrictReplayGuard(1));
            pollUntil(subscriber, () -> checker.received(7) >= 2_000 && checker.received(8) >= 2_000, "both streams");
            assertTrue(subscriber.isSourceAlive(sourceA, LIVENESS_MS));

            victim.kill();
            pollUntil(subscriber, () -> !subscriber.isSourceAlive(sourceA, LIVENESS_MS), "the victim seen dead");
            final long survivorAtDeath = checker.received(8);
            pollUntil(subscriber, () -> checker.received(8) >= survivorAtDeath + 2_000, "the survivor after");
            assertTrue(subscriber.isSourceAlive(sourceB, LIVENESS_MS));
            assertFalse(subscriber.isSourceAlive(sourceA, LIVENESS_MS));

            survivor.send("stop");
            final long sent = Long.parseLong(Wire.summary(survivor.awaitLine(Wire.SUMMARY, WAIT_MS)).get("sent"));
            assertEquals(0, survivor.awaitExit(WAIT_MS), survivor.describe());
            pollUntil(subscriber, () -> checker.received(8) == sent, "the survivor's last frames");
            // The victim's frames up to its death arrived whole and in order; nothing half-written was read.
            assertTrue(checker.received(7) >= 2_000);
            assertEquals(checker.received(7), checker.lastSequence(7));
            assertEquals(0, checker.mismatches());
            assertEquals(0, Wire.totalRejections(counters));
            assertFalse(subscriber.isQuarantined(sourceA));
            assertFalse(subscriber.isQuarantined(sourceB));
        }
    }

    @Test
    void aProducerKilledMidClaimOnAManyToOneRingIsUnblockedAndLaterFramesFlow() throws Exception
    {
        final Subscriber subscriber = newSubscriber();
        final Path ringFile = dir.resolve("many-7");
        Wire.createManyToOne(ringFile, CAPACITY);
        final ManyToOneRing ring = new ManyToOneRing(
            Wire.mapManyToOne(ringFile, CAPACITY), SystemEpochClock.INSTANCE, LIVENESS_MS);
        final int source = subscriber.addSource(ring, 7, new StrictReplayGuard(1));
        final int frames = 2_000;
        try (ChildJvm stuck = ChildJvm.start(temp, "stuck", PublisherMain.class,
            publisherArgs(ringFile, 7, "kind=many", "count=0", "hang-after-claim=true", "unblock-ms=" + LIVENESS_MS)))
        {
            while (null == stuck.pollLine("claimed", 5))
            {
                subscriber.doWork();
                assertTrue(stuck.process().isAlive(), stuck.describe());
            }
            stuck.kill();
        }
        try (ChildJvm next = ChildJvm.start(temp, "next", PublisherMain.class,
            publisherArgs(ringFile, 7, "kind=many", "count=" + frames, "unblock-ms=" + LIVENESS_MS)))
        {
            pollUntil(subscriber, () -> checker.received(7) == frames, "frames after the dead claim");
            assertEquals(String.valueOf(frames), Wire.summary(next.awaitLine(Wire.SUMMARY, WAIT_MS)).get("sent"));
            assertEquals(0, next.awaitExit(WAIT_MS), next.describe());
        }
        assertTrue(ring.unblockCount() >= 1, "the dead claim was unblocked");
        assertEquals(frames, checker.lastSequence(7));
        assertEquals(0, checker.mismatches());
        assertEquals(0, Wire.totalRejections(counters));
        assertFalse(subscriber.isQuarantined(source));
    }

    @Test
    void aKilledSubscriberTurnsOffersIntoNotConnected() throws Exception
    {
        dir = TestFolders.ownerOnly(temp, "bastion");
        key = KeyFiles.write(dir, "channel.key", KeyFiles.key(1));
        final Path ring = ProcessFolders.oneToOneRing(dir, "s-7", CAPACITY);
        final KeyRing keys = new KeyRing(
            Wire.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        keys.rotate(1, KeyFiles.read(key), 0);
        try (ChildJvm subscriber = ChildJvm.start(temp, "subscriber", SubscriberMain.class,
            "ring=" + ring, "capacity=" + CAPACITY, "key=" + key, "key-id=1", "producer-id=7", "expect=-1",
            "deadline-ms=60000");
            MappedRing mapped = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly())).mapAsProducer(ring, CAPACITY))
        {
            subscriber.awaitLine("ready", WAIT_MS);
            final Publisher publisher = new Publisher(
                new OneToOneRingProducer(mapped.producerRegion(), mapped.consumerRegion(), SystemEpochClock.INSTANCE),
                new HmacFrameSealer(keys), Wire.CHANNEL_ID, 7, SystemEpochNanoClock.INSTANCE, Wire.counters("pub"))
                .livenessTimeoutMs(LIVENESS_MS).heartbeatIntervalMs(50);
            long sent = 0;
            final long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
            while (sent < 1_000)
            {
                assertTrue(System.nanoTime() - deadline < 0, "never sent 1000 frames: " + subscriber.describe());
                publisher.doWork();
                final long sequence = publisher.nextSequence();
                if (publisher.offer(Wire.payload(sequence), 0, Wire.length(sequence), Wire.messageType(sequence)) > 0)
                {
                    sent++;
                }
            }
            assertTrue(publisher.isConnected());

            subscriber.kill();
            long status = 0;
            while (ChannelStatus.NOT_CONNECTED != status)
            {
                assertTrue(System.nanoTime() - deadline < 0, "offers never became NOT_CONNECTED");
                publisher.doWork();
                final long sequence = publisher.nextSequence();
                status = publisher.offer(Wire.payload(sequence), 0, Wire.length(sequence), Wire.messageType(sequence));
                if (status < 0)
                {
                    Thread.sleep(1);
                }
            }
            assertFalse(publisher.isConnected());
            publisher.doWork();
            assertEquals(ChannelStatus.NOT_CONNECTED, publisher.offer(Wire.payload(1), 0, Wire.length(1), 1));
        }
    }
}
