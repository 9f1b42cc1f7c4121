package io.bastion.codec;

import io.bastion.codec.sbe.ChallengeDecoder;
import io.bastion.codec.sbe.ChallengeEncoder;
import io.bastion.codec.sbe.FanOutMode;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.GoodbyeEncoder;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.codec.sbe.SourceUpdateEncoder;
import io.bastion.codec.sbe.HelloDecoder;
import io.bastion.codec.sbe.HelloEncoder;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.KeyUpdateEncoder;
import io.bastion.codec.sbe.MessageHeaderDecoder;
import io.bastion.codec.sbe.MessageHeaderEncoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.codec.sbe.RefusalEncoder;
import io.bastion.codec.sbe.RejectCode;
import io.bastion.codec.sbe.Sealing;
import io.bastion.codec.sbe.WelcomeDecoder;
import io.bastion.codec.sbe.WelcomeEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ControlMessageValidatorTest
{
    private static final byte[] NONCE = filled(32, 1);
    private static final byte[] KEY = filled(32, 2);
    private static final byte[] TOKEN = filled(300, 3);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ControlMessageValidator validator = ControlMessageValidator.strict();

    @Test
    void helloRoundTrips()
    {
        final HelloEncoder encoder = new HelloEncoder().wrapAndApplyHeader(buffer, 0, header)
            .minVersion(1).maxVersion(1).putClientNonce(NONCE, 0, 32).putClientEphemeralKey(KEY, 0, 32)
            .putToken(TOKEN, 0, TOKEN.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();

        assertEquals(RejectReason.NONE, validator.validate(buffer, 0, length));
        final HelloDecoder decoder = new HelloDecoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        assertEquals(1, decoder.maxVersion());
        final byte[] nonce = new byte[32];
        decoder.getClientNonce(nonce, 0, 32);
        assertArrayEquals(NONCE, nonce);
        final byte[] token = new byte[TOKEN.length];
        assertEquals(TOKEN.length, decoder.getToken(token, 0, token.length));
        assertArrayEquals(TOKEN, token);
        assertEquals(length, decoder.limit());
    }

    @Test
    void challengeWelcomeKeyUpdateRefusalAndGoodbyeRoundTrip()
    {
        int length = encodeChallenge();
        assertEquals(RejectReason.NONE, validator.validate(buffer, 0, length));
        final ChallengeDecoder challenge = new ChallengeDecoder().wrapAndApplyHeader(buffer, 0, decoderHeader());
        assertEquals(64, challenge.signatureLength());

        length = encodeWelcome();
        assertEquals(RejectReason.NONE, validator.validate(buffer, 0, length));
        final WelcomeDecoder welcome = new WelcomeDecoder().wrapAndApplyHeader(buffer, 0, decoderHeader());
        assertEquals(77L, welcome.sessionId());
        assertEquals("/run/bastion/a.ring", welcome.publishRingPath());
        assertEquals("/run/bastion/b.ring", welcome.subscribeRingPath());

        final KeyUpdateEncoder keyUpdate = new KeyUpdateEncoder().wrapAndApplyHeader(buffer, 0, header)
            .newKeyId(5).effectiveFromSequence(1000);
        assertEquals(RejectReason.NONE, validator.validate(buffer, 0, 8 + keyUpdate.encodedLength()));
        assertEquals(1000L, new KeyUpdateDecoder().wrapAndApplyHeader(buffer, 0, decoderHeader())
            .effectiveFromSequence());

        final RefusalEncoder refusal = new RefusalEncoder().wrapAndApplyHeader(buffer, 0, header)
            .reason(RejectCode.EXPIRED_TOKEN);
        assertEquals(RejectReason.NONE, validator.validate(buffer, 0, 8 + refusal.encodedLength()));
        final RefusalDecoder refusalDecoder = new RefusalDecoder().wrapAndApplyHeader(buffer, 0, decoderHeader());
        assertEquals(RejectReason.EXPIRED_TOKEN, RejectReason.fromCode(refusalDecoder.reasonRaw()));

        final GoodbyeEncoder goodbye = new GoodbyeEncoder().wrapAndApplyHeader(buffer, 0, header)
            .reason(GoodbyeReason.SHUTDOWN);
        assertEquals(RejectReason.NONE, validator.validate(buffer, 0, 8 + goodbye.encodedLength()));
        assertEquals(GoodbyeReason.SHUTDOWN, new GoodbyeDecoder().wrapAndApplyHeader(buffer, 0, decoderHeader())
            .reason());
    }

    @Test
    void sourceUpdateRoundTripsAndItsActionIsChecked()
    {
        final byte[] sealed = new byte[60];
        sealed[59] = 7;
        final SourceUpdateEncoder update = new SourceUpdateEncoder().wrapAndApplyHeader(buffer, 0, header)
            .action(SourceAction.KEY_ADDED).channelId(3).producerId(4).keyId(5).ringCapacity(1 << 16).graceMs(250)
            .ringPath("/run/bastion/a.ring").putSealedKey(sealed, 0, sealed.length);
        final int length = 8 + update.encodedLength();
        assertEquals(RejectReason.NONE, validator.validate(buffer, 0, length));
        final SourceUpdateDecoder decoder = new SourceUpdateDecoder().wrapAndApplyHeader(buffer, 0, decoderHeader());
        assertEquals(SourceAction.KEY_ADDED, decoder.action());
        assertEquals(4, decoder.producerId());
        assertEquals(250L, decoder.graceMs());
        assertEquals("/run/bastion/a.ring", decoder.ringPath());
        final byte[] read = new byte[60];
        assertEquals(60, decoder.getSealedKey(read, 0, read.length));
        assertArrayEquals(sealed, read);

        for (final int unknown : new int[]{0, 13, 15, 20, 254, 255})
        {
            buffer.putByte(8 + SourceUpdateDecoder.actionEncodingOffset(), (byte)unknown);
            assertEquals(RejectReason.UNKNOWN_ENUM_VALUE, validator.validate(buffer, 0, length));
        }
        buffer.putByte(8 + SourceUpdateDecoder.actionEncodingOffset(), (byte)SourceAction.REMOVED.value());
        assertEquals(RejectReason.NONE, validator.validate(buffer, 0, length));
        assertEquals(RejectReason.TRAILING_BYTES, validator.validate(buffer, 0, length + 1));
        assertEquals(RejectReason.PAYLOAD_BEYOND_RECORD, validator.validate(buffer, 0, length - 1));
    }

    @Test
    void refusesUnknownEnumValuesSoGeneratedAccessorsCannotThrow()
    {
        final RefusalEncoder refusal = new RefusalEncoder().wrapAndApplyHeader(buffer, 0, header)
            .reason(RejectCode.BAD_TAG);
        final int length = 8 + refusal.encodedLength();
        buffer.putShort(8, (short) 20, ByteOrder.LITTLE_ENDIAN);
        assertEquals(RejectReason.UNKNOWN_ENUM_VALUE, validator.validate(buffer, 0, length));
        assertThrows(IllegalArgumentException.class,
            () -> new RefusalDecoder().wrapAndApplyHeader(buffer, 0, decoderHeader()).reason());

        new GoodbyeEncoder().wrapAndApplyHeader(buffer, 0, header).reason(GoodbyeReason.NORMAL);
        buffer.putByte(8, (byte) 9);
        assertEquals(RejectReason.UNKNOWN_ENUM_VALUE, validator.validate(buffer, 0, 9));
        buffer.putByte(8, (byte) 255);
        assertEquals(RejectReason.UNKNOWN_ENUM_VALUE, validator.validate(buffer, 0, 9));
    }

    @Test
    void refusesBrokenVarData()
    {
        final int length = encodeWelcome();
        final int firstPrefix = 8 + WelcomeDecoder.BLOCK_LENGTH;

        assertEquals(RejectReason.TRAILING_BYTES, validator.validate(buffer, 0, length + 1));
        assertEquals(RejectReason.PAYLOAD_BEYOND_RECORD, validator.validate(buffer, 0, length - 1));
        assertEquals(RejectReason.TRUNCATED, validator.validate(buffer, 0, firstPrefix + 1));
        assertEquals(RejectReason.TRUNCATED, validator.validate(buffer, 0, firstPrefix - 1));

        final int tooLong = ControlMessageValidator.MAX_VAR_DATA_LENGTH + 1;
        buffer.putShort(firstPrefix, (short) tooLong, ByteOrder.LITTLE_ENDIAN);
        assertEquals(RejectReason.PAYLOAD_TOO_LONG, validator.validate(buffer, 0, length));
        buffer.putShort(firstPrefix, (short) 0xFFFF, ByteOrder.LITTLE_ENDIAN);
        assertEquals(RejectReason.PAYLOAD_TOO_LONG, validator.validate(buffer, 0, length));
    }

    @Test
    void refusesBadHeaders()
    {
        final int length = encodeChallenge();
        assertEquals(RejectReason.TOO_SHORT, validator.validate(buffer, 0, 7));
        assertEquals(RejectReason.REGION_OUT_OF_BOUNDS, validator.validate(buffer, -1, length));
        assertEquals(RejectReason.REGION_OUT_OF_BOUNDS, validator.validate(buffer, 10, Integer.MAX_VALUE));
        assertEquals(RejectReason.REGION_OUT_OF_BOUNDS, validator.validate(null, 0, 10));

        final int newer = FrameValidator.CURRENT_VERSION + 1;
        putHeader(FrameDescriptor.VERSION_FIELD_OFFSET, newer);
        assertEquals(RejectReason.VERSION_TOO_NEW, validator.validate(buffer, 0, length));
        assertEquals(RejectReason.NONE, new ControlMessageValidator(newer).validate(buffer, 0, length));
        putHeader(FrameDescriptor.VERSION_FIELD_OFFSET, 0);
        assertEquals(RejectReason.VERSION_TOO_OLD, validator.validate(buffer, 0, length));
        putHeader(FrameDescriptor.VERSION_FIELD_OFFSET, FrameValidator.CURRENT_VERSION);

        putHeader(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, ChallengeDecoder.BLOCK_LENGTH + 1);
        assertEquals(RejectReason.BLOCK_LENGTH_TOO_LONG, validator.validate(buffer, 0, length));
        putHeader(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, ChallengeDecoder.BLOCK_LENGTH - 1);
        assertEquals(RejectReason.BLOCK_LENGTH_TOO_SHORT, validator.validate(buffer, 0, length));
        putHeader(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, ChallengeDecoder.BLOCK_LENGTH);
        final int insideBlock = 8 + ChallengeDecoder.BLOCK_LENGTH - 1;
        assertEquals(RejectReason.TRUNCATED, validator.validate(buffer, 0, insideBlock));

        putHeader(FrameDescriptor.TEMPLATE_ID_FIELD_OFFSET, FrameValidator.TEMPLATE_ID);
        assertEquals(RejectReason.UNKNOWN_TEMPLATE, validator.validate(buffer, 0, length));
        putHeader(FrameDescriptor.SCHEMA_ID_FIELD_OFFSET, 1);
        assertEquals(RejectReason.WRONG_SCHEMA_ID, validator.validate(buffer, 0, length));
        assertThrows(IllegalArgumentException.class, () -> new ControlMessageValidator(0));
    }

    @Test
    void aNewerVersionsLargerBlockIsSkippedWhenPolicyAllows()
    {
        // The next version of Refusal with 6 extra block bytes in front of no var data.
        final int newer = FrameValidator.CURRENT_VERSION + 1;
        new RefusalEncoder().wrapAndApplyHeader(buffer, 0, header).reason(RejectCode.REPLAY);
        putHeader(FrameDescriptor.VERSION_FIELD_OFFSET, newer);
        putHeader(FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET, RefusalDecoder.BLOCK_LENGTH + 6);
        final int length = 8 + RefusalDecoder.BLOCK_LENGTH + 6;

        assertEquals(RejectReason.NONE, new ControlMessageValidator(newer).validate(buffer, 0, length));
        assertEquals(RejectReason.VERSION_TOO_NEW, validator.validate(buffer, 0, length));
    }

    private int encodeChallenge()
    {
        final byte[] signature = filled(64, 9);
        final ChallengeEncoder encoder = new ChallengeEncoder().wrapAndApplyHeader(buffer, 0, header)
            .version(1).putBrokerNonce(NONCE, 0, 32).putBrokerEphemeralKey(KEY, 0, 32)
            .putSignature(signature, 0, signature.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int encodeWelcome()
    {
        final byte[] publish = "/run/bastion/a.ring".getBytes(StandardCharsets.UTF_8);
        final byte[] subscribe = "/run/bastion/b.ring".getBytes(StandardCharsets.UTF_8);
        final WelcomeEncoder encoder = new WelcomeEncoder().wrapAndApplyHeader(buffer, 0, header)
            .sessionId(77).keyId(3).channelId(4).sealing(Sealing.HMAC_PER_FRAME).fanOutMode(FanOutMode.EVICT)
            .putPublishRingPath(publish, 0, publish.length)
            .putSubscribeRingPath(subscribe, 0, subscribe.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private void putHeader(final int offset, final int value)
    {
        buffer.putShort(offset, (short) value, ByteOrder.LITTLE_ENDIAN);
    }

    private static MessageHeaderDecoder decoderHeader()
    {
        return new MessageHeaderDecoder();
    }

    private static byte[] filled(final int length, final int value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
