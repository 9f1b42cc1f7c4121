package io.bastion.bench.latency;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.TimeUnit;

/**
 * The ponger's loop: receive a ping, copy it, send the copy back unchanged, until told to stop. Runs the
 * transport's housekeeping about every millisecond and looks at the stop flag every thousand or so turns, so that
 * neither costs a round trip anything measurable.
 * <p>
 * {@link #run()} runs on one thread, allocates nothing and never logs; {@link #stop()} may be called from any thread.
 */
final class EchoLoop implements MessageSink
{
    /** The longest message the ponger echoes. */
    static final int MAX_LENGTH = 64 * 1024;

    private static final int CHECK_MASK = 1023;
    private static final long DUTY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Duplex duplex;
    private final IdleStrategy idle;
    private final UnsafeBuffer echo = new UnsafeBuffer(new byte[MAX_LENGTH]);
    private volatile boolean running = true;
    private boolean pending;
    private int pendingLength;
    private long echoes;

    /**
     * A loop over the ponger's side of a transport.
     *
     * @param duplex the ponger's duplex.
     * @param idle   how to wait when there is nothing to do.
     */
    EchoLoop(final Duplex duplex, final IdleStrategy idle)
    {
        this.duplex = duplex;
        this.idle = idle;
    }

    /**
     * Echo until {@link #stop()}.
     *
     * @return the number of messages echoed.
     * @throws IllegalStateException if the transport fails.
     */
    long run()
    {
        long turns = 0;
        long lastDutyNs = System.nanoTime();
        while (true)
        {
            int work = 0;
            if (!pending)
            {
                work = duplex.poll(this);
            }
            if (pending && duplex.offer(echo, pendingLength))
            {
                pending = false;
                echoes++;
                work++;
            }
            idle.idle(work);
            if ((++turns & CHECK_MASK) == 0)
            {
                if (!running)
                {
                    break;
                }
                final long nowNs = System.nanoTime();
                if (nowNs - lastDutyNs >= DUTY_INTERVAL_NS)
                {
                    duplex.doWork();
                    lastDutyNs = nowNs;
                }
            }
        }
        return echoes;
    }

    /**
     * Make {@link #run()} return soon.
     */
    void stop()
    {
        running = false;
    }

    /**
     * Takes a ping: copies it for sending back.
     *
     * @param buffer holds the ping.
     * @param offset where it starts.
     * @param length its length.
     */
    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        final int copied = Math.min(length, MAX_LENGTH);
        buffer.getBytes(offset, echo, 0, copied);
        pendingLength = copied;
        pending = true;
    }
}
