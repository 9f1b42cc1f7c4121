package io.bastion.ringbuffer;

import io.bastion.ringbuffer.RingTestSupport.FakeClock;
import io.bastion.ringbuffer.RingTestSupport.Received;
import io.bastion.ringbuffer.RingTestSupport.Recorder;
import org.agrona.concurrent.AtomicBuffer;

import java.util.ArrayList;
import java.util.List;

import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_REGION_LENGTH;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.producerRegionLength;
import static io.bastion.ringbuffer.RecordDescriptor.HEADER_LENGTH;
import static io.bastion.ringbuffer.RingTestSupport.payload;
import static io.bastion.ringbuffer.RingTestSupport.samePayload;
import static io.bastion.ringbuffer.RingTestSupport.wrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fan-out ring under test: one producer region, a fake clock, the producer, numbered records whose length and type
 * follow from their sequence number, and subscribers that each remember which record they must read next.
 */
final class FanOutFixture
{
    final int capacity;
    final FakeClock clock = new FakeClock(1_000);
    final AtomicBuffer producerRegion;
    final OneToManyRingProducer producer;
    /** The tail after each record published: element i is where record i ends. */
    final List<Long> publishedTails = new ArrayList<>();
    private final int fixedLength;

    /**
     * A ring whose records all carry {@code fixedLength} bytes, or lengths varying by sequence when it is negative.
     */
    FanOutFixture(final int capacity, final int maxConsumers, final FanOutPolicy policy, final int fixedLength)
    {
        this.capacity = capacity;
        this.fixedLength = fixedLength;
        this.producerRegion = RingTestSupport.newBuffer(producerRegionLength(capacity));
        this.producer = new OneToManyRingProducer(producerRegion, maxConsumers, policy, clock);
    }

    int lengthOf(final long seq)
    {
        return fixedLength >= 0 ? fixedLength : (int)((seq * 37) % (producer.maxPayloadLength() + 1));
    }

    static int typeOf(final long seq)
    {
        return 1 + (int)(seq % 1000);
    }

    /** Records written so far: the next one's sequence number. */
    long written()
    {
        return publishedTails.size();
    }

    /**
     * Write the next record.
     *
     * @return the producer's result.
     */
    long write()
    {
        final long seq = written();
        final int length = lengthOf(seq);
        final long result = producer.write(typeOf(seq), wrap(payload(seq, length)), 0, length);
        if (result > 0)
        {
            publishedTails.add(result);
            assertEquals(0L, producerRegion.getLongVolatile((int)result & (capacity - 1)),
                "the header word after the record is zeroed");
        }
        return result;
    }

    /**
     * Claim the next record, write its payload in place and commit it, or abort it.
     *
     * @return the producer's result.
     */
    long claim(final RingClaim claim, final boolean commit)
    {
        final long seq = written();
        final int length = lengthOf(seq);
        final long result = producer.tryClaim(typeOf(seq), length, claim);
        if (result > 0)
        {
            claim.buffer().putBytes(claim.offset(), payload(seq, length));
            if (commit)
            {
                assertTrue(claim.commit());
                publishedTails.add(result);
                assertEquals(0L, producerRegion.getLongVolatile((int)result & (capacity - 1)),
                    "the header word after the record is zeroed");
            }
            else
            {
                claim.abort();
            }
        }
        return result;
    }

    void writeOrFail(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            assertTrue(write() > 0, "record " + written() + " back-pressured");
        }
    }

    Subscriber attach()
    {
        final AtomicBuffer region = RingTestSupport.newBuffer(CONSUMER_REGION_LENGTH);
        final int slot = producer.attach(region);
        assertTrue(slot >= 0, "no free slot");
        return new Subscriber(region, slot, written());
    }

    /**
     * One consumer of the ring: its region, its slot, and the sequence number of the next record it must read.
     */
    final class Subscriber
    {
        final AtomicBuffer region;
        final int slot;
        final Recorder recorder = new Recorder(capacity, HEADER_LENGTH);
        /** The first record this subscriber must read: the first written after it was attached. */
        final long firstSeq;
        OneToOneRingConsumer consumer;
        long nextSeq;

        Subscriber(final AtomicBuffer region, final int slot, final long firstSeq)
        {
            this.region = region;
            this.slot = slot;
            this.firstSeq = firstSeq;
            this.nextSeq = firstSeq;
        }

        /**
         * Start the consumer at the producer's join position, as a broker would.
         */
        Subscriber start()
        {
            consumer = new OneToOneRingConsumer(producerRegion, region, clock, producer.joinPosition(slot));
            return this;
        }

        /**
         * Read up to {@code limit} records and check each is the next one published, byte-exact.
         */
        int read(final int limit)
        {
            final int read = consumer.read(recorder, limit);
            assertTrue(read >= 0, "consumer faulted: " + consumer.fault());
            for (final Received received : recorder.records)
            {
                final long seq = nextSeq++;
                assertTrue(samePayload(received, seq, typeOf(seq), lengthOf(seq)),
                    "slot " + slot + " read " + received + " where record " + seq + " was due");
            }
            recorder.records.clear();
            return read;
        }

        void drain()
        {
            while (read(Integer.MAX_VALUE) > 0)
            {
                // Until nothing is left.
            }
            assertEquals(written(), nextSeq, "slot " + slot + " missed records");
        }

        void beat()
        {
            consumer.consumerHeartbeat();
        }

        void head(final long value)
        {
            region.putLongVolatile(HEAD_POSITION_OFFSET, value);
        }

        long headWord()
        {
            return region.getLongVolatile(HEAD_POSITION_OFFSET);
        }
    }
}
