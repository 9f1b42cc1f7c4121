package io.bastion.bridge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The term space {@link BridgeSender} checks the publication's window for, as Aeron's term appenders take it: one
 * aligned frame for a message that fits, else every full fragment with its 32-byte header and the last one aligned.
 */
class BridgeSenderFramingTest
{
    private static final int MAX_PAYLOAD = BridgeContext.MTU_DEFAULT - 32;

    @Test
    void anUnfragmentedMessageTakesOneAlignedFrame()
    {
        assertEquals(160, BridgeSender.framedLength(100, MAX_PAYLOAD));
        assertEquals(BridgeContext.MTU_DEFAULT, BridgeSender.framedLength(MAX_PAYLOAD, MAX_PAYLOAD));
    }

    @Test
    void aFragmentedMessageTakesEveryFragmentsHeaderAndTheLastOnesAlignment()
    {
        assertEquals(BridgeContext.MTU_DEFAULT + 64, BridgeSender.framedLength(MAX_PAYLOAD + 1, MAX_PAYLOAD));
        assertEquals(2 * BridgeContext.MTU_DEFAULT, BridgeSender.framedLength(2 * MAX_PAYLOAD, MAX_PAYLOAD));
        // A 16 KiB batch of 48 entries of 336 bytes, with the bridge's header and tag: 11 full fragments and one of
        // 1,040 bytes (1,072 with its header, 1,088 aligned).
        assertEquals(11 * BridgeContext.MTU_DEFAULT + 1_088, BridgeSender.framedLength(48 * 336 + 48, MAX_PAYLOAD));
    }
}
