package io.bastion.bench.latency;

import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The frames the UDP cases carry are real sealed Bastion frames: valid for the strict validator the bridge applies,
 * verified under the key, carrying the message at {@link SealedFrames#PAYLOAD_OFFSET}.
 */
class SealedFramesTest
{
    @Test
    void aMessageBecomesAValidSealedFrameThatCarriesItUnchanged()
    {
        final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
        for (int i = 0; i < message.capacity(); i++)
        {
            message.putByte(i, (byte)(i * 7));
        }
        message.putLong(0, 42L);
        try (SealedFrames frames = new SealedFrames(1024))
        {
            final int length = frames.seal(message, 256);
            assertEquals(SealedFrames.frameLength(256), length);
            assertEquals(256, SealedFrames.payloadLength(length));
            assertEquals(RejectReason.NONE, FrameValidator.strict().validate(frames.frame(), 0, length));
            assertTrue(frames.verifies(frames.frame(), 0, length));
            assertEquals(42L, frames.frame().getLong(SealedFrames.PAYLOAD_OFFSET));
            for (int i = Long.BYTES; i < 256; i++)
            {
                assertEquals(message.getByte(i), frames.frame().getByte(SealedFrames.PAYLOAD_OFFSET + i));
            }

            frames.frame().putByte(SealedFrames.PAYLOAD_OFFSET + 3, (byte)0x55);
            assertFalse(frames.verifies(frames.frame(), 0, length));
        }
    }

    @Test
    void aMessageLongerThanTheFramesHoldIsRefused()
    {
        try (SealedFrames frames = new SealedFrames(64))
        {
            assertThrows(IllegalArgumentException.class, () -> frames.seal(new UnsafeBuffer(new byte[65]), 65));
        }
    }
}
