package io.bastion.codec;

import io.bastion.codec.sbe.nexttest.FrameEncoder;
import io.bastion.codec.sbe.nexttest.MessageHeaderEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Frames written by the test-only next version (5) of the schema (one int64 field appended with
 * sinceVersion="5") read by this build's version-4 reader, whose Frame block is still version 1's.
 */
class FrameVersioningTest
{
    private static final byte[] PAYLOAD = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final long PRIORITY = 0x1122_3344_5566_7788L;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
    private final int length = encodeNextVersion();

    @Test
    void nextVersionCodecsReallyDifferFromTheCurrent()
    {
        assertEquals(5, FrameEncoder.SCHEMA_VERSION);
        assertEquals(FrameValidator.SCHEMA_ID, FrameEncoder.SCHEMA_ID);
        assertEquals(FrameValidator.TEMPLATE_ID, FrameEncoder.TEMPLATE_ID);
        assertEquals(FrameDescriptor.BLOCK_LENGTH + 8, FrameEncoder.BLOCK_LENGTH);
        assertEquals(FrameDescriptor.frameLength(PAYLOAD.length) + 8, length);
    }

    @Test
    void aForwardCompatibleReaderAcceptsTheNextVersionAndIgnoresTheNewField()
    {
        final FrameReader reader = new FrameReader(FrameValidator.forwardCompatible(5, 4096));

        assertEquals(RejectReason.NONE, reader.wrapValidated(buffer, 0, length));
        assertEquals(5, reader.version());
        assertEquals(FrameEncoder.BLOCK_LENGTH, reader.blockLength());
        assertEquals(7, reader.channelId());
        assertEquals(8, reader.producerId());
        assertEquals(9, reader.keyId());
        assertEquals(-2L, reader.sequence());
        assertEquals(123_456_789L, reader.timestamp());
        assertEquals(44, reader.messageTypeId());
        assertEquals(-1, reader.flags());
        assertEquals(PAYLOAD.length, reader.payloadLength());
        final byte[] payload = new byte[PAYLOAD.length];
        reader.getPayload(new UnsafeBuffer(payload), 0);
        assertArrayEquals(PAYLOAD, payload);
        assertEquals(FrameDescriptor.HEADER_LENGTH + FrameEncoder.BLOCK_LENGTH + 4, reader.payloadOffset());
    }

    @Test
    void theMacStillCoversTheNewFieldAndTheTagStaysPut()
    {
        final FrameReader reader = new FrameReader(FrameValidator.forwardCompatible(5, 4096));
        assertEquals(RejectReason.NONE, reader.wrapValidated(buffer, 0, length));

        assertEquals(FrameDescriptor.TAG_OFFSET, reader.tagOffset());
        assertEquals(0x5A, buffer.getByte(reader.tagOffset()));
        final int priorityOffset = FrameDescriptor.HEADER_LENGTH + FrameDescriptor.BLOCK_LENGTH;
        assertEquals(PRIORITY, buffer.getLong(priorityOffset, ByteOrder.LITTLE_ENDIAN));
        assertEquals(priorityOffset, reader.macSecondRangeOffset());
        assertEquals(length, reader.macSecondRangeOffset() + reader.macSecondRangeLength());
    }

    @Test
    void aStrictReaderRefusesTheNextVersion()
    {
        assertEquals(RejectReason.VERSION_TOO_NEW, new FrameReader().wrapValidated(buffer, 0, length));
        assertEquals(RejectReason.VERSION_TOO_NEW, FrameValidator.forwardCompatible(FrameValidator.CURRENT_VERSION, 100)
            .validate(buffer, 0, length));
    }

    @Test
    void aVersionBelowTheMinimumIsRefused()
    {
        buffer.putShort(FrameDescriptor.VERSION_FIELD_OFFSET, (short) 0, ByteOrder.LITTLE_ENDIAN);

        assertEquals(RejectReason.VERSION_TOO_OLD,
            FrameValidator.forwardCompatible(5, 4096).validate(buffer, 0, length));
    }

    @Test
    void theNextVersionWithABlockShorterThanVersion1IsRefused()
    {
        buffer.putShort(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, (short) (FrameDescriptor.BLOCK_LENGTH - 1),
            ByteOrder.LITTLE_ENDIAN);

        assertEquals(RejectReason.BLOCK_LENGTH_TOO_SHORT,
            FrameValidator.forwardCompatible(5, 4096).validate(buffer, 0, length));
    }

    @Test
    void theNextVersionWithTrailingBytesIsRefused()
    {
        assertEquals(RejectReason.TRAILING_BYTES,
            FrameValidator.forwardCompatible(5, 4096).validate(buffer, 0, length + 1));
        assertEquals(RejectReason.PAYLOAD_BEYOND_RECORD,
            FrameValidator.forwardCompatible(5, 4096).validate(buffer, 0, length - 1));
    }

    private int encodeNextVersion()
    {
        final FrameEncoder encoder = new FrameEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        final int frameLength = MessageHeaderEncoder.ENCODED_LENGTH + FrameEncoder.BLOCK_LENGTH +
            FrameEncoder.payloadHeaderLength() + PAYLOAD.length;
        final byte[] tag = new byte[32];
        Arrays.fill(tag, (byte) 0x5A);
        encoder
            .frameLength(frameLength)
            .channelId(7)
            .producerId(8)
            .keyId(9)
            .sequence(-2L)
            .timestamp(123_456_789L)
            .messageTypeId(44)
            .flags(0xFFFF_FFFFL)
            .putTag(tag, 0, tag.length)
            .priority(PRIORITY)
            .putPayload(PAYLOAD, 0, PAYLOAD.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
