package io.bastion.bench.latency;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The measuring loop on a fake clock and a fake transport: what it records is decided here, exactly, with no
 * real time involved.
 */
class PingLoopTest
{
    private static final long INTERVAL_NS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long ROUND_TRIP_NS = TimeUnit.MICROSECONDS.toNanos(10);
    private static final long STALL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long TICK_NS = 1_000;

    @Test
    void atAFixedRateAStallIsChargedToEveryPingItDelays()
    {
        final FakeClock clock = new FakeClock();
        // Ping 3 of 20 (due at 200 us) takes 1 ms instead of 10 us: pings 4 to 13, due every 100 us until 1.2 ms,
        // leave late, each 90 us less late than the one before.
        final EchoTransport transport = new EchoTransport(clock, 3, STALL_NS);
        final PingLoop loop = new PingLoop(transport, clock, new TickingIdle(clock), 64, STALL_NS * 100);
        final Histogram histogram = PingLoop.newHistogram();

        assertEquals(20, loop.run(64, 20, INTERVAL_NS, 0, histogram));

        assertEquals(20, histogram.getTotalCount());
        assertEquals(histogram.highestEquivalentValue(STALL_NS), histogram.getMaxValue());
        // The stalled ping and the ten it delayed: 1000, 910, 820, ... 100 us. Measured from the actual send time
        // they would all read 10 us, and the stall would be one value in twenty.
        assertEquals(11, histogram.getCountBetweenValues(INTERVAL_NS, STALL_NS));
        for (int late = 1; late <= 10; late++)
        {
            final long expected = STALL_NS - (INTERVAL_NS - ROUND_TRIP_NS) * late;
            assertEquals(1, histogram.getCountAtValue(expected), "ping " + (3 + late));
        }
        // The rest were on time and took one round trip.
        assertEquals(9, histogram.getCountAtValue(ROUND_TRIP_NS));
    }

    @Test
    void flatOutTheIntendedTimeIsTheSendTime()
    {
        final FakeClock clock = new FakeClock();
        final EchoTransport transport = new EchoTransport(clock, 3, STALL_NS);
        final PingLoop loop = new PingLoop(transport, clock, new TickingIdle(clock), 64, STALL_NS * 100);
        final Histogram histogram = PingLoop.newHistogram();

        assertEquals(20, loop.run(64, 20, 0, 0, histogram));

        // No schedule, nothing delayed: one slow round trip, nineteen normal ones.
        assertEquals(1, histogram.getCountAtValue(STALL_NS));
        assertEquals(19, histogram.getCountAtValue(ROUND_TRIP_NS));
    }

    @Test
    void aWarmUpRecordsNothingAndTheSequenceGoesOn()
    {
        final FakeClock clock = new FakeClock();
        final EchoTransport transport = new EchoTransport(clock, -1, 0);
        final PingLoop loop = new PingLoop(transport, clock, new TickingIdle(clock), 64, STALL_NS);

        assertEquals(5, loop.run(64, 5, 0, 0, null));
        final Histogram histogram = PingLoop.newHistogram();
        assertEquals(7, loop.run(32, 7, INTERVAL_NS, 0, histogram));

        assertEquals(7, histogram.getTotalCount());
        assertEquals(12, transport.lastSequence);
    }

    @Test
    void anAlteredEchoFailsTheRun()
    {
        final FakeClock clock = new FakeClock();
        final EchoTransport transport = new EchoTransport(clock, -1, 0);
        transport.corruptSequence = 4;
        final PingLoop loop = new PingLoop(transport, clock, new TickingIdle(clock), 64, STALL_NS);

        final IllegalStateException failure =
            assertThrows(IllegalStateException.class, () -> loop.run(64, 10, 0, 0, PingLoop.newHistogram()));
        assertTrue(failure.getMessage().contains("ping 4"), failure.getMessage());
    }

    @Test
    void aMissingEchoFailsTheRunAfterTheStallTimeout()
    {
        final FakeClock clock = new FakeClock();
        final EchoTransport transport = new EchoTransport(clock, -1, 0);
        transport.dropSequence = 2;
        final PingLoop loop = new PingLoop(transport, clock, new TickingIdle(clock), 64, STALL_NS);

        final IllegalStateException failure =
            assertThrows(IllegalStateException.class, () -> loop.run(64, 10, 0, 0, PingLoop.newHistogram()));
        assertTrue(failure.getMessage().contains("ping 2 did not come back"), failure.getMessage());
    }

    /**
     * Time that moves only when the test says.
     */
    private static final class FakeClock implements NanoClock
    {
        private long nowNs = TimeUnit.SECONDS.toNanos(1);

        @Override
        public long nanoTime()
        {
            return nowNs;
        }
    }

    /**
     * Each idle turn takes a microsecond of fake time.
     */
    private static final class TickingIdle implements IdleStrategy
    {
        private final FakeClock clock;

        TickingIdle(final FakeClock clock)
        {
            this.clock = clock;
        }

        @Override
        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                idle();
            }
        }

        @Override
        public void idle()
        {
            clock.nowNs += TICK_NS;
        }

        @Override
        public void reset()
        {
        }
    }

    /**
     * Echoes each ping at once, the fake clock moved on by a round trip (or by the stall, for one sequence).
     */
    private static final class EchoTransport implements Duplex
    {
        private final FakeClock clock;
        private final long stalledSequence;
        private final long stallNs;
        private final UnsafeBuffer echo = new UnsafeBuffer(new byte[64]);
        private int pendingLength = -1;
        private long lastSequence;
        private long corruptSequence = -1;
        private long dropSequence = -1;

        EchoTransport(final FakeClock clock, final long stalledSequence, final long stallNs)
        {
            this.clock = clock;
            this.stalledSequence = stalledSequence;
            this.stallNs = stallNs;
        }

        @Override
        public boolean offer(final DirectBuffer buffer, final int length)
        {
            buffer.getBytes(0, echo, 0, length);
            lastSequence = echo.getLong(0);
            if (lastSequence == corruptSequence)
            {
                echo.putLong(0, lastSequence + 1);
            }
            pendingLength = lastSequence == dropSequence ? -1 : length;
            return true;
        }

        @Override
        public int poll(final MessageSink sink)
        {
            if (pendingLength < 0)
            {
                return 0;
            }
            clock.nowNs += lastSequence == stalledSequence ? stallNs : ROUND_TRIP_NS;
            final int length = pendingLength;
            pendingLength = -1;
            sink.onMessage(echo, 0, length);
            return 1;
        }

        @Override
        public int doWork()
        {
            return 0;
        }

        @Override
        public boolean isConnected()
        {
            return true;
        }

        @Override
        public void close()
        {
        }
    }
}
