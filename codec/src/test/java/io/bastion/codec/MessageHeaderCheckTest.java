package io.bastion.codec;

import io.bastion.codec.sbe.KeyUpdateEncoder;
import io.bastion.codec.sbe.MessageHeaderEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Frames and control messages share one message-header check: the same hostile header gets the same reason from
 * both validators, and the block-length rule is the same function of the version.
 */
class MessageHeaderCheckTest
{
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
    private final UnsafeBuffer control = new UnsafeBuffer(new byte[1024]);
    private final int frameLength;
    private final int controlLength;

    MessageHeaderCheckTest()
    {
        frameLength = TestFrames.encode(new FrameWriter(), frame, 0, frame.capacity(), TestFrames.sample(16));
        final KeyUpdateEncoder keyUpdate = new KeyUpdateEncoder()
            .wrapAndApplyHeader(control, 0, new MessageHeaderEncoder()).newKeyId(2).effectiveFromSequence(9);
        controlLength = MessageHeaderEncoder.ENCODED_LENGTH + keyUpdate.encodedLength();
    }

    @Test
    void bothValidatorsAcceptTheirOwnMessage()
    {
        assertEquals(RejectReason.NONE, FrameValidator.strict().validate(frame, 0, frameLength));
        assertEquals(RejectReason.NONE, ControlMessageValidator.strict().validate(control, 0, controlLength));
    }

    @Test
    void theSameHostileHeaderGetsTheSameReasonFromBoth()
    {
        final int[][] headers = {
            // schema id, version, expected code
            {FrameValidator.SCHEMA_ID + 1, 1, RejectReason.WRONG_SCHEMA_ID.code()},
            {0, 1, RejectReason.WRONG_SCHEMA_ID.code()},
            {FrameValidator.SCHEMA_ID, 0, RejectReason.VERSION_TOO_OLD.code()},
            {FrameValidator.SCHEMA_ID, FrameValidator.CURRENT_VERSION + 1, RejectReason.VERSION_TOO_NEW.code()},
            {FrameValidator.SCHEMA_ID, 0xFFFF, RejectReason.VERSION_TOO_NEW.code()},
        };
        for (final int[] header : headers)
        {
            final RejectReason expected = RejectReason.fromCode(header[2]);
            for (final UnsafeBuffer buffer : new UnsafeBuffer[]{frame, control})
            {
                buffer.putShort(FrameDescriptor.SCHEMA_ID_FIELD_OFFSET, (short)header[0], FrameDescriptor.BYTE_ORDER);
                buffer.putShort(FrameDescriptor.VERSION_FIELD_OFFSET, (short)header[1], FrameDescriptor.BYTE_ORDER);
            }
            assertEquals(expected, FrameValidator.strict().validate(frame, 0, frameLength));
            assertEquals(expected, ControlMessageValidator.strict().validate(control, 0, controlLength));
        }
    }

    @Test
    void theSameRegionGetsTheSameReasonFromBoth()
    {
        for (final int[] region : new int[][]{{-1, 10}, {0, -1}, {10, Integer.MAX_VALUE}, {1025, 0}})
        {
            assertEquals(RejectReason.REGION_OUT_OF_BOUNDS, FrameValidator.strict().validate(frame, region[0],
                region[1]));
            assertEquals(RejectReason.REGION_OUT_OF_BOUNDS, ControlMessageValidator.strict().validate(control,
                region[0], region[1]));
        }
        assertEquals(RejectReason.REGION_OUT_OF_BOUNDS, FrameValidator.strict().validate(null, 0, 10));
        assertEquals(RejectReason.REGION_OUT_OF_BOUNDS, ControlMessageValidator.strict().validate(null, 0, 10));
    }

    @Test
    void theBlockLengthRuleIsOneFunctionOfTheVersion()
    {
        final int current = FrameValidator.CURRENT_VERSION;
        assertEquals(0, MessageHeaderCheck.checkBlockLength(40, current, 40, 1024));
        assertEquals(RejectReason.BLOCK_LENGTH_TOO_SHORT.code(),
            MessageHeaderCheck.checkBlockLength(39, current, 40, 1024));
        assertEquals(RejectReason.BLOCK_LENGTH_TOO_LONG.code(),
            MessageHeaderCheck.checkBlockLength(41, current, 40, 1024));
        assertEquals(0, MessageHeaderCheck.checkBlockLength(1024, current + 1, 40, 1024));
        assertEquals(RejectReason.BLOCK_LENGTH_TOO_SHORT.code(),
            MessageHeaderCheck.checkBlockLength(39, current + 1, 40, 1024));
        assertEquals(RejectReason.BLOCK_LENGTH_TOO_LONG.code(),
            MessageHeaderCheck.checkBlockLength(1025, current + 1, 40, 1024));
    }

    @Test
    void anAcceptedHeaderReadsBackItsFields()
    {
        assertEquals(0, MessageHeaderCheck.checkRegion(frame, 0, frameLength, FrameDescriptor.MIN_FRAME_LENGTH));
        assertEquals(0, MessageHeaderCheck.checkSchemaAndVersion(
            MessageHeaderCheck.schemaId(frame, 0), MessageHeaderCheck.version(frame, 0), 0xFFFF));
        assertEquals(FrameValidator.CURRENT_VERSION, MessageHeaderCheck.version(frame, 0));
        assertEquals(FrameValidator.TEMPLATE_ID, MessageHeaderCheck.templateId(frame, 0));
        assertEquals(FrameDescriptor.BLOCK_LENGTH, MessageHeaderCheck.blockLength(frame, 0));
    }
}
