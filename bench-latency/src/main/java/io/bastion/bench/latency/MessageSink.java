package io.bastion.bench.latency;

import org.agrona.DirectBuffer;

/**
 * Receives the one message a {@link Duplex#poll(MessageSink)} read. The bytes are valid only during the call.
 */
@FunctionalInterface
public interface MessageSink
{
    /**
     * Take one message.
     *
     * @param buffer holds the message.
     * @param offset where it starts.
     * @param length its length in bytes.
     */
    void onMessage(DirectBuffer buffer, int offset, int length);
}
