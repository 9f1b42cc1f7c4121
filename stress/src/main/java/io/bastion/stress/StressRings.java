package io.bastion.stress;

import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Small rings and payload checks shared by the jcstress tests.
 */
final class StressRings
{
    static final int CAPACITY = 1024;
    static final int TYPE_ID = 7;
    static final int PAYLOAD_LENGTH = 16;
    static final long FIRST_WORD = 0x1111_2222_3333_4444L;
    static final long SECOND_WORD = 0x5555_6666_7777_8888L;
    static final long UNBLOCK_TIMEOUT_MS = 1_000;

    private StressRings()
    {
    }

    static UnsafeBuffer producerRegion()
    {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            OneToOneRingDescriptor.producerRegionLength(CAPACITY), 64));
    }

    static UnsafeBuffer consumerRegion()
    {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(OneToOneRingDescriptor.CONSUMER_REGION_LENGTH, 64));
    }

    static ManyToOneRing manyToOne()
    {
        return new ManyToOneRing(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(ManyToOneRingDescriptor.regionLength(CAPACITY), 64)),
            () -> 0L, UNBLOCK_TIMEOUT_MS);
    }

    /**
     * 1 if the payload holds exactly the two words a producer wrote, 0 if it is torn or the wrong size.
     */
    static int checkPayload(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        return TYPE_ID == typeId && PAYLOAD_LENGTH == length &&
            FIRST_WORD == buffer.getLong(offset) && SECOND_WORD == buffer.getLong(offset + 8) ? 1 : 0;
    }
}
