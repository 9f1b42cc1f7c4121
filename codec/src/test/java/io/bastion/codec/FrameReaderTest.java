package io.bastion.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class FrameReaderTest
{
    @Test
    void aRefusalLetsGoOfTheRecordAndShowsTheEmptyFrame()
    {
        final TestFrames.Values values = TestFrames.sample(10);
        final UnsafeBuffer buffer = new UnsafeBuffer(TestFrames.encode(values));
        final FrameReader reader = new FrameReader();
        assertEquals(RejectReason.NONE, reader.wrapValidated(buffer, 0, buffer.capacity()));
        assertSame(buffer, reader.buffer());

        final UnsafeBuffer tampered = new UnsafeBuffer(TestFrames.encode(values));
        tampered.putInt(FrameDescriptor.FRAME_LENGTH_FIELD_OFFSET, 5, ByteOrder.LITTLE_ENDIAN);
        assertEquals(RejectReason.FRAME_LENGTH_MISMATCH, reader.wrapValidated(tampered, 0, buffer.capacity()));

        assertNotSame(tampered, reader.buffer());
        assertNotSame(buffer, reader.buffer());
        assertEquals(0, reader.channelId());
        assertEquals(0, reader.producerId());
        assertEquals(0, reader.keyId());
        assertEquals(0L, reader.sequence());
        assertEquals(0L, reader.timestamp());
        assertEquals(0, reader.payloadLength());
        assertEquals(FrameDescriptor.MIN_FRAME_LENGTH, reader.frameLength());
        assertEquals(FrameValidator.CURRENT_VERSION, reader.version());
    }

    @Test
    void lengthsAreFixedAtValidationEvenIfTheBytesChangeAfterwards()
    {
        final TestFrames.Values values = TestFrames.sample(10);
        final UnsafeBuffer buffer = new UnsafeBuffer(TestFrames.encode(values));
        final FrameReader reader = new FrameReader();
        assertEquals(RejectReason.NONE, reader.wrapValidated(buffer, 0, buffer.capacity()));

        // A hostile producer rewriting an uncopied record after validation (double fetch).
        buffer.putInt(FrameDescriptor.payloadLengthFieldOffset(FrameDescriptor.BLOCK_LENGTH), Integer.MAX_VALUE,
            ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, (short) -1, ByteOrder.LITTLE_ENDIAN);

        assertEquals(10, reader.payloadLength());
        assertEquals(FrameDescriptor.BLOCK_LENGTH, reader.blockLength());
        assertEquals(10, reader.getPayload(new UnsafeBuffer(new byte[10]), 0));
        assertEquals(buffer.capacity(), reader.payloadOffset() + reader.payloadLength());
    }

    @Test
    void resetShowsTheEmptyFrame()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(TestFrames.encode(TestFrames.sample(3)));
        final FrameReader reader = new FrameReader(FrameValidator.strict());
        assertEquals(RejectReason.NONE, reader.wrapValidated(buffer, 0, buffer.capacity()));
        assertEquals(7, reader.channelId());

        reader.reset();

        assertEquals(0, reader.channelId());
        assertEquals(0, reader.offset());
        assertSame(FrameValidator.strict(), reader.validator());
    }
}
