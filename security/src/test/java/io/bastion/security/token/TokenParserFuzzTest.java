package io.bastion.security.token;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
}
