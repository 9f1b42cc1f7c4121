package io.bastion.bench.latency;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The pinger's measuring loop: one ping in flight at a time, each carrying a sequence number in its first eight
 * bytes, which the echo must bring back unchanged and in order (anything else fails the run).
 * <p>
 * Each round trip is recorded from the ping's <em>intended</em> send time, so that a stall is charged to every ping
 * it delays and not only to the one it hit (no coordinated omission). At a fixed rate the intended time of round
 * {@code i} is {@code start + i * interval}: a ping that leaves late, because the one before came back late, is
 * charged the lateness. Flat out there is no schedule and the intended time is the actual send time.
 * <p>
 * Not thread safe: one thread. {@link #run} allocates nothing (the histogram is sized up front and its values capped
 * at {@link #HIGHEST_TRACKABLE_NS}) and never logs.
 */
public final class PingLoop implements MessageSink
{
    /** The longest round trip a histogram tracks; longer ones are recorded as this. */
    public static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(10);
    /** Significant digits the histograms keep. */
    public static final int SIGNIFICANT_DIGITS = 3;
    /** Bytes of the sequence number at the start of every message: the smallest message the loop sends. */
    public static final int MIN_LENGTH = Long.BYTES;
    /** How often the loop runs the transport's housekeeping ({@link Duplex#doWork()}). */
    public static final long DUTY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final int CLOCK_CHECK_MASK = 1023;

    private final Duplex duplex;
    private final NanoClock clock;
    private final IdleStrategy idle;
    private final long stallTimeoutNs;
    private final UnsafeBuffer buffer;
    private long nextSequence = 1;
    private long lastDutyNs;
    private boolean echoed;
    private long echoedSequence;
    private int echoedLength;

    /**
     * A loop over one transport.
     *
     * @param duplex         the pinger's side of the transport.
     * @param clock          the clock round trips are measured with.
     * @param idle           how to wait for the schedule and for an echo.
     * @param maxLength      the longest message the loop will send.
     * @param stallTimeoutNs how long to wait for one echo before failing the run.
     */
    public PingLoop(
        final Duplex duplex, final NanoClock clock, final IdleStrategy idle, final int maxLength,
        final long stallTimeoutNs)
    {
        if (maxLength < MIN_LENGTH)
        {
            throw new IllegalArgumentException("messages carry an 8-byte sequence: maxLength " + maxLength);
        }
        this.duplex = duplex;
        this.clock = clock;
        this.idle = idle;
        this.stallTimeoutNs = stallTimeoutNs;
        this.buffer = new UnsafeBuffer(new byte[maxLength]);
        for (int i = 0; i < maxLength; i++)
        {
            buffer.putByte(i, (byte)i);
        }
        this.lastDutyNs = clock.nanoTime();
    }

    /**
     * A histogram sized for round trips in nanoseconds.
     *
     * @return a new histogram that never resizes.
     */
    public static Histogram newHistogram()
    {
        return new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Run round trips.
     *
     * @param length     bytes of each message, from {@link #MIN_LENGTH} to the loop's maximum.
     * @param rounds     the most round trips to run.
     * @param intervalNs the schedule's interval (a fixed rate), or 0 for flat out.
     * @param durationNs stop once this long has passed since the first round, even if fewer than {@code rounds}
     *                   ran (0 for no limit).
     * @param histogram  receives each round trip in nanoseconds from its intended send time, or null to discard
     *                   them (warm-up).
     * @return the number of round trips run.
     * @throws IllegalStateException if an echo is missing, altered or out of order, or the transport fails.
     */
    public long run(
        final int length, final long rounds, final long intervalNs, final long durationNs, final Histogram histogram)
    {
        if (length < MIN_LENGTH || length > buffer.capacity())
        {
            throw new IllegalArgumentException("length must be from " + MIN_LENGTH + " to " + buffer.capacity());
        }
        final NanoClock clock = this.clock;
        final long startNs = clock.nanoTime();
        long round = 0;
        while (round < rounds)
        {
            final long intendedNs;
            final long nowNs;
            if (intervalNs > 0)
            {
                intendedNs = startNs + round * intervalNs;
                nowNs = awaitSchedule(intendedNs);
            }
            else
            {
                intendedNs = clock.nanoTime();
                nowNs = intendedNs;
            }
            if (durationNs > 0 && nowNs - startNs >= durationNs)
            {
                break;
            }
            final long sequence = nextSequence++;
            send(sequence, length);
            final long receivedNs = awaitEcho(sequence, length);
            if (null != histogram)
            {
                histogram.recordValue(Math.min(receivedNs - intendedNs, HIGHEST_TRACKABLE_NS));
            }
            if (receivedNs - lastDutyNs >= DUTY_INTERVAL_NS)
            {
                duty(receivedNs);
            }
            round++;
        }
        return round;
    }

    private long awaitSchedule(final long intendedNs)
    {
        long nowNs = clock.nanoTime();
        while (nowNs - intendedNs < 0)
        {
            if (nowNs - lastDutyNs >= DUTY_INTERVAL_NS)
            {
                duty(nowNs);
            }
            idle.idle();
            nowNs = clock.nanoTime();
        }
        return nowNs;
    }

    private void send(final long sequence, final int length)
    {
        buffer.putLong(0, sequence);
        long spins = 0;
        long sinceNs = 0;
        while (!duplex.offer(buffer, length))
        {
            idle.idle(0);
            if ((++spins & CLOCK_CHECK_MASK) == 0)
            {
                sinceNs = checkStall(sinceNs, sequence, "could not be sent");
            }
        }
        idle.reset();
    }

    private long awaitEcho(final long sequence, final int length)
    {
        echoed = false;
        long spins = 0;
        long sinceNs = 0;
        while (true)
        {
            final int work = duplex.poll(this);
            if (echoed)
            {
                break;
            }
            idle.idle(work);
            if ((++spins & CLOCK_CHECK_MASK) == 0)
            {
                sinceNs = checkStall(sinceNs, sequence, "did not come back");
            }
        }
        final long receivedNs = clock.nanoTime();
        idle.reset();
        if (echoedSequence != sequence || echoedLength != length)
        {
            throw new IllegalStateException("ping " + sequence + " (" + length + " bytes) came back as " +
                echoedSequence + " (" + echoedLength + " bytes)");
        }
        return receivedNs;
    }

    /**
     * Run the housekeeping when due and fail once one message has waited too long.
     */
    private long checkStall(final long sinceNs, final long sequence, final String what)
    {
        final long nowNs = clock.nanoTime();
        if (nowNs - lastDutyNs >= DUTY_INTERVAL_NS)
        {
            duty(nowNs);
        }
        if (0 == sinceNs)
        {
            return nowNs;
        }
        if (nowNs - sinceNs > stallTimeoutNs)
        {
            throw new IllegalStateException("ping " + sequence + " " + what + " within " +
                TimeUnit.NANOSECONDS.toMillis(stallTimeoutNs) + " ms");
        }
        return sinceNs;
    }

    private void duty(final long nowNs)
    {
        duplex.doWork();
        lastDutyNs = nowNs;
    }

    /**
     * Takes an echo: notes its sequence and length for the loop to check.
     *
     * @param buffer holds the echo.
     * @param offset where it starts.
     * @param length its length.
     */
    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        echoedSequence = length >= MIN_LENGTH ? buffer.getLong(offset) : -1;
        echoedLength = length;
        echoed = true;
    }
}
