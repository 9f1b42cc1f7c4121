package io.bastion.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bastion.codec.sbe.FrameDecoder;
import io.bastion.codec.sbe.MessageHeaderDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arbitrary bytes into the validator: it never throws, and whenever it accepts, every reader accessor and the
 * generated decoder stay inside the record. The record is wrapped in a buffer of exactly its length, so Agrona's
 * bounds checks (on by default) turn any read outside it into an exception that fails the test.
 * <p>
 * Without {@code JAZZER_FUZZ=1} this replays the seeds in {@code FrameValidatorFuzzTestInputs/<method>/} under
 * src/test/resources; see codec/README.md for a timed fuzzing run.
 */
class FrameValidatorFuzzTest
{
    private static final FrameValidator STRICT = FrameValidator.strict();
    private static final FrameValidator FORWARD =
        FrameValidator.forwardCompatible(0xFFFF, FrameDescriptor.MAX_PAYLOAD_LENGTH);

    private final FrameReader strictReader = new FrameReader(STRICT);
    private final FrameReader forwardReader = new FrameReader(FORWARD);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[FrameDescriptor.MAX_FRAME_LENGTH + 70_000]);

    @FuzzTest(maxDuration = "10m")
    void validatorIsTotalAndAcceptedFramesStayInBounds(final byte[] input)
    {
        check(new UnsafeBuffer(input), 0, input.length);
        if (input.length > 1)
        {
            // The same bytes seen from inside a larger buffer, and a region that overruns it.
            final UnsafeBuffer whole = new UnsafeBuffer(input);
            check(whole, 1, input.length - 1);
            assertEquals(RejectReason.REGION_OUT_OF_BOUNDS, STRICT.validate(whole, 1, input.length));
        }
    }

    private void check(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final RejectReason strictResult = STRICT.validate(buffer, offset, length);
        final RejectReason forwardResult = FORWARD.validate(buffer, offset, length);
        assertTrue(RejectReason.NONE == strictResult || strictResult.isStructural());
        assertTrue(RejectReason.NONE == forwardResult || forwardResult.isStructural());
        if (RejectReason.NONE == strictResult)
        {
            // Strict acceptance is a subset of forward-compatible acceptance.
            assertEquals(RejectReason.NONE, forwardResult);
        }

        assertEquals(strictResult, strictReader.wrapValidated(buffer, offset, length));
        assertEquals(forwardResult, forwardReader.wrapValidated(buffer, offset, length));
        if (RejectReason.NONE == forwardResult)
        {
            readEverything(forwardReader, buffer, offset, length);
        }
        if (RejectReason.NONE == strictResult)
        {
            readEverything(strictReader, buffer, offset, length);
        }
    }

    private void readEverything(final FrameReader reader, final UnsafeBuffer buffer, final int offset, final int length)
    {
        // A view of exactly the record: any access beyond it throws IndexOutOfBoundsException.
        final UnsafeBuffer record = new UnsafeBuffer(buffer, offset, length);
        final FrameReader exact = new FrameReader(reader.validator());
        assertEquals(RejectReason.NONE, exact.wrapValidated(record, 0, length));

        assertEquals(length, exact.frameLength());
        assertEquals(length, exact.payloadOffset() + exact.payloadLength());
        assertEquals(length, exact.macSecondRangeOffset() + exact.macSecondRangeLength());
        assertNotNull(TestFrames.snapshot(exact));
        exact.getTag(scratch, 0);
        exact.getPayload(scratch, 0);
        exact.wrapPayload(new UnsafeBuffer(0, 0));

        // The generated decoder, driven the way the reader drives it, also stays inside.
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(record, 0);
        final FrameDecoder decoder = new FrameDecoder().wrap(
            record, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        assertEquals(length, decoder.frameLength());
        assertEquals(exact.payloadLength(), decoder.payloadLength());
        assertEquals(exact.payloadLength(), decoder.getPayload(scratch, 0, Integer.MAX_VALUE));
        assertEquals(length, decoder.limit());
        assertNotNull(decoder.toString());
    }
}
