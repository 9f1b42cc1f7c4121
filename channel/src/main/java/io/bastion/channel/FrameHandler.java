package io.bastion.channel;

import io.bastion.codec.FrameReader;
import org.agrona.DirectBuffer;

/**
 * Receives frames that passed every check: structure, key, tag, producer identity and sequence.
 */
@FunctionalInterface
public interface FrameHandler
{
    /**
     * Called once per verified frame, on the polling thread. The payload lies in
     * {@code buffer[offset, offset + length)}; the buffer is the subscriber's private copy (or, with
     * zero-copy, the ring itself) and is valid only during the call.
     *
     * @param buffer the payload's buffer.
     * @param offset of the payload.
     * @param length of the payload.
     * @param frame  the verified frame's header fields (message type, sequence, timestamp, ...).
     */
    void onFrame(DirectBuffer buffer, int offset, int length, FrameReader frame);
}
