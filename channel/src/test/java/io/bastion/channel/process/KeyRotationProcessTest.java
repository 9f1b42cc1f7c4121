package io.bastion.channel.process;

import io.bastion.test.TestFolders;
import io.bastion.test.ChildJvm;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.MappedRing;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.RingFiles;
import io.bastion.channel.Subscriber;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.rate.QuarantinePolicy;
import io.bastion.security.replay.StrictReplayGuard;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publisher JVM rotates to a second key (given in a second key file) while it streams; the
 * subscriber in this JVM installs the new key first, with a grace period for the old one. Nothing
 * is lost or refused across the switch. Once the old key is revoked, frames still sealed under it
 * are refused as {@link RejectReason#REVOKED_KEY}.
 */
class KeyRotationProcessTest
{
    private static final int CAPACITY = 256 * 1024;
    private static final long GRACE_MS = 10_000;
    private static final long WAIT_MS = 30_000;

    @TempDir
    Path temp;

    private final StreamChecker checker = new StreamChecker();

    @Test
    void rotationMidStreamLosesNothingAndTheRevokedKeyIsRefused() throws Exception
    {
        final Path dir = TestFolders.ownerOnly(temp, "bastion");
        final Path ring = ProcessFolders.oneToOneRing(dir, "rot-7", CAPACITY);
        final Path key1 = KeyFiles.write(dir, "rot-7.key1", KeyFiles.key(1));
        final Path key2 = KeyFiles.write(dir, "rot-7.key2", KeyFiles.key(2));
        final KeyRing keys = new KeyRing(
            Wire.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, SystemEpochClock.INSTANCE);
        keys.rotate(1, KeyFiles.read(key1), 0);
        final ChannelCounters counters = Wire.counters("sub");
        final Subscriber subscriber = new Subscriber(Wire.CHANNEL_ID, Wire.MAX_FRAME, new HmacFrameSealer(keys),
            new QuarantinePolicy(4, 16, 60_000_000_000L, Long.MAX_VALUE), RejectionHandler.NONE,
            SystemEpochClock.INSTANCE, counters).heartbeatIntervalMs(50);

        final RingFiles ringFiles = new RingFiles(new OwnerOnlyFiles(FilePolicy.ownerOnly()));
        try (MappedRing mapped = ringFiles.mapAsConsumer(ring, CAPACITY);
            ChildJvm publisher = ChildJvm.start(temp, "publisher", PublisherMain.class,
                "ring=" + ring, "capacity=" + CAPACITY, "key=" + key1, "key-id=1", "key2=" + key2, "key2-id=2",
                "producer-id=7", "kind=one", "count=-1", "deadline-ms=60000"))
        {
            final int source = subscriber.addSource(new OneToOneRingConsumer(
                mapped.producerRegion(), mapped.consumerRegion(), SystemEpochClock.INSTANCE), 7,
                new StrictReplayGuard(1));
            pollUntil(subscriber, () -> checker.received(7) >= 20_000, "frames under key 1");

            // The receiving side learns the new key first; the old one stays accepted for the grace.
            keys.rotate(2, KeyFiles.read(key2), GRACE_MS);
            publisher.send("rotate");
            final long rotatedAt = Long.parseLong(awaitWhilePolling(subscriber, publisher, "rotated").split("=")[1]);
            pollUntil(subscriber, () -> checker.lastSequence(7) >= rotatedAt + 20_000, "frames under key 2");
            assertEquals(0, Wire.totalRejections(counters), "nothing refused across the rotation");

            assertTrue(keys.revoke(1));
            publisher.send("stale 5");
            awaitWhilePolling(subscriber, publisher, "stale sent=5");
            pollUntil(subscriber, () -> counters.rejected(RejectReason.REVOKED_KEY) == 5, "the revoked frames");

            publisher.send("stop");
            final long sent = Long.parseLong(
                Wire.summary(awaitWhilePolling(subscriber, publisher, Wire.SUMMARY)).get("sent"));
            assertEquals(0, publisher.awaitExit(WAIT_MS), publisher.describe());
            pollUntil(subscriber, () -> checker.received(7) == sent, "the last frames");

            assertEquals(sent, checker.lastSequence(7));
            assertEquals(0, checker.mismatches());
            assertEquals(rotatedAt - 1, checker.lastSequenceOfKey1(), "key 1 sealed everything before the switch");
            assertEquals(rotatedAt, checker.firstSequenceOfKey2(), "key 2 sealed everything after it");
            assertEquals(rotatedAt - 1, checker.byKeyId(1));
            assertEquals(sent - rotatedAt + 1, checker.byKeyId(2));
            assertEquals(5, counters.rejected(RejectReason.REVOKED_KEY));
            assertEquals(5, Wire.totalRejections(counters));
            assertFalse(subscriber.isQuarantined(source));
        }
    }

    /** Wait for a line from the child while polling, so that the child is never held up by a full ring. */
    private String awaitWhilePolling(final Subscriber subscriber, final ChildJvm child, final String prefix)
            throws InterruptedException
    {
        final String[] line = new String[1];
        pollUntil(subscriber, () ->
        {
            try
            {
                line[0] = child.pollLine(prefix, 0);
            }
            catch (final InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
            return null != line[0];
        }, prefix + " from " + child.describe());
        return line[0];
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
}
