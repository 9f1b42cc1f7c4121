package io.bastion.stress;

import io.bastion.ringbuffer.FanOutPolicy;
import io.bastion.ringbuffer.OneToManyRingProducer;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.RecordHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Fan-out ring, two consumers with heads of their own: consumer A reads concurrently with the producer, consumer B
 * sits three records in and does not move. The producer's cached minimum was set when both heads were 0; to publish
 * it must re-read both heads, make room past A's (which races with it) and never past B's. The ring is 256 bytes of
 * 24-byte records, ten written before the actors start, so the next record wraps (padding, then the record at 0), the
 * one after fits behind B's head, and the third would overwrite B's first unread record and zero its header.
 * <p>
 * Each record carries its sequence number and its complement. r1 is how many records the producer published (it
 * tries a few times), r2 whether both consumers, A during the race and both in the arbiter, read every record from
 * their join position in order with its whole payload. A record overwritten before a live consumer read it shows as
 * a gap, a torn payload or a lost record: forbidden.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "No room yet: A had not read far enough when the producer looked")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "The wrapped record, once A read past the padding's span")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "Two records; the third is held back by B")
@Outcome(id = "[0-2], 0", expect = FORBIDDEN, desc = "A consumer read a gap, a torn record or lost one")
@Outcome(id = "[3-9], [01]", expect = FORBIDDEN, desc = "A record past B's head: B's unread record overwritten")
@State
public class FanOutTwoConsumersTest
{
    static final int CAPACITY = 256;
    static final int PAYLOAD_LENGTH = 16;
    static final int PREFILLED = 10;
    static final int B_READ = 3;
    static final int ATTEMPTS = 6;

    private static final EpochClock CLOCK = () -> 1L;

    private final UnsafeBuffer producerRegion = StressRings.producerRegion(CAPACITY);
    private final UnsafeBuffer regionA = StressRings.consumerRegion();
    private final UnsafeBuffer regionB = StressRings.consumerRegion();
    private final OneToManyRingProducer producer =
        new OneToManyRingProducer(producerRegion, 2, FanOutPolicy.blocking(Long.MAX_VALUE), CLOCK);
    private final OneToOneRingConsumer consumerA;
    private final OneToOneRingConsumer consumerB;
    private final Checker checkA = new Checker(1);
    private final Checker checkB = new Checker(1);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
    private long nextSeq = 1;
    private int published;

    /**
     * Attaches both consumers at 0, writes ten records and lets B read three of them.
     */
    public FanOutTwoConsumersTest()
    {
        final int slotA = producer.attach(regionA);
        final int slotB = producer.attach(regionB);
        consumerA = new OneToOneRingConsumer(producerRegion, regionA, CLOCK, producer.joinPosition(slotA));
        consumerB = new OneToOneRingConsumer(producerRegion, regionB, CLOCK, producer.joinPosition(slotB));
        for (int i = 0; i < PREFILLED; i++)
        {
            if (!writeNext())
            {
                throw new IllegalStateException("the prefill did not fit: " + i);
            }
        }
        if (consumerB.read(checkB, B_READ) != B_READ)
        {
            throw new IllegalStateException("B did not read its three records");
        }
    }

    /**
     * Tries to publish more records, a few times each.
     */
    @Actor
    public void producer()
    {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++)
        {
            if (writeNext())
            {
                published++;
            }
        }
    }

    /**
     * Consumer A reads whatever is published, checking each record.
     */
    @Actor
    public void consumerA()
    {
        consumerA.read(checkA, 20);
        consumerA.read(checkA, 20);
    }

    /**
     * Both consumers read the rest; every record published must reach both, whole and in order.
     *
     * @param r the outcome.
     */
    @Arbiter
    public void arbiter(final II_Result r)
    {
        consumerA.read(checkA, 20);
        consumerB.read(checkB, 20);
        final long end = PREFILLED + published + 1;
        r.r1 = published;
        r.r2 = checkA.ok && checkB.ok && end == checkA.expected && end == checkB.expected ? 1 : 0;
    }

    private boolean writeNext()
    {
        payload.putLong(0, nextSeq);
        payload.putLong(8, ~nextSeq);
        if (producer.write(StressRings.TYPE_ID, payload, 0, PAYLOAD_LENGTH) > 0)
        {
            nextSeq++;
            return true;
        }
        return false;
    }

    /**
     * Checks that records arrive whole and numbered one after the other.
     */
    static final class Checker implements RecordHandler
    {
        long expected;
        boolean ok = true;

        Checker(final long first)
        {
            this.expected = first;
        }

        @Override
        public void onRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            final long seq = buffer.getLong(offset);
            final long complement = buffer.getLong(offset + 8);
            if (StressRings.TYPE_ID != typeId || PAYLOAD_LENGTH != length || seq != expected || complement != ~seq)
            {
                ok = false;
            }
            expected++;
        }
    }
}
