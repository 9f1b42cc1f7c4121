package io.bastion.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The fuzz test's seed inputs mean what their names say, so the corpus keeps covering accept and each refusal.
 */
class FuzzSeedCorpusTest
{
    private static final String DIR =
        "FrameValidatorFuzzTestInputs/validatorIsTotalAndAcceptedFramesStayInBounds/";

    private final FrameValidator strict = FrameValidator.strict();
    private final FrameValidator forward =
        FrameValidator.forwardCompatible(FrameValidator.CURRENT_VERSION + 1, FrameDescriptor.MAX_PAYLOAD_LENGTH);

    @Test
    void seedsHaveTheirNamedVerdicts() throws IOException
    {
        assertVerdict("valid-empty-payload", RejectReason.NONE, RejectReason.NONE);
        assertVerdict("valid-16-byte-payload", RejectReason.NONE, RejectReason.NONE);
        // Written when version 3 was the next one; since schema 3 is this build's, its larger block is refused.
        assertVerdict("version3-larger-block", RejectReason.BLOCK_LENGTH_TOO_LONG, RejectReason.BLOCK_LENGTH_TOO_LONG);
        // Written when version 4 was the next one; since schema 4 is this build's, its larger block is refused too.
        assertVerdict("version4-larger-block", RejectReason.BLOCK_LENGTH_TOO_LONG, RejectReason.BLOCK_LENGTH_TOO_LONG);
        assertVerdict("version5-larger-block", RejectReason.VERSION_TOO_NEW, RejectReason.NONE);
        assertVerdict("version0", RejectReason.VERSION_TOO_OLD, RejectReason.VERSION_TOO_OLD);
        assertVerdict("truncated-payload",
            RejectReason.PAYLOAD_BEYOND_RECORD, RejectReason.PAYLOAD_BEYOND_RECORD);
        assertVerdict("trailing-bytes", RejectReason.TRAILING_BYTES, RejectReason.TRAILING_BYTES);
        assertVerdict("payload-length-huge",
            RejectReason.PAYLOAD_TOO_LONG, RejectReason.PAYLOAD_TOO_LONG);
        assertVerdict("frame-length-mismatch",
            RejectReason.FRAME_LENGTH_MISMATCH, RejectReason.FRAME_LENGTH_MISMATCH);
        assertVerdict("hello-template", RejectReason.UNKNOWN_TEMPLATE, RejectReason.UNKNOWN_TEMPLATE);
        assertVerdict("header-only", RejectReason.TOO_SHORT, RejectReason.TOO_SHORT);
    }

    private void assertVerdict(final String name, final RejectReason strictVerdict, final RejectReason forwardVerdict)
            throws IOException
    {
        try (InputStream in = FuzzSeedCorpusTest.class.getResourceAsStream(DIR + name))
        {
            assertNotNull(in, name);
            final byte[] bytes = in.readAllBytes();
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            assertEquals(strictVerdict, strict.validate(buffer, 0, bytes.length), name);
            assertEquals(forwardVerdict, forward.validate(buffer, 0, bytes.length), name);
        }
    }
}
