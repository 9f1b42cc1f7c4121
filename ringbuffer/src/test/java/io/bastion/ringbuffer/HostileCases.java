package io.bastion.ringbuffer;

import io.bastion.ringbuffer.ControlledRecordHandler.Action;
import io.bastion.ringbuffer.RingTestSupport.FakeClock;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.SplittableRandom;

import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_REGION_LENGTH;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.TAIL_POSITION_OFFSET;

/**
 * Randomised hostile-writer cases against both rings, shared by {@link HostileWriterTest} and the
 * child-JVM poller. A case builds a ring, runs some correct traffic, scribbles on the shared words
 * the way a hostile peer could, then polls and writes. Every check failure throws an
 * {@link AssertionError} naming the case's seed.
 */
final class HostileCases
{
    static final int[] TARGET_LENGTHS = {
        0, -1, -8, -16, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MIN_VALUE + 7, 1, 2, 3, 4, 5, 6, 7, 8, 9,
        12, 15, 16, 17, 23, Integer.MAX_VALUE, Integer.MAX_VALUE - 7, 1 << 29, 1 << 30, (1 << 30) - 1,
        (1 << 30) | 3, (1 << 30) | 8, (1 << 30) | 16, (1 << 30) | 0x3FFF_FFF8, 0x3FFF_FFFF, -(1 << 30)};
    static final int[] TARGET_TYPES = {0, -1, -2, Integer.MIN_VALUE, 1, 2, Integer.MAX_VALUE};

    /**
     * What the cases saw, for the summary.
     */
    static final class Stats
    {
        long cases;
        long polls;
        long records;
        long corruptOneToOne;
        long corruptManyToOne;
        long producerFaults;

        @Override
        public String toString()
        {
            return "cases=" + cases + " polls=" + polls + " records=" + records + " corruptOneToOne=" +
                corruptOneToOne + " corruptManyToOne=" + corruptManyToOne + " producerFaults=" + producerFaults;
        }
    }

    private HostileCases()
    {
    }

    /**
     * A handler that checks every record it is handed lies inside the records area, and counts calls.
     */
    static final class CheckingHandler implements RecordHandler
    {
        final int capacity;
        final int headerLength;
        SplittableRandom random;
        long seed;
        int calls;
        int aborts;

        CheckingHandler(final int capacity, final int headerLength)
        {
            this.capacity = capacity;
            this.headerLength = headerLength;
        }

        @Override
        public void onRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            check(typeId, buffer, offset, length);
        }

        private void check(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            calls++;
            if (typeId < RecordDescriptor.MIN_TYPE_ID || offset < headerLength || length < 0 ||
                (long)offset + length > capacity || ((offset - headerLength) & 7) != 0)
            {
                throw new AssertionError("seed " + seed + ": record outside the records area: type=" + typeId +
                    " offset=" + offset + " length=" + length + " capacity=" + capacity);
            }
            if (length > 0)
            {
                // Touch both ends: with bounds checks off, an out-of-range pair would read foreign memory.
                buffer.getByte(offset);
                buffer.getByte(offset + length - 1);
            }
        }

        Action controlledOnRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            check(typeId, buffer, offset, length);
            final int pick = random.nextInt(8);
            if (0 == pick)
            {
                aborts++;
                return Action.ABORT;
            }
            return 1 == pick ? Action.BREAK : 2 == pick ? Action.COMMIT : Action.CONTINUE;
        }
    }

    static void fail(final long seed, final String message)
    {
        throw new AssertionError("seed " + seed + ": " + message);
    }

    static long pick(final SplittableRandom random, final long[] values)
    {
        return values[random.nextInt(values.length)];
    }

    static int pick(final SplittableRandom random, final int[] values)
    {
        return values[random.nextInt(values.length)];
    }

    /**
     * A word a hostile writer would try: near a reference position, far off, misaligned or extreme.
     */
    static long hostilePosition(final SplittableRandom random, final long reference, final int capacity)
    {
        switch (random.nextInt(12))
        {
            case 0:
                return reference + capacity + 8;
            case 1:
                return reference - 8;
            case 2:
                return reference + 1 + random.nextInt(7);
            case 3:
                return Long.MAX_VALUE;
            case 4:
                return Long.MIN_VALUE;
            case 5:
                return -1;
            case 6:
                return 0;
            case 7:
                return reference + 8L * random.nextInt(1 + capacity / 4);
            case 8:
                return reference - 8L * random.nextInt(1 + capacity / 4);
            case 9:
                return reference + 2L * capacity;
            case 10:
                return random.nextLong();
            default:
                return reference + capacity;
        }
    }

    static void checkUnchanged(final long seed, final AtomicBuffer buffer, final int from, final byte[] before,
        final byte[] scratch, final String what)
    {
        buffer.getBytes(from, scratch, 0, scratch.length);
        if (!Arrays.equals(before, scratch))
        {
            fail(seed, what + " was written");
        }
    }

    /**
     * Hostile cases against a one-to-one ring of one capacity.
     */
    static final class OneToOne
    {
        final int capacity;
        final AtomicBuffer producerRegion;
        final AtomicBuffer consumerRegion;
        final FakeClock clock = new FakeClock(1_000_000);
        final CheckingHandler handler;
        final ControlledRecordHandler controlled;
        final UnsafeBuffer src = new UnsafeBuffer(new byte[1 << 16]);
        final byte[] producerSnapshot;
        final byte[] producerScratch;
        final byte[] consumerSnapshot = new byte[CONSUMER_REGION_LENGTH];
        final byte[] consumerScratch = new byte[CONSUMER_REGION_LENGTH];
        OneToOneRingProducer producer;
        OneToOneRingConsumer consumer;
        long seed;

        OneToOne(final int capacity)
        {
            this.capacity = capacity;
            this.producerRegion = RingTestSupport.newBuffer(OneToOneRingDescriptor.producerRegionLength(capacity));
            this.consumerRegion = RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH);
            this.handler = new CheckingHandler(capacity, RecordDescriptor.HEADER_LENGTH);
            this.controlled = handler::controlledOnRecord;
            this.producerSnapshot = new byte[producerRegion.capacity()];
            this.producerScratch = new byte[producerRegion.capacity()];
        }

        void runCase(final long seed, final int polls, final Stats stats)
        {
            this.seed = seed;
            handler.seed = seed;
            final SplittableRandom random = new SplittableRandom(seed);
            handler.random = random;
            producerRegion.setMemory(0, producerRegion.capacity(), (byte)0);
            consumerRegion.setMemory(0, CONSUMER_REGION_LENGTH, (byte)0);
            producer = new OneToOneRingProducer(producerRegion, consumerRegion, clock);
            consumer = new OneToOneRingConsumer(producerRegion, consumerRegion, clock);

            final int warmUp = random.nextInt(3 * capacity / 16 + 1);
            for (int i = 0; i < warmUp; i++)
            {
                if (random.nextInt(3) != 0)
                {
                    write(random);
                }
                else
                {
                    read(random);
                }
            }
            final int scribbles = 1 + random.nextInt(3);
            for (int i = 0; i < scribbles; i++)
            {
                scribble(random);
            }
            for (int i = 0; i < polls; i++)
            {
                final int op = random.nextInt(16);
                if (op < 10)
                {
                    read(random);
                }
                else if (op < 12)
                {
                    controlledRead(random);
                }
                else if (op < 15)
                {
                    write(random);
                }
                else
                {
                    scribble(random);
                }
                stats.polls++;
            }
            stats.cases++;
            if (RingFault.NONE != consumer.fault())
            {
                stats.corruptOneToOne++;
            }
            if (RingFault.NONE != producer.fault())
            {
                stats.producerFaults++;
            }
            stats.records += handler.calls;
            handler.calls = 0;
        }

        private void read(final SplittableRandom random)
        {
            final int limit = random.nextInt(4) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(16);
            final RingFault before = consumer.fault();
            producerRegion.getBytes(0, producerSnapshot);
            final int callsBefore = handler.calls;
            final int result = consumer.read(handler, limit);
            final int calls = handler.calls - callsBefore;
            checkUnchanged(seed, producerRegion, 0, producerSnapshot, producerScratch, "producer region by read");
            checkConsumerResult(result, calls, calls, limit, before);
        }

        private void controlledRead(final SplittableRandom random)
        {
            final int limit = 1 + random.nextInt(16);
            final RingFault before = consumer.fault();
            final int callsBefore = handler.calls;
            final int abortsBefore = handler.aborts;
            final int result = consumer.controlledRead(controlled, limit);
            final int calls = handler.calls - callsBefore;
            final int consumed = calls - (handler.aborts - abortsBefore);
            checkConsumerResult(result, calls, consumed, limit, before);
        }

        private void checkConsumerResult(
            final int result, final int calls, final int consumed, final int limit, final RingFault before)
        {
            if (calls > limit || calls > capacity / RecordDescriptor.HEADER_LENGTH)
            {
                fail(seed, "handler called " + calls + " times for limit " + limit);
            }
            if (RingFault.NONE != before && (result != RingStatus.CORRUPT || calls != 0 ||
                consumer.fault() != before))
            {
                fail(seed, "faulted consumer read again: result " + result + " calls " + calls);
            }
            if (result == RingStatus.CORRUPT)
            {
                if (RingFault.NONE == consumer.fault() || calls != 0)
                {
                    fail(seed, "CORRUPT without a fault, or after handing out records");
                }
            }
            else if (result < 0 || result != consumed)
            {
                fail(seed, "read returned " + result + " but consumed " + consumed);
            }
        }

        private void write(final SplittableRandom random)
        {
            final int length = random.nextInt(producer.maxPayloadLength() + 1);
            final RingFault before = producer.fault();
            consumerRegion.getBytes(0, consumerSnapshot);
            final long heartbeat = producerRegion.getLong(capacity + PRODUCER_HEARTBEAT_OFFSET);
            final long result = producer.write(1 + random.nextInt(1000), src, 0, length);
            checkUnchanged(seed, consumerRegion, 0, consumerSnapshot, consumerScratch, "consumer region by write");
            if (heartbeat != producerRegion.getLong(capacity + PRODUCER_HEARTBEAT_OFFSET))
            {
                fail(seed, "producer heartbeat overwritten by a write");
            }
            if (RingFault.NONE != before && (result != RingStatus.CORRUPT || producer.fault() != before))
            {
                fail(seed, "faulted producer wrote again: " + result);
            }
            if (result < 0 && result != RingStatus.BACK_PRESSURED && result != RingStatus.CORRUPT)
            {
                fail(seed, "write returned " + result);
            }
            if ((result == RingStatus.CORRUPT) == (RingFault.NONE == producer.fault()))
            {
                fail(seed, "write returned " + result + " with fault " + producer.fault());
            }
        }

        private void scribble(final SplittableRandom random)
        {
            final long head = consumer.position();
            final long tail = producerRegion.getLongVolatile(capacity + TAIL_POSITION_OFFSET);
            switch (random.nextInt(9))
            {
                case 0:
                    producerRegion.putLong(8 * random.nextInt(capacity / 8), random.nextLong());
                    break;
                case 1:
                    producerRegion.putByte(random.nextInt(capacity), (byte)random.nextInt());
                    break;
                case 2:
                case 3:
                    scribbleHeader(random, head, tail);
                    break;
                case 4:
                case 5:
                    producerRegion.putLongRelease(capacity + TAIL_POSITION_OFFSET,
                        hostilePosition(random, random.nextBoolean() ? head : tail, capacity));
                    break;
                case 6:
                    consumerRegion.putLongRelease(HEAD_POSITION_OFFSET,
                        hostilePosition(random, random.nextBoolean() ? head : tail, capacity));
                    break;
                case 7:
                    producerRegion.putLong(capacity + PRODUCER_HEARTBEAT_OFFSET, random.nextLong());
                    consumerRegion.putLong(CONSUMER_HEARTBEAT_OFFSET, random.nextLong());
                    consumer.isProducerAlive(random.nextInt(1000));
                    producer.isConsumerAlive(random.nextInt(1000));
                    break;
                default:
                    producerRegion.putLong(capacity + 8 * random.nextInt(32), random.nextLong());
                    break;
            }
        }

        private void scribbleHeader(final SplittableRandom random, final long head, final long tail)
        {
            // A header at the head, or at a record boundary a little further, with a targeted value.
            final int index = (int)(head + 8L * random.nextInt(1 + (int)Math.max(0, Math.min(tail - head,
                capacity) / 8))) & (capacity - 1);
            final int toEnd = capacity - index;
            final int length;
            switch (random.nextInt(4))
            {
                case 0:
                    length = toEnd + 8 * random.nextInt(4);
                    break;
                case 1:
                    length = (int)Math.max(8, tail - head) + 8;
                    break;
                default:
                    length = pick(random, TARGET_LENGTHS);
                    break;
            }
            final int type = random.nextInt(3) == 0 ? RecordDescriptor.PADDING_TYPE_ID : pick(random, TARGET_TYPES);
            producerRegion.putLong(index, RecordDescriptor.header(length, type));
        }
    }

    /**
     * Hostile cases against a many-to-one ring of one capacity.
     */
    static final class ManyToOne
    {
        static final long UNBLOCK_TIMEOUT_MS = 100;

        final int capacity;
        final AtomicBuffer region;
        final FakeClock clock = new FakeClock(1_000_000);
        final CheckingHandler handler;
        final ControlledRecordHandler controlled;
        final UnsafeBuffer src = new UnsafeBuffer(new byte[1 << 16]);
        final RingClaim claim = new RingClaim();
        final int tailOffset;
        final int headOffset;
        ManyToOneRing ring;
        long seed;

        ManyToOne(final int capacity)
        {
            this.capacity = capacity;
            this.region = RingTestSupport.newBuffer(ManyToOneRingDescriptor.regionLength(capacity));
            this.handler = new CheckingHandler(capacity, ManyToOneRecordDescriptor.HEADER_LENGTH);
            this.controlled = handler::controlledOnRecord;
            this.tailOffset = capacity + ManyToOneRingDescriptor.TAIL_POSITION_OFFSET;
            this.headOffset = capacity + ManyToOneRingDescriptor.HEAD_POSITION_OFFSET;
        }

        void runCase(final long seed, final int polls, final Stats stats)
        {
            this.seed = seed;
            handler.seed = seed;
            final SplittableRandom random = new SplittableRandom(seed);
            handler.random = random;
            region.setMemory(0, region.capacity(), (byte)0);
            ring = new ManyToOneRing(region, clock, UNBLOCK_TIMEOUT_MS);
            if (claim.isActive())
            {
                claim.abort();
            }

            final int warmUp = random.nextInt(3 * capacity / 24 + 1);
            for (int i = 0; i < warmUp; i++)
            {
                final int op = random.nextInt(6);
                if (op < 3)
                {
                    write(random);
                }
                else if (op < 5)
                {
                    read(random);
                }
                else
                {
                    claim(random);
                }
            }
            final int scribbles = 1 + random.nextInt(3);
            for (int i = 0; i < scribbles; i++)
            {
                scribble(random);
            }
            for (int i = 0; i < polls; i++)
            {
                poll(random);
                stats.polls++;
            }
            stats.cases++;
            if (RingFault.NONE != ring.fault())
            {
                stats.corruptManyToOne++;
            }
            stats.records += handler.calls;
            handler.calls = 0;
        }

        private void poll(final SplittableRandom random)
        {
            final int op = random.nextInt(20);
            if (op < 9)
            {
                read(random);
            }
            else if (op < 11)
            {
                controlledRead(random);
            }
            else if (op < 14)
            {
                write(random);
            }
            else if (op < 15)
            {
                claim(random);
            }
            else if (op < 16)
            {
                final RingFault before = ring.fault();
                if (ring.unblock() && RingFault.NONE != before)
                {
                    fail(seed, "a faulted ring unblocked");
                }
            }
            else if (op < 18)
            {
                clock.nowMs += random.nextInt((int)(3 * UNBLOCK_TIMEOUT_MS));
                final RingFault before = ring.fault();
                if (ring.unblockIfStuck() && RingFault.NONE != before)
                {
                    fail(seed, "a faulted ring unblocked");
                }
            }
            else
            {
                scribble(random);
            }
        }

        private void read(final SplittableRandom random)
        {
            final int limit = random.nextInt(4) == 0 ? Integer.MAX_VALUE : 1 + random.nextInt(16);
            final RingFault before = ring.fault();
            final int callsBefore = handler.calls;
            final int result = ring.read(handler, limit);
            final int calls = handler.calls - callsBefore;
            checkConsumerResult(result, calls, calls, limit, before);
        }

        private void controlledRead(final SplittableRandom random)
        {
            final int limit = 1 + random.nextInt(16);
            final RingFault before = ring.fault();
            final int callsBefore = handler.calls;
            final int abortsBefore = handler.aborts;
            final int result = ring.controlledRead(controlled, limit);
            final int calls = handler.calls - callsBefore;
            checkConsumerResult(result, calls, calls - (handler.aborts - abortsBefore), limit, before);
        }

        private void checkConsumerResult(
            final int result, final int calls, final int consumed, final int limit, final RingFault before)
        {
            if (calls > limit || calls > capacity / ManyToOneRecordDescriptor.HEADER_LENGTH)
            {
                fail(seed, "handler called " + calls + " times for limit " + limit);
            }
            if (RingFault.NONE != before && (result != RingStatus.CORRUPT || calls != 0 || ring.fault() != before))
            {
                fail(seed, "faulted ring read again: result " + result + " calls " + calls);
            }
            if (result == RingStatus.CORRUPT)
            {
                if (RingFault.NONE == ring.fault() || calls != 0)
                {
                    fail(seed, "CORRUPT without a fault, or after handing out records");
                }
            }
            else if (result < 0 || result != consumed)
            {
                fail(seed, "read returned " + result + " but consumed " + consumed);
            }
        }

        private void write(final SplittableRandom random)
        {
            final int length = random.nextInt(ring.maxPayloadLength() + 1);
            final RingFault before = ring.fault();
            final long head = region.getLong(headOffset);
            final long consumerHeartbeat = region.getLong(capacity + ManyToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET);
            final long result = ring.write(1 + random.nextInt(1000), src, 0, length);
            if (head != region.getLong(headOffset) ||
                consumerHeartbeat != region.getLong(capacity + ManyToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET))
            {
                fail(seed, "a producer wrote the consumer's words");
            }
            checkProducerResult(result, before);
        }

        private void claim(final SplittableRandom random)
        {
            if (claim.isActive())
            {
                if (random.nextBoolean())
                {
                    claim.commit();
                }
                else
                {
                    claim.abort();
                }
                return;
            }
            final RingFault before = ring.fault();
            final long result = ring.tryClaim(1 + random.nextInt(1000), random.nextInt(ring.maxPayloadLength() + 1),
                claim);
            checkProducerResult(result, before);
            if (result >= 0 && random.nextInt(3) != 0)
            {
                if (random.nextBoolean())
                {
                    claim.commit();
                }
                else
                {
                    claim.abort();
                }
            }
        }

        private void checkProducerResult(final long result, final RingFault before)
        {
            if (RingFault.NONE != before && (result != RingStatus.CORRUPT || ring.fault() != before))
            {
                fail(seed, "faulted ring accepted a write: " + result);
            }
            if (result < 0 && result != RingStatus.BACK_PRESSURED && result != RingStatus.CORRUPT)
            {
                fail(seed, "write returned " + result);
            }
            if ((result == RingStatus.CORRUPT) == (RingFault.NONE == ring.fault()))
            {
                fail(seed, "write returned " + result + " with fault " + ring.fault());
            }
        }

        private void scribble(final SplittableRandom random)
        {
            final long head = ring.consumerPosition();
            final long tail = region.getLongVolatile(tailOffset);
            switch (random.nextInt(11))
            {
                case 0:
                    region.putLong(8 * random.nextInt(capacity / 8), random.nextLong());
                    break;
                case 1:
                    region.putByte(random.nextInt(capacity), (byte)random.nextInt());
                    break;
                case 2:
                case 3:
                case 4:
                case 5:
                    scribbleState(random, head, tail);
                    break;
                case 6:
                    region.putLongRelease(tailOffset, hostilePosition(random, random.nextBoolean() ? head : tail,
                        capacity));
                    break;
                case 7:
                    region.putLongRelease(headOffset, hostilePosition(random, random.nextBoolean() ? head : tail,
                        capacity));
                    break;
                case 8:
                    region.putLongRelease(capacity + ManyToOneRingDescriptor.HEAD_CACHE_POSITION_OFFSET,
                        hostilePosition(random, random.nextBoolean() ? head : tail, capacity));
                    break;
                case 9:
                    region.putLong(capacity + ManyToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET, random.nextLong());
                    region.putLong(capacity + ManyToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET, random.nextLong());
                    region.putLong(capacity + ManyToOneRingDescriptor.UNBLOCK_COUNT_OFFSET, random.nextLong());
                    ring.isProducerAlive(random.nextInt(1000));
                    ring.isConsumerAlive(random.nextInt(1000));
                    break;
                default:
                    region.putLong(capacity + 8 * random.nextInt(ManyToOneRingDescriptor.TRAILER_LENGTH / 8),
                        random.nextLong());
                    break;
            }
        }

        /**
         * A state word stamped for the position it sits at (so the consumer takes it seriously), with a
         * targeted length field and type; sometimes a stuck claim with a hostile length, for unblock.
         */
        private void scribbleState(final SplittableRandom random, final long head, final long tail)
        {
            final long position = head + 8L * random.nextInt(1 + (int)Math.max(0, Math.min(tail - head,
                capacity) / 8));
            final int index = (int)position & (capacity - 1);
            final int toEnd = capacity - index;
            final int lengthField;
            switch (random.nextInt(5))
            {
                case 0:
                    lengthField = toEnd + 8 * random.nextInt(4) | (random.nextBoolean() ? 0 : 1 << 30);
                    break;
                case 1:
                    lengthField = -(toEnd + 8 * random.nextInt(4));
                    break;
                default:
                    lengthField = pick(random, TARGET_LENGTHS);
                    break;
            }
            // The second int of the state word: type (high 16 bits) and stamp (low 16), or any bits at all.
            final int typeAndStamp = random.nextInt(8) == 0 ? random.nextInt() :
                pick(random, TARGET_TYPES) << 16 | ManyToOneRecordDescriptor.stamp(position, capacity);
            region.putLongRelease(index, RecordDescriptor.header(lengthField, typeAndStamp));
        }
    }
}
