package io.bastion.channel.control;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.SealingMode;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.ChallengeDecoder;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.HelloDecoder;
import io.bastion.codec.sbe.MessageHeaderEncoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.codec.sbe.WelcomeDecoder;
import io.bastion.codec.sbe.WelcomeEncoder;
import io.bastion.ringbuffer.FanOutPolicy;
import io.bastion.security.token.Right;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Encoding and parsing of the handshake's control messages and of the credentials inside Hello.
 */
class ControlMessagesTest
{
    private static byte[] filled(final int value)
    {
        final byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    @Test
    void helloRoundTrips()
    {
        final byte[] credentials = HelloCredentials.encode(new byte[] {1, 2, 3}, "a.b", Right.SUBSCRIBE);
        final byte[] hello = ControlMessages.hello(1, 1, filled(7), filled(9), credentials);
        final ControlMessage parsed = ControlMessages.parse(hello, hello.length);
        assertTrue(parsed.isValid());
        assertEquals(HelloDecoder.TEMPLATE_ID, parsed.templateId());
        assertEquals(1, parsed.minVersion);
        assertArrayEquals(filled(7), parsed.nonce);
        assertArrayEquals(filled(9), parsed.ephemeralKey);
        final HelloCredentials decoded = HelloCredentials.parse(parsed.varData);
        assertTrue(decoded.isValid());
        assertArrayEquals(new byte[] {1, 2, 3}, decoded.token);
        assertEquals("a.b", decoded.channel);
        assertEquals(Right.SUBSCRIBE, decoded.right);
    }

    @Test
    void challengeWelcomeAndRefusalRoundTrip()
    {
        final byte[] challenge = ControlMessages.challenge(1, filled(1), filled(2), filled(3));
        final ControlMessage c = ControlMessages.parse(challenge, challenge.length);
        assertEquals(ChallengeDecoder.TEMPLATE_ID, c.templateId());
        assertArrayEquals(filled(3), c.varData);

        final byte[] welcome = ControlMessages.welcome(
            77L, 1, new RingAllocation(5, 6, 1 << 16, null, null), "/x/p.ring", "/x/s.ring", SealingMode.HMAC_BATCH);
        final ControlMessage w = ControlMessages.parse(welcome, welcome.length);
        assertEquals(WelcomeDecoder.TEMPLATE_ID, w.templateId());
        assertEquals(77L, w.sessionId);
        assertEquals(5, w.channelId);
        assertEquals(6, w.producerId);
        assertEquals(1 << 16, w.ringCapacity);
        assertEquals("/x/p.ring", w.publishRingPath);
        assertEquals("/x/s.ring", w.subscribeRingPath);
        assertEquals(SealingMode.HMAC_BATCH, w.sealing);

        final byte[] refusal = ControlMessages.refusal(RejectReason.EXPIRED_TOKEN);
        final ControlMessage r = ControlMessages.parse(refusal, refusal.length);
        assertEquals(RefusalDecoder.TEMPLATE_ID, r.templateId());
        assertEquals(RejectReason.EXPIRED_TOKEN, r.refusalReason);
    }

    @Test
    void everyTruncationOfAHelloIsRefused()
    {
        final byte[] hello = ControlMessages.hello(1, 1, filled(7), filled(9), new byte[] {0, 0, 2, 1, 'x'});
        for (int length = 0; length < hello.length; length++)
        {
            final ControlMessage parsed = ControlMessages.parse(hello, length);
            assertFalse(parsed.isValid(), "length " + length);
            assertEquals(RejectReason.PROTOCOL_VIOLATION, parsed.refusedFor());
        }
    }

    @Test
    void unknownRefusalCodeIsRefusedBeforeDecoding()
    {
        final byte[] refusal = ControlMessages.refusal(RejectReason.TIMED_OUT);
        refusal[refusal.length - 2] = (byte)0xEE;
        final ControlMessage parsed = ControlMessages.parse(refusal, refusal.length);
        assertEquals(RejectReason.UNKNOWN_ENUM_VALUE, parsed.detail());
    }

    @Test
    void welcomeWithMalformedUtf8PathIsRefused()
    {
        final byte[] welcome = ControlMessages.welcome(
            1L, 1, new RingAllocation(1, 1, 1024, null, null), "ab", "cd", SealingMode.HMAC_PER_FRAME);
        welcome[welcome.length - 1] = (byte)0xC3;
        assertFalse(ControlMessages.parse(welcome, welcome.length).isValid());
    }

    @Test
    void aWelcomeCarriesTheChannelsFanOutWholeAndOneWithoutIsOneToOne()
    {
        final ChannelFanOut fanOut = new ChannelFanOut(4, FanOutPolicy.evicting(4096, 250));
        final byte[] welcome = ControlMessages.welcome(
            1L, 1, new RingAllocation(1, 1, 1024, null, null), "", "", SealingMode.HMAC_PER_FRAME, fanOut);
        final ControlMessage parsed = ControlMessages.parse(welcome, welcome.length);
        assertEquals(4, parsed.fanOut.maxSubscribers());
        assertEquals(fanOut.policy(), parsed.fanOut.policy());

        final byte[] blocking = ControlMessages.welcome(1L, 1, new RingAllocation(1, 1, 1024, null, null), "", "",
            SealingMode.HMAC_PER_FRAME, new ChannelFanOut(2, FanOutPolicy.blocking(0)));
        assertEquals(FanOutPolicy.blocking(0), ControlMessages.parse(blocking, blocking.length).fanOut.policy());

        final byte[] plain = ControlMessages.welcome(
            1L, 1, new RingAllocation(1, 1, 1024, null, null), "", "", SealingMode.HMAC_PER_FRAME);
        assertEquals(1, ControlMessages.parse(plain, plain.length).fanOut.maxSubscribers());
    }

    @Test
    void aWelcomeWithAFanOutModeOrBoundNoBrokerSendsIsRefused()
    {
        final byte[] welcome = ControlMessages.welcome(1L, 1, new RingAllocation(1, 1, 1024, null, null), "", "",
            SealingMode.HMAC_PER_FRAME, new ChannelFanOut(4, FanOutPolicy.evicting(4096, 250)));
        final UnsafeBuffer buffer = new UnsafeBuffer(welcome);
        final int block = MessageHeaderEncoder.ENCODED_LENGTH;
        buffer.putByte(block + WelcomeEncoder.fanOutModeEncodingOffset(), (byte)7);
        assertEquals(RejectReason.UNKNOWN_ENUM_VALUE, ControlMessages.parse(welcome, welcome.length).detail());
        buffer.putByte(block + WelcomeEncoder.fanOutModeEncodingOffset(), (byte)1);
        buffer.putLong(block + WelcomeEncoder.maxLagBytesEncodingOffset(), 0, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertFalse(ControlMessages.parse(welcome, welcome.length).isValid(), "a lag bound of 0");
        buffer.putLong(block + WelcomeEncoder.maxLagBytesEncodingOffset(), 4096, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(block + WelcomeEncoder.stallTimeoutMsEncodingOffset(), -1, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertFalse(ControlMessages.parse(welcome, welcome.length).isValid(), "a negative stall timeout");
    }

    @Test
    void welcomeWithASealingThisBuildDoesNotKnowIsRefused()
    {
        final byte[] welcome = ControlMessages.welcome(
            1L, 1, new RingAllocation(1, 1, 1024, null, null), "ab", "cd", SealingMode.HMAC_PER_FRAME);
        final int sealingOffset = MessageHeaderEncoder.ENCODED_LENGTH + WelcomeEncoder.sealingEncodingOffset();
        assertEquals(SealingMode.HMAC_PER_FRAME.code(), welcome[sealingOffset]);
        welcome[sealingOffset] = 9;
        final ControlMessage parsed = ControlMessages.parse(welcome, welcome.length);
        assertFalse(parsed.isValid());
        assertEquals(RejectReason.UNKNOWN_ENUM_VALUE, parsed.detail());
    }

    @Test
    void sourceUpdateKeyUpdateAndGoodbyeRoundTrip()
    {
        final byte[] sealed = filled(60);
        final byte[] update = ControlMessages.sourceUpdate(
            SourceAction.KEY_RETIRED, 3, 4, 5, 1 << 12, 750L, "/x/p.ring", sealed);
        final ControlMessage u = ControlMessages.parse(update, update.length);
        assertEquals(SourceUpdateDecoder.TEMPLATE_ID, u.templateId());
        assertEquals(SourceAction.KEY_RETIRED, u.action);
        assertEquals(3, u.channelId);
        assertEquals(4, u.producerId);
        assertEquals(5, u.keyId);
        assertEquals(1 << 12, u.ringCapacity);
        assertEquals(750L, u.graceMs);
        assertEquals("/x/p.ring", u.publishRingPath);
        assertArrayEquals(sealed, u.varData);

        final byte[] ack = ControlMessages.sourceUpdate(SourceAction.MAPPED, 3, 4, 0, 0, 0, "", null);
        final ControlMessage a = ControlMessages.parse(ack, ack.length);
        assertEquals(SourceAction.MAPPED, a.action);
        assertEquals("", a.publishRingPath);
        assertEquals(0, a.varData.length);

        final byte[] keyUpdate = ControlMessages.keyUpdate(9, 0);
        assertEquals(9, ControlMessages.parse(keyUpdate, keyUpdate.length).keyId);
        final byte[] goodbye = ControlMessages.goodbye(GoodbyeReason.SHUTDOWN);
        assertEquals(GoodbyeReason.SHUTDOWN, ControlMessages.parse(goodbye, goodbye.length).goodbyeReason);

        final byte[] badPath = ControlMessages.sourceUpdate(SourceAction.ADDED, 3, 4, 5, 1024, 0, "ab", null);
        badPath[badPath.length - 3] = (byte)0xC3;
        assertFalse(ControlMessages.parse(badPath, badPath.length).isValid());
    }

    @Test
    void goodbyeIsParsedButIsNoHandshakeMessage()
    {
        final byte[] bytes = new byte[9];
        bytes[0] = 1;
        bytes[2] = (byte)GoodbyeDecoder.TEMPLATE_ID;
        bytes[4] = (byte)(GoodbyeDecoder.SCHEMA_ID & 0xFF);
        bytes[5] = (byte)(GoodbyeDecoder.SCHEMA_ID >>> 8);
        bytes[6] = 1;
        final ControlMessage parsed = ControlMessages.parse(bytes, bytes.length);
        assertTrue(parsed.isValid());
        assertEquals(GoodbyeDecoder.TEMPLATE_ID, parsed.templateId());
    }

    @Test
    void badRegionsAreRefused()
    {
        assertFalse(ControlMessages.parse(null, 0).isValid());
        assertFalse(ControlMessages.parse(new byte[4], 5).isValid());
        assertFalse(ControlMessages.parse(new byte[4], -1).isValid());
    }

    @Test
    void credentialsRefuseBadStructure()
    {
        assertFalse(HelloCredentials.parse(null).isValid());
        assertFalse(HelloCredentials.parse(new byte[0]).isValid());
        assertFalse(HelloCredentials.parse(new byte[] {5, 0, 1}).isValid(), "token past the end");
        assertFalse(HelloCredentials.parse(new byte[] {0, 0, 3, 1, 'x'}).isValid(), "two rights");
        assertFalse(HelloCredentials.parse(new byte[] {0, 0, 8, 1, 'x'}).isValid(), "unknown right");
        assertFalse(HelloCredentials.parse(new byte[] {0, 0, 1, 2, 'x'}).isValid(), "channel past the end");
        assertFalse(HelloCredentials.parse(new byte[] {0, 0, 1, 1, 'x', 'y'}).isValid(), "trailing bytes");
        assertFalse(HelloCredentials.parse(new byte[] {0, 0, 1, 0}).isValid(), "empty channel");
        assertFalse(HelloCredentials.parse(new byte[] {0, 0, 1, 1, '*'}).isValid(), "pattern, not a channel");
        assertFalse(HelloCredentials.parse(new byte[] {0, 0, 1, 1, (byte)0xE9}).isValid(), "non-ASCII");
        assertFalse(HelloCredentials.parse(new byte[] {(byte)0xFF, (byte)0xFF, 1, 1, 'x'}).isValid(), "huge token");
        final HelloCredentials ok = HelloCredentials.parse(new byte[] {0, 0, 4, 1, 'x'});
        assertTrue(ok.isValid());
        assertEquals(Right.ADMIN, ok.right);
        assertEquals(0, ok.token.length);
        assertNull(HelloCredentials.parse(new byte[] {0, 0, 4, 1, 'x', 0}).channel);
    }
}
