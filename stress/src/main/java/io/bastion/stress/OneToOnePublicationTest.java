package io.bastion.stress;

import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RingClaim;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * One-to-one ring: a record the consumer sees as published (its header word is set) carries the
 * payload the producer wrote in place with plain stores before committing. r1 is the number of
 * records read, r2 whether every record read had its full payload.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Not yet published")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Published and fully visible")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "Published but the payload is torn")
@State
public class OneToOnePublicationTest
{
    private final UnsafeBuffer producerRegion = StressRings.producerRegion();
    private final UnsafeBuffer consumerRegion = StressRings.consumerRegion();
    private final OneToOneRingProducer producer = new OneToOneRingProducer(producerRegion, consumerRegion, () -> 0L);
    private final OneToOneRingConsumer consumer = new OneToOneRingConsumer(producerRegion, consumerRegion, () -> 0L);
    private final RingClaim claim = new RingClaim();

    /**
     * Claims, writes the payload with plain stores, commits.
     */
    @Actor
    public void producer()
    {
        if (producer.tryClaim(StressRings.TYPE_ID, StressRings.PAYLOAD_LENGTH, claim) > 0)
        {
            claim.buffer().putLong(claim.offset(), StressRings.FIRST_WORD);
            claim.buffer().putLong(claim.offset() + 8, StressRings.SECOND_WORD);
            claim.commit();
        }
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
