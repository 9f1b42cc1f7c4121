package io.bastion.security.handshake;

import io.bastion.security.keys.Hkdf;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.token.IssuerKeys;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transcript binding, signature checks and the key schedule.
 */
class HandshakeCryptoTest
{
    private static final long PID = 4242;
    private static final byte[] HELLO = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final byte[] NONCE = new byte[32];
    private static final byte[] KEY = new byte[32];

    @Test
    void transcriptBindsEveryInput()
    {
        final byte[] base = HandshakeCrypto.transcript(HELLO, HELLO.length, NONCE, KEY, 1, PID);
        assertEquals(32, base.length);
        final byte[] hello = HELLO.clone();
        hello[8] ^= 1;
        assertFalse(Arrays.equals(base, HandshakeCrypto.transcript(hello, hello.length, NONCE, KEY, 1, PID)));
        assertFalse(Arrays.equals(base, HandshakeCrypto.transcript(HELLO, HELLO.length - 1, NONCE, KEY, 1, PID)));
        final byte[] nonce = NONCE.clone();
        nonce[0] = 1;
        assertFalse(Arrays.equals(base, HandshakeCrypto.transcript(HELLO, HELLO.length, nonce, KEY, 1, PID)));
        assertFalse(Arrays.equals(base, HandshakeCrypto.transcript(HELLO, HELLO.length, KEY, nonce, 1, PID)));
        assertFalse(Arrays.equals(base, HandshakeCrypto.transcript(HELLO, HELLO.length, NONCE, KEY, 2, PID)));
        assertFalse(Arrays.equals(base, HandshakeCrypto.transcript(HELLO, HELLO.length, NONCE, KEY, 1, PID + 1)));
    }

    @Test
    void signatureVerifiesOnlyUnderTheSigningKeyAndTranscript()
    {
        final KeyPair broker = IssuerKeys.generate();
        final byte[] transcript = HandshakeCrypto.transcript(HELLO, HELLO.length, NONCE, KEY, 1, PID);
        final byte[] signature = HandshakeCrypto.sign(broker.getPrivate(), transcript);
        assertTrue(HandshakeCrypto.verify(broker.getPublic(), transcript, signature));
        assertFalse(HandshakeCrypto.verify(IssuerKeys.generate().getPublic(), transcript, signature));
        final byte[] other = transcript.clone();
        other[0] ^= 1;
        assertFalse(HandshakeCrypto.verify(broker.getPublic(), other, signature));
        final byte[] flipped = signature.clone();
        flipped[10] ^= 1;
        assertFalse(HandshakeCrypto.verify(broker.getPublic(), transcript, flipped));
        assertFalse(HandshakeCrypto.verify(broker.getPublic(), transcript, Arrays.copyOf(signature, 63)));
        assertFalse(HandshakeCrypto.verify(broker.getPublic(), transcript, null));
    }

    @Test
    void keysFollowTheDocumentedSchedule()
    {
        final byte[] transcript = HandshakeCrypto.transcript(HELLO, HELLO.length, NONCE, KEY, 1, PID);
        final byte[] secret = new byte[32];
        Arrays.fill(secret, (byte)0x5A);
        try (SessionKeys keys = HandshakeCrypto.deriveKeys(transcript, secret, 0x0102030405060708L, 3))
        {
            final byte[] info = "bastion/session/v1\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0001\0\0\0\u0003"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertArrayEquals(Hkdf.derive(transcript, secret, info, 32), keys.key(KeyDirection.INITIATOR_TO_RESPONDER));
            assertFalse(Arrays.equals(keys.key(KeyDirection.INITIATOR_TO_RESPONDER),
                keys.key(KeyDirection.RESPONDER_TO_INITIATOR)));
            assertFalse(Arrays.equals(keys.key(KeyDirection.INITIATOR_TO_RESPONDER),
                HandshakeCrypto.deriveKeys(transcript, secret, 0x0102030405060709L, 3)
                    .key(KeyDirection.INITIATOR_TO_RESPONDER)), "session id is bound");
            final byte[] rotated =
                "bastion/session/v1\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0001\0\0\0\u0004"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertArrayEquals(Hkdf.derive(transcript, secret, rotated, 32),
                keys.key(KeyDirection.INITIATOR_TO_RESPONDER, 4), "a rotation derives the next key id");
            final byte[] control = "bastion/control/v1\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertArrayEquals(Hkdf.derive(transcript, secret, control, 32), keys.controlKey());
            keys.close();
            assertThrows(IllegalStateException.class, () -> keys.key(KeyDirection.RESPONDER_TO_INITIATOR),
                "closed keys derive nothing");
        }
    }
}
