package io.bastion.channel.process;

import io.bastion.channel.FrameHandler;
import io.bastion.codec.FrameReader;
import org.agrona.DirectBuffer;

/**
 * Checks dispatched frames per producer id (0 to 15): each producer's sequences must run 1, 2, 3,
 * ... with no gap, repeat or reordering, and each message type and payload must be what
 * {@link Wire} derives from the sequence. Also counts frames per key id (0 to 15).
 */
public final class StreamChecker implements FrameHandler
{
    private static final int MAX_IDS = 16;

    private final long[] received = new long[MAX_IDS];
    private final long[] lastSequence = new long[MAX_IDS];
    private final long[] byKeyId = new long[MAX_IDS];
    private long mismatches;
    private long firstSequenceOfKey2 = -1;
    private long lastSequenceOfKey1 = -1;

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
    {
        final int producer = frame.producerId();
        final int keyId = frame.keyId();
        if (producer < 0 || producer >= MAX_IDS || keyId < 0 || keyId >= MAX_IDS)
        {
            mismatches++;
            return;
        }
        final long sequence = frame.sequence();
        if (sequence != lastSequence[producer] + 1 || frame.messageTypeId() != Wire.messageType(sequence) ||
            !Wire.matches(buffer, offset, length, sequence))
        {
            mismatches++;
        }
        lastSequence[producer] = sequence;
        received[producer]++;
        byKeyId[keyId]++;
        if (2 == keyId && firstSequenceOfKey2 < 0)
        {
            firstSequenceOfKey2 = sequence;
        }
        if (1 == keyId)
        {
            lastSequenceOfKey1 = sequence;
        }
    }

    /**
     * Frames received from a producer.
     *
     * @param producerId the producer.
     * @return the count.
     */
    public long received(final int producerId)
    {
        return received[producerId];
    }

    /**
     * The last sequence received from a producer.
     *
     * @param producerId the producer.
     * @return the sequence (0 before any).
     */
    public long lastSequence(final int producerId)
    {
        return lastSequence[producerId];
    }

    /**
     * Frames received under a key id.
     *
     * @param keyId the key id.
     * @return the count.
     */
    public long byKeyId(final int keyId)
    {
        return byKeyId[keyId];
    }

    /**
     * Frames whose payload or order did not match the wire pattern.
     *
     * @return the count.
     */
    public long mismatches()
    {
        return mismatches;
    }

    long firstSequenceOfKey2()
    {
        return firstSequenceOfKey2;
    }

    long lastSequenceOfKey1()
    {
        return lastSequenceOfKey1;
    }
}
