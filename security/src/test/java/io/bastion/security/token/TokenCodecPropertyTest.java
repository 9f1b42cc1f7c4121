package io.bastion.security.token;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenCodecPropertyTest
{
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

    @Provide
    Arbitrary<CapabilityToken> tokens()
    {
        final Arbitrary<String> subjects = Arbitraries.strings().ofMinLength(1).ofMaxLength(64)
            .filter(CapabilityToken::isValidSubject);
        final Arbitrary<String> patterns = Arbitraries.strings().withChars("abcXYZ019._:/-").ofMinLength(0)
            .ofMaxLength(127).flatMap((prefix) -> Arbitraries.of(prefix + "*", prefix.isEmpty() ? "a" : prefix));
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
