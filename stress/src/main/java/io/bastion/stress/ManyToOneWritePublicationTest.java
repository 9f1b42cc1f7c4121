package io.bastion.stress;

import io.bastion.ringbuffer.ManyToOneRing;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Many-to-one ring, copying write: a record seen as committed carries every byte that was copied.
 * r1 is the number of records read, r2 whether every record read had its full payload.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "Not yet committed")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "Committed and fully visible")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "Committed but the payload is torn")
@State
public class ManyToOneWritePublicationTest
{
    private final ManyToOneRing ring = StressRings.manyToOne();
    private final UnsafeBuffer source = new UnsafeBuffer(new byte[StressRings.PAYLOAD_LENGTH]);

    /**
     * Prepares the source payload.
     */
    public ManyToOneWritePublicationTest()
    {
        source.putLong(0, StressRings.FIRST_WORD);
        source.putLong(8, StressRings.SECOND_WORD);
    }

    /**
     * Copies a record in.
     */
    @Actor
    public void producer()
    {
        ring.write(StressRings.TYPE_ID, source, 0, StressRings.PAYLOAD_LENGTH);
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
