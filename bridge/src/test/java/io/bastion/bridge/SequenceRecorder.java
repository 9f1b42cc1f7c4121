package io.bastion.bridge;

import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The handler of the hostile-datagram tests: records the bridge sequence of every frame the victim delivers, in
 * order, and checks each frame's bytes and inner tag, keeping the first problem. No channel key or rekey travels in
 * those tests, so a frame's bridge sequence is its index. One thread: the one that drives the victim bridge.
 */
final class SequenceRecorder implements BridgeFrameHandler
{
    private final SealedFrames frames;
    /** The bridge sequence of each frame delivered, in order. */
    final List<Long> sequences = new ArrayList<>();
    /** The first problem a delivered frame had, or null. */
    String error;

    SequenceRecorder(final SealedFrames frames)
    {
        this.frames = frames;
    }

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int length, final long sequence)
    {
        final String problem = frames.check(buffer, offset, length, sequence);
        if (null != problem && null == error)
        {
            error = problem;
        }
        sequences.add(sequence);
    }
}
