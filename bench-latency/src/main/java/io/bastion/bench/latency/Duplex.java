package io.bastion.bench.latency;

import org.agrona.DirectBuffer;

/**
 * One side of a ping-pong pair over one transport: it sends on one path and receives on the other. The pinger sends
 * pings and receives echoes; the ponger receives pings and sends echoes. Every case of the suite implements it, so
 * that every case runs the same measuring loop ({@link PingLoop}) and the same echo loop ({@link EchoLoop}).
 * <p>
 * Not thread safe: one thread. {@link #offer} and {@link #poll} allocate nothing and do not block.
 */
public interface Duplex extends AutoCloseable
{
    /**
     * Send one message, copying it.
     *
     * @param buffer holds the message from index 0.
     * @param length its length in bytes.
     * @return true if sent, false if the path is back pressured or not connected yet (try again).
     * @throws IllegalStateException if the transport failed for good (closed, corrupt).
     */
    boolean offer(DirectBuffer buffer, int length);

    /**
     * Receive at most one message.
     *
     * @param sink receives it.
     * @return 1 if a message was handed to the sink, else 0.
     * @throws IllegalStateException if the transport failed for good (closed, corrupt).
     */
    int poll(MessageSink sink);

    /**
     * The transport's housekeeping (heartbeats, key updates); call it about every millisecond, never per message.
     *
     * @return the work done, 0 when there was none.
     */
    int doWork();

    /**
     * Whether both paths have a party on the other side, so that a message sent now is read.
     *
     * @return true once connected.
     */
    boolean isConnected();

    /**
     * Release the transport; idempotent.
     */
    @Override
    void close();
}
