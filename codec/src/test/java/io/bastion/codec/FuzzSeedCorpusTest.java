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
    private final FrameValidator forward = FrameValidator.forwardCompatible(2, FrameDescriptor.MAX_PAYLOAD_LENGTH);

    @Test
    void seedsHaveTheirNamedVerdicts() throws IOException
    {
        assertVerdict("valid-empty-payload", FrameValidator.ACCEPT, FrameValidator.ACCEPT);
        assertVerdict("valid-16-byte-payload", FrameValidator.ACCEPT, FrameValidator.ACCEPT);
        assertVerdict("version2-larger-block", RejectReason.VERSION_TOO_NEW.code(), FrameValidator.ACCEPT);
        assertVerdict("version0", RejectReason.VERSION_TOO_OLD.code(), RejectReason.VERSION_TOO_OLD.code());
        assertVerdict("truncated-payload",
            RejectReason.PAYLOAD_BEYOND_RECORD.code(), RejectReason.PAYLOAD_BEYOND_RECORD.code());
        assertVerdict("trailing-bytes", RejectReason.TRAILING_BYTES.code(), RejectReason.TRAILING_BYTES.code());
        assertVerdict("payload-length-huge",
            RejectReason.PAYLOAD_TOO_LONG.code(), RejectReason.PAYLOAD_TOO_LONG.code());
        assertVerdict("frame-length-mismatch",
            RejectReason.FRAME_LENGTH_MISMATCH.code(), RejectReason.FRAME_LENGTH_MISMATCH.code());
        assertVerdict("hello-template", RejectReason.UNKNOWN_TEMPLATE.code(), RejectReason.UNKNOWN_TEMPLATE.code());
        assertVerdict("header-only", RejectReason.TOO_SHORT.code(), RejectReason.TOO_SHORT.code());
    }

    private void assertVerdict(final String name, final int strictVerdict, final int forwardVerdict)
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
