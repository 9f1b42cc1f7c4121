package io.bastion.channel.process;

import io.bastion.test.TestFolders;
import io.bastion.test.ChildJvm;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.MappedRing;
import io.bastion.channel.RingFiles;
import io.bastion.channel.Subscriber;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditLogConfig;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.audit.AuditVerifier;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.rate.QuarantinePolicy;
import io.bastion.security.replay.StrictReplayGuard;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A good publisher JVM, the subscriber in this JVM, and a hostile JVM of the same user with no key
 * (see {@link HostileMain}) that forges, replays, truncates and mistypes frames in a ring of its own,
 * rewrites frames in the good ring after their commit, and finally injects replays, bit flips and
 * truncations into the good ring. Nothing bad is dispatched, every reason is counted and audited,
 * the hostile source is quarantined, and the good publisher is served to the end.
 */
class HostileProcessTest
{
    private static final int GOOD_ID = 7;
    private static final int HOSTILE_ID = 9;
    private static final int GOOD_CAPACITY = 256 * 1024;
    private static final int OWN_CAPACITY = 64 * 1024;
    private static final int FRAMES = 20_000;
    private static final int PHASE1_LAST = 200;
    private static final int THRESHOLD = 100;
    private static final long DEADLINE_MS = 60_000;

    @TempDir
    Path temp;

    private final Set<Long> delivered = new HashSet<>();
    private long badDispatches;
    private long lastDelivered;

    @Test
    void nothingBadIsDispatchedAndTheGoodPublisherIsServedToTheEnd() throws Exception
    {
        final Path dir = TestFolders.ownerOnly(temp, "bastion");
        final Path goodRing = ProcessFolders.oneToOneRing(dir, "good-7", GOOD_CAPACITY);
        final Path ownRing = ProcessFolders.oneToOneRing(dir, "hostile-9", OWN_CAPACITY);
        final Path key = KeyFiles.write(dir, "good-7.key", KeyFiles.key(1));
        final RingFiles ringFiles = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()));
        final KeyRing keys = new KeyRing(
            Wire.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        keys.rotate(1, KeyFiles.read(key), 0);
        final ChannelCounters counters = Wire.counters("sub");
        final Path auditDir = dir.resolve("audit");
        final AuditLog audit = AuditLog.open(new AuditLogConfig().directory(auditDir).baseName("channel"));
        final AuditingRejections rejections = new AuditingRejections(audit);
        final Subscriber subscriber = new Subscriber(Wire.CHANNEL_ID, Wire.MAX_FRAME, new HmacFrameSealer(keys),
            new QuarantinePolicy(4, THRESHOLD, 600_000_000_000L, Long.MAX_VALUE), rejections,
            SystemEpochClock.INSTANCE, counters).heartbeatIntervalMs(50);

        try (MappedRing good = ringFiles.mapAsConsumer(goodRing, GOOD_CAPACITY);
            MappedRing own = ringFiles.mapAsConsumer(ownRing, OWN_CAPACITY);
            ChildJvm hostile = ChildJvm.start(temp, "hostile", HostileMain.class,
                "good-ring=" + goodRing, "good-capacity=" + GOOD_CAPACITY, "own-ring=" + ownRing,
                "own-capacity=" + OWN_CAPACITY, "own-producer-id=" + HOSTILE_ID, "phase1-last=" + PHASE1_LAST,
                "live-mod=1000", "flood=150", "deadline-ms=" + DEADLINE_MS))
        {
            final int goodSource = subscriber.addSource(new OneToOneRingConsumer(
                good.producerRegion(), good.consumerRegion(), SystemEpochClock.INSTANCE), GOOD_ID,
                new StrictReplayGuard(1));
            final int hostileSource = subscriber.addSource(new OneToOneRingConsumer(
                own.producerRegion(), own.consumerRegion(), SystemEpochClock.INSTANCE), HOSTILE_ID,
                new StrictReplayGuard(1));
            hostile.awaitLine("ready", 20_000);
            try (ChildJvm publisher = ChildJvm.start(temp, "publisher", PublisherMain.class,
                "ring=" + goodRing, "capacity=" + GOOD_CAPACITY, "key=" + key, "key-id=1",
                "producer-id=" + GOOD_ID, "kind=one", "count=" + FRAMES, "deadline-ms=" + DEADLINE_MS))
            {
                // Heartbeat without polling until the hostile has rewritten the first frames: those
                // rewrites then surely land before the subscriber's copy.
                while (null == hostile.pollLine("attacked", 5))
                {
                    subscriber.doWork();
                }
                final FrameHandler checker = this::check;
                String sent = null;
                final long deadline = System.nanoTime() + DEADLINE_MS * 1_000_000L;
                while (null == sent)
                {
                    pollFor(subscriber, checker, 2);
                    sent = publisher.pollLine(Wire.SUMMARY, 0);
                    assertTrue(System.nanoTime() - deadline < 0, publisher.describe());
                }
                assertEquals(0, publisher.awaitExit(10_000), publisher.describe());
                assertEquals(String.valueOf(FRAMES), Wire.summary(sent).get("sent"), sent);
                hostile.send("inject");
                String tamperedLine = null;
                while (null == tamperedLine)
                {
                    pollFor(subscriber, checker, 2);
                    tamperedLine = hostile.pollLine(Wire.SUMMARY, 0);
                    assertTrue(System.nanoTime() - deadline < 0, hostile.describe());
                }
                assertEquals(0, hostile.awaitExit(10_000), hostile.describe());
                // Drain what is left: the injected frames sit behind the last good ones.
                for (int i = 0; i < 50; i++)
                {
                    pollFor(subscriber, checker, 2);
                }

                final Set<Long> tampered = new TreeSet<>();
                for (final String s : Wire.summary(tamperedLine).get("tampered").split(","))
                {
                    tampered.add(Long.parseLong(s));
                }
                assertGoodStream(tampered, rejections, goodSource);
                assertHostileRefused(rejections, hostileSource, subscriber, counters);
                assertCountersMatch(rejections, counters, goodSource, hostileSource);
            }
        }
        audit.close();
        assertAudited(auditDir, rejections);
    }

    private void check(
        final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
    {
        final long sequence = frame.sequence();
        if (GOOD_ID != frame.producerId() || !delivered.add(sequence) || sequence <= lastDelivered ||
            frame.messageTypeId() != Wire.messageType(sequence) || !Wire.matches(buffer, offset, length, sequence))
        {
            badDispatches++;
        }
        lastDelivered = sequence;
    }

    private static void pollFor(final Subscriber subscriber, final FrameHandler handler, final long millis)
            throws InterruptedException
    {
        final long end = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() - end < 0)
        {
            subscriber.doWork();
            if (0 == subscriber.poll(handler, 64))
            {
                Thread.sleep(0, 100_000);
            }
        }
    }

    private void assertGoodStream(final Set<Long> tampered, final AuditingRejections rejections, final int goodSource)
    {
        assertEquals(0, badDispatches, "a bad frame was dispatched");
        final Set<Long> missing = new TreeSet<>();
        for (long seq = 1; seq <= FRAMES; seq++)
        {
            if (!delivered.contains(seq))
            {
                missing.add(seq);
            }
        }
        // Every frame the hostile did not touch arrived; only touched ones may be missing ...
        assertTrue(tampered.containsAll(missing), "missing " + missing + " tampered " + tampered);
        // ... and those rewritten before the subscriber read them surely are.
        for (long seq = 10; seq <= PHASE1_LAST; seq += 10)
        {
            assertTrue(missing.contains(seq), "phase-1 tampered frame " + seq + " was dispatched");
        }
        // Each missing frame was refused for its tag, and so were the 5 bit-flipped injections.
        assertEquals(missing.size() + 5, rejections.count(goodSource, RejectReason.BAD_TAG), rejections.describe());
        assertEquals(5, rejections.count(goodSource, RejectReason.REPLAY), rejections.describe());
        assertEquals(5, rejections.structural(goodSource), rejections.describe());
        assertEquals(missing.size() + 15, rejections.total(goodSource), rejections.describe());
        assertEquals(0, rejections.quarantines(goodSource), rejections.describe());
    }

    private static void assertHostileRefused(
        final AuditingRejections rejections,
        final int hostileSource,
        final Subscriber subscriber,
        final ChannelCounters counters)
    {
        assertTrue(subscriber.isQuarantined(hostileSource), rejections.describe());
        assertEquals(1, rejections.quarantines(hostileSource), rejections.describe());
        assertEquals(1, counters.quarantines());
        assertEquals(5, rejections.count(hostileSource, RejectReason.UNKNOWN_KEY), rejections.describe());
        assertEquals(10, rejections.count(hostileSource, RejectReason.UNAUTHORIZED), rejections.describe());
        assertEquals(10, rejections.structural(hostileSource), rejections.describe());
        assertEquals(5, rejections.count(hostileSource, RejectReason.PROTOCOL_VIOLATION), rejections.describe());
        // 10 forged, then the flood up to the threshold.
        assertEquals(THRESHOLD - 30, rejections.count(hostileSource, RejectReason.BAD_TAG), rejections.describe());
    }

    private static void assertCountersMatch(
        final AuditingRejections rejections,
        final ChannelCounters counters,
        final int goodSource,
        final int hostileSource)
    {
        for (final RejectReason reason : RejectReason.values())
        {
            assertEquals(rejections.count(goodSource, reason) + rejections.count(hostileSource, reason),
                counters.rejected(reason), reason.name());
        }
        assertTrue(counters.rejected(RejectReason.BAD_TAG) > 0);
        assertTrue(counters.rejected(RejectReason.REPLAY) > 0);
        assertTrue(Wire.structuralRejections(counters) > 0);
        assertTrue(counters.rejected(RejectReason.PROTOCOL_VIOLATION) > 0);
        assertTrue(counters.rejected(RejectReason.UNKNOWN_KEY) > 0);
        assertTrue(counters.rejected(RejectReason.UNAUTHORIZED) > 0);
    }

    private static void assertAudited(final Path auditDir, final AuditingRejections rejections) throws Exception
    {
        assertTrue(AuditVerifier.verifyDirectory(auditDir, "channel").isOk());
        int rejected = 0;
        int quarantined = 0;
        for (final AuditRecord record : AuditFiles.readAll(auditDir, "channel"))
        {
            if (AuditEventType.FRAME_REJECTED == record.type())
            {
                rejected++;
                RejectReason.valueOf(record.detail());
            }
            else if (AuditEventType.QUARANTINED == record.type())
            {
                quarantined++;
            }
        }
        assertEquals(rejections.total(0) + rejections.total(1), rejected, rejections.describe());
        assertEquals(1, quarantined);
    }
}
