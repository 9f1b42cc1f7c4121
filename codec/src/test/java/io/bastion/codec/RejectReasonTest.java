package io.bastion.codec;

import io.bastion.codec.sbe.RejectCode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RejectReasonTest
{
    @Test
    void codesAreStable()
    {
        // Codes are on the wire, in counters and in audit logs: this table may only ever grow.
        final Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("NONE", 0);
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
            "PROTOCOL_VIOLATION", "FRAME_TOO_LONG", "PERMISSIONS_TOO_WIDE", "TIMED_OUT", "CHANNEL_CLOSED",
            "CHANNEL_IN_USE", "MAPPING_FAULT", "EXPIRED_KEY", "INVALID_SEQUENCE", "MALFORMED_BATCH",
            "BATCH_KEY_MISMATCH", "CONSUMER_LAGGED", "CONSUMER_STALLED", "CONSUMER_HEAD_INVALID",
            "CHANNEL_ID_TAKEN", "RELAY_ONLY", "NOT_RELAYED", "PRODUCER_ID_IN_USE"};
        for (int i = 0; i < channelNames.length; i++)
        {
            expected.put(channelNames[i], i + 32);
        }
        final String[] ringFaultNames = {
            "TAIL_OUT_OF_RANGE", "TAIL_MISALIGNED", "RECORD_LENGTH_OUT_OF_RANGE", "RECORD_TYPE_INVALID",
            "PADDING_INVALID", "HEAD_BEYOND_TAIL", "HEAD_MORE_THAN_A_LAP_BEHIND", "HEAD_BACKWARDS", "HEAD_MISALIGNED"};
        for (int i = 0; i < ringFaultNames.length; i++)
        {
            expected.put(ringFaultNames[i], i + 64);
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
            if (reason.isRefusal())
            {
                assertEquals(reason.name(), RejectCode.get(reason.code()).name());
            }
        }
        for (final RejectCode code : RejectCode.values())
        {
            if (RejectCode.NULL_VAL != code)
            {
                assertSame(RejectReason.valueOf(code.name()), RejectReason.fromCode(code.value()));
            }
        }
        // Every refusal, plus SBE's NULL_VAL; NONE is never on the wire.
        assertEquals(RejectReason.values().length, RejectCode.values().length);
        assertThrows(IllegalArgumentException.class, () -> RejectCode.get(RejectReason.NONE.code()));
    }

    @Test
    void fromCodeFindsEachReasonAndNothingElse()
    {
        for (final RejectReason reason : RejectReason.values())
        {
            assertSame(reason, RejectReason.fromCode(reason.code()));
        }
        assertSame(RejectReason.NONE, RejectReason.fromCode(0));
        assertNull(RejectReason.fromCode(-1));
        assertNull(RejectReason.fromCode(20));
        assertNull(RejectReason.fromCode(63));
        assertNull(RejectReason.fromCode(RejectReason.maxCode() + 1));
        assertNull(RejectReason.fromCode(Integer.MIN_VALUE));
        assertNull(RejectReason.fromCode(Integer.MAX_VALUE));
        assertEquals(72, RejectReason.maxCode());
    }

    @Test
    void structuralReasonsAreTheValidators()
    {
        assertTrue(RejectReason.TRAILING_BYTES.isStructural());
        assertTrue(RejectReason.REGION_OUT_OF_BOUNDS.isStructural());
        assertFalse(RejectReason.BAD_TAG.isStructural());
        assertFalse(RejectReason.NONE.isStructural());
        assertFalse(RejectReason.HEAD_BEYOND_TAIL.isStructural());
    }

    @Test
    void noneIsTheOnlyReasonThatIsNoRefusal()
    {
        for (final RejectReason reason : RejectReason.values())
        {
            assertEquals(RejectReason.NONE != reason, reason.isRefusal(), reason.name());
            assertEquals(reason.code() >= 64, reason.isRingFault(), reason.name());
        }
    }
}
