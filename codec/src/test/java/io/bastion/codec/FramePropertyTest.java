package io.bastion.codec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FramePropertyTest
{
    @Property
    void anyValidFrameEncodesAndDecodesBackToItself(@ForAll("frames") final TestFrames.Values values)
    {
        final byte[] bytes = TestFrames.encode(values);
        final FrameReader reader = new FrameReader();

        assertEquals(RejectReason.NONE, reader.wrapValidated(new UnsafeBuffer(bytes), 0, bytes.length));
        assertEquals(TestFrames.snapshot(values), TestFrames.snapshot(reader));
    }

    @Property
    void aChangedHeaderOrLengthByteIsRefusedOrDecodesToExactlyThatField(
        @ForAll("frames") final TestFrames.Values values,
        @ForAll @IntRange(min = 0, max = 15) final int which,
        @ForAll final byte delta,
        @ForAll final boolean forwardCompatible)
    {
        // Bytes 0-7 header, 8-11 frame length, then the four bytes of the payload length prefix.
        final int prefix = FrameDescriptor.payloadLengthFieldOffset(FrameDescriptor.BLOCK_LENGTH);
        final int position = which < 12 ? which : prefix + which - 12;
        checkSingleByteChange(values, position, delta, forwardCompatible);
    }

    @Property
    void aChangedByteAnywhereIsRefusedOrDecodesToExactlyThatField(
        @ForAll("frames") final TestFrames.Values values,
        @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) final int anywhere,
        @ForAll final byte delta,
        @ForAll final boolean forwardCompatible)
    {
        final int position = anywhere % FrameDescriptor.frameLength(values.payload().length);
        checkSingleByteChange(values, position, delta, forwardCompatible);
    }

    private static void checkSingleByteChange(
        final TestFrames.Values values, final int position, final byte delta, final boolean forwardCompatible)
    {
        if (0 == delta)
        {
            return;
        }
        final byte[] bytes = TestFrames.encode(values);
        bytes[position] += delta;
        final FrameValidator validator = forwardCompatible ?
            FrameValidator.forwardCompatible(0xFFFF, FrameDescriptor.MAX_PAYLOAD_LENGTH) : FrameValidator.strict();
        final FrameReader reader = new FrameReader(validator);

        final RejectReason reason = reader.wrapValidated(new UnsafeBuffer(bytes), 0, bytes.length);

        if (RejectReason.NONE != reason)
        {
            assertNotNull(reason);
            assertTrue(reason.isStructural());
            return;
        }
        final Map<String, Object> before = TestFrames.snapshot(values);
        final Map<String, Object> after = TestFrames.snapshot(reader);
        final Set<String> changed = new HashSet<>();
        for (final Map.Entry<String, Object> field : before.entrySet())
        {
            if (!field.getValue().equals(after.get(field.getKey())))
            {
                changed.add(field.getKey());
            }
        }
        assertEquals(Set.of(TestFrames.fieldAt(position)), changed, "byte " + position);
    }

    @Provide
    Arbitrary<TestFrames.Values> frames()
    {
        final Arbitrary<byte[]> tags = Arbitraries.bytes().array(byte[].class).ofSize(FrameDescriptor.TAG_LENGTH);
        final Arbitrary<byte[]> payloads = Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
        return Combinators.combine(
            Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers(), Arbitraries.longs(),
            Arbitraries.longs(), Arbitraries.integers(), Arbitraries.integers(), tags)
            .as((channelId, producerId, keyId, sequence, timestamp, type, flags, tag) ->
                new TestFrames.Values(channelId, producerId, keyId, sequence, timestamp, type, flags, tag, null))
            .flatMap(partial -> payloads.map(payload -> new TestFrames.Values(
                partial.channelId(), partial.producerId(), partial.keyId(), partial.sequence(), partial.timestamp(),
                partial.messageTypeId(), partial.flags(), partial.tag(), payload)));
    }
}
