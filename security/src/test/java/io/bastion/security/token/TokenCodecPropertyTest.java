package io.bastion.security.token;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenCodecPropertyTest
{
    private static final byte[] BROKER = new byte[CapabilityToken.BROKER_KEY_LENGTH];

    @Property(tries = 500)
    void everyValidTokenRoundTripsToTheSameBytes(@ForAll("tokens") final CapabilityToken token)
    {
        final byte[] signature = new byte[TokenCodec.SIGNATURE_LENGTH];
        signature[7] = (byte) token.rights();
        final byte[] encoded = TokenCodec.encode(token, signature);
        final TokenParseResult parsed = TokenCodec.parse(encoded);
        assertEquals(TokenParseReason.OK, parsed.reason());
        assertEquals(token, parsed.token());
        assertArrayEquals(encoded, TokenCodec.encode(parsed.token(), parsed.signature()));
    }

    @Property(tries = 500)
    void aPrefixPatternMatchesExactlyTheChannelsBelowItsPrefix(
        @ForAll("names") final String prefix, @ForAll("names") final String other, @ForAll("names") final String tail)
    {
        final String pattern = prefix + ".*";
        for (final String channel : new String[] {other, prefix + tail, prefix + "." + tail, prefix + "x"})
        {
            final boolean below = channel.length() > prefix.length() + 1 && channel.startsWith(prefix + ".");
            assertEquals(below, ChannelPattern.matches(pattern, channel), channel);
        }
        assertTrue(ChannelPattern.matches(pattern, prefix + "." + tail));
        assertFalse(ChannelPattern.matches(pattern, prefix));
        assertFalse(ChannelPattern.matches(pattern, prefix + "-x"));
    }

    @Property(tries = 500)
    void aStarAnywhereButAloneOrAfterAFinalDotIsRefused(
        @ForAll("names") final String name, @ForAll("starPositions") final int position)
    {
        final int at = Math.min(position, name.length());
        final String pattern = name.substring(0, at) + "*" + name.substring(at);
        final boolean wellPlaced = "*".equals(pattern) || (at == name.length() && at > 1 && name.endsWith(".") &&
            ChannelPattern.isValidChannel(name.substring(0, at - 1)));
        assertEquals(wellPlaced, ChannelPattern.isValidPattern(pattern), pattern);
        if (!wellPlaced && pattern.length() <= ChannelPattern.MAX_LENGTH)
        {
            assertThrows(IllegalArgumentException.class,
                () -> new CapabilityToken("a", pattern, 1, 0, 1, 1, BROKER, false));
            final byte[] encoded = TokenCodec.encode(
                new CapabilityToken("a", pattern.replace('*', 'z'), 1, 0, 1, 1, BROKER, false),
                new byte[TokenCodec.SIGNATURE_LENGTH]);
            encoded[TokenCodec.HEADER_LENGTH + 1 + at] = '*';
            assertEquals(TokenParseReason.MALFORMED_PATTERN, TokenCodec.parse(encoded).reason());
        }
    }

    @Provide
    Arbitrary<String> names()
    {
        return Arbitraries.strings().withChars("ab.-").ofMinLength(1).ofMaxLength(12);
    }

    @Provide
    Arbitrary<Integer> starPositions()
    {
        return Arbitraries.integers().between(0, 12);
    }

    private static Arbitrary<String> validPatterns()
    {
        final Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ019._:/-").ofMinLength(1)
            .ofMaxLength(ChannelPattern.MAX_LENGTH);
        final Arbitrary<String> prefixes = Arbitraries.strings().withChars("abcXYZ019._:/-").ofMinLength(1)
            .ofMaxLength(ChannelPattern.MAX_LENGTH - 2).map((prefix) -> prefix + ".*");
        return Arbitraries.oneOf(names, prefixes, Arbitraries.just("*"));
    }

    @Provide
    Arbitrary<CapabilityToken> tokens()
    {
        final Arbitrary<String> subjects = Arbitraries.strings().ofMinLength(1).ofMaxLength(64)
            .filter(CapabilityToken::isValidSubject);
        final Arbitrary<String> patterns = validPatterns();
        final Arbitrary<Integer> rights = Arbitraries.integers().between(1, Right.KNOWN_BITS);
        final Arbitrary<Long> notBefore = Arbitraries.longs().between(0, Long.MAX_VALUE / 2);
        final Arbitrary<Long> length = Arbitraries.longs().between(0, Long.MAX_VALUE / 2);
        final Arbitrary<Long> ids = Arbitraries.longs();
        final Arbitrary<byte[]> brokers = Arbitraries.bytes().array(byte[].class)
            .ofSize(CapabilityToken.BROKER_KEY_LENGTH);
        final Arbitrary<Boolean> singleUse = Arbitraries.of(true, false);
        return Combinators.combine(subjects, patterns, rights, notBefore, length, ids, brokers, singleUse)
            .as((s, p, r, nb, len, id, b, once) -> new CapabilityToken(s, p, r, nb, nb + len, id, b, once));
    }
}
