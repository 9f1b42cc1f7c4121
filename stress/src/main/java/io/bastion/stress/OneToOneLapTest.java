package io.bastion.stress;

import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingProducer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * One-to-one ring, a lap on: the consumer polls record headers and cannot clear what it read, so
 * the producer zeroes the header word after each record before it publishes the record. Here the
 * word after the first record holds a well-formed stale record from the previous lap; a consumer
 * that sees the first record must find the second one or nothing there, never the stale one. r1 is
 * the number of records read, r2 whether every record read is one this test's producer wrote.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Nothing published yet")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The first record")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "Both records")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "A stale record")
@Outcome(id = "2, 0", expect = FORBIDDEN, desc = "A stale record after the first one")
@State
public class OneToOneLapTest
{
    private final UnsafeBuffer producerRegion = StressRings.producerRegion();
    private final UnsafeBuffer consumerRegion = StressRings.consumerRegion();
    private final OneToOneRingProducer producer = new OneToOneRingProducer(producerRegion, consumerRegion, () -> 0L);
    private final OneToOneRingConsumer consumer = new OneToOneRingConsumer(producerRegion, consumerRegion, () -> 0L);
    private final UnsafeBuffer payload = StressRings.payload();

    /**
     * A lap of stale records of the same size, read, so that the next two records land on words that
     * held stale headers (the first of them already zeroed).
     */
    public OneToOneLapTest()
    {
        StressRings.fillStaleLap(producer, consumer, StressRings.STALE_RECORDS_PER_LAP + 1);
    }

    /**
     * Writes two records.
     */
    @Actor
    public void producer()
    {
        producer.write(StressRings.TYPE_ID, payload, 0, StressRings.PAYLOAD_LENGTH);
        producer.write(StressRings.TYPE_ID, payload, 0, StressRings.PAYLOAD_LENGTH);
    }

    /**
     * Reads whatever is published and checks it.
     *
     * @param r the outcome.
     */
    @Actor
    public void consumer(final II_Result r)
    {
        r.r2 = 1;
        r.r1 = consumer.read(
            (typeId, buffer, offset, length) -> r.r2 &= StressRings.checkPayload(typeId, buffer, offset, length), 10);
    }
}
