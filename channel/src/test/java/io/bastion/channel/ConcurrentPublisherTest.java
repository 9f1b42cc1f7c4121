package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.FrameDecoder;
import io.bastion.ringbuffer.ManyToOneRecordDescriptor;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.ringbuffer.RingFault;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.rate.QuarantinePolicy;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A publisher several threads share over a many-to-one ring: lanes bound once per thread and allocation-free after,
 * frames in order per lane, lanes exhausted with a status code and freed by release or by the thread's end, a thread
 * dead mid-claim unblocked without loss to the others, rotation under concurrent offers, replay and reordering
 * refused, and close from another thread.
 */
class ConcurrentPublisherTest
{
    private static final int CHANNEL_ID = ChannelRig.CHANNEL_ID;
    private static final int FIRST = 100;
    private static final int CAPACITY = 256 * 1024;
    private static final long UNBLOCK_TIMEOUT_MS = 1_000;
    private static final long DEADLINE_MS = 60_000;

    private final AtomicLong timeMs = new AtomicLong(1_000_000);
    private final AtomicBuffer region = ChannelRig.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
    private final ManyToOneRing ring = new ManyToOneRing(region, timeMs::get, UNBLOCK_TIMEOUT_MS);
    private final KeyRing sendKeys = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, timeMs::get);
    private final KeyRing receiveKeys = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, timeMs::get);
    private final ChannelRig rig = new ChannelRig();
    private final ChannelCounters publisherCounters = new ChannelCounters(rig.countersManager, "conc/pub");
    private final ChannelCounters subscriberCounters = new ChannelCounters(rig.countersManager, "conc/sub");
    private final List<RejectReason> rejections = Collections.synchronizedList(new ArrayList<>());
    private final LaneFrames received = new LaneFrames();

    ConcurrentPublisherTest()
    {
        sendKeys.rotate(1, ChannelRig.KEY_1, 0);
        receiveKeys.rotate(1, ChannelRig.KEY_1, 0);
    }

    @Test
    void fourThreadsEachBindALaneAndEachLanesFramesArriveInOrder() throws Exception
    {
        final ConcurrentPublisher publisher = publisher(4, SealingMode.HMAC_PER_FRAME);
        final Subscriber subscriber = subscriber(ring, receiveKeys, SealingMode.HMAC_PER_FRAME);
        final int frames = 5_000;
        final List<Thread> threads = new ArrayList<>();
        final Map<Thread, Integer> laneOf = new ConcurrentHashMap<>();
        final AtomicReference<String> failure = new AtomicReference<>();
        for (int t = 0; t < 4; t++)
        {
            threads.add(new Thread(() ->
            {
                publish(publisher, frames, failure);
                laneOf.put(Thread.currentThread(), publisher.laneProducerId());
            }, "publisher-" + t));
        }
        threads.forEach(Thread::start);
        pollUntil(subscriber, () -> received.total() == 4L * frames || null != failure.get());
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertNull(failure.get());
        assertEquals(4, laneOf.values().stream().distinct().count(), "one lane per thread: " + laneOf);
        for (final int lane : laneOf.values())
        {
            assertTrue(lane >= FIRST && lane < FIRST + 4, "lane " + lane);
            received.assertInOrder(lane, 1, frames);
        }
        assertEquals(0, received.mismatches());
        assertTrue(rejections.isEmpty(), rejections::toString);
        assertEquals(0, publisher.boundLanes(), "the threads ended");
        publisher.doWork();
        assertEquals(4L * frames, publisherCounters.framesOut(), "the duty cycle adds up every lane's count");
    }

    @Test
    void aBoundThreadOffersClaimsCommitsAndRunsTheDutyCycleWithoutAllocating()
    {
        final ConcurrentPublisher publisher = publisher(2, SealingMode.HMAC_PER_FRAME);
        final Subscriber subscriber = subscriber(ring, receiveKeys, SealingMode.HMAC_PER_FRAME);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
        final FrameClaim claim = new FrameClaim();
        final long[] count = new long[1];
        final FrameHandler handler = (buffer, offset, length, frame) -> count[0]++;
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 6; round++)
        {
            final long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 20_000; i++)
            {
                assertTrue(publisher.offer(payload, 0, 64, 1) > 0);
                if (publisher.tryClaim(64, 2, claim) > 0)
                {
                    claim.buffer().putLong(claim.offset(), i);
                    claim.commit();
                }
                if (0 == (i & 63))
                {
                    publisher.doWork();
                }
                subscriber.poll(handler, 64);
            }
            least = Math.min(least, threads.getThreadAllocatedBytes(tid) - before);
        }
        assertEquals(0, least);
        assertEquals(6 * 20_000 * 2L, count[0] + drain(subscriber, handler));
    }

    @Test
    void aThreadBeyondTheLastLaneGetsNoLaneUntilOneIsReleasedOrItsThreadEnds() throws Exception
    {
        final ConcurrentPublisher publisher = publisher(2, SealingMode.HMAC_PER_FRAME);
        final Subscriber subscriber = subscriber(ring, receiveKeys, SealingMode.HMAC_PER_FRAME);
        final CountDownLatch bound = new CountDownLatch(2);
        final CountDownLatch releaseA = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final CountDownLatch endB = new CountDownLatch(1);
        final CountDownLatch endA = new CountDownLatch(1);
        final AtomicReference<String> failure = new AtomicReference<>();
        final Thread a = new Thread(() ->
        {
            expectPublished(publisher, 1, failure);
            bound.countDown();
            await(releaseA);
            publisher.releaseLane();
            released.countDown();
            await(endA);
        });
        final Thread b = new Thread(() ->
        {
            expectPublished(publisher, 1, failure);
            bound.countDown();
            await(endB);
            // Ends without giving the lane back.
        });
        a.start();
        b.start();
        assertTrue(bound.await(DEADLINE_MS, TimeUnit.MILLISECONDS));
        assertEquals(2, publisher.boundLanes());
        assertEquals(ChannelStatus.NO_LANE, publisher.offer(frame(1), 0, length(1), 1));
        assertEquals("NO_LANE", ChannelStatus.describe(ChannelStatus.NO_LANE));
        assertEquals(-1, publisher.laneProducerId(), "no lane, none bound");

        endB.countDown();
        b.join();
        // B ended holding its lane: the next thread takes it over, one sequence further on.
        expectPublished(publisher, 3, failure);
        final int taken = publisher.laneProducerId();

        final long[] third = new long[2];
        final Thread c = new Thread(() ->
        {
            third[0] = publisher.offer(frame(1), 0, length(1), 1);
            releaseA.countDown();
            await(released);
            expectPublished(publisher, 2, failure);
            third[1] = publisher.laneProducerId();
        });
        c.start();
        c.join();
        endA.countDown();
        a.join();
        assertNull(failure.get());
        assertEquals(ChannelStatus.NO_LANE, third[0], "A and this thread hold both lanes");
        pollUntil(subscriber, () -> received.total() == 4);
        final int other = taken == FIRST ? FIRST + 1 : FIRST;
        assertEquals(List.of(1L, 3L), received.sequences(taken), "the dead thread's lane went on, a gap further");
        assertEquals(List.of(1L, 2L), received.sequences(other), "the released lane went on where it was");
        assertEquals(other, third[1]);
        assertTrue(rejections.isEmpty(), rejections::toString);
        assertEquals(1, subscriberCounters.sequenceGaps());
    }

    @Test
    void aThreadThatDiesMidClaimIsUnblockedAndTheOtherThreadsLoseNothing() throws Exception
    {
        final ConcurrentPublisher publisher = publisher(3, SealingMode.HMAC_PER_FRAME);
        final Subscriber subscriber = subscriber(ring, receiveKeys, SealingMode.HMAC_PER_FRAME);
        final int frames = 3_000;
        final AtomicReference<String> failure = new AtomicReference<>();
        final int[] deadLane = new int[1];
        final Thread dying = new Thread(() ->
        {
            publish(publisher, 10, failure);
            final FrameClaim claim = new FrameClaim();
            if (publisher.tryClaim(32, 1, claim) <= 0)
            {
                failure.set("no claim");
            }
            deadLane[0] = publisher.laneProducerId();
            throw new IllegalStateException("dies holding its claim");
        }, "dying");
        dying.setUncaughtExceptionHandler((thread, ex) -> { });
        dying.start();
        dying.join();
        final List<Thread> threads = new ArrayList<>();
        final Map<Thread, Integer> laneOf = new ConcurrentHashMap<>();
        for (int t = 0; t < 2; t++)
        {
            threads.add(new Thread(() ->
            {
                publish(publisher, frames, failure);
                laneOf.put(Thread.currentThread(), publisher.laneProducerId());
            }));
        }
        threads.forEach(Thread::start);
        pollUntil(subscriber, () -> received.total() == 10 + 2L * frames || null != failure.get());
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertNull(failure.get());
        assertTrue(ring.unblockCount() >= 1, "the dead claim was padded");
        received.assertInOrder(deadLane[0], 1, 10);
        for (final int lane : laneOf.values())
        {
            received.assertInOrder(lane, 1, frames);
        }
        assertEquals(0, received.mismatches());
        assertTrue(rejections.isEmpty(), rejections::toString);
    }

    @Test
    void everyRecordFromTheSwitchPositionOnCarriesTheNewKeyWhileFourThreadsOffer() throws Exception
    {
        final int capacity = 8 * 1024 * 1024;
        final AtomicBuffer bigRegion = ChannelRig.newBuffer(ManyToOneRingDescriptor.regionLength(capacity));
        final ManyToOneRing bigRing = new ManyToOneRing(bigRegion, timeMs::get, UNBLOCK_TIMEOUT_MS);
        final ConcurrentPublisher publisher = new ConcurrentPublisher(bigRing, sendKeys, SealingMode.HMAC_PER_FRAME,
            CHANNEL_ID, FIRST, 4, () -> timeMs.get() * 1_000_000L, publisherCounters);
        bigRing.consumerHeartbeat();
        publisher.doWork();
        final int frames = 5_000;
        final AtomicReference<String> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            threads.add(new Thread(() -> publish(publisher, frames, failure)));
        }
        threads.forEach(Thread::start);
        final TreeMap<Long, Integer> keyFrom = new TreeMap<>();
        keyFrom.put(0L, 1);
        int keyId = 1;
        while (threads.stream().anyMatch(Thread::isAlive) && keyId < 500)
        {
            keyId++;
            // The clock moves, so each rotation prunes the key before last: a lane still sealing with it retries.
            timeMs.incrementAndGet();
            keyFrom.put(publisher.switchKey(keyId, ChannelRig.key(keyId)), keyId);
            LockSupport.parkNanos(50_000);
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        assertNull(failure.get());
        assertTrue(keyId > 3, "rotated under the offers: " + keyId);
        final long end = bigRing.producerPosition();

        // Where each record lies, and which key it carries: never older than the key switched to at or before it.
        final AtomicBuffer snapshot = copyOf(bigRegion);
        final long[] records = new long[1];
        final ManyToOneRing reader = new ManyToOneRing(snapshot, timeMs::get, UNBLOCK_TIMEOUT_MS);
        while (reader.read((typeId, buffer, offset, length) ->
        {
            final long position = offset - ManyToOneRecordDescriptor.HEADER_LENGTH;
            final int carried = buffer.getInt(offset + FrameDescriptor.KEY_ID_FIELD_OFFSET, FrameDescriptor.BYTE_ORDER);
            final int atLeast = keyFrom.floorEntry(position).getValue();
            if (carried < atLeast)
            {
                fail("record at " + position + " carries key " + carried + ", switched to " + atLeast);
            }
            records[0]++;
        }, 1000) > 0)
        {
            assertEquals(RingFault.NONE, reader.fault());
        }
        assertEquals(4L * frames, records[0]);

        // A subscriber that joins at a switch position with that key alone refuses nothing, whatever lies before.
        int joins = 0;
        for (final Map.Entry<Long, Integer> entry : keyFrom.entrySet())
        {
            if (entry.getKey() >= end || 1 == entry.getValue() || joins >= 8)
            {
                continue;
            }
            joins++;
            final KeyRing onlyThatKey = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, timeMs::get);
            onlyThatKey.rotate(entry.getValue(), ChannelRig.key(entry.getValue()), 0);
            for (int later = entry.getValue() + 1; later <= keyId; later++)
            {
                onlyThatKey.rotate(later, ChannelRig.key(later), Long.MAX_VALUE);
            }
            final LaneFrames joined = new LaneFrames();
            final Subscriber joiner = subscriber(ManyToOneRing.consumerFrom(
                copyOf(bigRegion), timeMs::get, UNBLOCK_TIMEOUT_MS, entry.getKey()), onlyThatKey,
                SealingMode.HMAC_PER_FRAME);
            drain(joiner, joined);
            assertTrue(rejections.isEmpty(), "joined at " + entry + ": " + rejections);
            assertTrue(joined.total() > 0);
            joined.assertIncreasingPerLane();
        }
        assertTrue(joins > 0);

        // And one that held every key from the start verifies every frame, each lane in order.
        final KeyRing everyKey = new KeyRing(CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, timeMs::get);
        for (int id = 1; id <= keyId; id++)
        {
            everyKey.rotate(id, ChannelRig.key(id), Long.MAX_VALUE);
        }
        final LaneFrames all = new LaneFrames();
        drain(subscriber(bigRing, everyKey, SealingMode.HMAC_PER_FRAME), all);
        assertTrue(rejections.isEmpty(), rejections::toString);
        for (int lane = FIRST; lane < FIRST + 4; lane++)
        {
            all.assertInOrder(lane, 1, frames);
        }
    }

    @Test
    void aFrameReplayedOrReorderedWithinItsLaneIsRefused()
    {
        // Frames captured from one ring, then written into the subscriber's ring by a process that can write it.
        final AtomicBuffer scratch = ChannelRig.newBuffer(ManyToOneRingDescriptor.regionLength(CAPACITY));
        final ManyToOneRing scratchRing = new ManyToOneRing(scratch, timeMs::get, UNBLOCK_TIMEOUT_MS);
        final ConcurrentPublisher publisher = new ConcurrentPublisher(scratchRing, sendKeys,
            SealingMode.HMAC_PER_FRAME, CHANNEL_ID, FIRST, 2, () -> 1L, publisherCounters);
        scratchRing.consumerHeartbeat();
        publisher.doWork();
        for (int seq = 1; seq <= 3; seq++)
        {
            assertTrue(publisher.offer(frame(seq), 0, length(seq), 1) > 0);
        }
        final List<byte[]> captured = new ArrayList<>();
        scratchRing.read((typeId, buffer, offset, length) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            captured.add(bytes);
        }, 10);
        assertEquals(3, captured.size());

        final Subscriber subscriber = subscriber(ring, receiveKeys, SealingMode.HMAC_PER_FRAME);
        for (final int index : new int[]{0, 2, 1, 2})
        {
            ring.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(captured.get(index)), 0,
                captured.get(index).length);
        }
        drain(subscriber, received);
        assertEquals(List.of(1L, 3L), received.sequences(FIRST), "1, then 3 (a gap), and 2 and 3 again refused");
        assertEquals(List.of(RejectReason.REPLAY, RejectReason.REPLAY), rejections);

        // A lane's frame is bound to its producer id: stamped with another lane's id, its tag fails.
        rejections.clear();
        final byte[] moved = captured.get(0).clone();
        final int producerIdOffset = FrameDescriptor.HEADER_LENGTH + FrameDecoder.producerIdEncodingOffset();
        new UnsafeBuffer(moved).putInt(producerIdOffset, FIRST + 1, FrameDescriptor.BYTE_ORDER);
        ring.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(moved), 0, moved.length);
        new UnsafeBuffer(moved).putInt(
            producerIdOffset, FIRST + ConcurrentPublisher.MAX_LANES, FrameDescriptor.BYTE_ORDER);
        ring.write(Publisher.FRAME_RECORD_TYPE, new UnsafeBuffer(moved), 0, moved.length);
        drain(subscriber, received);
        assertEquals(List.of(RejectReason.BAD_TAG, RejectReason.UNAUTHORIZED), rejections);
    }

    @Test
    void closeFromAnotherThreadStopsEveryLaneAndWaitsForThem() throws Exception
    {
        final ConcurrentPublisher publisher = publisher(3, SealingMode.HMAC_PER_FRAME);
        final Subscriber subscriber = subscriber(ring, receiveKeys, SealingMode.HMAC_PER_FRAME);
        final CountDownLatch started = new CountDownLatch(3);
        final List<Thread> threads = new ArrayList<>();
        final AtomicReference<String> failure = new AtomicReference<>();
        for (int t = 0; t < 3; t++)
        {
            threads.add(new Thread(() ->
            {
                long seq = 1;
                boolean counted = false;
                while (true)
                {
                    final long result = publisher.offer(frame(seq), 0, length(seq), 1);
                    if (result > 0)
                    {
                        seq++;
                        if (!counted)
                        {
                            counted = true;
                            started.countDown();
                        }
                    }
                    else if (ChannelStatus.CLOSED == result)
                    {
                        return;
                    }
                    else if (ChannelStatus.BACK_PRESSURED != result)
                    {
                        failure.set("offer " + ChannelStatus.describe(result));
                        return;
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        while (started.getCount() > 0)
        {
            subscriber.poll(received, 64);
        }
        assertThrows(IllegalStateException.class, () -> publisher.awaitQuiescence(10), "not closed yet");
        publisher.close();
        assertTrue(publisher.awaitQuiescence(5_000));
        for (final Thread thread : threads)
        {
            thread.join(DEADLINE_MS);
            assertFalse(thread.isAlive());
        }
        assertNull(failure.get());
        assertTrue(publisher.isClosed());
        assertEquals(ChannelStatus.CLOSED, publisher.offer(frame(1), 0, length(1), 1));
        drain(subscriber, received);
        received.assertIncreasingPerLane();
        assertEquals(0, received.mismatches());
        assertTrue(rejections.isEmpty(), rejections::toString);
    }

    @Test
    void onABatchSealedChannelEachFrameIsABatchOfOne()
    {
        final ConcurrentPublisher publisher = publisher(2, SealingMode.HMAC_BATCH);
        final Subscriber subscriber = subscriber(ring, receiveKeys, SealingMode.HMAC_BATCH);
        final FrameClaim claim = new FrameClaim();
        for (int seq = 1; seq <= 20; seq += 2)
        {
            assertTrue(publisher.offer(frame(seq), 0, length(seq), 1) > 0);
            assertTrue(publisher.tryClaim(length(seq + 1), 1, claim) > 0);
            claim.buffer().putBytes(claim.offset(), frame(seq + 1), 0, length(seq + 1));
            assertTrue(claim.commit() > 0);
        }
        drain(subscriber, received);
        received.assertInOrder(FIRST, 1, 20);
        assertEquals(0, received.mismatches());
        assertTrue(rejections.isEmpty(), rejections::toString);
    }

    @Test
    void anEncryptingChannelOrALaneCountOutOfRangeIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> publisher(2, SealingMode.AEAD_PER_FRAME));
        assertThrows(IllegalArgumentException.class, () -> publisher(0, SealingMode.HMAC_PER_FRAME));
        assertThrows(IllegalArgumentException.class,
            () -> publisher(ConcurrentPublisher.MAX_LANES + 1, SealingMode.HMAC_PER_FRAME));
        assertThrows(IllegalArgumentException.class, () -> new ConcurrentPublisher(ring, sendKeys,
            SealingMode.HMAC_PER_FRAME, CHANNEL_ID, Integer.MAX_VALUE - 10, 1, () -> 1L, publisherCounters));
    }

    @Test
    void aClaimIsCommittedByTheThreadThatMadeIt() throws Exception
    {
        final ConcurrentPublisher publisher = publisher(2, SealingMode.HMAC_PER_FRAME);
        final FrameClaim claim = new FrameClaim();
        assertTrue(publisher.tryClaim(8, 1, claim) > 0);
        assertThrows(IllegalStateException.class, () -> publisher.offer(frame(1), 0, length(1), 1));
        assertThrows(IllegalStateException.class, publisher::releaseLane);
        final Throwable[] fromOther = new Throwable[1];
        final Thread other = new Thread(() ->
        {
            try
            {
                claim.commit();
            }
            catch (final IllegalStateException ex)
            {
                fromOther[0] = ex;
            }
        });
        other.start();
        other.join();
        assertTrue(fromOther[0] instanceof IllegalStateException);
        // Still this thread's to commit.
        claim.buffer().putBytes(claim.offset(), frame(1), 0, 8);
        assertTrue(claim.commit() > 0);
        assertTrue(publisher.offer(frame(2), 0, length(2), 1) > 0);
    }

    private ConcurrentPublisher publisher(final int lanes, final SealingMode mode)
    {
        final ConcurrentPublisher publisher = new ConcurrentPublisher(ring, sendKeys, mode, CHANNEL_ID, FIRST, lanes,
            () -> timeMs.get() * 1_000_000L, publisherCounters);
        ring.consumerHeartbeat();
        publisher.doWork();
        assertTrue(publisher.isConnected());
        return publisher;
    }

    private Subscriber subscriber(final ManyToOneRing source, final KeyRing keys, final SealingMode mode)
    {
        final Subscriber subscriber = new Subscriber(CHANNEL_ID, 4096, new HmacFrameSealer(keys),
            new QuarantinePolicy(16, 1000, 60_000_000_000L, 600_000_000_000L),
            new RejectionHandler()
            {
                public void onRejected(final int sourceId, final RejectReason reason)
                {
                    rejections.add(reason);
                }

                public void onQuarantined(final int sourceId)
                {
                    rejections.add(RejectReason.QUARANTINED);
                }
            }, timeMs::get, subscriberCounters).sealing(mode);
        subscriber.addLaneSource(source, FIRST, ConcurrentPublisher.MAX_LANES, new HmacFrameSealer(keys));
        subscriber.doWork();
        return subscriber;
    }

    /**
     * Poll on this thread until {@code done}; when nothing moves, let the fake clock run so that a claim a dead
     * thread left is unblocked.
     */
    private void pollUntil(final Subscriber subscriber, final java.util.function.BooleanSupplier done)
    {
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        int idle = 0;
        while (!done.getAsBoolean())
        {
            if (System.currentTimeMillis() > deadline)
            {
                fail("timed out: " + received.total() + " frames, rejections " + rejections);
            }
            if (0 == subscriber.poll(received, 64))
            {
                if (++idle > 1000)
                {
                    idle = 0;
                    timeMs.addAndGet(100);
                }
                subscriber.doWork();
                Thread.yield();
            }
            else
            {
                idle = 0;
            }
        }
    }

    private static long drain(final Subscriber subscriber, final FrameHandler handler)
    {
        long total = 0;
        int read;
        while ((read = subscriber.poll(handler, 256)) > 0)
        {
            total += read;
        }
        return total;
    }

    /**
     * Offer {@code frames} frames, sequences 1 up, retrying what the ring refuses for now.
     */
    private static void publish(
        final ConcurrentPublisher publisher, final int frames, final AtomicReference<String> failure)
    {
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        for (long seq = 1; seq <= frames && null == failure.get(); )
        {
            final long result = publisher.offer(frame(seq), 0, length(seq), 1);
            if (result > 0)
            {
                seq++;
            }
            else if (ChannelStatus.BACK_PRESSURED == result || ChannelStatus.ADMIN_ACTION == result)
            {
                if (System.currentTimeMillis() > deadline)
                {
                    failure.set("timed out at " + seq);
                }
                Thread.yield();
            }
            else
            {
                failure.set("offer " + ChannelStatus.describe(result) + " at " + seq);
            }
        }
    }

    private static void expectPublished(
        final ConcurrentPublisher publisher, final long sequence, final AtomicReference<String> failure)
    {
        if (publisher.nextSequence() >= 0 && publisher.nextSequence() != sequence)
        {
            failure.set("next sequence " + publisher.nextSequence() + ", expected " + sequence);
        }
        final long result = publisher.offer(frame(sequence), 0, length(sequence), 1);
        if (result <= 0)
        {
            failure.set("offer " + ChannelStatus.describe(result));
        }
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await(DEADLINE_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static AtomicBuffer copyOf(final AtomicBuffer source)
    {
        final AtomicBuffer copy = ChannelRig.newBuffer(source.capacity());
        copy.putBytes(0, source, 0, source.capacity());
        return copy;
    }

    static int length(final long sequence)
    {
        return 8 + (int)(sequence % 57);
    }

    /**
     * The payload of a sequence: the sequence, then bytes derived from it.
     */
    static UnsafeBuffer frame(final long sequence)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length(sequence)]);
        fill(buffer, sequence);
        return buffer;
    }

    static void fill(final MutableDirectBuffer buffer, final long sequence)
    {
        buffer.putLong(0, sequence);
        for (int i = 8; i < length(sequence); i++)
        {
            buffer.putByte(i, (byte)(sequence * 31 + i));
        }
    }

    static boolean matches(final DirectBuffer buffer, final int offset, final int length, final long sequence)
    {
        if (length != length(sequence) || buffer.getLong(offset) != sequence)
        {
            return false;
        }
        for (int i = 8; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(sequence * 31 + i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The frames dispatched, by lane producer id, each checked against its sequence's payload.
     */
    static final class LaneFrames implements FrameHandler
    {
        private final Map<Integer, List<Long>> byLane = new TreeMap<>();
        private long total;
        private long mismatches;

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
        {
            byLane.computeIfAbsent(frame.producerId(), (lane) -> new ArrayList<>()).add(frame.sequence());
            if (!matches(buffer, offset, length, frame.sequence()))
            {
                mismatches++;
            }
            total++;
        }

        long total()
        {
            return total;
        }

        long mismatches()
        {
            return mismatches;
        }

        List<Long> sequences(final int lane)
        {
            return byLane.getOrDefault(lane, List.of());
        }

        void assertInOrder(final int lane, final long from, final long to)
        {
            final List<Long> sequences = sequences(lane);
            assertEquals(to - from + 1, sequences.size(), "lane " + lane);
            for (int i = 0; i < sequences.size(); i++)
            {
                assertEquals(from + i, sequences.get(i).longValue(), "lane " + lane + " frame " + i);
            }
        }

        void assertIncreasingPerLane()
        {
            for (final Map.Entry<Integer, List<Long>> lane : byLane.entrySet())
            {
                final List<Long> sequences = lane.getValue();
                for (int i = 1; i < sequences.size(); i++)
                {
                    assertTrue(sequences.get(i) > sequences.get(i - 1), "lane " + lane.getKey());
                }
            }
        }
    }
}
