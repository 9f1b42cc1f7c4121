package io.bastion.ringbuffer;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class RingDescriptorsTest
{
    @Test
    void aValidCapacityIsAPowerOfTwoInRange()
    {
        assertTrue(RingCapacity.isValid(RingCapacity.MIN_CAPACITY));
        assertTrue(RingCapacity.isValid(RingCapacity.MAX_CAPACITY));
        assertTrue(RingCapacity.isValid(64 * 1024));
        assertFalse(RingCapacity.isValid(RingCapacity.MIN_CAPACITY / 2));
        assertFalse(RingCapacity.isValid(2L * RingCapacity.MAX_CAPACITY));
        assertFalse(RingCapacity.isValid(1000));
        assertFalse(RingCapacity.isValid(0));
        assertFalse(RingCapacity.isValid(-64));
        assertFalse(RingCapacity.isValid(1L << 40));
    }

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
    void manyToOneStateWordsCarryLengthFlagsTypeAndStamp()
    {
        // Lap 0x7ABCD: a stamp with every half of its 16 bits in use and the top bit set, so a word that dropped the
        // stamp (0) or spilled it into the type would not pass.
        final int capacity = 1 << 16;
        final long position = 0x7_ABCD_0008L;
        final int stamp = ManyToOneRecordDescriptor.stamp(position, capacity);
        assertEquals(0xABCD, stamp);
        final long committed = ManyToOneRecordDescriptor.committed(40, ManyToOneRecordDescriptor.MAX_TYPE_ID, stamp);
        assertEquals(40, ManyToOneRecordDescriptor.lengthField(committed));
        assertEquals(ManyToOneRecordDescriptor.MAX_TYPE_ID, ManyToOneRecordDescriptor.typeOf(committed));
        assertEquals(stamp, ManyToOneRecordDescriptor.stampOf(committed));
        final long claimed = ManyToOneRecordDescriptor.claimed(40, 3, stamp);
        assertEquals(-40, ManyToOneRecordDescriptor.lengthField(claimed));
        assertEquals(3, ManyToOneRecordDescriptor.typeOf(claimed));
        assertEquals(stamp, ManyToOneRecordDescriptor.stampOf(claimed));
        final long paddingWord = ManyToOneRecordDescriptor.padding(64, stamp);
        final int padding = ManyToOneRecordDescriptor.lengthField(paddingWord);
        assertEquals(ManyToOneRecordDescriptor.PADDING_FLAG | 64, padding);
        assertEquals(64, padding & ManyToOneRecordDescriptor.LENGTH_MASK);
        assertEquals(0, ManyToOneRecordDescriptor.typeOf(paddingWord));
        assertEquals(stamp, ManyToOneRecordDescriptor.stampOf(paddingWord));

        // The header is one word: the length field is the int at the record's start, in either byte order.
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8]);
        buffer.putLong(0, claimed);
        assertEquals(-40, buffer.getInt(0));
        assertEquals(8, ManyToOneRecordDescriptor.HEADER_LENGTH);
    }

    /**
     * What keeps a word of an earlier lap from passing as a record: at the same index, whatever the capacity, the
     * stamps of two laps differ unless the laps are a multiple of 2^16 apart; and a lap's positions share its stamp.
     */
    @Test
    void manyToOneStampsTellLapsApartForEveryCapacity()
    {
        final int laps = ManyToOneRecordDescriptor.STAMP_MASK + 1;
        for (int capacity = RingCapacity.MIN_CAPACITY; capacity <= RingCapacity.MAX_CAPACITY; capacity <<= 1)
        {
            for (final long index : new long[]{0, 8, capacity - 8L})
            {
                for (final long base : new long[]{0, 3L * capacity, (long)Integer.MAX_VALUE * capacity})
                {
                    final int stamp = ManyToOneRecordDescriptor.stamp(base + index, capacity);
                    assertEquals(ManyToOneRecordDescriptor.stamp(base, capacity), stamp, "one stamp per lap");
                    for (long lap = 1; lap < laps; lap++)
                    {
                        if (ManyToOneRecordDescriptor.stamp(base + index + lap * capacity, capacity) == stamp)
                        {
                            fail("capacity " + capacity + " index " + index + ": lap " + lap + " repeats the stamp");
                        }
                    }
                    final long repeat = base + index + (long)laps * capacity;
                    assertEquals(stamp, ManyToOneRecordDescriptor.stamp(repeat, capacity), "repeats after 2^16 laps");
                }
            }
        }
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
        assertEquals("UNKNOWN(-1)", RingStatus.describe(-1));
    }

    @Test
    void statusValuesAreTheOnesTheChannelGivesTheSameMeaning()
    {
        // Aeron's BACK_PRESSURED and ADMIN_ACTION ("try again"), and the channel's CORRUPT: see RingStatus.
        assertEquals(-2, RingStatus.BACK_PRESSURED);
        assertEquals(-3, RingStatus.UNBLOCKED);
        assertEquals(-8, RingStatus.CORRUPT);
    }
}
