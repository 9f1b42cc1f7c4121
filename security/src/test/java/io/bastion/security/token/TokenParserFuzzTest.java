package io.bastion.security.token;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class TokenParserFuzzTest
{
    /**
     * The parser is total (any exception fails the target) and canonical: whatever it accepts re-encodes to the
     * same bytes. Without JAZZER_FUZZ=1 this replays the committed inputs.
     *
     * @param data hostile bytes.
     */
    @FuzzTest(maxDuration = "60s")
    void parse(final byte[] data)
    {
        final TokenParseResult result = TokenCodec.parse(data);
        assertNotNull(result.reason());
        if (result.isOk())
        {
            assertArrayEquals(data, TokenCodec.encode(result.token(), result.signature()));
        }
        else
        {
            assertNull(result.token());
        }
    }

    /**
     * The committed inputs still reach the checks they are named for (format version 2), so the regression run
     * exercises the parser past its version byte.
     */
    @Test
    void committedInputsReachTheirChecks() throws IOException
    {
        final Map<String, TokenParseReason> expected = Map.ofEntries(
            Map.entry("negative_not_before", TokenParseReason.BAD_VALIDITY),
            Map.entry("newline_in_subject", TokenParseReason.MALFORMED_SUBJECT),
            Map.entry("not_after_before_not_before", TokenParseReason.BAD_VALIDITY),
            Map.entry("overlong_utf8_subject", TokenParseReason.MALFORMED_SUBJECT),
            Map.entry("retired_version_1", TokenParseReason.RETIRED_VERSION),
            Map.entry("star_inside_pattern", TokenParseReason.MALFORMED_PATTERN),
            Map.entry("subject_length_lies", TokenParseReason.BAD_SUBJECT_LENGTH),
            Map.entry("trailing_byte", TokenParseReason.TRAILING_BYTES),
            Map.entry("truncated_signature", TokenParseReason.TRUNCATED),
            Map.entry("unknown_flag_bit", TokenParseReason.UNKNOWN_FLAGS),
            Map.entry("unknown_rights_bit", TokenParseReason.UNKNOWN_RIGHTS),
            Map.entry("unknown_version", TokenParseReason.UNKNOWN_VERSION),
            Map.entry("valid_exact_utf8_subject", TokenParseReason.OK),
            Map.entry("valid_prefix_pattern", TokenParseReason.OK),
            Map.entry("valid_single_use", TokenParseReason.OK));
        for (final Map.Entry<String, TokenParseReason> input : expected.entrySet())
        {
            try (InputStream in = TokenParserFuzzTest.class.getResourceAsStream(
                "TokenParserFuzzTestInputs/parse/" + input.getKey()))
            {
                assertEquals(input.getValue(), TokenCodec.parse(in.readAllBytes()).reason(), input.getKey());
            }
        }
    }
}
