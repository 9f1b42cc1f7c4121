package io.bastion.security.token;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenCodecTest
{
    private static final byte[] BROKER = new byte[CapabilityToken.BROKER_KEY_LENGTH];

    private static final byte[] SIGNATURE = new byte[TokenCodec.SIGNATURE_LENGTH];
    private static final CapabilityToken TOKEN =
        new CapabilityToken("zoë", "orders.*", Right.mask(Right.PUBLISH), 10L, 20L, -5L, BROKER, false);

    private static byte[] valid()
    {
        Arrays.fill(SIGNATURE, (byte) 0x5A);
        return TokenCodec.encode(TOKEN, SIGNATURE);
    }

    private static TokenParseReason reason(final byte[] data)
    {
        return TokenCodec.parse(data).reason();
    }

    @Test
    void roundTrips()
    {
        final byte[] encoded = valid();
        assertEquals(TokenCodec.HEADER_LENGTH + 4 + 8 + 64, encoded.length);
        final TokenParseResult result = TokenCodec.parse(encoded);
        assertTrue(result.isOk());
        assertEquals(TOKEN, result.token());
        assertArrayEquals(SIGNATURE, result.signature());
        assertArrayEquals(encoded, TokenCodec.encode(result.token(), result.signature()));
    }

    @Test
    void carriesTheRelayRightBesideTheOthersAndOldRightBytesStillParse()
    {
        final CapabilityToken relay =
            new CapabilityToken("zoë", "orders.*", Right.mask(Right.RELAY), 10L, 20L, 3L, BROKER, false);
        final TokenParseResult parsed = TokenCodec.parse(TokenCodec.encode(relay, SIGNATURE));
        assertTrue(parsed.isOk());
        assertEquals(0x08, parsed.token().rights());
        assertTrue(Right.RELAY.isIn(parsed.token().rights()));
        assertFalse(Right.PUBLISH.isIn(parsed.token().rights()));
        // A token made before RELAY existed (publish, subscribe, admin) reads exactly as it did.
        for (int rights = 1; rights <= 0x07; rights++)
        {
            final byte[] old = valid();
            old[TokenCodec.RIGHTS_OFFSET] = (byte)rights;
            assertTrue(TokenCodec.parse(old).isOk(), "rights " + rights);
            assertFalse(Right.RELAY.isIn(TokenCodec.parse(old).token().rights()));
        }
        assertEquals(0x0F, Right.KNOWN_BITS);
    }

    @Test
    void carriesTheBrokerKeyAndTheSingleUseFlagInTheSignedBody()
    {
        final byte[] broker = new byte[CapabilityToken.BROKER_KEY_LENGTH];
        for (int i = 0; i < broker.length; i++)
        {
            broker[i] = (byte) (i + 1);
        }
        final CapabilityToken once = new CapabilityToken("zoë", "orders.*", 1, 10L, 20L, 7L, broker, true);
        final byte[] body = TokenCodec.encodeBody(once);
        assertEquals(TokenCodec.MAGIC_V2, body[0]);
        assertEquals(TokenCodec.FLAG_SINGLE_USE, body[TokenCodec.FLAGS_OFFSET]);
        assertArrayEquals(broker, Arrays.copyOfRange(body, TokenCodec.BROKER_KEY_OFFSET,
            TokenCodec.BROKER_KEY_OFFSET + CapabilityToken.BROKER_KEY_LENGTH));
        final TokenParseResult parsed = TokenCodec.parse(TokenCodec.encode(once, SIGNATURE));
        assertTrue(parsed.isOk());
        assertTrue(parsed.token().isSingleUse());
        assertTrue(parsed.token().isForBroker(broker));
        assertArrayEquals(broker, parsed.token().brokerKey());
        assertEquals(once, parsed.token());
        assertEquals(0, TokenCodec.encodeBody(TOKEN)[TokenCodec.FLAGS_OFFSET]);
        assertThrows(IllegalArgumentException.class, () -> new CapabilityToken("a", "a", 1, 0, 1, 1, null, false));
        assertThrows(IllegalArgumentException.class,
            () -> new CapabilityToken("a", "a", 1, 0, 1, 1, new byte[31], false));
    }

    @Test
    void refusesBadLengths()
    {
        final byte[] encoded = valid();
        assertEquals(TokenParseReason.NULL_INPUT, reason(null));
        assertEquals(TokenParseReason.TRUNCATED, reason(new byte[0]));
        assertEquals(TokenParseReason.TRUNCATED, reason(Arrays.copyOf(encoded, encoded.length - 1)));
        assertEquals(TokenParseReason.TRAILING_BYTES, reason(Arrays.copyOf(encoded, encoded.length + 1)));
        assertEquals(TokenParseReason.TOO_LONG, reason(new byte[TokenCodec.MAX_LENGTH + 1]));
        final byte[] zeroSubject = encoded.clone();
        zeroSubject[TokenCodec.SUBJECT_LENGTH_OFFSET] = 0;
        assertEquals(TokenParseReason.BAD_SUBJECT_LENGTH, reason(zeroSubject));
        final byte[] hugeSubject = encoded.clone();
        hugeSubject[TokenCodec.SUBJECT_LENGTH_OFFSET] = (byte) 0xFF;
        assertEquals(TokenParseReason.BAD_SUBJECT_LENGTH, reason(hugeSubject));
        final byte[] hugePattern = encoded.clone();
        hugePattern[TokenCodec.PATTERN_LENGTH_OFFSET] = (byte) 129;
        assertEquals(TokenParseReason.BAD_PATTERN_LENGTH, reason(hugePattern));
        final byte[] longerPattern = encoded.clone();
        longerPattern[TokenCodec.PATTERN_LENGTH_OFFSET]++;
        assertEquals(TokenParseReason.TRUNCATED, reason(longerPattern));
    }

    @Test
    void refusesUnknownVersionAndRights()
    {
        final byte[] encoded = valid();
        final byte[] version = encoded.clone();
        version[0] = (byte) 0xB3;
        assertEquals(TokenParseReason.UNKNOWN_VERSION, reason(version));
        version[0] = TokenCodec.MAGIC_V1;
        assertEquals(TokenParseReason.RETIRED_VERSION, reason(version));
        // A version 1 token is shorter than a version 2 header: still named as version 1, not as truncated.
        assertEquals(TokenParseReason.RETIRED_VERSION, reason(Arrays.copyOf(version, 100)));
        final byte[] flags = encoded.clone();
        flags[TokenCodec.FLAGS_OFFSET] = 0x02;
        assertEquals(TokenParseReason.UNKNOWN_FLAGS, reason(flags));
        flags[TokenCodec.FLAGS_OFFSET] = (byte) 0x81;
        assertEquals(TokenParseReason.UNKNOWN_FLAGS, reason(flags));
        final byte[] rights = encoded.clone();
        rights[TokenCodec.RIGHTS_OFFSET] = 0x19;
        assertEquals(TokenParseReason.UNKNOWN_RIGHTS, reason(rights));
        rights[TokenCodec.RIGHTS_OFFSET] = 0;
        assertEquals(TokenParseReason.NO_RIGHTS, reason(rights));
    }

    @Test
    void refusesBadValidityAndText()
    {
        final byte[] encoded = valid();
        final byte[] validity = encoded.clone();
        validity[TokenCodec.NOT_BEFORE_OFFSET] = (byte) 0x80;
        assertEquals(TokenParseReason.BAD_VALIDITY, reason(validity));
        final byte[] reversed = encoded.clone();
        reversed[TokenCodec.NOT_BEFORE_OFFSET + 7] = 30;
        assertEquals(TokenParseReason.BAD_VALIDITY, reason(reversed));
        final byte[] overlong = encoded.clone();
        // "zoë" is 7A 6F C3 AB; C1 AB is an invalid (overlong-style) lead byte.
        overlong[TokenCodec.HEADER_LENGTH + 2] = (byte) 0xC1;
        assertEquals(TokenParseReason.MALFORMED_SUBJECT, reason(overlong));
        final byte[] control = encoded.clone();
        control[TokenCodec.HEADER_LENGTH] = '\n';
        assertEquals(TokenParseReason.MALFORMED_SUBJECT, reason(control));
        final byte[] star = encoded.clone();
        star[TokenCodec.HEADER_LENGTH + 4] = '*';
        assertEquals(TokenParseReason.MALFORMED_PATTERN, reason(star));
        final byte[] high = encoded.clone();
        high[TokenCodec.HEADER_LENGTH + 5] = (byte) 0xE9;
        assertEquals(TokenParseReason.MALFORMED_PATTERN, reason(high));
    }

    @Test
    void constructorRefusesWhatCannotBeEncoded()
    {
        assertThrows(IllegalArgumentException.class, () -> new CapabilityToken("", "a", 1, 0, 1, 1, BROKER, false));
        assertThrows(IllegalArgumentException.class,
            () -> new CapabilityToken("a".repeat(65), "a", 1, 0, 1, 1, BROKER, false));
        assertThrows(IllegalArgumentException.class,
            () -> new CapabilityToken("\uD800", "a", 1, 0, 1, 1, BROKER, false));
        assertThrows(IllegalArgumentException.class, () -> new CapabilityToken("a", "a*b", 1, 0, 1, 1, BROKER, false));
        assertThrows(IllegalArgumentException.class, () -> new CapabilityToken("a", "a", 0x10, 0, 1, 1, BROKER, false));
        assertThrows(IllegalArgumentException.class, () -> new CapabilityToken("a", "a", 1, 2, 1, 1, BROKER, false));
        assertEquals(64, "é".repeat(32).getBytes(StandardCharsets.UTF_8).length);
        new CapabilityToken("é".repeat(32), "*", 1, 0, 1, 1, BROKER, false);
    }

    @Test
    void patternsMatchOnSegmentBoundaries()
    {
        assertTrue(ChannelPattern.matches("*", "anything"));
        assertTrue(ChannelPattern.matches("*", "prices"));
        assertTrue(ChannelPattern.matches("prices.*", "prices.eu"));
        assertTrue(ChannelPattern.matches("prices.*", "prices.eu.fx"));
        assertTrue(ChannelPattern.matches("prices.eu.*", "prices.eu.fx"));
        assertTrue(ChannelPattern.matches("prices", "prices"));
        assertFalse(ChannelPattern.matches("prices.*", "prices"));
        assertFalse(ChannelPattern.matches("prices.*", "prices."));
        assertFalse(ChannelPattern.matches("prices.*", "prices-secret"));
        assertFalse(ChannelPattern.matches("prices.*", "pricesx"));
        assertFalse(ChannelPattern.matches("prices.*", "pricesx.eu"));
        assertFalse(ChannelPattern.matches("prices.*", "price"));
        assertFalse(ChannelPattern.matches("prices.*", "other.prices.eu"));
        assertFalse(ChannelPattern.matches("prices.eu.*", "prices.eu"));
        assertFalse(ChannelPattern.matches("prices.eu.*", "prices.euro.fx"));
        assertFalse(ChannelPattern.matches("a.b", "a.b.c"));
        assertFalse(ChannelPattern.matches("*", "bad channel"));
        assertFalse(ChannelPattern.matches("prices.*", "prices.bad channel"));
    }

    @Test
    void invalidPatternsMatchNothing()
    {
        assertFalse(ChannelPattern.matches("prices*", "prices-secret"));
        assertFalse(ChannelPattern.matches("prices*", "prices"));
        assertFalse(ChannelPattern.matches("a.*.b", "a.x.b"));
        assertFalse(ChannelPattern.matches(null, "a"));
        assertFalse(ChannelPattern.matches("a", null));
    }

    @Test
    void onlyALoneStarOrAFinalDotStarIsAWildcard()
    {
        for (final String valid : new String[] {"*", "a", "prices", "prices.*", "prices.eu.*", "a.b", "x:y/z-1_2.*",
            "a".repeat(126) + ".*", "a".repeat(ChannelPattern.MAX_LENGTH)})
        {
            assertTrue(ChannelPattern.isValidPattern(valid), valid);
        }
        for (final String invalid : new String[] {null, "", "prices*", "a.*.b", "a*b", "*a", ".*", "*.*", "**",
            "a.**", "a*.*", "a.b*", "prices.*x", "a b.*", "a".repeat(127) + ".*",
            "a".repeat(ChannelPattern.MAX_LENGTH + 1)})
        {
            assertFalse(ChannelPattern.isValidPattern(invalid), String.valueOf(invalid));
        }
    }

    @Test
    void exampleChannelIsMatchedByItsPattern()
    {
        assertEquals("prices.x", ChannelPattern.exampleChannel("prices.*"));
        assertEquals("prices", ChannelPattern.exampleChannel("prices"));
        assertEquals("x", ChannelPattern.exampleChannel("*"));
        assertThrows(IllegalArgumentException.class, () -> ChannelPattern.exampleChannel("prices*"));
        final String longest = "a".repeat(126) + ".*";
        assertTrue(ChannelPattern.matches(longest, ChannelPattern.exampleChannel(longest)));
    }

    @Test
    void tokensRefuseAStarOffASegmentBoundary()
    {
        for (final String pattern : new String[] {"prices*", "a.*.b", "a*b", ".*"})
        {
            assertThrows(IllegalArgumentException.class,
                () -> new CapabilityToken("a", pattern, 1, 0, 1, 1, BROKER, false), pattern);
        }
        // The same bytes crafted by hand (the constructor will not build them) are refused by the parser.
        final byte[] encoded =
            TokenCodec.encode(new CapabilityToken("zoë", "orders.x", 1, 10L, 20L, -5L, BROKER, false), SIGNATURE);
        final int patternOffset = TokenCodec.HEADER_LENGTH + 4;
        encoded[patternOffset + 6] = '*';
        assertEquals("orders*x", new String(encoded, patternOffset, 8, StandardCharsets.US_ASCII));
        assertEquals(TokenParseReason.MALFORMED_PATTERN, reason(encoded));
        encoded[patternOffset + 6] = 'x';
        encoded[patternOffset + 7] = '*';
        assertEquals(TokenParseReason.MALFORMED_PATTERN, reason(encoded));
        encoded[patternOffset + 6] = '.';
        assertEquals(TokenParseReason.OK, reason(encoded));
    }
}
