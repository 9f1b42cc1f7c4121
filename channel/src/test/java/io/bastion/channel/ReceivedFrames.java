package io.bastion.channel;

import io.bastion.codec.FrameReader;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * A handler that keeps a copy of each payload it is given and its frame's sequence, in order.
 */
final class ReceivedFrames implements FrameHandler
{
    final List<byte[]> payloads = new ArrayList<>();
    final List<Long> sequences = new ArrayList<>();

    public void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        payloads.add(bytes);
        sequences.add(frame.sequence());
    }

    /**
     * Poll until a poll reads nothing.
     *
     * @return how many frames were read.
     */
    int drain(final Subscriber subscriber)
    {
        int total = 0;
        int read;
        while ((read = subscriber.poll(this, 100)) > 0)
        {
            total += read;
        }
        return total;
    }
}
