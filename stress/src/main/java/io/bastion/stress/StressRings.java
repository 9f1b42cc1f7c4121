package io.bastion.stress;

import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
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
    static final int STALE_TYPE_ID = 8;
    static final int RECORD_LENGTH = 8 + PAYLOAD_LENGTH;
    /** Records of {@link #RECORD_LENGTH} that fit before the end of the buffer. */
    static final int STALE_RECORDS_PER_LAP = CAPACITY / RECORD_LENGTH;

    private StressRings()
    {
    }

    static UnsafeBuffer producerRegion()
    {
        return producerRegion(CAPACITY);
    }

    static UnsafeBuffer producerRegion(final int capacity)
    {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            OneToOneRingDescriptor.producerRegionLength(capacity), 64));
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
     * The payload a producer under test writes: {@link #FIRST_WORD}, then {@link #SECOND_WORD}.
     */
    static UnsafeBuffer payload()
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        payload.putLong(0, FIRST_WORD);
        payload.putLong(8, SECOND_WORD);
        return payload;
    }

    /**
     * Write and read {@code count} well-formed records of the test's size but another type and
     * payload, single-threaded, so that the buffer holds stale records where the test writes next.
     */
    static void fillStaleLap(final OneToOneRingProducer producer, final OneToOneRingConsumer consumer, final int count)
    {
        final UnsafeBuffer stale = new UnsafeBuffer(new byte[PAYLOAD_LENGTH]);
        stale.setMemory(0, PAYLOAD_LENGTH, (byte)0x5A);
        for (int i = 0; i < count; i++)
        {
            if (producer.write(STALE_TYPE_ID, stale, 0, PAYLOAD_LENGTH) <= 0 ||
                consumer.read((typeId, buffer, offset, length) -> { }, 1) != 1)
            {
                throw new IllegalStateException("the stale lap did not fit: " + i);
            }
        }
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
