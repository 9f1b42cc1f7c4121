package io.bastion.tools.bridge;

import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenIssuer;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BridgeTokenCheck}: each claim that would make the broker refuse a bridge's token, decided on the token's
 * bytes and a given time alone.
 */
class BridgeTokenCheckTest
{
    private static final long NOW = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;
    private static final List<String> CHANNELS = List.of("prices.eu", "prices.us");

    private final TokenIssuer issuer = new TokenIssuer(IssuerKeys.generate().getPrivate());
    private final KeyPair broker = IssuerKeys.generate();
    private final byte[] brokerKey = IssuerKeys.rawPublic(broker.getPublic());

    private byte[] token(final String pattern, final int rights, final long notBefore, final long notAfter)
    {
        return token("alice", pattern, rights, notBefore, notAfter, brokerKey);
    }

    private byte[] token(
        final String subject, final String pattern, final int rights, final long notBefore, final long notAfter,
        final byte[] forBroker)
    {
        return issuer.issue(new CapabilityToken(subject, pattern, rights, notBefore, notAfter, 42, forBroker, false));
    }

    private String check(final byte[] token, final Right right)
    {
        return BridgeTokenCheck.refusal(token, right, "--forward", CHANNELS, brokerKey, "alice", NOW);
    }

    @Test
    void aTokenWhosePatternCoversEveryChannelWithTheRightPasses()
    {
        final int subscribe = Right.SUBSCRIBE.bit();
        assertNull(check(token("prices.*", subscribe, NOW - HOUR, NOW + HOUR), Right.SUBSCRIBE));
        assertNull(check(token("*", Right.mask(Right.PUBLISH, Right.SUBSCRIBE), NOW, NOW + 1), Right.SUBSCRIBE));
        assertNull(check(token("prices.*", Right.RELAY.bit(), NOW - HOUR, NOW + HOUR), Right.RELAY));
        assertNull(BridgeTokenCheck.refusal(token("prices.eu", subscribe, NOW - HOUR, NOW + HOUR), Right.SUBSCRIBE,
            "--forward", List.of("prices.eu"), brokerKey, "alice", NOW));
        assertNull(BridgeTokenCheck.refusal(token("bob", "*", subscribe, NOW - HOUR, NOW + HOUR, brokerKey),
            Right.SUBSCRIBE, "--forward", CHANNELS, null, null, NOW), "no broker key, no user: not checked");
    }

    @Test
    void aMissingRightIsNamed()
    {
        assertEquals("grants publish,admin but not subscribe, which --forward needs",
            check(token("prices.*", Right.mask(Right.PUBLISH, Right.ADMIN), NOW - HOUR, NOW + HOUR),
            Right.SUBSCRIBE));
        assertEquals("grants subscribe but not relay, which --relay needs", BridgeTokenCheck.refusal(
            token("prices.*", Right.SUBSCRIBE.bit(), NOW - HOUR, NOW + HOUR), Right.RELAY, "--relay", CHANNELS,
            brokerKey, "alice", NOW));
    }

    @Test
    void aPatternThatMissesOneChannelIsRefusedForThatChannel()
    {
        assertEquals("its channel pattern 'prices.eu' does not cover --forward prices.us",
            check(token("prices.eu", Right.SUBSCRIBE.bit(), NOW - HOUR, NOW + HOUR), Right.SUBSCRIBE));
        assertEquals("its channel pattern 'prices.eu.*' does not cover --forward prices.eu",
            check(token("prices.eu.*", Right.SUBSCRIBE.bit(), NOW - HOUR, NOW + HOUR), Right.SUBSCRIBE));
    }

    @Test
    void theValidityWindowIsCheckedAsTheBrokerDoes()
    {
        final int subscribe = Right.SUBSCRIBE.bit();
        assertTrue(check(token("*", subscribe, NOW - 2 * HOUR, NOW), Right.SUBSCRIBE)
            .startsWith("expired 2023-11-14T22:13:20"), "not after is exclusive");
        assertTrue(check(token("*", subscribe, NOW - 2 * HOUR, NOW - HOUR), Right.SUBSCRIBE).endsWith(" ago)"));
        assertTrue(check(token("*", subscribe, NOW + 1, NOW + HOUR), Right.SUBSCRIBE).startsWith("not valid before "));
    }

    @Test
    void anotherBrokersOrUsersTokenIsRefused()
    {
        final byte[] other = IssuerKeys.rawPublic(IssuerKeys.generate().getPublic());
        assertEquals("issued for another broker (" + IssuerKeys.fingerprint(other) + ") than the local one (" +
            IssuerKeys.fingerprint(brokerKey) + ", the --identity key)",
            check(token("alice", "*", Right.SUBSCRIBE.bit(), NOW - HOUR, NOW + HOUR, other), Right.SUBSCRIBE));
        assertEquals("issued for user 'bob', but the bridge runs as 'alice'",
            check(token("bob", "*", Right.SUBSCRIBE.bit(), NOW - HOUR, NOW + HOUR, brokerKey), Right.SUBSCRIBE));
    }

    @Test
    void bytesThatAreNotATokenAreRefusedWithTheParsersReason()
    {
        final byte[] good = token("*", Right.SUBSCRIBE.bit(), NOW - HOUR, NOW + HOUR);
        assertEquals("not a capability token (TRUNCATED)", check(Arrays.copyOf(good, good.length - 1),
            Right.SUBSCRIBE));
        assertEquals("not a capability token (TRAILING_BYTES)", check(Arrays.copyOf(good, good.length + 1),
            Right.SUBSCRIBE));
        assertEquals("not a capability token (TRUNCATED)", check(new byte[0], Right.SUBSCRIBE));
        final byte[] unknown = good.clone();
        unknown[0] = 0x42;
        assertEquals("not a capability token (UNKNOWN_VERSION)", check(unknown, Right.SUBSCRIBE));
    }
}
