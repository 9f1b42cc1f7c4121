package io.bastion.ringbuffer;

import io.bastion.ringbuffer.ControlledRecordHandler.Action;
import io.bastion.ringbuffer.RingTestSupport.FakeClock;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static io.bastion.ringbuffer.RingTestSupport.payload;
import static io.bastion.ringbuffer.RingTestSupport.wrap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any sequence of writes, claims, commits, aborts and reads behaves like a queue: the model below
 * tracks the queue of messages and the byte positions the layout gives them (alignment, padding at
 * the wrap, aborted space on the many-to-one ring), and every ring result must match it exactly.
 */
class RingModelPropertiesTest
{
    /**
     * One step of a run.
     *
     * @param kind     0-3 write, 4 claim and commit, 5 claim and abort, 6-7 read, 8 controlled read, 9
     *                 write of the maximum length.
     * @param permille the payload length as a share of the maximum.
     * @param typeId   the record type.
     * @param limit    the read limit.
     * @param seed     seeds the controlled read's actions.
     */
    record Op(int kind, int permille, int typeId, int limit, long seed)
    {
    }

    /**
     * An entry of the model: a message, an aborted claim or padding, at a position.
     */
    private static final class Entry
    {
        final long position;
        final int alignedLength;
        final int typeId;
        final byte[] payload;

        Entry(final long position, final int alignedLength, final int typeId, final byte[] payload)
        {
            this.position = position;
            this.alignedLength = alignedLength;
            this.typeId = typeId;
            this.payload = payload;
        }

        boolean isMessage()
        {
            return null != payload;
        }
    }

    /**
     * The model: a queue of entries and the head and tail positions the layout gives them.
     */
    private static final class Model
    {
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        final int capacity;
        final int headerLength;
        final int reserve;
        long head;
        long tail;
        int messages;

        /**
         * A model of an empty ring.
         *
         * @param reserve bytes the ring always leaves free: the one-to-one ring keeps one alignment
         *                unit for the header word it zeroes after each record.
         */
        Model(final int capacity, final int headerLength, final int reserve)
        {
            this.capacity = capacity;
            this.headerLength = headerLength;
            this.reserve = reserve;
        }

        /**
         * Where a record of this payload would end, or -1 if it does not fit.
         */
        long append(final int typeId, final byte[] bytes, final boolean aborted)
        {
            final int aligned = RecordDescriptor.align(bytes.length + headerLength);
            final int toEnd = capacity - (int)(tail & (capacity - 1));
            final int padding = aligned > toEnd ? toEnd : 0;
            if (aligned + padding + reserve > capacity - (tail - head))
            {
                return -1;
            }
            if (padding > 0)
            {
                entries.add(new Entry(tail, padding, 0, null));
            }
            entries.add(new Entry(tail + padding, aligned, typeId, aborted ? null : bytes));
            if (!aborted)
            {
                messages++;
            }
            tail += aligned + padding;
            return tail;
        }

        boolean fits(final int payloadLength)
        {
            final int aligned = RecordDescriptor.align(payloadLength + headerLength);
            final int toEnd = capacity - (int)(tail & (capacity - 1));
            return aligned + (aligned > toEnd ? toEnd : 0) + reserve <= capacity - (tail - head);
        }

        /**
         * The next entry a read may take, consuming skipped space; null when the read must stop.
         */
        Entry next(final long readStart, final int count, final int limit)
        {
            if (entries.isEmpty() || count >= limit)
            {
                return null;
            }
            final Entry entry = entries.peek();
            return entry;
        }

        void consume(final Entry entry)
        {
            entries.poll();
            head = entry.position + entry.alignedLength;
            if (entry.isMessage())
            {
                messages--;
            }
        }
    }

    /**
     * Hands each record to the model, which checks it is the message at the front of the queue.
     */
    private static final class ModelHandler implements RecordHandler
    {
        final Model model;
        long readStart;
        int limit;
        int count;
        boolean stopped;
        SplittableRandom actions;

        ModelHandler(final Model model)
        {
            this.model = model;
        }

        void start(final long readStart, final int limit, final long seed)
        {
            this.readStart = readStart;
            this.limit = limit;
            this.count = 0;
            this.stopped = false;
            this.actions = new SplittableRandom(seed);
        }

        private Entry expectNext(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            Entry entry = model.next(readStart, count, limit);
            while (null != entry && !entry.isMessage())
            {
                model.consume(entry);
                entry = model.next(readStart, count, limit);
            }
            assertTrue(null != entry, "a record the model does not have: type " + typeId + " length " + length);
            assertEquals(entry.typeId, typeId);
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            assertArrayEquals(entry.payload, bytes, "content or order differs");
            return entry;
        }

        @Override
        public void onRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            model.consume(expectNext(typeId, buffer, offset, length));
            count++;
        }

        Action onControlledRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            final Entry entry = expectNext(typeId, buffer, offset, length);
            final Action action = Action.values()[actions.nextInt(Action.values().length)];
            if (Action.ABORT != action)
            {
                model.consume(entry);
                count++;
            }
            stopped = Action.ABORT == action || Action.BREAK == action;
            return action;
        }

        /**
         * After a read: the model consumes the padding the ring skipped before it stopped, unless the
         * handler stopped it.
         */
        void finish()
        {
            if (stopped)
            {
                return;
            }
            Entry entry = model.next(readStart, count, limit);
            while (null != entry && !entry.isMessage())
            {
                model.consume(entry);
                entry = model.next(readStart, count, limit);
            }
        }
    }

    /**
     * The operations on one kind of ring that the property drives.
     */
    private interface RingUnderTest
    {
        long write(int typeId, byte[] bytes);

        long claim(int typeId, byte[] bytes, boolean commit);

        int read(ModelHandler handler, int limit);

        int controlledRead(ControlledRecordHandler handler, int limit);

        long consumerPosition();

        int maxPayloadLength();
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        final Arbitrary<Op> op = Combinators.combine(
            Arbitraries.integers().between(0, 9),
            Arbitraries.integers().between(0, 1000),
            Arbitraries.integers().between(1, 1000),
            Arbitraries.integers().between(0, 12),
            Arbitraries.longs()).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 400)
    void oneToOneBehavesLikeAQueue(
        @ForAll @IntRange(min = 6, max = 12) final int capacityLog2, @ForAll("ops") final List<Op> ops)
    {
        final int capacity = 1 << capacityLog2;
        final FakeClock clock = new FakeClock(1);
        final AtomicBuffer producerRegion = RingTestSupport.newBuffer(
            OneToOneRingDescriptor.producerRegionLength(capacity));
        final AtomicBuffer consumerRegion = RingTestSupport.newBuffer(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        final OneToOneRingProducer producer = new OneToOneRingProducer(producerRegion, consumerRegion, clock);
        final OneToOneRingConsumer consumer = new OneToOneRingConsumer(producerRegion, consumerRegion, clock);
        final RingClaim claim = new RingClaim();
        final RingUnderTest ring = new RingUnderTest()
        {
            public long write(final int typeId, final byte[] bytes)
            {
                return producer.write(typeId, wrap(bytes), 0, bytes.length);
            }

            public long claim(final int typeId, final byte[] bytes, final boolean commit)
            {
                final long result = producer.tryClaim(typeId, bytes.length, claim);
                if (result > 0)
                {
                    claim.buffer().putBytes(claim.offset(), bytes);
                    if (commit)
                    {
                        assertTrue(claim.commit());
                    }
                    else
                    {
                        claim.abort();
                    }
                }
                return result;
            }

            public int read(final ModelHandler handler, final int limit)
            {
                return consumer.read(handler, limit);
            }

            public int controlledRead(final ControlledRecordHandler handler, final int limit)
            {
                return consumer.controlledRead(handler, limit);
            }

            public long consumerPosition()
            {
                return consumer.position();
            }

            public int maxPayloadLength()
            {
                return producer.maxPayloadLength();
            }
        };
        run(ring, new Model(capacity, RecordDescriptor.HEADER_LENGTH, RecordDescriptor.ALIGNMENT), ops, false);
        assertEquals(RingFault.NONE, consumer.fault());
        assertEquals(RingFault.NONE, producer.fault());
        assertEquals(consumer.position(), consumerRegion.getLongVolatile(OneToOneRingDescriptor.HEAD_POSITION_OFFSET));
    }

    @Property(tries = 400)
    void manyToOneBehavesLikeAQueue(
        @ForAll @IntRange(min = 8, max = 12) final int capacityLog2, @ForAll("ops") final List<Op> ops)
    {
        final int capacity = 1 << capacityLog2;
        final FakeClock clock = new FakeClock(1);
        final AtomicBuffer region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(capacity));
        final ManyToOneRing manyToOne = new ManyToOneRing(region, clock, 1000);
        final RingClaim claim = new RingClaim();
        final RingUnderTest ring = new RingUnderTest()
        {
            public long write(final int typeId, final byte[] bytes)
            {
                return manyToOne.write(typeId, wrap(bytes), 0, bytes.length);
            }

            public long claim(final int typeId, final byte[] bytes, final boolean commit)
            {
                final long result = manyToOne.tryClaim(typeId, bytes.length, claim);
                if (result > 0)
                {
                    claim.buffer().putBytes(claim.offset(), bytes);
                    if (commit)
                    {
                        assertTrue(claim.commit());
                    }
                    else
                    {
                        claim.abort();
                    }
                }
                return result;
            }

            public int read(final ModelHandler handler, final int limit)
            {
                return manyToOne.read(handler, limit);
            }

            public int controlledRead(final ControlledRecordHandler handler, final int limit)
            {
                return manyToOne.controlledRead(handler, limit);
            }

            public long consumerPosition()
            {
                return manyToOne.consumerPosition();
            }

            public int maxPayloadLength()
            {
                return manyToOne.maxPayloadLength();
            }
        };
        run(ring, new Model(capacity, ManyToOneRecordDescriptor.HEADER_LENGTH, 0), ops, true);
        assertEquals(RingFault.NONE, manyToOne.fault());
        assertEquals(0, manyToOne.unblockCount());
    }

    private static void run(final RingUnderTest ring, final Model model, final List<Op> ops, final boolean manyToOne)
    {
        final ModelHandler handler = new ModelHandler(model);
        final ControlledRecordHandler controlled = handler::onControlledRecord;
        long seq = 0;
        for (final Op op : ops)
        {
            final int length = 9 == op.kind() ? ring.maxPayloadLength() :
                (int)((long)ring.maxPayloadLength() * op.permille() / 1000);
            if (op.kind() <= 5 || 9 == op.kind())
            {
                final byte[] bytes = payload(seq++, length);
                final boolean wasEmpty = 0 == model.messages && model.tail == model.head;
                final boolean fits = model.fits(length);
                final long result;
                if (op.kind() == 4 || op.kind() == 5)
                {
                    result = ring.claim(op.typeId(), bytes, 4 == op.kind());
                }
                else
                {
                    result = ring.write(op.typeId(), bytes);
                }
                final boolean aborted = 5 == op.kind();
                if (fits)
                {
                    // One-to-one: an aborted claim publishes nothing and takes no space.
                    final long expected = aborted && !manyToOne ? result : model.append(op.typeId(), bytes, aborted);
                    assertEquals(expected, result, "position after the record");
                }
                else
                {
                    assertEquals(RingStatus.BACK_PRESSURED, result, "the model has no room, the ring must agree");
                }
                if (wasEmpty && length == ring.maxPayloadLength())
                {
                    assertTrue(result > 0, "a maximum-size record always fits an empty ring");
                }
            }
            else if (op.kind() <= 7)
            {
                handler.start(ring.consumerPosition(), op.limit(), op.seed());
                final int read = ring.read(handler, op.limit());
                handler.finish();
                assertEquals(handler.count, read, "records read");
                assertEquals(model.head, ring.consumerPosition(), "head position");
            }
            else
            {
                handler.start(ring.consumerPosition(), op.limit(), op.seed());
                final int read = ring.controlledRead(controlled, op.limit());
                handler.finish();
                assertEquals(handler.count, read, "records consumed");
                assertEquals(model.head, ring.consumerPosition(), "head position");
            }
        }
        drain(ring, model, handler);
    }

    private static void drain(final RingUnderTest ring, final Model model, final ModelHandler handler)
    {
        for (int i = 0; i < 4 * model.capacity; i++)
        {
            handler.start(ring.consumerPosition(), Integer.MAX_VALUE, 0);
            final long before = ring.consumerPosition();
            final int read = ring.read(handler, Integer.MAX_VALUE);
            handler.finish();
            assertEquals(handler.count, read);
            if (0 == read && before == ring.consumerPosition())
            {
                break;
            }
        }
        assertEquals(0, model.messages, "messages the ring lost: " + Arrays.toString(model.entries.toArray()));
        assertFalse(model.entries.stream().anyMatch(Entry::isMessage));
        assertEquals(model.tail, model.head);
        assertEquals(model.tail, ring.consumerPosition());
    }
}
