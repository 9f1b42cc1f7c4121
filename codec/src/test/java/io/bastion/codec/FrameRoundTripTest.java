package io.bastion.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameRoundTripTest
{
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 64, 1024, 1 << 20})
    void everyFieldSurvivesEncodeValidateAndRead(final int payloadLength)
    {
        final TestFrames.Values values = TestFrames.sample(payloadLength);
        final byte[] bytes = TestFrames.encode(values);
        final FrameReader reader = new FrameReader();

        assertEquals(RejectReason.NONE, reader.wrapValidated(new UnsafeBuffer(bytes), 0, bytes.length));
        assertEquals(TestFrames.snapshot(values), TestFrames.snapshot(reader));
    }

    @Test
    void theLargestPayloadIsTheSchemasDeclaredMaximum()
    {
        assertEquals(1 << 20, FrameDescriptor.MAX_PAYLOAD_LENGTH);
    }

    @Test
    void wireLayoutIsTheDocumentedOne()
    {
        final TestFrames.Values values = TestFrames.sample(5);
        final ByteBuffer wire = ByteBuffer.wrap(TestFrames.encode(values)).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(89, wire.capacity());
        assertEquals(72, wire.getShort(0));
        assertEquals(1, wire.getShort(2));
        assertEquals((short) 47703, wire.getShort(4));
        // Schema version 4 (the relay's source actions and refusals); the Frame's layout is still version 1's.
        assertEquals(4, wire.getShort(6));
        assertEquals(89, wire.getInt(8));
        assertEquals(7, wire.getInt(12));
        assertEquals(11, wire.getInt(16));
        assertEquals(3, wire.getInt(20));
        assertEquals(42L, wire.getLong(24));
        assertEquals(values.timestamp(), wire.getLong(32));
        assertEquals(99, wire.getInt(40));
        assertEquals(0x8000_0001, wire.getInt(44));
        assertArrayEquals(values.tag(), Arrays.copyOfRange(wire.array(), 48, 80));
        assertEquals(5, wire.getInt(80));
        assertArrayEquals(values.payload(), Arrays.copyOfRange(wire.array(), 84, 89));

        assertEquals(48, FrameDescriptor.TAG_OFFSET);
        assertEquals(84, FrameDescriptor.MIN_FRAME_LENGTH);
        assertEquals(8, FrameDescriptor.FRAME_LENGTH_FIELD_OFFSET);
    }

    @Test
    void readsAFrameInTheMiddleOfALargerBuffer()
    {
        final TestFrames.Values values = TestFrames.sample(100);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        buffer.setMemory(0, 4096, (byte) 0x5A);
        final int length = TestFrames.encode(new FrameWriter(), buffer, 1000, 500, values);
        final FrameReader reader = new FrameReader();

        assertEquals(FrameDescriptor.frameLength(100), length);
        assertEquals(RejectReason.NONE, reader.wrapValidated(buffer, 1000, length));
        assertEquals(TestFrames.snapshot(values), TestFrames.snapshot(reader));
        assertEquals(1000 + 84, reader.payloadOffset());
        assertEquals(1000 + 48, reader.tagOffset());
        assertEquals((byte) 0x5A, buffer.getByte(999));
        assertEquals((byte) 0x5A, buffer.getByte(1000 + length));
    }

    @Test
    void payloadWrittenInPlaceIsReadInPlace()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final FrameWriter writer = new FrameWriter();
        final int length = writer.wrap(buffer, 16, 200, 8);
        buffer.putLong(writer.payloadOffset(), 0x0102030405060708L);
        final FrameReader reader = new FrameReader();

        assertEquals(RejectReason.NONE, reader.wrapValidated(buffer, 16, length));
        assertEquals(writer.payloadOffset(), reader.payloadOffset());
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        reader.wrapPayload(view);
        assertEquals(8, view.capacity());
        assertEquals(0x0102030405060708L, view.getLong(0));
    }

    @Test
    void macRangesCoverEveryByteExceptTheTagExactlyOnce()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final FrameWriter writer = new FrameWriter();
        final int offset = 24;
        final int length = writer.wrap(buffer, offset, 400, 37);
        final FrameReader reader = new FrameReader();
        assertEquals(RejectReason.NONE, reader.wrapValidated(buffer, offset, length));

        final int[] writerCover = cover(buffer.capacity(), writer.macFirstRangeOffset(), writer.macFirstRangeLength(),
            writer.macSecondRangeOffset(), writer.macSecondRangeLength());
        final int[] readerCover = cover(buffer.capacity(), reader.macFirstRangeOffset(), reader.macFirstRangeLength(),
            reader.macSecondRangeOffset(), reader.macSecondRangeLength());

        assertArrayEquals(writerCover, readerCover);
        for (int i = 0; i < buffer.capacity(); i++)
        {
            final boolean inFrame = i >= offset && i < offset + length;
            final boolean inTag = i >= writer.tagOffset() && i < writer.tagOffset() + FrameDescriptor.TAG_LENGTH;
            assertEquals(inFrame && !inTag ? 1 : 0, writerCover[i], "byte " + i);
        }
    }

    @Test
    void tagIsWhereTheReaderFindsIt()
    {
        final TestFrames.Values values = TestFrames.sample(3);
        final byte[] bytes = TestFrames.encode(values);
        final FrameReader reader = new FrameReader();
        assertEquals(RejectReason.NONE, reader.wrapValidated(new UnsafeBuffer(bytes), 0, bytes.length));

        assertArrayEquals(values.tag(), Arrays.copyOfRange(bytes, reader.tagOffset(), reader.tagOffset() + 32));
    }

    private static int[] cover(
        final int capacity, final int offset1, final int length1, final int offset2, final int length2)
    {
        final int[] counts = new int[capacity];
        for (int i = offset1; i < offset1 + length1; i++)
        {
            counts[i]++;
        }
        for (int i = offset2; i < offset2 + length2; i++)
        {
            counts[i]++;
        }
        assertTrue(length1 > 0 && length2 > 0);
        return counts;
    }
}
