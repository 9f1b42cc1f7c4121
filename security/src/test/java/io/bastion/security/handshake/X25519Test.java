package io.bastion.security.handshake;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The raw key form and the shared secret against RFC 7748, section 6.1.
 */
class X25519Test
{
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] ALICE_PRIVATE =
        HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] ALICE_PUBLIC =
        HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static final byte[] BOB_PRIVATE =
        HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    private static final byte[] BOB_PUBLIC =
        HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static final byte[] SHARED =
        HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    private static PrivateKey privateKey(final byte[] scalar) throws Exception
    {
        return KeyFactory.getInstance("X25519").generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519,
            scalar));
    }

    @Test
    void sharedSecretMatchesRfc7748() throws Exception
    {
        assertArrayEquals(SHARED, X25519.sharedSecret(privateKey(ALICE_PRIVATE), BOB_PUBLIC));
        assertArrayEquals(SHARED, X25519.sharedSecret(privateKey(BOB_PRIVATE), ALICE_PUBLIC));
    }

    @Test
    void rawFormRoundTripsTheRfcPublicKeys()
    {
        for (final byte[] raw : new byte[][] {ALICE_PUBLIC, BOB_PUBLIC})
        {
            final PublicKey key = X25519.publicFromRaw(raw);
            assertNotNull(key);
            assertArrayEquals(raw, X25519.rawPublic(key));
        }
    }

    @Test
    void rawFormOfASmallUCoordinateIsPaddedLittleEndian() throws Exception
    {
        final PublicKey key = X25519.publicFromRaw(new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertNotNull(key);
        final byte[] raw = X25519.rawPublic(key);
        assertArrayEquals(BigInteger.valueOf(9).toByteArray(), new byte[] {raw[0]});
    }

    @Test
    void freshPairsAgree()
    {
        final KeyPair a = X25519.generate();
        final KeyPair b = X25519.generate();
        assertArrayEquals(X25519.sharedSecret(a.getPrivate(), X25519.rawPublic(b.getPublic())),
            X25519.sharedSecret(b.getPrivate(), X25519.rawPublic(a.getPublic())));
    }

    @Test
    void smallOrderAndMalformedPeerKeysAreRefused()
    {
        final KeyPair a = X25519.generate();
        assertNull(X25519.sharedSecret(a.getPrivate(), new byte[32]), "u = 0");
        final byte[] one = new byte[32];
        one[0] = 1;
        assertNull(X25519.sharedSecret(a.getPrivate(), one), "u = 1");
        assertNull(X25519.sharedSecret(a.getPrivate(), new byte[31]), "short");
        assertNull(X25519.sharedSecret(a.getPrivate(), null), "null");
    }
}
