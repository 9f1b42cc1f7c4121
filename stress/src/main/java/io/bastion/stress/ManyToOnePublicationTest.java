package io.bastion.stress;

import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.RingClaim;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Many-to-one ring: a record the consumer sees as committed (its stamped state word) carries the
 * payload written in place with plain stores before the commit. r1 is the number of records read,
 * r2 whether every record read had its full payload.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Not yet committed")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Committed and fully visible")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "Committed but the payload is torn")
@State
public class ManyToOnePublicationTest
{
    private final ManyToOneRing ring = StressRings.manyToOne();
    private final RingClaim claim = new RingClaim();

    /**
     * Claims, writes the payload with plain stores, commits.
     */
    @Actor
    public void producer()
    {
        if (ring.tryClaim(StressRings.TYPE_ID, StressRings.PAYLOAD_LENGTH, claim) > 0)
        {
            claim.buffer().putLong(claim.offset(), StressRings.FIRST_WORD);
            claim.buffer().putLong(claim.offset() + 8, StressRings.SECOND_WORD);
            claim.commit();
        }
    }

    /**
     * Reads whatever is committed and checks it.
     *
     * @param r the outcome.
     */
    @Actor
    public void consumer(final II_Result r)
    {
        r.r2 = 1;
        r.r1 = ring.read(
            (typeId, buffer, offset, length) -> r.r2 &= StressRings.checkPayload(typeId, buffer, offset, length), 10);
    }
}
