package io.bastion.ringbuffer;

import io.bastion.ringbuffer.FanOutFixture.Subscriber;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongBinaryOperator;

import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_REGION_LENGTH;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fan-out producer's flow control and evictions: it follows the slowest live consumer, never overwrites a record
 * a live consumer has not read, and evicts consumers that lag, stall or write heads no correct consumer writes,
 * without harm to the others.
 */
class OneToManyRingProducerTest
{
    private static final int CAPACITY = 1024;
    /** Records of 8-byte payloads take 16 bytes: 63 fit in front of the slowest head, the 64th would not. */
    private static final int SMALL = 8;
    private static final int SMALL_RECORDS_PER_RING = (CAPACITY - RecordDescriptor.ALIGNMENT) / 16;

    /**
     * One eviction as {@link OneToManyRingProducer#pollEvictions} reported it.
     */
    record Eviction(int slot, EvictionReason reason, long head, long tail)
    {
    }

    static List<Eviction> poll(final OneToManyRingProducer producer)
    {
        final List<Eviction> evictions = new ArrayList<>();
        final int count = producer.pollEvictions(
            (slot, reason, head, tail) -> evictions.add(new Eviction(slot, reason, head, tail)));
        assertEquals(evictions.size(), count);
        return evictions;
    }

    @Test
    void withNoLiveConsumerTheProducerNeverBackPressures()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(1_000), -1);
        ring.writeOrFail(500);
        final long position = ring.publishedTails.get(499);
        assertTrue(position > 10L * CAPACITY, "several laps written");
        assertEquals(position, ring.producer.position());
        assertEquals(position, ring.producerRegion.getLongVolatile(CAPACITY + TAIL_POSITION_OFFSET));
        assertEquals(0, ring.producer.consumerCount());
        assertFalse(ring.producer.isConsumerAlive(1_000));
        assertEquals(RingFault.NONE, ring.producer.fault());
    }

    @Test
    void theSlowestLiveHeadLeavesOneAlignmentUnitFree()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(1_000), SMALL);
        final Subscriber fast = ring.attach().start();
        final Subscriber slow = ring.attach().start();
        for (int i = 0; i < SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0);
            fast.read(Integer.MAX_VALUE);
        }
        assertEquals(RingStatus.BACK_PRESSURED, ring.write(), "a lap less one alignment unit ahead of the slowest");

        slow.read(1);
        assertTrue(ring.write() > 0, "one record read makes room for one");
        assertEquals(RingStatus.BACK_PRESSURED, ring.write());
        fast.drain();
        slow.drain();
        assertEquals(0, ring.producer.evictions());
    }

    @Test
    void fourConsumersAtDifferentSpeedsAllReadEveryRecordInOrder()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 4, FanOutPolicy.blocking(1_000), -1);
        final Subscriber[] subscribers = new Subscriber[4];
        for (int i = 0; i < subscribers.length; i++)
        {
            subscribers[i] = ring.attach().start();
        }
        final int total = 3_000;
        int backPressured = 0;
        for (int round = 0; round < 1_000_000 && !allRead(subscribers, total); round++)
        {
            if (ring.written() < total && ring.write() < 0)
            {
                backPressured++;
            }
            subscribers[0].read(Integer.MAX_VALUE);
            subscribers[1].read(1);
            if (round % 3 == 0)
            {
                subscribers[2].read(3);
            }
            if (round % 7 == 0)
            {
                subscribers[3].read(5);
            }
        }
        for (final Subscriber subscriber : subscribers)
        {
            assertEquals(total, subscriber.nextSeq);
        }
        assertTrue(backPressured > 0, "the slowest consumer held the producer back");
        assertEquals(0, ring.producer.evictions());
        assertEquals(4, ring.producer.consumerCount());
    }

    private static boolean allRead(final Subscriber[] subscribers, final long total)
    {
        for (final Subscriber subscriber : subscribers)
        {
            if (subscriber.nextSeq < total)
            {
                return false;
            }
        }
        return true;
    }

    @Test
    void fourConsumerThreadsAtDifferentSpeedsAllReadEveryRecordInOrder() throws InterruptedException
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 4, FanOutPolicy.blocking(Long.MAX_VALUE), -1);
        final int total = 20_000;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final Subscriber subscriber = ring.attach().start();
            final int pace = i;
            final Thread thread = new Thread(() -> consume(subscriber, total, pace, failure), "fan-out-consumer-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        // The producer's thread is this one; it only spins while a consumer holds it back. The deadline only guards
        // against a hang (a broken ring can leave both sides waiting): no figure depends on time.
        final long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (ring.written() < total && null == failure.get())
        {
            if (ring.write() < 0)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    failure.compareAndSet(null, new AssertionError("stuck at record " + ring.written()));
                }
                Thread.yield();
            }
        }
        for (final Thread thread : threads)
        {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            if (thread.isAlive())
            {
                failure.compareAndSet(null, new AssertionError(thread.getName() + " is stuck"));
            }
        }
        assertNull(failure.get());
        assertEquals(0, ring.producer.evictions());
    }

    private static void consume(
        final Subscriber subscriber, final int total, final int pace, final AtomicReference<Throwable> failure)
    {
        try
        {
            while (subscriber.nextSeq < total && null == failure.get())
            {
                if (subscriber.read(pace + 1) == 0 || pace > 1)
                {
                    // Consumer 0 spins, 1 yields when idle, 2 and 3 pause after every read.
                    if (pace <= 1)
                    {
                        Thread.yield();
                    }
                    else
                    {
                        LockSupport.parkNanos(pace * 1_000L);
                    }
                }
            }
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, ex);
        }
    }

    /**
     * Values a consumer that read to {@code accepted} may write into its head word, none of which a correct consumer
     * writes, and the check each one fails.
     */
    enum Garbage
    {
        MISALIGNED((accepted, tail) -> accepted + 4, RingFault.HEAD_MISALIGNED),
        BEYOND_TAIL((accepted, tail) -> tail + 64L * CAPACITY, RingFault.HEAD_BEYOND_TAIL),
        MORE_THAN_A_LAP_BEHIND((accepted, tail) -> tail - CAPACITY - 16, RingFault.HEAD_MORE_THAN_A_LAP_BEHIND),
        BACKWARDS((accepted, tail) -> accepted - 8, RingFault.HEAD_BACKWARDS),
        ZERO((accepted, tail) -> 0, RingFault.HEAD_MORE_THAN_A_LAP_BEHIND),
        MIN_VALUE((accepted, tail) -> Long.MIN_VALUE, RingFault.HEAD_MORE_THAN_A_LAP_BEHIND),
        MAX_VALUE((accepted, tail) -> Long.MAX_VALUE, RingFault.HEAD_MISALIGNED);

        final LongBinaryOperator value;
        final RingFault fault;

        Garbage(final LongBinaryOperator value, final RingFault fault)
        {
            this.value = value;
            this.fault = fault;
        }
    }

    @ParameterizedTest
    @EnumSource(Garbage.class)
    void aConsumerWritingGarbageHeadsIsEvictedAndTheOthersLoseNothing(final Garbage garbage)
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 3, FanOutPolicy.blocking(1_000), SMALL);
        final Subscriber first = ring.attach().start();
        final Subscriber hostile = ring.attach().start();
        final Subscriber second = ring.attach().start();
        for (int i = 0; i < 100; i++)
        {
            assertTrue(ring.write() > 0);
            first.read(Integer.MAX_VALUE);
            hostile.read(Integer.MAX_VALUE);
            second.read(Integer.MAX_VALUE);
        }
        assertEquals(0, ring.producer.checkConsumers());
        final long accepted = ring.producer.consumerPosition(hostile.slot);
        assertEquals(ring.producer.position(), accepted);

        final long value = garbage.value.applyAsLong(accepted, ring.producer.position());
        hostile.head(value);
        // Two laps more: the producer re-reads the heads at least once and must evict only the hostile slot.
        for (int i = 0; i < 2 * SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0, "the hostile head never holds the producer back once judged");
            first.read(Integer.MAX_VALUE);
            second.read(Integer.MAX_VALUE);
        }
        assertFalse(ring.producer.isAttached(hostile.slot));
        assertEquals(garbage.fault, ring.producer.evictionFault(hostile.slot));
        final List<Eviction> evictions = poll(ring.producer);
        assertEquals(1, evictions.size());
        final Eviction eviction = evictions.get(0);
        assertEquals(hostile.slot, eviction.slot());
        assertEquals(EvictionReason.CORRUPT_HEAD, eviction.reason());
        assertEquals(value, eviction.head());
        assertEquals(RingFault.NONE, ring.producer.fault());
        assertEquals(2, ring.producer.consumerCount());
        assertTrue(ring.producer.isAttached(first.slot) && ring.producer.isAttached(second.slot));
        first.drain();
        second.drain();
    }

    @Test
    void aConsumerClaimingToHaveReadMoreThanItDidHurtsOnlyItself()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(1_000), SMALL);
        final Subscriber honest = ring.attach().start();
        final Subscriber liar = ring.attach().start();
        for (int i = 0; i < 3 * SMALL_RECORDS_PER_RING; i++)
        {
            if (i < 2 * SMALL_RECORDS_PER_RING)
            {
                // A valid head, everything read: the producer believes it and overwrites what the liar never read.
                liar.head(ring.producer.position());
            }
            else if (i == 2 * SMALL_RECORDS_PER_RING)
            {
                // The liar's own consumer publishes its real head, more than a lap behind what it claimed.
                liar.consumer.read((typeId, buffer, offset, length) -> { }, 1);
            }
            assertTrue(ring.write() > 0);
            honest.read(Integer.MAX_VALUE);
        }
        assertFalse(ring.producer.isAttached(liar.slot));
        assertEquals(EvictionReason.CORRUPT_HEAD, poll(ring.producer).get(0).reason());
        assertEquals(RingFault.HEAD_MORE_THAN_A_LAP_BEHIND, ring.producer.evictionFault(liar.slot));
        honest.drain();
    }

    @Test
    void aStoppedConsumerIsEvictedOnceItsAttachmentIsOlderThanTheStallTimeout()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 3, FanOutPolicy.blocking(500), SMALL);
        final Subscriber live = ring.attach().start();
        final Subscriber stopped = ring.attach().start();
        final Subscriber quiet = ring.attach().start();
        for (int i = 0; i < SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0);
            live.read(Integer.MAX_VALUE);
        }
        assertEquals(RingStatus.BACK_PRESSURED, ring.write());
        // Read up, then silent too: as stale, but it does not hold the producer back, so it stays.
        quiet.read(Integer.MAX_VALUE);

        ring.clock.nowMs += 500;
        live.beat();
        assertEquals(RingStatus.BACK_PRESSURED, ring.write(), "attached 500 ms ago: still within the timeout");
        assertTrue(ring.producer.isAttached(stopped.slot));

        ring.clock.nowMs += 1;
        final long tail = ring.producer.position() + 16;
        assertEquals(tail, ring.write(), "the stalled consumer is evicted and the write retried at once");
        assertFalse(ring.producer.isAttached(stopped.slot));
        assertTrue(ring.producer.isAttached(quiet.slot));
        assertEquals(List.of(new Eviction(stopped.slot, EvictionReason.STALLED, 0, tail)), poll(ring.producer));
        for (int i = 0; i < 2 * SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0);
            live.read(Integer.MAX_VALUE);
            quiet.read(Integer.MAX_VALUE);
        }
        live.drain();
        quiet.drain();
    }

    @Test
    void theStallTimeoutRunsFromTheLastHeartbeat()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(500), SMALL);
        final Subscriber live = ring.attach().start();
        final Subscriber stopped = ring.attach().start();
        ring.writeOrFail(10);
        stopped.read(10);
        ring.clock.nowMs += 2_000;
        stopped.beat();
        live.beat();
        final long lastBeat = ring.clock.nowMs;
        for (int i = 0; i < SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0);
            live.read(Integer.MAX_VALUE);
        }
        assertEquals(RingStatus.BACK_PRESSURED, ring.write());
        ring.clock.nowMs = lastBeat + 500;
        live.beat();
        assertEquals(RingStatus.BACK_PRESSURED, ring.write());
        ring.clock.nowMs = lastBeat + 501;
        assertTrue(ring.write() > 0);
        final Eviction eviction = poll(ring.producer).get(0);
        assertEquals(new Eviction(stopped.slot, EvictionReason.STALLED, 160, ring.producer.position()), eviction);
        live.drain();
    }

    @Test
    void underBlockALiveButSlowConsumerHoldsTheProducerBackIndefinitely()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(500), SMALL);
        final Subscriber fast = ring.attach().start();
        final Subscriber slow = ring.attach().start();
        for (int i = 0; i < SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0);
            fast.read(Integer.MAX_VALUE);
        }
        for (int i = 0; i < 20; i++)
        {
            ring.clock.nowMs += 400;
            slow.beat();
            fast.beat();
            assertEquals(RingStatus.BACK_PRESSURED, ring.write());
        }
        assertTrue(ring.producer.isAttached(slow.slot));
        assertEquals(0, ring.producer.evictions());
        slow.read(Integer.MAX_VALUE);
        assertTrue(ring.write() > 0);
        fast.drain();
        slow.drain();
    }

    @Test
    void underEvictAConsumerPastTheLagBoundIsEvictedAndNeverHoldsTheProducerBack()
    {
        // 16-byte payloads make 24-byte records: ten end at 240, the eleventh at 264, past the bound of 256.
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.evicting(256, 1_000), 16);
        final Subscriber reader = ring.attach().start();
        final Subscriber idle = ring.attach().start();
        for (int i = 0; i < 10; i++)
        {
            assertTrue(ring.write() > 0);
            reader.read(Integer.MAX_VALUE);
        }
        assertTrue(ring.producer.isAttached(idle.slot));
        assertEquals(264, ring.write());
        assertFalse(ring.producer.isAttached(idle.slot));
        assertEquals(List.of(new Eviction(idle.slot, EvictionReason.LAGGED, 0, 264)), poll(ring.producer));
        for (int i = 0; i < 200; i++)
        {
            assertTrue(ring.write() > 0);
            reader.read(Integer.MAX_VALUE);
        }
        reader.drain();
        assertEquals(1, ring.producer.evictions());
    }

    @Test
    void underEvictAReaderWithinTheLagBoundIsNeverEvicted()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 1, FanOutPolicy.evicting(256, 1_000), 16);
        final Subscriber reader = ring.attach().start();
        for (int i = 0; i < 1_000; i++)
        {
            assertTrue(ring.write() > 0);
            if (i % 5 == 4)
            {
                // Five records behind at most: 120 bytes, within the bound.
                reader.read(Integer.MAX_VALUE);
            }
        }
        reader.drain();
        assertEquals(0, ring.producer.evictions());
    }

    @Test
    void theDefaultPolicyHoldsTheProducerBackForAConsumerThatFillsTheRingUntilItStalls()
    {
        final FanOutPolicy defaults = FanOutPolicy.defaults();
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, defaults, SMALL);
        final Subscriber reader = ring.attach().start();
        final Subscriber idle = ring.attach().start();
        for (int i = 0; i < SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0);
            reader.read(Integer.MAX_VALUE);
        }
        assertEquals(RingStatus.BACK_PRESSURED, ring.write(), "a full ring evicts nobody for lag: it waits");
        assertTrue(ring.producer.isAttached(idle.slot));
        ring.clock.nowMs += defaults.stallTimeoutMs();
        reader.beat();
        assertEquals(RingStatus.BACK_PRESSURED, ring.write(), "the idle one attached within the stall timeout");
        ring.clock.nowMs += 1;
        assertEquals(CAPACITY, ring.write(), "stalled: evicted, and the write goes through");
        assertEquals(List.of(new Eviction(idle.slot, EvictionReason.STALLED, 0, CAPACITY)), poll(ring.producer));
        reader.drain();
    }

    @Test
    void theFastPathReadsNoHeadWhileTheCachedLimitAllowsTheRecord()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 4, FanOutPolicy.blocking(1_000), SMALL);
        final CountingBuffer[] regions = new CountingBuffer[4];
        final OneToOneRingConsumer[] consumers = new OneToOneRingConsumer[4];
        for (int i = 0; i < regions.length; i++)
        {
            regions[i] = new CountingBuffer();
            final int slot = ring.producer.attach(regions[i]);
            consumers[i] = new OneToOneRingConsumer(
                ring.producerRegion, regions[i], ring.clock, ring.producer.joinPosition(slot));
        }
        ring.writeOrFail(SMALL_RECORDS_PER_RING);
        readAll(consumers);
        assertEquals(0, headReads(regions), "a lap less one unit fits the limit set at attach");

        ring.writeOrFail(1);
        assertEquals(4, headReads(regions), "past the limit: each head read once");
        for (final CountingBuffer region : regions)
        {
            assertEquals(1, region.headReads);
        }
        ring.writeOrFail(SMALL_RECORDS_PER_RING - 1);
        assertEquals(4, headReads(regions), "the new limit holds for another lap");
    }

    private static void readAll(final OneToOneRingConsumer[] consumers)
    {
        for (final OneToOneRingConsumer consumer : consumers)
        {
            consumer.read((typeId, buffer, offset, length) -> { }, Integer.MAX_VALUE);
        }
    }

    private static int headReads(final CountingBuffer[] regions)
    {
        int reads = 0;
        for (final CountingBuffer region : regions)
        {
            reads += region.headReads;
        }
        return reads;
    }

    /**
     * A consumer region that counts the volatile reads of its head word.
     */
    static final class CountingBuffer extends UnsafeBuffer
    {
        int headReads;

        CountingBuffer()
        {
            super(RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH));
        }

        @Override
        public long getLongVolatile(final int index)
        {
            if (HEAD_POSITION_OFFSET == index)
            {
                headReads++;
            }
            return super.getLongVolatile(index);
        }
    }

    @Test
    void claimsCommitToEveryConsumerAndAnAbortedClaimPublishesNothing()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(1_000), -1);
        final Subscriber first = ring.attach().start();
        final Subscriber second = ring.attach().start();
        final RingClaim claim = new RingClaim();
        for (int i = 0; i < 200; i++)
        {
            final long before = ring.producer.position();
            if (i % 3 == 0)
            {
                assertTrue(ring.claim(claim, false) > 0);
                assertEquals(before, ring.producer.position(), "an aborted claim publishes nothing");
            }
            assertTrue(ring.claim(claim, true) > 0);
            first.read(Integer.MAX_VALUE);
            second.read(Integer.MAX_VALUE);
        }
        first.drain();
        second.drain();
        assertEquals(200, first.nextSeq);
    }

    @Test
    void aClaimBackPressuresLikeAWrite()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 1, FanOutPolicy.blocking(1_000), SMALL);
        final Subscriber slow = ring.attach().start();
        ring.writeOrFail(SMALL_RECORDS_PER_RING);
        final RingClaim claim = new RingClaim();
        assertEquals(RingStatus.BACK_PRESSURED, ring.claim(claim, true));
        assertFalse(claim.isActive());
        slow.read(1);
        assertTrue(ring.claim(claim, true) > 0);
        slow.drain();
    }

    @Test
    void checkConsumersRefreshesPositionsAndEvictsCorruptHeadsButNeverStalledOnes()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 3, FanOutPolicy.blocking(100), SMALL);
        final Subscriber reader = ring.attach().start();
        final Subscriber hostile = ring.attach().start();
        final Subscriber idle = ring.attach().start();
        ring.writeOrFail(20);
        reader.read(Integer.MAX_VALUE);
        assertEquals(0, ring.producer.consumerPosition(reader.slot), "heads are read only when needed");
        ring.clock.nowMs += 10_000;
        assertEquals(0, ring.producer.checkConsumers(), "no record waits, so nobody holds the producer back");
        assertEquals(320, ring.producer.consumerPosition(reader.slot));
        assertEquals(0, ring.producer.consumerPosition(idle.slot));

        hostile.head(4);
        ring.writeOrFail(10);
        reader.read(Integer.MAX_VALUE);
        assertEquals(1, ring.producer.checkConsumers());
        assertEquals(List.of(new Eviction(hostile.slot, EvictionReason.CORRUPT_HEAD, 4, 480)), poll(ring.producer));
        assertEquals(RingFault.HEAD_MISALIGNED, ring.producer.evictionFault(hostile.slot));
        assertEquals(480, ring.producer.consumerPosition(reader.slot));
        assertTrue(ring.producer.isAttached(idle.slot));
        reader.drain();
        idle.drain();
    }
}
