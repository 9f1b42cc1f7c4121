package io.bastion.security.token;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenVerifierTest
{
    private static final KeyPair ISSUER = IssuerKeys.generate();
    private static final KeyPair BROKER_KEYS = IssuerKeys.generate();
    private static final byte[] BROKER = IssuerKeys.rawPublic(BROKER_KEYS.getPublic());
    private static final long NOT_BEFORE = 1_000_000L;
    private static final long NOT_AFTER = 2_000_000L;

    private final AtomicLong now = new AtomicLong(1_500_000L);
    private final RevocationList revocations = new RevocationList();
    private final TokenVerifier verifier =
        new TokenVerifier(ISSUER.getPublic(), BROKER_KEYS.getPublic(), revocations, now::get);
    private byte[] token;

    @BeforeEach
    void issue()
    {
        token = issue(ISSUER, "alice", "market.eu.*", Right.mask(Right.SUBSCRIBE, Right.PUBLISH), 42L);
    }

    private static byte[] issue(
        final KeyPair keys, final String subject, final String pattern, final int rights, final long id)
    {
        return new TokenIssuer(keys.getPrivate())
            .issue(new CapabilityToken(subject, pattern, rights, NOT_BEFORE, NOT_AFTER, id, BROKER, false));
    }

    private TokenDecision decide(final byte[] bytes)
    {
        return verifier.verify(bytes, "alice", "market.eu.fx", Right.SUBSCRIBE).decision();
    }

    @Test
    void refusesATokenIssuedForAnotherBroker()
    {
        final byte[] elsewhere = new TokenIssuer(ISSUER.getPrivate()).issue(new CapabilityToken("alice",
            "market.eu.*", Right.mask(Right.SUBSCRIBE), NOT_BEFORE, NOT_AFTER, 43L,
            IssuerKeys.rawPublic(IssuerKeys.generate().getPublic()), false));
        final TokenVerification result = verifier.verify(elsewhere, "alice", "market.eu.fx", Right.SUBSCRIBE);
        assertEquals(TokenDecision.WRONG_BROKER, result.decision());
        assertEquals(43L, result.token().tokenId());
        assertEquals(TokenDecision.ACCEPTED, TokenVerifier.forAnyBroker(ISSUER.getPublic(), revocations, now::get)
            .verify(elsewhere, "alice", "market.eu.fx", Right.SUBSCRIBE).decision());
    }

    @Test
    void acceptsValidToken()
    {
        final TokenVerification result = verifier.verify(token, "alice", "market.eu.fx", Right.PUBLISH);
        assertEquals(TokenDecision.ACCEPTED, result.decision());
        assertTrue(result.isAccepted());
        assertEquals(42L, result.token().tokenId());
    }

    @Test
    void refusesEverySingleBitFlipInBodyAndSignature()
    {
        for (int i = 0; i < token.length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                final byte[] forged = token.clone();
                forged[i] ^= (byte) (1 << bit);
                final TokenDecision decision = decide(forged);
                assertNotEquals(TokenDecision.ACCEPTED, decision, "byte " + i + " bit " + bit);
                if (i >= token.length - TokenCodec.SIGNATURE_LENGTH)
                {
                    assertEquals(TokenDecision.BAD_SIGNATURE, decision, "signature byte " + i + " bit " + bit);
                }
            }
        }
    }

    @Test
    void refusesAlteredClaimWithValidEncoding()
    {
        // Widen the rights to ADMIN while keeping the encoding valid: only the signature catches it.
        final byte[] forged = token.clone();
        forged[TokenCodec.RIGHTS_OFFSET] = (byte) Right.mask(Right.PUBLISH, Right.SUBSCRIBE, Right.ADMIN);
        assertEquals(TokenDecision.BAD_SIGNATURE, decide(forged));
        final byte[] extended = token.clone();
        extended[TokenCodec.NOT_AFTER_OFFSET + 1] = 0x7F;
        assertEquals(TokenDecision.BAD_SIGNATURE, decide(extended));
    }

    @Test
    void refusesTokenSignedByAnotherIssuer()
    {
        final byte[] other = issue(IssuerKeys.generate(), "alice", "market.eu.*", Right.SUBSCRIBE.bit(), 42L);
        assertEquals(TokenDecision.BAD_SIGNATURE, decide(other));
    }

    @Test
    void refusesExpiredAtNotAfterAndBeyond()
    {
        now.set(NOT_AFTER - 1);
        assertEquals(TokenDecision.ACCEPTED, decide(token));
        now.set(NOT_AFTER);
        assertEquals(TokenDecision.EXPIRED, decide(token));
        now.set(Long.MAX_VALUE);
        assertEquals(TokenDecision.EXPIRED, decide(token));
    }

    @Test
    void refusesNotYetValid()
    {
        now.set(NOT_BEFORE - 1);
        assertEquals(TokenDecision.NOT_YET_VALID, decide(token));
        now.set(NOT_BEFORE);
        assertEquals(TokenDecision.ACCEPTED, decide(token));
    }

    @Test
    void refusesWrongChannel()
    {
        assertEquals(TokenDecision.WRONG_CHANNEL,
            verifier.verify(token, "alice", "market.us.fx", Right.SUBSCRIBE).decision());
        assertEquals(TokenDecision.WRONG_CHANNEL,
            verifier.verify(token, "alice", "market.eu.*", Right.SUBSCRIBE).decision());
        assertEquals(TokenDecision.WRONG_CHANNEL,
            verifier.verify(token, "alice", null, Right.SUBSCRIBE).decision());
        // "market.eu.*" reaches below market.eu on a dot only: not the prefix itself, not a longer sibling name.
        assertEquals(TokenDecision.WRONG_CHANNEL,
            verifier.verify(token, "alice", "market.eu", Right.SUBSCRIBE).decision());
        assertEquals(TokenDecision.WRONG_CHANNEL,
            verifier.verify(token, "alice", "market.eu-secret", Right.SUBSCRIBE).decision());
        assertEquals(TokenDecision.WRONG_CHANNEL,
            verifier.verify(token, "alice", "market.eux.fx", Right.SUBSCRIBE).decision());
        final byte[] exact = issue(ISSUER, "alice", "orders", Right.PUBLISH.bit(), 7L);
        assertEquals(TokenDecision.ACCEPTED, verifier.verify(exact, "alice", "orders", Right.PUBLISH).decision());
        assertEquals(TokenDecision.WRONG_CHANNEL,
            verifier.verify(exact, "alice", "orders2", Right.PUBLISH).decision());
    }

    @Test
    void refusesWrongSubject()
    {
        assertEquals(TokenDecision.WRONG_SUBJECT,
            verifier.verify(token, "mallory", "market.eu.fx", Right.SUBSCRIBE).decision());
        assertEquals(TokenDecision.WRONG_SUBJECT,
            verifier.verify(token, "Alice", "market.eu.fx", Right.SUBSCRIBE).decision());
    }

    @Test
    void refusesMissingRight()
    {
        assertEquals(TokenDecision.MISSING_RIGHT,
            verifier.verify(token, "alice", "market.eu.fx", Right.ADMIN).decision());
        // RELAY is a right of its own: PUBLISH does not imply it, nor it PUBLISH.
        assertEquals(TokenDecision.MISSING_RIGHT,
            verifier.verify(token, "alice", "market.eu.fx", Right.RELAY).decision());
        final byte[] relay = issue(ISSUER, "alice", "orders", Right.RELAY.bit(), 8L);
        assertEquals(TokenDecision.ACCEPTED, verifier.verify(relay, "alice", "orders", Right.RELAY).decision());
        assertEquals(TokenDecision.MISSING_RIGHT,
            verifier.verify(relay, "alice", "orders", Right.PUBLISH).decision());
    }

    @Test
    void refusesRevokedTokenAtOnce()
    {
        assertEquals(TokenDecision.ACCEPTED, decide(token));
        assertTrue(revocations.revoke(42L));
        assertEquals(TokenDecision.REVOKED, decide(token));
        assertTrue(revocations.forget(42L));
        assertEquals(TokenDecision.ACCEPTED, decide(token));
    }

    @Test
    void refusesMalformedWithParseReason()
    {
        final byte[] trailing = java.util.Arrays.copyOf(token, token.length + 1);
        final TokenVerification result = verifier.verify(trailing, "alice", "market.eu.fx", Right.SUBSCRIBE);
        assertEquals(TokenDecision.MALFORMED, result.decision());
        assertEquals(TokenParseReason.TRAILING_BYTES, result.parseReason());
        assertEquals(TokenDecision.MALFORMED, decide(null));
    }
}
