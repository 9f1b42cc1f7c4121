package io.bastion.stress;

import io.bastion.ringbuffer.ManyToOneRecordDescriptor;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.ringbuffer.RingClaim;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Two producers claiming at once never get overlapping regions: each writes its own payload into
 * its claim and commits; afterwards the consumer reads two records, each intact. r1 is 1 when the
 * claimed positions are distinct and at least a record apart, r2 the number of intact records read.
 */
@JCStressTest
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "Disjoint claims, both records intact")
@Outcome(id = "0, .*", expect = FORBIDDEN, desc = "Overlapping claims")
@Outcome(id = "1, [01]", expect = FORBIDDEN, desc = "A record lost or torn")
@State
public class ManyToOneDisjointClaimsTest
{
    private static final int FIRST_TYPE = 11;
    private static final int SECOND_TYPE = 12;
    private static final int RECORD_LENGTH =
        RecordDescriptor.align(ManyToOneRecordDescriptor.HEADER_LENGTH + StressRings.PAYLOAD_LENGTH);

    private final ManyToOneRing ring = StressRings.manyToOne();
    private final RingClaim firstClaim = new RingClaim();
    private final RingClaim secondClaim = new RingClaim();
    private long firstEnd;
    private long secondEnd;

    /**
     * First producer.
     */
    @Actor
    public void first()
    {
        firstEnd = ring.tryClaim(FIRST_TYPE, StressRings.PAYLOAD_LENGTH, firstClaim);
        fill(firstClaim, FIRST_TYPE);
        firstClaim.commit();
    }

    /**
     * Second producer.
     */
    @Actor
    public void second()
    {
        secondEnd = ring.tryClaim(SECOND_TYPE, StressRings.PAYLOAD_LENGTH, secondClaim);
        fill(secondClaim, SECOND_TYPE);
        secondClaim.commit();
    }

    /**
     * Checks the positions and reads both records.
     *
     * @param r the outcome.
     */
    @Arbiter
    public void arbiter(final II_Result r)
    {
        final long distance = Math.abs(firstEnd - secondEnd);
        r.r1 = firstEnd > 0 && secondEnd > 0 && distance >= RECORD_LENGTH ? 1 : 0;
        final int[] intact = new int[1];
        ring.read(
            (typeId, buffer, offset, length) ->
            {
                final long expected = typeId;
                if (length == StressRings.PAYLOAD_LENGTH && buffer.getLong(offset) == expected &&
                    buffer.getLong(offset + 8) == ~expected)
                {
                    intact[0]++;
                }
            },
            10);
        r.r2 = intact[0];
    }

    private static void fill(final RingClaim claim, final int typeId)
    {
        claim.buffer().putLong(claim.offset(), typeId);
        claim.buffer().putLong(claim.offset() + 8, ~(long)typeId);
    }
}
