package io.bastion.codec;

import io.bastion.codec.sbe.ChallengeDecoder;
import io.bastion.codec.sbe.ChallengeEncoder;
import io.bastion.codec.sbe.FanOutMode;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.codec.sbe.SourceUpdateEncoder;
import io.bastion.codec.sbe.HelloDecoder;
import io.bastion.codec.sbe.HelloEncoder;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.MessageHeaderDecoder;
import io.bastion.codec.sbe.MessageHeaderEncoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.codec.sbe.Sealing;
import io.bastion.codec.sbe.WelcomeDecoder;
import io.bastion.codec.sbe.WelcomeEncoder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlMessagePropertyTest
{
    private static final ControlMessageValidator FORWARD = new ControlMessageValidator(0xFFFF);

    @Property
    void arbitraryBytesAreRefusedOrDecodeInsideTheMessage(@ForAll @Size(max = 200) final byte[] input)
    {
        checkTotal(input);
    }

    @Property
    void mutatedMessagesAreRefusedOrDecodeInsideTheMessage(
        @ForAll @IntRange(min = 0, max = 3) final int template,
        @ForAll @Size(max = 40) final byte[] data,
        @ForAll @IntRange(min = 0, max = 10_000) final int position,
        @ForAll final byte value,
        @ForAll @IntRange(min = -3, max = 3) final int lengthChange)
    {
        final byte[] valid = encode(template, data);
        assertEquals(RejectReason.NONE, ControlMessageValidator.strict().validate(new UnsafeBuffer(valid), 0,
            valid.length));
        final byte[] mutated = Arrays.copyOf(valid, Math.max(0, valid.length + lengthChange));
        if (mutated.length > 0)
        {
            mutated[position % mutated.length] = value;
        }
        checkTotal(mutated);
    }

    private static void checkTotal(final byte[] input)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        final RejectReason strict = ControlMessageValidator.strict().validate(buffer, 0, input.length);
        final RejectReason forward = FORWARD.validate(buffer, 0, input.length);
        assertNotNull(strict);
        assertNotNull(forward);
        if (RejectReason.NONE != strict)
        {
            assertTrue(strict.isStructural(), strict.name());
        }
        if (RejectReason.NONE == forward)
        {
            // Agrona's bounds checks on a buffer of exactly the message turn any overrun into an exception.
            assertEquals(input.length, decodeAll(buffer));
        }
    }

    private static int decodeAll(final UnsafeBuffer buffer)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        final int offset = MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        final byte[] sink = new byte[ControlMessageValidator.MAX_VAR_DATA_LENGTH];
        switch (header.templateId())
        {
            case HelloDecoder.TEMPLATE_ID:
                final HelloDecoder hello = new HelloDecoder().wrap(buffer, offset, blockLength, version);
                hello.getClientNonce(sink, 0, 32);
                hello.getToken(sink, 0, sink.length);
                return hello.limit();
            case ChallengeDecoder.TEMPLATE_ID:
                final ChallengeDecoder challenge = new ChallengeDecoder().wrap(buffer, offset, blockLength, version);
                challenge.getBrokerEphemeralKey(sink, 0, 32);
                challenge.getSignature(sink, 0, sink.length);
                return challenge.limit();
            case WelcomeDecoder.TEMPLATE_ID:
                final WelcomeDecoder welcome = new WelcomeDecoder().wrap(buffer, offset, blockLength, version);
                assertNotNull(welcome.publishRingPath());
                assertNotNull(welcome.subscribeRingPath());
                assertNotNull(welcome.sealing());
                return welcome.limit();
            case RefusalDecoder.TEMPLATE_ID:
                final RefusalDecoder refusal = new RefusalDecoder().wrap(buffer, offset, blockLength, version);
                assertNotNull(refusal.reason());
                return refusal.limit();
            case KeyUpdateDecoder.TEMPLATE_ID:
                final KeyUpdateDecoder keyUpdate = new KeyUpdateDecoder().wrap(buffer, offset, blockLength, version);
                keyUpdate.effectiveFromSequence();
                return keyUpdate.limit();
            case GoodbyeDecoder.TEMPLATE_ID:
                final GoodbyeDecoder goodbye = new GoodbyeDecoder().wrap(buffer, offset, blockLength, version);
                assertNotNull(goodbye.reason());
                return goodbye.limit();
            case SourceUpdateDecoder.TEMPLATE_ID:
                final SourceUpdateDecoder update = new SourceUpdateDecoder().wrap(buffer, offset, blockLength, version);
                assertNotNull(update.action());
                update.getRingPath(sink, 0, sink.length);
                update.getSealedKey(sink, 0, sink.length);
                return update.limit();
            default:
                throw new AssertionError("accepted template " + header.templateId());
        }
    }

    private static byte[] encode(final int template, final byte[] data)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final int length;
        if (0 == template)
        {
            length = new HelloEncoder().wrapAndApplyHeader(buffer, 0, header).putToken(data, 0, data.length)
                .encodedLength();
        }
        else if (1 == template)
        {
            length = new ChallengeEncoder().wrapAndApplyHeader(buffer, 0, header).putSignature(data, 0, data.length)
                .encodedLength();
        }
        else if (3 == template)
        {
            length = new SourceUpdateEncoder().wrapAndApplyHeader(buffer, 0, header).action(SourceAction.ADDED)
                .putRingPath(data, 0, data.length).putSealedKey(data, 0, data.length).encodedLength();
        }
        else
        {
            length = new WelcomeEncoder().wrapAndApplyHeader(buffer, 0, header).sealing(Sealing.HMAC_BATCH)
                .fanOutMode(FanOutMode.BLOCK)
                .putPublishRingPath(data, 0, data.length).putSubscribeRingPath(data, 0, data.length).encodedLength();
        }
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + length);
    }
}
