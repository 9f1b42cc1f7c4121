package io.bastion.channel;

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
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long tid = Thread.currentThread().getId();
        final UnsafeBuffer payload = ChannelRig.payload(1, 64);
        final FrameClaim claim = new FrameClaim();
        final long[] received = new long[1];
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
                rig.subscriber.poll(handler, 10);
            }
            allocated = Math.min(allocated, threads.getThreadAllocatedBytes(tid) - before);
        }
        assertEquals(0, allocated);
        assertEquals(6 * 20_000 * 2 * 64L, received[0]);
    }
}
