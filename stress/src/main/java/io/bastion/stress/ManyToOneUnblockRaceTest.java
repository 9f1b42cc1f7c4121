package io.bastion.stress;

import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.RingClaim;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A late commit races the consumer's unblock of the same claim. r1 is 1 if the commit succeeded, r2 1
 * if the unblock turned the claim into padding, r3 the number of records the consumer then reads, r4
 * 1 if every record read was intact. Whatever the interleaving, a record the producer was told is
 * committed is read exactly once and intact, and a record it was told is lost is never read.
 * <p>
 * A commit that found no unblock announced publishes with a plain release store (see
 * {@link ManyToOneRing}); when the consumer's unblock lands between that check and the store, the
 * store then overwrites the padding and revives the record: both report success and the record is
 * read, once and intact. The consumer's duty cycle unblocks through {@code unblockIfStuck()}, which
 * announces first and waits a grace, so there only a producer descheduled inside that window can meet
 * this outcome; the test calls {@code unblock()} directly to make the race happen.
 */
@JCStressTest
@Outcome(id = "1, 0, 1, 1", expect = ACCEPTABLE, desc = "The commit won: the record is read, intact")
@Outcome(id = "0, 1, 0, 1", expect = ACCEPTABLE, desc = "The unblock won: the commit reports the loss")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE_INTERESTING,
    desc = "The commit's store landed on the padding: the record is read once, intact")
@Outcome(id = "1, 1, 0, .*", expect = FORBIDDEN, desc = "Committed, yet padded and never read")
@Outcome(id = "0, 0, .*", expect = FORBIDDEN, desc = "Neither won")
@Outcome(id = "1, 0, 0, .*", expect = FORBIDDEN, desc = "Committed but never read")
@Outcome(id = "0, 1, 1, .*", expect = FORBIDDEN, desc = "Unblocked but still read")
@Outcome(id = ".*, 0", expect = FORBIDDEN, desc = "A torn record was read")
@State
public class ManyToOneUnblockRaceTest
{
    private final ManyToOneRing ring = StressRings.manyToOne();
    private final RingClaim claim = new RingClaim();

    /**
     * Claims a record and writes its payload; the commit is left to the actor.
     */
    public ManyToOneUnblockRaceTest()
    {
        ring.tryClaim(StressRings.TYPE_ID, StressRings.PAYLOAD_LENGTH, claim);
        claim.buffer().putLong(claim.offset(), StressRings.FIRST_WORD);
        claim.buffer().putLong(claim.offset() + 8, StressRings.SECOND_WORD);
    }

    /**
     * The stalled producer commits late.
     *
     * @param r the outcome.
     */
    @Actor
    public void producer(final IIII_Result r)
    {
        r.r1 = claim.commit() ? 1 : 0;
    }

    /**
     * The consumer unblocks.
     *
     * @param r the outcome.
     */
    @Actor
    public void consumer(final IIII_Result r)
    {
        r.r2 = ring.unblock() ? 1 : 0;
    }

    /**
     * Reads what the ring holds afterwards.
     *
     * @param r the outcome.
     */
    @Arbiter
    public void arbiter(final IIII_Result r)
    {
        r.r4 = 1;
        r.r3 = ring.read(
            (typeId, buffer, offset, length) -> r.r4 &= StressRings.checkPayload(typeId, buffer, offset, length), 10);
    }
}
