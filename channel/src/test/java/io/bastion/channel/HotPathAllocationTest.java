package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.FrameDecoder;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.rate.QuarantinePolicy;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Offer, claim, commit and poll allocate nothing once warm: measured with the thread's allocation
 * counter, taking the least of several rounds (a one-off allocation by the JVM, such as
 * compilation, is not ours).
 */
class HotPathAllocationTest
{
    @Test
    void offerClaimAndPollAllocateNothing()
    {
        final ChannelRig rig = new ChannelRig();
        final long[] received = new long[1];
        assertEquals(0, leastAllocated(rig, received, false));
        assertEquals(6 * 20_000 * 2 * 64L, received[0]);
    }

    /**
     * Batch sealing allocates nothing either: offers into automatic batches, claims, flushes, doWork's linger, and the
     * subscriber's batch path (copy, walk, one tag, dispatch).
     */
    @Test
    void batchedOffersFlushesAndPollsAllocateNothing()
    {
        final ChannelRig rig = BatchSealingTest.batchRig(1000);
        rig.publisher.batchLimits(8, 4096, 1_000_000);
        final long[] received = new long[1];
        assertEquals(0, leastAllocated(rig, received, true));
        assertEquals(0, rig.rejections.size());
        assertEquals(6 * 20_000 * 2 * 64L, received[0] + 64L * rig.publisher.pendingFrames());
    }

    /**
     * The least a round of 20,000 offers, claims and polls allocated, of six rounds; a batched round also flushes now
     * and then and runs both duty cycles on a clock that moves a millisecond per step.
     */
    private static long leastAllocated(final ChannelRig rig, final long[] received, final boolean batched)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        final UnsafeBuffer payload = ChannelRig.payload(1, 64);
        final FrameClaim claim = new FrameClaim();
        final FrameHandler handler = (buffer, offset, length, frame) -> received[0] += length;
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 6; round++)
        {
            final long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 20_000; i++)
            {
                rig.publisher.offer(payload, 0, 64, 1);
                if (rig.publisher.tryClaim(64, 2, claim) > 0)
                {
                    claim.buffer().putLong(claim.offset(), i);
                    claim.commit();
                }
                if (batched)
                {
                    if (0 == (i & 15))
                    {
                        rig.publisher.flush();
                    }
                    rig.timeMs.incrementAndGet();
                    rig.subscriber.doWork();
                    rig.publisher.doWork();
                }
                rig.subscriber.poll(handler, 10);
            }
            allocated = Math.min(allocated, threads.getThreadAllocatedBytes(tid) - before);
        }
        return allocated;
    }

    /**
     * The refusal path allocates nothing either: structure, key, tag and replay refusals, each mapped to its reason
     * and counted under its name.
     */
    @Test
    void refusalsAllocateNothing()
    {
        final ChannelRig rig = new ChannelRig();
        final AtomicBuffer producerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.producerRegionLength(65536));
        final AtomicBuffer consumerRegion = ChannelRig.newBuffer(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        final OneToOneRingProducer hostile = new OneToOneRingProducer(producerRegion, consumerRegion, rig.timeMs::get);
        final ChannelCounters counters = new ChannelCounters(rig.countersManager, "refusals");
        // A window of one nanosecond on a clock that moves a millisecond per round: no source is ever quarantined.
        final Subscriber subscriber = new Subscriber(ChannelRig.CHANNEL_ID, ChannelRig.MAX_FRAME,
            new HmacFrameSealer(rig.receiveKeys), new QuarantinePolicy(4, 1024, 1, 1), RejectionHandler.NONE,
            rig.timeMs::get, counters);
        subscriber.addSource(new OneToOneRingConsumer(producerRegion, consumerRegion, rig.timeMs::get),
            ChannelRig.PRODUCER_ID);
        final UnsafeBuffer valid = new UnsafeBuffer(ChannelRig.sealedFrame(rig.sendKeys, Publisher.FIRST_SEQUENCE));
        final UnsafeBuffer wrongSchema = copy(valid);
        wrongSchema.putShort(FrameDescriptor.SCHEMA_ID_FIELD_OFFSET, (short)1, FrameDescriptor.BYTE_ORDER);
        final UnsafeBuffer unknownKey = copy(valid);
        unknownKey.putInt(FrameDescriptor.HEADER_LENGTH + FrameDecoder.keyIdEncodingOffset(), 99,
            FrameDescriptor.BYTE_ORDER);
        final UnsafeBuffer badTag = copy(valid);
        badTag.putByte(FrameDescriptor.TAG_OFFSET, (byte)(badTag.getByte(FrameDescriptor.TAG_OFFSET) ^ 1));
        final FrameHandler handler = (buffer, offset, length, frame) -> { };
        hostile.write(Publisher.FRAME_RECORD_TYPE, valid, 0, valid.capacity());
        subscriber.poll(handler, 10);

        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 6; round++)
        {
            final long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 5_000; i++)
            {
                rig.timeMs.incrementAndGet();
                subscriber.doWork();
                hostile.write(Publisher.FRAME_RECORD_TYPE, valid, 0, valid.capacity());
                hostile.write(Publisher.FRAME_RECORD_TYPE, wrongSchema, 0, wrongSchema.capacity());
                hostile.write(Publisher.FRAME_RECORD_TYPE, unknownKey, 0, unknownKey.capacity());
                hostile.write(Publisher.FRAME_RECORD_TYPE, badTag, 0, badTag.capacity());
                subscriber.poll(handler, 10);
            }
            allocated = Math.min(allocated, threads.getThreadAllocatedBytes(tid) - before);
        }
        assertEquals(0, allocated);
        final long rounds = 6 * 5_000L;
        assertEquals(rounds, counters.rejected(RejectReason.REPLAY));
        assertEquals(rounds, counters.rejected(RejectReason.WRONG_SCHEMA_ID));
        assertEquals(rounds, counters.rejected(RejectReason.UNKNOWN_KEY));
        assertEquals(rounds, counters.rejected(RejectReason.BAD_TAG));
        assertEquals(0, counters.quarantines());
    }

    private static UnsafeBuffer copy(final UnsafeBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.capacity()];
        buffer.getBytes(0, bytes);
        return new UnsafeBuffer(bytes);
    }
}
