package io.bastion.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameWriterTest
{
    private static final byte FILL = (byte) 0xEE;

    private final FrameWriter writer = new FrameWriter();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    @Test
    void refusesARegionTooSmallAndLeavesTheBufferUntouched()
    {
        fill();
        final int tooSmall = FrameDescriptor.frameLength(10) - 1;
        assertEquals(FrameWriter.INSUFFICIENT_CAPACITY, writer.wrap(buffer, 0, tooSmall, 10));
        assertEquals(FrameWriter.INSUFFICIENT_CAPACITY, writer.wrap(buffer, 0, 0, 0));
        assertUntouched();
    }

    @Test
    void refusesAPayloadAboveTheSchemaMaximum()
    {
        final UnsafeBuffer big = new UnsafeBuffer(new byte[FrameDescriptor.MAX_FRAME_LENGTH + 1]);
        assertEquals(FrameWriter.PAYLOAD_TOO_LONG,
            writer.wrap(big, 0, big.capacity(), FrameDescriptor.MAX_PAYLOAD_LENGTH + 1));
        assertEquals(FrameWriter.PAYLOAD_TOO_LONG, writer.wrap(big, 0, big.capacity(), -1));
        assertEquals(FrameDescriptor.MAX_FRAME_LENGTH,
            writer.wrap(big, 0, big.capacity(), FrameDescriptor.MAX_PAYLOAD_LENGTH));
    }

    @Test
    void refusesARegionOutsideTheBuffer()
    {
        fill();
        assertEquals(FrameWriter.INVALID_REGION, writer.wrap(buffer, -1, 100, 0));
        assertEquals(FrameWriter.INVALID_REGION, writer.wrap(buffer, 1025, 0, 0));
        assertEquals(FrameWriter.INVALID_REGION, writer.wrap(buffer, 1000, 100, 0));
        assertEquals(FrameWriter.INVALID_REGION, writer.wrap(buffer, 10, -5, 0));
        assertEquals(FrameWriter.INVALID_REGION, writer.wrap(buffer, Integer.MAX_VALUE, Integer.MAX_VALUE, 0));
        assertEquals(FrameWriter.INVALID_REGION, writer.wrap(null, 0, 100, 0));
        assertUntouched();
    }

    @Test
    void settersAfterAFailedWrapDoNotReachTheCallersBuffer()
    {
        assertEquals(FrameDescriptor.frameLength(0), writer.wrap(buffer, 0, 1024, 0));
        fill();
        assertEquals(FrameWriter.INSUFFICIENT_CAPACITY, writer.wrap(buffer, 0, 10, 0));
        writer.channelId(1).producerId(2).keyId(3).sequence(4).timestamp(5).messageTypeId(6).flags(7)
            .putPayload(buffer, 0).putTag(buffer, 0);
        assertUntouched();
    }

    @Test
    void staleBytesInTheClaimedRegionDoNotSurvive()
    {
        fill();
        final int length = writer.wrap(buffer, 0, 1024, 0);
        final FrameReader reader = new FrameReader();

        assertEquals(RejectReason.NONE, reader.wrapValidated(buffer, 0, length));
        assertEquals(0, reader.channelId());
        assertEquals(0L, reader.sequence());
        assertEquals(0, reader.flags());
        for (int i = 0; i < FrameDescriptor.TAG_LENGTH; i++)
        {
            assertEquals(0, buffer.getByte(reader.tagOffset() + i));
        }
        assertEquals(FILL, buffer.getByte(length));
    }

    @Test
    void reportsOffsetsOfTheWrappedRegion()
    {
        final int length = writer.wrap(buffer, 128, 512, 20);

        assertEquals(FrameDescriptor.frameLength(20), length);
        assertEquals(length, writer.frameLength());
        assertEquals(20, writer.payloadLength());
        assertEquals(128, writer.offset());
        assertEquals(128 + 84, writer.payloadOffset());
        assertEquals(128 + 48, writer.tagOffset());
        assertEquals(128, writer.macFirstRangeOffset());
        assertEquals(48, writer.macFirstRangeLength());
        assertEquals(128 + 80, writer.macSecondRangeOffset());
        assertEquals(length - 80, writer.macSecondRangeLength());
        assertEquals(buffer, writer.buffer());
    }

    private void fill()
    {
        buffer.setMemory(0, buffer.capacity(), FILL);
    }

    private void assertUntouched()
    {
        for (int i = 0; i < buffer.capacity(); i++)
        {
            assertEquals(FILL, buffer.getByte(i), "byte " + i);
        }
    }
}
