package io.bastion.channel;

import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several publishers of one principal share a many-to-one ring: each keeps its own producer id and
 * sequence, and the subscriber checks each against its own guard.
 */
class SharedRingTest
{
    private final ChannelRig rig = new ChannelRig();
    private final ManyToOneRing ring = new ManyToOneRing(
        ChannelRig.newBuffer(ManyToOneRingDescriptor.regionLength(64 * 1024)), rig.timeMs::get, 1_000);

    private Publisher publisher(final int producerId)
    {
        final Publisher publisher = new Publisher(ring, new HmacFrameSealer(rig.sendKeys), ChannelRig.CHANNEL_ID,
            producerId, () -> 1L, new ChannelCounters(rig.countersManager, "shared/" + producerId));
        publisher.doWork();
        return publisher;
    }

    @Test
    void twoPublishersOnOneRingAreEachInOrderAndAThirdIdIsRefused()
    {
        final int source = rig.subscriber.addSharedSource(ring, new int[]{20, 21},
            new HmacFrameSealer(rig.receiveKeys));
        final Publisher first = publisher(20);
        final Publisher second = publisher(21);
        final Publisher stranger = publisher(22);
        for (int i = 0; i < 100; i++)
        {
            assertTrue(first.offer(ChannelRig.payload(i, 16), 0, 16, 1) > 0);
            assertTrue(second.offer(ChannelRig.payload(i, 16), 0, 16, 1) > 0);
        }
        assertTrue(stranger.offer(ChannelRig.payload(0, 16), 0, 16, 1) > 0);

        final List<Long> fromFirst = new ArrayList<>();
        final List<Long> fromSecond = new ArrayList<>();
        while (rig.subscriber.poll((buffer, offset, length, frame) ->
            (frame.producerId() == 20 ? fromFirst : fromSecond).add(frame.sequence()), 50) > 0)
        {
            rig.subscriber.doWork();
        }
        assertEquals(100, fromFirst.size());
        assertEquals(100, fromSecond.size());
        for (int i = 0; i < 100; i++)
        {
            assertEquals(i + 1L, fromFirst.get(i));
            assertEquals(i + 1L, fromSecond.get(i));
        }
        assertEquals(List.of(source + ":" + RejectReason.UNAUTHORIZED), rig.rejections);
        assertEquals(0, rig.subscriberCounters.sequenceGaps());
    }

    @Test
    void aProducerIdIsNeverGivenTwoGuards()
    {
        assertThrows(IllegalArgumentException.class, () -> rig.subscriber.addSharedSource(
            ring, new int[]{30, 30}, new HmacFrameSealer(rig.receiveKeys)));
        assertThrows(IllegalArgumentException.class, () -> rig.subscriber.addSharedSource(
            ring, new int[]{31, ChannelRig.PRODUCER_ID}, new HmacFrameSealer(rig.receiveKeys)));
    }
}
