package io.bastion.ringbuffer;

import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RingDescriptorsTest
{
    @Test
    void alignRoundsUpToEightBytes()
    {
        assertEquals(0, RecordDescriptor.align(0));
        assertEquals(8, RecordDescriptor.align(1));
        assertEquals(8, RecordDescriptor.align(8));
        assertEquals(16, RecordDescriptor.align(9));
        assertEquals(Integer.MAX_VALUE - 7, RecordDescriptor.align(Integer.MAX_VALUE - 8));
    }

    @Test
    void headerWordAgreesWithTheIntFieldsInTheBuffer()
    {
        final AtomicBuffer buffer = RingTestSupport.newBuffer(64);
        for (final int[] c : new int[][]{{24, 7}, {-1, Integer.MIN_VALUE}, {Integer.MAX_VALUE, -1}, {0, 0}})
        {
            final long header = RecordDescriptor.header(c[0], c[1]);
            buffer.putLong(8, header);
            assertEquals(c[0], buffer.getInt(8 + RecordDescriptor.LENGTH_OFFSET));
            assertEquals(c[1], buffer.getInt(8 + RecordDescriptor.TYPE_OFFSET));
            assertEquals(c[0], RecordDescriptor.lengthOf(header));
            assertEquals(c[1], RecordDescriptor.typeOf(header));
        }
    }

    @Test
    void manyToOneStateWordsCarryLengthFlagsAndStamp()
    {
        final long position = 0x7_0000_0008L;
        assertEquals((int)(position >>> 3), ManyToOneRecordDescriptor.stamp(position));
        final long committed = ManyToOneRecordDescriptor.committed(40, position);
        assertEquals(40, ManyToOneRecordDescriptor.lengthField(committed));
        assertEquals(ManyToOneRecordDescriptor.stamp(position), ManyToOneRecordDescriptor.stampOf(committed));
        assertEquals(-40, ManyToOneRecordDescriptor.lengthField(ManyToOneRecordDescriptor.claimed(40, position)));
        final int padding = ManyToOneRecordDescriptor.lengthField(ManyToOneRecordDescriptor.padding(64, position));
        assertEquals(ManyToOneRecordDescriptor.PADDING_FLAG | 64, padding);
        assertEquals(64, padding & ManyToOneRecordDescriptor.LENGTH_MASK);
        assertEquals(ManyToOneRecordDescriptor.stamp(position + (1L << 35)),
            ManyToOneRecordDescriptor.stamp(position), "stamps repeat every 2^35 bytes");
    }

    @Test
    void regionLengthsAndLimits()
    {
        assertEquals(1024 + 256, OneToOneRingDescriptor.producerRegionLength(1024));
        assertEquals(256, OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        assertEquals(1024 + 768, ManyToOneRingDescriptor.regionLength(1024));
        assertEquals(128, RingCapacity.maxRecordLength(1024));
        assertEquals(120, RingCapacity.maxPayloadLength(1024));
        // Hot words two cache lines apart.
        assertEquals(128,
            OneToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET - OneToOneRingDescriptor.TAIL_POSITION_OFFSET);
        assertEquals(128, ManyToOneRingDescriptor.HEAD_POSITION_OFFSET -
            ManyToOneRingDescriptor.HEAD_CACHE_POSITION_OFFSET);
    }

    @Test
    void statusCodesHaveNames()
    {
        assertEquals("OK", RingStatus.describe(0));
        assertEquals("OK", RingStatus.describe(42));
        assertEquals("BACK_PRESSURED", RingStatus.describe(RingStatus.BACK_PRESSURED));
        assertEquals("CORRUPT", RingStatus.describe(RingStatus.CORRUPT));
        assertEquals("UNBLOCKED", RingStatus.describe(RingStatus.UNBLOCKED));
        assertEquals("UNKNOWN(-9)", RingStatus.describe(-9));
    }
}
