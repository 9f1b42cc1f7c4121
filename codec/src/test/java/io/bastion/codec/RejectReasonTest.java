package io.bastion.codec;

import io.bastion.codec.sbe.RejectCode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RejectReasonTest
{
    @Test
    void codesAreStable()
    {
        // Codes are on the wire, in counters and in audit logs: this table may only ever grow.
        final Map<String, Integer> expected = new LinkedHashMap<>();
        final String[] names = {
            "TOO_SHORT", "WRONG_SCHEMA_ID", "VERSION_TOO_OLD", "VERSION_TOO_NEW", "UNKNOWN_TEMPLATE",
            "BLOCK_LENGTH_TOO_SHORT", "BLOCK_LENGTH_TOO_LONG", "TRUNCATED", "PAYLOAD_TOO_LONG", "PAYLOAD_BEYOND_RECORD",
            "TRAILING_BYTES", "FRAME_LENGTH_MISMATCH", "REGION_OUT_OF_BOUNDS", "UNKNOWN_ENUM_VALUE"};
        for (int i = 0; i < names.length; i++)
        {
            expected.put(names[i], i + 1);
        }
        final String[] channelNames = {
            "UNKNOWN_KEY", "REVOKED_KEY", "BAD_TAG", "REPLAY", "SEQUENCE_GAP", "RATE_LIMITED", "QUARANTINED",
            "UNAUTHORIZED", "EXPIRED_TOKEN", "INVALID_TOKEN", "BAD_SIGNATURE", "PEER_REJECTED", "UNSUPPORTED_VERSION",
            "PROTOCOL_VIOLATION", "RECORD_LENGTH_INVALID", "PERMISSIONS_TOO_WIDE", "TIMED_OUT", "CHANNEL_CLOSED",
            "CHANNEL_IN_USE", "MAPPING_FAULT"};
        for (int i = 0; i < channelNames.length; i++)
        {
            expected.put(channelNames[i], i + 32);
        }

        final Map<String, Integer> actual = new LinkedHashMap<>();
        for (final RejectReason reason : RejectReason.values())
        {
            actual.put(reason.name(), reason.code());
        }
        assertEquals(expected, actual);
    }

    @Test
    void theSchemaCarriesTheSameVocabulary()
    {
        for (final RejectReason reason : RejectReason.values())
        {
            assertEquals(reason.name(), RejectCode.get(reason.code()).name());
        }
        for (final RejectCode code : RejectCode.values())
        {
            if (RejectCode.NULL_VAL != code)
            {
                assertSame(RejectReason.valueOf(code.name()), RejectReason.fromCode(code.value()));
            }
        }
        assertEquals(RejectReason.values().length + 1, RejectCode.values().length);
    }

    @Test
    void fromCodeFindsEachReasonAndNothingElse()
    {
        for (final RejectReason reason : RejectReason.values())
        {
            assertSame(reason, RejectReason.fromCode(reason.code()));
        }
        assertNull(RejectReason.fromCode(FrameValidator.ACCEPT));
        assertNull(RejectReason.fromCode(-1));
        assertNull(RejectReason.fromCode(20));
        assertNull(RejectReason.fromCode(RejectReason.maxCode() + 1));
        assertNull(RejectReason.fromCode(Integer.MAX_VALUE));
        assertEquals(51, RejectReason.maxCode());
    }

    @Test
    void structuralReasonsAreTheValidators()
    {
        assertTrue(RejectReason.TRAILING_BYTES.isStructural());
        assertTrue(RejectReason.REGION_OUT_OF_BOUNDS.isStructural());
        assertFalse(RejectReason.BAD_TAG.isStructural());
    }
}
