package io.bastion.ringbuffer;

import io.bastion.ringbuffer.FanOutFixture.Subscriber;
import io.bastion.ringbuffer.OneToManyRingProducerTest.Eviction;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.bastion.ringbuffer.OneToManyRingProducerTest.poll;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_REGION_LENGTH;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.producerRegionLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who the fan-out producer waits for: attaching at the live position, joining, detaching and reusing slots, reporting
 * evictions once, liveness, and the producer's construction.
 */
class OneToManyRingMembershipTest
{
    private static final int CAPACITY = 1024;
    private static final int SMALL = 8;
    private static final int SMALL_RECORDS_PER_RING = (CAPACITY - RecordDescriptor.ALIGNMENT) / 16;
    /** A lag bound just below a lap: a consumer that would be lapped is evicted rather than waited for. */
    private static final FanOutPolicy UNTETHERED =
        FanOutPolicy.evicting(CAPACITY - RecordDescriptor.ALIGNMENT - 1, 1_000);

    @Test
    void aConsumerAttachedLaterReadsExactlyFromItsJoinPosition()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(1_000), -1);
        // Laps of records nobody reads leave plausible stale headers everywhere.
        ring.writeOrFail(300);
        final long joinPosition = ring.producer.position();
        final Subscriber late = ring.attach();
        assertEquals(joinPosition, ring.producer.joinPosition(late.slot));
        assertEquals(joinPosition, ring.producer.consumerPosition(late.slot));
        late.start();
        assertEquals(0, late.read(Integer.MAX_VALUE), "nothing is published at the join position yet");
        for (int i = 0; i < 50; i++)
        {
            assertTrue(ring.write() > 0);
            late.read(i % 4);
        }
        final Subscriber later = ring.attach().start();
        assertEquals(350, later.nextSeq);
        for (int i = 0; i < 400; i++)
        {
            assertTrue(ring.write() > 0);
            late.read(Integer.MAX_VALUE);
            later.read(Integer.MAX_VALUE);
        }
        late.drain();
        later.drain();
        assertEquals(750, late.nextSeq);
        assertEquals(0, ring.producer.evictions());
    }

    @Test
    void whileJoiningAHeadWordOfZeroStandsForTheJoinPosition()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 1, FanOutPolicy.blocking(1_000), SMALL);
        ring.writeOrFail(10);
        final Subscriber joining = ring.attach();
        assertEquals(160, ring.producer.joinPosition(joining.slot));
        assertEquals(0, joining.headWord());
        // Not started: the head word stays 0, which holds the producer a lap less one unit past the join position.
        ring.writeOrFail(SMALL_RECORDS_PER_RING);
        assertEquals(RingStatus.BACK_PRESSURED, ring.write());
        assertTrue(ring.producer.isAttached(joining.slot));
        assertEquals(160, ring.producer.consumerPosition(joining.slot));

        joining.start();
        assertEquals(160, joining.headWord());
        joining.read(1);
        assertTrue(ring.write() > 0);
        joining.drain();
        assertEquals(0, ring.producer.evictions());
    }

    @Test
    void whileJoiningAHeadBelowTheJoinPositionIsCorrupt()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(1_000), SMALL);
        ring.writeOrFail(10);
        final Subscriber joining = ring.attach();
        final Subscriber honest = ring.attach().start();
        joining.head(152);
        for (int i = 0; i < 2 * SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0);
            honest.read(Integer.MAX_VALUE);
        }
        assertEquals(List.of(new Eviction(joining.slot, EvictionReason.CORRUPT_HEAD, 152, 1168)), poll(ring.producer));
        assertEquals(RingFault.HEAD_BACKWARDS, ring.producer.evictionFault(joining.slot));
        honest.drain();
    }

    @Test
    void aJustAttachedConsumerCountsItsAttachTimeAsItsFirstHeartbeat()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(500), SMALL);
        assertFalse(ring.producer.isConsumerAlive(500), "nobody attached");
        final Subscriber subscriber = ring.attach().start();
        ring.clock.nowMs += 500;
        assertTrue(ring.producer.isConsumerAlive(500));
        ring.clock.nowMs += 1;
        assertFalse(ring.producer.isConsumerAlive(500));
        subscriber.beat();
        assertTrue(ring.producer.isConsumerAlive(500));
        ring.clock.nowMs += 501;
        assertFalse(ring.producer.isConsumerAlive(500));

        final Subscriber other = ring.attach().start();
        assertTrue(ring.producer.isConsumerAlive(500), "any live consumer will do");
        ring.producer.detach(other.slot);
        assertFalse(ring.producer.isConsumerAlive(500));
    }

    @Test
    void anEvictedConsumerNoLongerCountsAsAlive()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 1, UNTETHERED, SMALL);
        final Subscriber idle = ring.attach().start();
        idle.beat();
        ring.writeOrFail(SMALL_RECORDS_PER_RING + 1);
        assertFalse(ring.producer.isAttached(idle.slot));
        assertFalse(ring.producer.isConsumerAlive(1_000));
    }

    @Test
    void detachFreesTheSlotAndAttachReusesItAtTheLivePosition()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(1_000), SMALL);
        final Subscriber reader = ring.attach().start();
        final Subscriber leaver = ring.attach().start();
        for (int i = 0; i < SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0);
            reader.read(Integer.MAX_VALUE);
        }
        assertEquals(RingStatus.BACK_PRESSURED, ring.write(), "held back by the consumer that stopped reading");

        ring.producer.detach(leaver.slot);
        assertFalse(ring.producer.isAttached(leaver.slot));
        assertEquals(-1, ring.producer.consumerPosition(leaver.slot));
        assertEquals(-1, ring.producer.joinPosition(leaver.slot));
        assertEquals(1, ring.producer.consumerCount());
        ring.producer.detach(leaver.slot);
        assertEquals(1, ring.producer.consumerCount(), "detach is idempotent");
        assertTrue(ring.write() > 0, "the detached consumer no longer holds the producer back");
        reader.read(Integer.MAX_VALUE);

        final Subscriber rejoined = ring.attach().start();
        assertEquals(leaver.slot, rejoined.slot, "the freed slot is reused");
        assertEquals(ring.producer.position(), ring.producer.joinPosition(rejoined.slot));
        assertEquals(0, rejoined.read(Integer.MAX_VALUE));
        for (int i = 0; i < 3 * SMALL_RECORDS_PER_RING; i++)
        {
            assertTrue(ring.write() > 0);
            reader.read(Integer.MAX_VALUE);
            rejoined.read(Integer.MAX_VALUE);
        }
        assertEquals(SMALL_RECORDS_PER_RING + 1, rejoined.firstSeq);
        reader.drain();
        rejoined.drain();
    }

    @Test
    void pollEvictionsReportsEachEvictionOnceAndTheSlotStaysReservedUntilDetached()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 3, FanOutPolicy.evicting(256, 1_000), SMALL);
        final Subscriber idle = ring.attach().start();
        final Subscriber reader = ring.attach().start();
        final Subscriber alsoIdle = ring.attach().start();
        for (int i = 0; i < 20; i++)
        {
            assertTrue(ring.write() > 0);
            reader.read(Integer.MAX_VALUE);
        }
        assertEquals(2, ring.producer.evictions());
        assertEquals(List.of(
            new Eviction(idle.slot, EvictionReason.LAGGED, 0, 272),
            new Eviction(alsoIdle.slot, EvictionReason.LAGGED, 0, 272)), poll(ring.producer));
        assertEquals(List.of(), poll(ring.producer), "reported once");
        assertEquals(0, ring.producer.pollEvictions((slot, reason, head, tail) -> { throw new AssertionError(); }));

        assertFalse(ring.producer.isAttached(idle.slot));
        assertEquals(0, ring.producer.consumerPosition(idle.slot), "the last head accepted, kept for statistics");
        assertEquals(1, ring.producer.consumerCount());
        assertEquals(OneToManyRingProducer.NO_SLOT, ring.producer.attach(region()), "evicted slots stay reserved");

        ring.producer.detach(idle.slot);
        assertEquals(idle.slot, ring.producer.attach(region()));
        assertEquals(2, ring.producer.evictions(), "the total counts every eviction ever");
        reader.drain();
    }

    @Test
    void theHandlerMayDetachTheSlotItIsTold()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 1, UNTETHERED, SMALL);
        final Subscriber idle = ring.attach().start();
        ring.writeOrFail(SMALL_RECORDS_PER_RING + 1);
        assertEquals(1, ring.producer.pollEvictions((slot, reason, head, tail) -> ring.producer.detach(slot)));
        assertEquals(-1, ring.producer.consumerPosition(idle.slot));
        assertEquals(idle.slot, ring.producer.attach(region()));
    }

    @Test
    void detachingAnEvictedSlotBeforeItIsReportedDropsTheReport()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 1, UNTETHERED, SMALL);
        final Subscriber idle = ring.attach().start();
        ring.writeOrFail(SMALL_RECORDS_PER_RING + 1);
        assertEquals(1, ring.producer.evictions());
        ring.producer.detach(idle.slot);
        assertEquals(List.of(), poll(ring.producer));
        assertEquals(1, ring.producer.evictions());
    }

    @Test
    void attachRefusesWhileAClaimIsOpenAndRejectsARegionOfTheWrongSize()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.defaults(), SMALL);
        final RingClaim claim = new RingClaim();
        assertTrue(ring.producer.tryClaim(1, 8, claim) > 0);
        assertThrows(IllegalStateException.class, () -> ring.producer.attach(region()));
        claim.abort();
        assertThrows(IllegalArgumentException.class,
            () -> ring.producer.attach(RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH - 8)));
        final AtomicBuffer misaligned = new UnsafeBuffer(RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH + 8), 4,
            CONSUMER_REGION_LENGTH);
        assertThrows(IllegalArgumentException.class, () -> ring.producer.attach(misaligned));
        assertEquals(0, ring.producer.consumerCount());
        assertEquals(0, ring.producer.attach(region()));
        assertEquals(1, ring.producer.attach(region()));
        assertEquals(OneToManyRingProducer.NO_SLOT, ring.producer.attach(region()));
    }

    @Test
    void aDetachWhileAClaimIsOpenKeepsTheClaim()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 2, FanOutPolicy.blocking(1_000), SMALL);
        final Subscriber reader = ring.attach().start();
        final Subscriber leaver = ring.attach().start();
        final RingClaim claim = new RingClaim();
        assertTrue(ring.claim(claim, false) > 0);
        final long position = ring.producer.tryClaim(FanOutFixture.typeOf(0), SMALL, claim);
        ring.producer.detach(leaver.slot);
        claim.buffer().putBytes(0, RingTestSupport.payload(0, SMALL));
        assertTrue(claim.commit());
        ring.publishedTails.add(position);
        reader.drain();
    }

    @Test
    void slotIndicesOutOfRangeAreRejected()
    {
        final OneToManyRingProducer producer = new FanOutFixture(CAPACITY, 2, FanOutPolicy.defaults(), SMALL).producer;
        assertThrows(IllegalArgumentException.class, () -> producer.detach(2));
        assertThrows(IllegalArgumentException.class, () -> producer.isAttached(-1));
        assertThrows(IllegalArgumentException.class, () -> producer.joinPosition(2));
        assertThrows(IllegalArgumentException.class, () -> producer.consumerPosition(-1));
        assertThrows(IllegalArgumentException.class, () -> producer.evictionFault(2));
        assertEquals(2, producer.maxConsumers());
    }

    @Test
    void aProducerResumesTheTailOfItsRegionAndConsumersJoinThere()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 1, FanOutPolicy.defaults(), -1);
        ring.writeOrFail(100);
        final long tail = ring.producer.position();
        final OneToManyRingProducer resumed =
            new OneToManyRingProducer(ring.producerRegion, 1, FanOutPolicy.defaults(), ring.clock);
        assertEquals(tail, resumed.position());
        final AtomicBuffer region = region();
        final int slot = resumed.attach(region);
        assertEquals(tail, resumed.joinPosition(slot));
        final OneToOneRingConsumer consumer = new OneToOneRingConsumer(ring.producerRegion, region, ring.clock, tail);
        assertEquals(0, consumer.read((typeId, buffer, offset, length) -> { }, 10), "the word at the tail is zero");
        assertTrue(resumed.write(1, RingTestSupport.wrap(new byte[8]), 0, 8) > 0);
        assertEquals(1, consumer.read((typeId, buffer, offset, length) -> { }, 10));
    }

    @Test
    void theConstructorChecksItsArguments()
    {
        final AtomicBuffer producerRegion = RingTestSupport.newBuffer(producerRegionLength(CAPACITY));
        final FanOutPolicy policy = FanOutPolicy.defaults();
        assertThrows(IllegalArgumentException.class,
            () -> new OneToManyRingProducer(producerRegion, 0, policy, () -> 1));
        assertThrows(IllegalArgumentException.class,
            () -> new OneToManyRingProducer(producerRegion, OneToManyRingProducer.MAX_CONSUMERS + 1, policy, () -> 1));
        assertThrows(NullPointerException.class, () -> new OneToManyRingProducer(producerRegion, 1, null, () -> 1));
        assertThrows(NullPointerException.class, () -> new OneToManyRingProducer(producerRegion, 1, policy, null));
        assertThrows(IllegalArgumentException.class, () -> new OneToManyRingProducer(
            RingTestSupport.newBuffer(producerRegionLength(CAPACITY) + 8), 1, policy, () -> 1));
        producerRegion.putLongVolatile(CAPACITY + TAIL_POSITION_OFFSET, 12);
        assertThrows(IllegalArgumentException.class,
            () -> new OneToManyRingProducer(producerRegion, 1, policy, () -> 1));
        producerRegion.putLongVolatile(CAPACITY + TAIL_POSITION_OFFSET, -8);
        assertThrows(IllegalArgumentException.class,
            () -> new OneToManyRingProducer(producerRegion, 1, policy, () -> 1));
        producerRegion.putLongVolatile(CAPACITY + TAIL_POSITION_OFFSET, 0);
        final OneToManyRingProducer producer = new OneToManyRingProducer(producerRegion, 3, policy, () -> 1);
        assertEquals(CAPACITY, producer.capacity());
        assertEquals(CAPACITY / 8 - RecordDescriptor.HEADER_LENGTH, producer.maxPayloadLength());
        assertEquals(policy, producer.policy());
        assertEquals(RingFault.NONE, producer.fault());
    }

    @Test
    void theProducerHeartbeatIsTheClocksTimeInTheTrailer()
    {
        final FanOutFixture ring = new FanOutFixture(CAPACITY, 1, FanOutPolicy.defaults(), SMALL);
        ring.clock.nowMs = 4_242;
        ring.producer.producerHeartbeat();
        assertEquals(4_242, ring.producerRegion.getLongVolatile(
            CAPACITY + OneToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET));
        final Subscriber subscriber = ring.attach().start();
        assertTrue(subscriber.consumer.isProducerAlive(10));
    }

    private static AtomicBuffer region()
    {
        return RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH);
    }
}
