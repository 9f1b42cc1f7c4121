package io.bastion.ringbuffer;

import io.bastion.ringbuffer.RingTestSupport.FakeClock;
import io.bastion.ringbuffer.RingTestSupport.Received;
import io.bastion.ringbuffer.RingTestSupport.Recorder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.AtomicBuffer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_REGION_LENGTH;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.RecordDescriptor.ALIGNMENT;
import static io.bastion.ringbuffer.RecordDescriptor.HEADER_LENGTH;
import static io.bastion.ringbuffer.RingTestSupport.payload;
import static io.bastion.ringbuffer.RingTestSupport.samePayload;
import static io.bastion.ringbuffer.RingTestSupport.wrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random interleavings of writes, claims, per-consumer reads, heartbeats, stalls (time passing without either),
 * garbage heads, attaches and detaches on a fan-out ring. Invariants:
 * <ul>
 *     <li>no record a live, honest consumer has not read is ever overwritten (nor the word after the last one);</li>
 *     <li>every consumer that stays live and honest reads every record from its join position, in order, byte-exact;
 *     </li>
 *     <li>the producer back-pressures, and evicts, exactly when the policy says so for honest consumers, and an
 *     honest consumer is never evicted for a corrupt head;</li>
 *     <li>every eviction is reported once (unless its slot was detached first), with a reason that holds.</li>
 * </ul>
 */
class OneToManyRingPropertiesTest
{
    /**
     * One step.
     *
     * @param kind     0-3 write, 4 claim and commit, 5 claim and abort, 6-8 read, 9 heartbeat, 10 time passes, 11
     *                 garbage head, 12 attach, 13 start, 14 detach, 15 poll evictions, 16 check consumers.
     * @param who      picks a slot.
     * @param permille payload length as a share of the maximum.
     * @param value    a read limit, a time step, a garbage value, or whether to start at attach.
     */
    record Op(int kind, int who, int permille, long value)
    {
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        final Arbitrary<Op> op = Combinators.combine(
            Arbitraries.integers().between(0, 16),
            Arbitraries.integers().between(0, 7),
            Arbitraries.integers().between(0, 1000),
            Arbitraries.longs().between(0, Long.MAX_VALUE)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(400);
    }

    @Provide
    Arbitrary<FanOutPolicy> policies()
    {
        final Arbitrary<Long> stall = Arbitraries.of(0L, 10L, 100L);
        return Arbitraries.oneOf(
            stall.map(FanOutPolicy::blocking),
            Combinators.combine(Arbitraries.of(64L, 200L, 1000L, FanOutPolicy.FULL_RING), stall)
                .as(FanOutPolicy::evicting));
    }

    @Property(tries = 500)
    void everyLiveConsumerReadsEveryRecordFromItsJoinPositionAndEvictionsAreReportedOnce(
        @ForAll @IntRange(min = 8, max = 11) final int capacityLog2,
        @ForAll @IntRange(min = 1, max = 4) final int maxConsumers,
        @ForAll("policies") final FanOutPolicy policy,
        @ForAll("ops") final List<Op> ops)
    {
        final Run run = new Run(1 << capacityLog2, maxConsumers, policy);
        for (final Op op : ops)
        {
            run.step(op);
        }
        run.finish();
    }

    /**
     * A consumer as the test knows it.
     */
    private static final class Sub
    {
        final int slot;
        final AtomicBuffer region = RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH);
        final long joinPosition;
        final long attachTimeMs;
        final Recorder recorder;
        OneToOneRingConsumer consumer;
        long nextSeq;
        boolean tainted;
        boolean evicted;

        Sub(final int slot, final long joinPosition, final long attachTimeMs, final long firstSeq, final int capacity)
        {
            this.slot = slot;
            this.joinPosition = joinPosition;
            this.attachTimeMs = attachTimeMs;
            this.nextSeq = firstSeq;
            this.recorder = new Recorder(capacity, HEADER_LENGTH);
        }

        /** The head the producer sees for an honest consumer: its own, or the join position before it starts. */
        long viewHead()
        {
            return null == consumer ? joinPosition : consumer.position();
        }
    }

    /**
     * An eviction the test saw happen, and what may be reported for it.
     */
    private static final class Detected
    {
        final boolean tainted;
        final boolean lagJustified;
        final boolean stallJustified;
        boolean reported;
        boolean dropped;

        Detected(final boolean tainted, final boolean lagJustified, final boolean stallJustified)
        {
            this.tainted = tainted;
            this.lagJustified = lagJustified;
            this.stallJustified = stallJustified;
        }
    }

    /**
     * One run: the ring, the consumers and the model of what was published.
     */
    private static final class Run
    {
        final int capacity;
        final long maxUnread;
        final FanOutPolicy policy;
        final FakeClock clock = new FakeClock(1_000);
        final AtomicBuffer producerRegion;
        final OneToManyRingProducer producer;
        final RingClaim claim = new RingClaim();
        final Sub[] subs;
        final Detected[] detected;
        final List<Integer> lengths = new ArrayList<>();
        int detectedCount;
        int reportedCount;
        int droppedCount;

        Run(final int capacity, final int maxConsumers, final FanOutPolicy policy)
        {
            this.capacity = capacity;
            this.maxUnread = capacity - ALIGNMENT;
            this.policy = policy;
            this.producerRegion = RingTestSupport.newBuffer(OneToOneRingDescriptor.producerRegionLength(capacity));
            this.producer = new OneToManyRingProducer(producerRegion, maxConsumers, policy, clock);
            this.subs = new Sub[maxConsumers];
            this.detected = new Detected[maxConsumers];
        }

        void step(final Op op)
        {
            final Sub sub = subs[op.who() % subs.length];
            final int kind = op.kind();
            if (kind <= 5)
            {
                produce(op);
                return;
            }
            if (16 == kind)
            {
                final Set<Integer> liveBefore = liveSlots();
                producer.checkConsumers();
                detectEvictions(liveBefore, -1, false);
                return;
            }
            final Set<Integer> liveBefore = liveSlots();
            switch (kind)
            {
                case 6, 7, 8 -> read(sub, 8 == kind ? Integer.MAX_VALUE : (int)(op.value() % 5) + 1);
                case 9 ->
                {
                    if (null != sub && null != sub.consumer)
                    {
                        sub.consumer.consumerHeartbeat();
                    }
                }
                case 10 -> clock.nowMs += op.value() % (2 * policy.stallTimeoutMs() + 2);
                case 11 -> garbage(sub, op.value());
                case 12 -> attach(0 == (op.value() & 1));
                case 13 -> start(sub);
                case 14 -> detach(sub);
                case 15 -> poll();
                default -> throw new IllegalStateException("kind " + kind);
            }
            for (final int slot : liveBefore)
            {
                assertTrue(null == subs[slot] || producer.isAttached(slot), "only writes, claims and checks evict");
            }
        }

        private void produce(final Op op)
        {
            final int length = (int)((long)producer.maxPayloadLength() * op.permille() / 1000);
            final long tail = producer.position();
            final long newTail = newTail(tail, length);
            final Set<Integer> liveBefore = liveSlots();
            final Set<Integer> expectedEvicted = expectedEvictions(newTail);
            final boolean anyTainted = anyLiveTainted();
            final boolean expectSuccess = expectSuccess(newTail, expectedEvicted);

            final long seq = lengths.size();
            final int typeId = FanOutFixture.typeOf(seq);
            final byte[] bytes = payload(seq, length);
            final long result;
            if (op.kind() <= 3)
            {
                result = producer.write(typeId, wrap(bytes), 0, length);
            }
            else
            {
                result = producer.tryClaim(typeId, length, claim);
                if (result > 0)
                {
                    claim.buffer().putBytes(0, bytes);
                    if (4 == op.kind())
                    {
                        assertTrue(claim.commit());
                    }
                    else
                    {
                        claim.abort();
                    }
                }
            }
            if (result > 0)
            {
                assertEquals(newTail, result);
                checkNothingUnreadIsOverwritten(newTail);
                if (op.kind() != 5)
                {
                    lengths.add(length);
                    assertEquals(0L, producerRegion.getLongVolatile((int)newTail & (capacity - 1)));
                }
            }
            else
            {
                assertEquals(RingStatus.BACK_PRESSURED, result);
                assertEquals(tail, producer.position());
            }
            if (!anyTainted)
            {
                assertEquals(expectSuccess, result > 0, "back pressure as the policy says");
                final Set<Integer> evicted = new HashSet<>(liveBefore);
                evicted.removeAll(liveSlots());
                assertEquals(expectedEvicted, evicted, "evictions as the policy says");
            }
            else if (FanOutPolicy.Mode.EVICT == policy.mode() && policy.effectiveMaxLag(capacity) < maxUnread)
            {
                assertTrue(result > 0, "EVICT with a bound below a lap never back-pressures");
            }
            detectEvictions(liveBefore, newTail, true);
        }

        private long newTail(final long tail, final int length)
        {
            final int aligned = RecordDescriptor.align(length + HEADER_LENGTH);
            final int toEnd = capacity - ((int)tail & (capacity - 1));
            return tail + (aligned > toEnd ? aligned + toEnd : aligned);
        }

        /**
         * The honest consumers a record ending at {@code newTail} must evict: under EVICT those it leaves more than
         * the lag bound behind (when the bound is below a lap); in both modes those it leaves more than a lap behind
         * that are stalled.
         */
        private Set<Integer> expectedEvictions(final long newTail)
        {
            final Set<Integer> expected = new HashSet<>();
            for (final Sub sub : subs)
            {
                if (null == sub || sub.evicted)
                {
                    continue;
                }
                final long lag = newTail - sub.viewHead();
                if ((FanOutPolicy.Mode.EVICT == policy.mode() && lag > policy.effectiveMaxLag(capacity)) ||
                    (lag > maxUnread && isStalled(sub)))
                {
                    expected.add(sub.slot);
                }
            }
            return expected;
        }

        private boolean expectSuccess(final long newTail, final Set<Integer> evicted)
        {
            for (final Sub sub : subs)
            {
                if (null != sub && !sub.evicted && !evicted.contains(sub.slot) && newTail - sub.viewHead() > maxUnread)
                {
                    return false;
                }
            }
            return true;
        }

        private boolean isStalled(final Sub sub)
        {
            final long timeout = policy.stallTimeoutMs();
            return !Heartbeats.isAlive(sub.region.getLongVolatile(CONSUMER_HEARTBEAT_OFFSET), clock.nowMs, timeout) &&
                !Heartbeats.isAlive(sub.attachTimeMs, clock.nowMs, timeout);
        }

        private boolean anyLiveTainted()
        {
            for (final Sub sub : subs)
            {
                if (null != sub && !sub.evicted && sub.tainted)
                {
                    return true;
                }
            }
            return false;
        }

        /**
         * The heart of it: after a record is reserved, every live honest consumer still has all it has not read,
         * and the zeroed word after the record is not one of its unread words.
         */
        private void checkNothingUnreadIsOverwritten(final long newTail)
        {
            for (final Sub sub : subs)
            {
                if (null != sub && !sub.tainted && producer.isAttached(sub.slot))
                {
                    assertTrue(newTail - sub.viewHead() <= maxUnread,
                        "slot " + sub.slot + " at " + sub.viewHead() + " would lose records to a tail of " + newTail);
                }
            }
        }

        private Set<Integer> liveSlots()
        {
            final Set<Integer> live = new HashSet<>();
            for (int slot = 0; slot < subs.length; slot++)
            {
                if (producer.isAttached(slot))
                {
                    assertNotNull(subs[slot], "attached slot " + slot + " the test never attached");
                    live.add(slot);
                }
            }
            assertEquals(live.size(), producer.consumerCount());
            return live;
        }

        private void detectEvictions(final Set<Integer> liveBefore, final long newTail, final boolean recordWaits)
        {
            for (final int slot : liveBefore)
            {
                if (producer.isAttached(slot))
                {
                    continue;
                }
                final Sub sub = subs[slot];
                final long lag = newTail - sub.viewHead();
                final boolean lagJustified = recordWaits && FanOutPolicy.Mode.EVICT == policy.mode() &&
                    lag > policy.effectiveMaxLag(capacity);
                final boolean stallJustified = recordWaits && lag > maxUnread && isStalled(sub);
                sub.evicted = true;
                detected[slot] = new Detected(sub.tainted, lagJustified, stallJustified);
                detectedCount++;
            }
            assertEquals(detectedCount, producer.evictions());
        }

        private void read(final Sub sub, final int limit)
        {
            if (null == sub || null == sub.consumer)
            {
                return;
            }
            final boolean checked = !sub.tainted && !sub.evicted;
            final int read = sub.consumer.read(sub.recorder, limit);
            if (checked)
            {
                assertTrue(read >= 0, "a live consumer faulted: " + sub.consumer.fault());
                for (final Received received : sub.recorder.records)
                {
                    final long seq = sub.nextSeq++;
                    assertTrue(seq < lengths.size(), "slot " + sub.slot + " read a record never published");
                    assertTrue(samePayload(received, seq, FanOutFixture.typeOf(seq), lengths.get((int)seq)),
                        "slot " + sub.slot + " read " + received + " where record " + seq + " was due");
                }
            }
            sub.recorder.records.clear();
        }

        private void garbage(final Sub sub, final long value)
        {
            if (null == sub)
            {
                return;
            }
            final long tail = producer.position();
            final long head = switch ((int)(value % 7))
            {
                case 0 -> sub.viewHead() + 3;
                case 1 -> tail + ALIGNMENT * (1 + (value >>> 8) % 64);
                case 2 -> tail - capacity - ALIGNMENT;
                case 3 -> sub.viewHead() - ALIGNMENT;
                case 4 -> 0;
                case 5 -> tail;
                default -> value;
            };
            sub.region.putLongVolatile(HEAD_POSITION_OFFSET, head);
            sub.tainted = true;
        }

        private void attach(final boolean startNow)
        {
            int free = -1;
            for (int slot = subs.length - 1; slot >= 0; slot--)
            {
                if (null == subs[slot])
                {
                    free = slot;
                }
            }
            final Sub probe = new Sub(free, producer.position(), clock.nowMs, lengths.size(), capacity);
            final int slot = producer.attach(probe.region);
            assertEquals(free, slot, "attach takes the lowest free slot, or none");
            if (slot < 0)
            {
                return;
            }
            assertEquals(producer.position(), producer.joinPosition(slot));
            assertEquals(producer.position(), producer.consumerPosition(slot));
            subs[slot] = probe;
            detected[slot] = null;
            if (startNow)
            {
                start(probe);
            }
        }

        private void start(final Sub sub)
        {
            if (null != sub && null == sub.consumer)
            {
                sub.consumer = new OneToOneRingConsumer(producerRegion, sub.region, clock, sub.joinPosition);
            }
        }

        private void detach(final Sub sub)
        {
            if (null == sub)
            {
                return;
            }
            final Detected eviction = detected[sub.slot];
            if (null != eviction && !eviction.reported)
            {
                eviction.dropped = true;
                droppedCount++;
            }
            producer.detach(sub.slot);
            assertFalse(producer.isAttached(sub.slot));
            assertEquals(-1, producer.consumerPosition(sub.slot));
            subs[sub.slot] = null;
            detected[sub.slot] = null;
        }

        private void poll()
        {
            producer.pollEvictions((slot, reason, head, tail) ->
            {
                final Detected eviction = detected[slot];
                assertNotNull(eviction, "slot " + slot + " reported but never seen evicted");
                assertFalse(eviction.reported, "slot " + slot + " reported twice");
                assertFalse(eviction.dropped);
                eviction.reported = true;
                reportedCount++;
                switch (reason)
                {
                    case CORRUPT_HEAD -> assertTrue(eviction.tainted, "an honest consumer evicted for its head");
                    case LAGGED -> assertTrue(eviction.tainted || eviction.lagJustified, "LAGGED without the lag");
                    case STALLED -> assertTrue(eviction.tainted || eviction.stallJustified, "STALLED while alive");
                    default -> throw new AssertionError(reason);
                }
            });
        }

        void finish()
        {
            poll();
            for (final Detected eviction : detected)
            {
                if (null != eviction)
                {
                    assertTrue(eviction.reported || eviction.dropped, "an eviction never reported");
                }
            }
            for (final Sub sub : subs)
            {
                if (null != sub && !sub.tainted && !sub.evicted)
                {
                    start(sub);
                    read(sub, Integer.MAX_VALUE);
                    read(sub, Integer.MAX_VALUE);
                    assertEquals(lengths.size(), sub.nextSeq, "slot " + sub.slot + " missed records");
                    assertTrue(producer.isAttached(sub.slot));
                }
            }
            assertEquals(detectedCount, reportedCount + droppedCount, "each eviction reported once or dropped");
            assertEquals(detectedCount, producer.evictions());
            assertEquals(RingFault.NONE, producer.fault());
        }
    }
}
