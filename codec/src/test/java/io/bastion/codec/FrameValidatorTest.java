package io.bastion.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameValidatorTest
{
    private static final int PAYLOAD = 16;
    private static final int LENGTH = FrameDescriptor.frameLength(PAYLOAD);

    private static final int CURRENT = FrameValidator.CURRENT_VERSION;
    private static final int NEXT_VERSION = CURRENT + 1;

    private final FrameValidator strict = FrameValidator.strict();
    private final FrameValidator forward = FrameValidator.forwardCompatible(5, FrameDescriptor.MAX_PAYLOAD_LENGTH);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[LENGTH + 2048]);

    FrameValidatorTest()
    {
        TestFrames.encode(new FrameWriter(), buffer, 0, buffer.capacity(), TestFrames.sample(PAYLOAD));
    }

    @Test
    void acceptsAWellFormedFrame()
    {
        assertEquals(RejectReason.NONE, strict.validate(buffer, 0, LENGTH));
        assertEquals(RejectReason.NONE, forward.validate(buffer, 0, LENGTH));
    }

    @Test
    void refusesARegionOutsideTheBufferWithoutTouchingIt()
    {
        assertReason(RejectReason.REGION_OUT_OF_BOUNDS, strict, -1, LENGTH);
        assertReason(RejectReason.REGION_OUT_OF_BOUNDS, strict, 0, -1);
        assertReason(RejectReason.REGION_OUT_OF_BOUNDS, strict, buffer.capacity() + 1, 0);
        assertReason(RejectReason.REGION_OUT_OF_BOUNDS, strict, buffer.capacity() - 10, LENGTH);
        assertReason(RejectReason.REGION_OUT_OF_BOUNDS, strict, Integer.MAX_VALUE, Integer.MAX_VALUE);
        assertReason(RejectReason.REGION_OUT_OF_BOUNDS, strict, 100, Integer.MAX_VALUE);
        assertEquals(RejectReason.REGION_OUT_OF_BOUNDS, strict.validate(null, 0, LENGTH));
    }

    @Test
    void refusesRecordsShorterThanTheSmallestFrame()
    {
        assertReason(RejectReason.TOO_SHORT, strict, 0, 0);
        assertReason(RejectReason.TOO_SHORT, strict, 0, FrameDescriptor.MIN_FRAME_LENGTH - 1);
    }

    @Test
    void refusesAnotherSchema()
    {
        putShort(FrameDescriptor.SCHEMA_ID_FIELD_OFFSET, FrameValidator.SCHEMA_ID + 1);
        assertReason(RejectReason.WRONG_SCHEMA_ID, strict, 0, LENGTH);
    }

    @Test
    void refusesAVersionBelowTheMinimum()
    {
        putShort(FrameDescriptor.VERSION_FIELD_OFFSET, FrameValidator.MIN_SUPPORTED_VERSION - 1);
        assertReason(RejectReason.VERSION_TOO_OLD, strict, 0, LENGTH);
        assertReason(RejectReason.VERSION_TOO_OLD, forward, 0, LENGTH);
    }

    @Test
    void refusesAVersionAboveThePolicy()
    {
        putShort(FrameDescriptor.VERSION_FIELD_OFFSET, FrameValidator.CURRENT_VERSION + 1);
        assertReason(RejectReason.VERSION_TOO_NEW, strict, 0, LENGTH);
        assertEquals(RejectReason.NONE, forward.validate(buffer, 0, LENGTH));

        putShort(FrameDescriptor.VERSION_FIELD_OFFSET, 6);
        assertReason(RejectReason.VERSION_TOO_NEW, forward, 0, LENGTH);
        putShort(FrameDescriptor.VERSION_FIELD_OFFSET, 0xFFFF);
        assertReason(RejectReason.VERSION_TOO_NEW, forward, 0, LENGTH);
    }

    @Test
    void refusesAnotherTemplate()
    {
        putShort(FrameDescriptor.TEMPLATE_ID_FIELD_OFFSET, 16);
        assertReason(RejectReason.UNKNOWN_TEMPLATE, strict, 0, LENGTH);
    }

    @Test
    void refusesABlockSmallerThanTheVersionRequires()
    {
        putShort(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, FrameDescriptor.BLOCK_LENGTH - 1);
        assertReason(RejectReason.BLOCK_LENGTH_TOO_SHORT, strict, 0, LENGTH);
        putShort(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, 0);
        assertReason(RejectReason.BLOCK_LENGTH_TOO_SHORT, forward, 0, LENGTH);
    }

    @Test
    void refusesABlockLargerThanAKnownVersionHas()
    {
        putShort(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, FrameDescriptor.BLOCK_LENGTH + 1);
        assertReason(RejectReason.BLOCK_LENGTH_TOO_LONG, strict, 0, LENGTH);
        assertReason(RejectReason.BLOCK_LENGTH_TOO_LONG, forward, 0, LENGTH);
    }

    @Test
    void refusesANewerVersionsBlockBeyondThePolicy()
    {
        putShort(FrameDescriptor.VERSION_FIELD_OFFSET, NEXT_VERSION);
        putShort(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, FrameValidator.DEFAULT_MAX_BLOCK_LENGTH + 1);
        assertReason(RejectReason.BLOCK_LENGTH_TOO_LONG, forward, 0, buffer.capacity());
        putShort(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, 0xFFFF);
        assertReason(RejectReason.BLOCK_LENGTH_TOO_LONG, forward, 0, buffer.capacity());
    }

    @Test
    void refusesARecordThatEndsInsideTheAnnouncedBlock()
    {
        putShort(FrameDescriptor.VERSION_FIELD_OFFSET, NEXT_VERSION);
        putShort(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, 200);
        assertReason(RejectReason.TRUNCATED, forward, 0, LENGTH);
    }

    @Test
    void refusesAPayloadLengthAboveTheMaximum()
    {
        putPayloadLength(0xFFFF_FFFF);
        assertReason(RejectReason.PAYLOAD_TOO_LONG, strict, 0, LENGTH);
        putPayloadLength(FrameDescriptor.MAX_PAYLOAD_LENGTH + 1);
        assertReason(RejectReason.PAYLOAD_TOO_LONG, strict, 0, LENGTH);

        putPayloadLength(PAYLOAD);
        final FrameValidator small = new FrameValidator(CURRENT, FrameDescriptor.BLOCK_LENGTH, PAYLOAD - 1);
        assertReason(RejectReason.PAYLOAD_TOO_LONG, small, 0, LENGTH);
        assertEquals(RejectReason.NONE, new FrameValidator(CURRENT, 100, PAYLOAD).validate(buffer, 0, LENGTH));
    }

    @Test
    void refusesAPayloadThatRunsPastTheRecord()
    {
        putPayloadLength(PAYLOAD + 1);
        assertReason(RejectReason.PAYLOAD_BEYOND_RECORD, strict, 0, LENGTH);
        putPayloadLength(PAYLOAD);
        assertReason(RejectReason.PAYLOAD_BEYOND_RECORD, strict, 0, LENGTH - 1);
    }

    @Test
    void refusesTrailingBytes()
    {
        putPayloadLength(PAYLOAD - 1);
        assertReason(RejectReason.TRAILING_BYTES, strict, 0, LENGTH);
        putPayloadLength(PAYLOAD);
        assertReason(RejectReason.TRAILING_BYTES, strict, 0, LENGTH + 1);
    }

    @Test
    void refusesAFrameLengthFieldThatDisagrees()
    {
        buffer.putInt(FrameDescriptor.FRAME_LENGTH_FIELD_OFFSET, LENGTH + 1, ByteOrder.LITTLE_ENDIAN);
        assertReason(RejectReason.FRAME_LENGTH_MISMATCH, strict, 0, LENGTH);
        buffer.putInt(FrameDescriptor.FRAME_LENGTH_FIELD_OFFSET, LENGTH - 1, ByteOrder.LITTLE_ENDIAN);
        assertReason(RejectReason.FRAME_LENGTH_MISMATCH, strict, 0, LENGTH);
        buffer.putInt(FrameDescriptor.FRAME_LENGTH_FIELD_OFFSET, -1, ByteOrder.LITTLE_ENDIAN);
        assertReason(RejectReason.FRAME_LENGTH_MISMATCH, strict, 0, LENGTH);
    }

    @Test
    void checksInTheDocumentedOrder()
    {
        putShort(FrameDescriptor.SCHEMA_ID_FIELD_OFFSET, 1);
        putShort(FrameDescriptor.VERSION_FIELD_OFFSET, 0);
        putShort(FrameDescriptor.TEMPLATE_ID_FIELD_OFFSET, 99);
        assertReason(RejectReason.WRONG_SCHEMA_ID, strict, 0, LENGTH);
        putShort(FrameDescriptor.SCHEMA_ID_FIELD_OFFSET, FrameValidator.SCHEMA_ID);
        assertReason(RejectReason.VERSION_TOO_OLD, strict, 0, LENGTH);
        putShort(FrameDescriptor.VERSION_FIELD_OFFSET, 1);
        assertReason(RejectReason.UNKNOWN_TEMPLATE, strict, 0, LENGTH);
    }

    @Test
    void policyArgumentsAreChecked()
    {
        assertThrows(IllegalArgumentException.class, () -> new FrameValidator(0, 100, 100));
        assertThrows(IllegalArgumentException.class, () -> new FrameValidator(0x10000, 100, 100));
        assertThrows(IllegalArgumentException.class,
            () -> new FrameValidator(NEXT_VERSION, FrameDescriptor.BLOCK_LENGTH - 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new FrameValidator(NEXT_VERSION, 0x10000, 1));
        assertThrows(IllegalArgumentException.class, () -> new FrameValidator(NEXT_VERSION, 100, -1));
        assertThrows(IllegalArgumentException.class,
            () -> new FrameValidator(NEXT_VERSION, 100, FrameDescriptor.MAX_PAYLOAD_LENGTH + 1));
        assertEquals(FrameDescriptor.BLOCK_LENGTH, new FrameValidator(CURRENT, 500, 10).maxBlockLength());
        assertEquals(500, new FrameValidator(NEXT_VERSION, 500, 10).maxBlockLength());
        assertEquals(FrameValidator.CURRENT_VERSION, FrameValidator.strict().maxVersion());
        assertEquals(FrameDescriptor.MAX_PAYLOAD_LENGTH, FrameValidator.strict().maxPayloadLength());
    }

    private void putShort(final int offset, final int value)
    {
        buffer.putShort(offset, (short) value, ByteOrder.LITTLE_ENDIAN);
    }

    private void putPayloadLength(final int value)
    {
        buffer.putInt(FrameDescriptor.payloadLengthFieldOffset(FrameDescriptor.BLOCK_LENGTH), value,
            ByteOrder.LITTLE_ENDIAN);
    }

    private void assertReason(
        final RejectReason expected, final FrameValidator validator, final int offset, final int length)
    {
        assertEquals(expected, validator.validate(buffer, offset, length));
        final FrameReader reader = new FrameReader(validator);
        assertEquals(expected, reader.wrapValidated(buffer, offset, length));
        assertEquals(0, reader.channelId());
        assertEquals(0, reader.payloadLength());
    }
}
