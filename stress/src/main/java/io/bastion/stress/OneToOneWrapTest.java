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
 * One-to-one ring at the wrap: a record that does not fit before the end goes to the start of the
 * buffer behind a padding record, and the start still holds a well-formed stale record from the
 * previous lap. The padding must be published after the record it leads to, so a consumer that
 * passes the padding never reads the stale record. r1 is the number of records read, r2 whether
 * every record read is one this test's producer wrote.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Nothing published yet")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The wrapped record")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "The stale record behind the padding")
@State
public class OneToOneWrapTest
{
    private final UnsafeBuffer producerRegion = StressRings.producerRegion();
    private final UnsafeBuffer consumerRegion = StressRings.consumerRegion();
    private final OneToOneRingProducer producer = new OneToOneRingProducer(producerRegion, consumerRegion, () -> 0L);
    private final OneToOneRingConsumer consumer = new OneToOneRingConsumer(producerRegion, consumerRegion, () -> 0L);
    private final UnsafeBuffer payload = StressRings.payload();

    /**
     * A lap of stale records, read, leaving too little room before the end for one more.
     */
    public OneToOneWrapTest()
    {
        StressRings.fillStaleLap(producer, consumer, StressRings.STALE_RECORDS_PER_LAP);
    }

    /**
     * Writes the record that wraps.
     */
    @Actor
    public void producer()
    {
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
