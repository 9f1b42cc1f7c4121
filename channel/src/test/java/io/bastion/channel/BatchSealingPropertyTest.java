package io.bastion.channel;

import io.bastion.codec.RejectReason;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of batch sealing: whatever the run of frames offered, the subscriber receives it whole and in order,
 * however the publisher cut it into batches; and whatever bytes of a sealed batch change, nothing of it is
 * dispatched and one refusal is counted.
 */
class BatchSealingPropertyTest
{
    private final ChannelRig tolerant = BatchSealingTest.batchRig(1024);
    private final byte[][] records = new byte[4][];

    @Property(tries = 100)
    void anyRunOfFramesRoundTripsWholeAndInOrder(
        @ForAll @Size(min = 1, max = 40) final List<@IntRange(min = 0, max = 700) Integer> lengths,
        @ForAll @IntRange(min = 1, max = 40) final int maxFrames,
        @ForAll @IntRange(min = 84, max = ChannelRig.MAX_FRAME) final int maxBytes)
    {
        final ChannelRig rig = BatchSealingTest.batchRig(1000);
        rig.publisher.batchLimits(maxFrames, maxBytes, Long.MAX_VALUE / 4);
        final List<byte[]> received = new ArrayList<>();
        final List<Long> sequences = new ArrayList<>();
        final FrameHandler handler = (buffer, offset, length, frame) ->
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            received.add(bytes);
            sequences.add(frame.sequence());
        };
        long seq = 1;
        for (final int length : lengths)
        {
            long result;
            while ((result = rig.publisher.offer(ChannelRig.payload(seq, length), 0, length, 3)) ==
                ChannelStatus.BACK_PRESSURED)
            {
                rig.subscriber.poll(handler, 100);
            }
            assertTrue(result > 0, ChannelStatus.describe(result));
            seq++;
        }
        long flushed;
        while ((flushed = rig.publisher.flush()) == ChannelStatus.BACK_PRESSURED)
        {
            rig.subscriber.poll(handler, 100);
        }
        assertTrue(flushed > 0, ChannelStatus.describe(flushed));
        while (rig.subscriber.poll(handler, 100) > 0)
        {
            rig.subscriber.doWork();
        }

        assertTrue(rig.rejections.isEmpty(), rig.rejections::toString);
        assertEquals(lengths.size(), received.size());
        for (int i = 0; i < lengths.size(); i++)
        {
            assertEquals(i + 1, sequences.get(i));
            final byte[] expected = new byte[lengths.get(i)];
            ChannelRig.payload(i + 1, expected.length).getBytes(0, expected);
            assertArrayEquals(expected, received.get(i));
        }
    }

    @Property(tries = 500)
    void noChangeToASealedBatchDispatchesAnythingOfIt(
        @ForAll @IntRange(min = 1, max = 4) final int frames,
        @ForAll @IntRange(min = 1, max = 6) final int changes,
        @ForAll @IntRange(min = -12, max = 12) final int lengthChange,
        @ForAll final long seed)
    {
        final byte[] record = record(frames);
        final Random random = new Random(seed);
        final byte[] changed = Arrays.copyOf(record, Math.max(1, record.length + lengthChange));
        final Set<Integer> positions = new HashSet<>();
        while (positions.size() < Math.min(changes, changed.length))
        {
            positions.add(random.nextInt(changed.length));
        }
        for (final int position : positions)
        {
            changed[position] ^= (byte)(1 + random.nextInt(255));
        }

        final int before = tolerant.rejections.size();
        final List<Long> delivered = new ArrayList<>();
        assertTrue(tolerant.ringProducer.write(
            Publisher.BATCH_RECORD_TYPE, new UnsafeBuffer(changed), 0, changed.length) > 0);
        assertEquals(1, tolerant.subscriber.poll((buffer, offset, length, frame) -> delivered.add(frame.sequence()),
            100));
        assertTrue(delivered.isEmpty(), delivered::toString);
        assertEquals(before + 1, tolerant.rejections.size());
        final RejectReason reason = RejectReason.valueOf(tolerant.rejections.get(before).split(":")[1]);
        assertTrue(reason.isRefusal());
    }

    private byte[] record(final int frames)
    {
        if (null == records[frames - 1])
        {
            records[frames - 1] = BatchSealingTest.sealedBatch(frames, 7);
        }
        return records[frames - 1];
    }
}
