package io.bastion.security.token;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IssuerKeysTest
{
    private static final byte[] BROKER = new byte[CapabilityToken.BROKER_KEY_LENGTH];

    @Test
    void rawAndDerFormsRoundTripAndStillVerify()
    {
        final KeyPair keys = IssuerKeys.generate();
        final byte[] rawPublic = IssuerKeys.rawPublic(keys.getPublic());
        final byte[] rawPrivate = IssuerKeys.rawPrivate(keys.getPrivate());
        assertEquals(32, rawPublic.length);
        assertEquals(32, rawPrivate.length);
        assertArrayEquals(keys.getPublic().getEncoded(), IssuerKeys.publicFromRaw(rawPublic).getEncoded());
        assertArrayEquals(keys.getPublic().getEncoded(),
            IssuerKeys.publicFromX509(keys.getPublic().getEncoded()).getEncoded());
        assertArrayEquals(rawPrivate,
            IssuerKeys.rawPrivate(IssuerKeys.privateFromPkcs8(keys.getPrivate().getEncoded())));

        final byte[] token = new TokenIssuer(IssuerKeys.privateFromRaw(rawPrivate))
            .issue(new CapabilityToken("bob", "x", Right.ADMIN.bit(), 0, 10, 1, BROKER, false));
        final TokenVerifier verifier =
            TokenVerifier.forAnyBroker(IssuerKeys.publicFromRaw(rawPublic), new RevocationList(), () -> 5L);
        assertEquals(TokenDecision.ACCEPTED, verifier.verify(token, "bob", "x", Right.ADMIN).decision());
    }

    @Test
    void rfc8032TestVectorOnePublicKey()
    {
        // RFC 8032 section 7.1, TEST 1: the seed and its public key.
        final byte[] seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        final byte[] expectedPublic = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        final KeyPair derived = new KeyPair(null, IssuerKeys.privateFromRaw(seed));
        final byte[] signature = new TokenIssuer(derived.getPrivate())
            .issue(new CapabilityToken("c", "y", 1, 0, 10, 1, BROKER, false));
        final TokenVerifier verifier =
            TokenVerifier.forAnyBroker(IssuerKeys.publicFromRaw(expectedPublic), new RevocationList(), () -> 5L);
        assertEquals(TokenDecision.ACCEPTED, verifier.verify(signature, "c", "y", Right.PUBLISH).decision());
    }

    @Test
    void refusesWrongSizes()
    {
        assertThrows(IllegalArgumentException.class, () -> IssuerKeys.publicFromRaw(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> IssuerKeys.privateFromRaw(new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> IssuerKeys.publicFromX509(new byte[44]));
    }

    private static byte[] hex(final String s)
    {
        final byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
