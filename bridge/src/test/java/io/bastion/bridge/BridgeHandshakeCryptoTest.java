package io.bastion.bridge;

import io.bastion.security.handshake.HandshakeCrypto;
import io.bastion.security.handshake.X25519;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.token.IssuerKeys;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge handshake's pure crypto: what the transcript binds, what each signature proves, and that both sides
 * derive the same keys, distinct per direction and key id.
 */
class BridgeHandshakeCryptoTest
{
    private static final long SESSION = 0x1234_5678_9ABCL;

    private static byte[] filled(final int value)
    {
        final byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    private static byte[] transcript(final byte[][] fields, final long session)
    {
        return BridgeHandshakeCrypto.transcript(
            session, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    @Test
    void transcriptBindsEveryFieldAndTheirOrder()
    {
        final byte[][] fields = {filled(1), filled(2), filled(3), filled(4), filled(5), filled(6)};
        final byte[] base = transcript(fields, SESSION);
        assertEquals(BridgeHandshakeCrypto.TRANSCRIPT_LENGTH, base.length);
        assertFalse(Arrays.equals(base, transcript(fields, SESSION + 1)));
        for (int i = 0; i < fields.length; i++)
        {
            final byte[][] changed = fields.clone();
            changed[i] = fields[i].clone();
            changed[i][31] ^= 1;
            assertFalse(Arrays.equals(base, transcript(changed, SESSION)), "field " + i);
        }
        // The initiator's fields first: swapping the two sides' fields is another transcript.
        final byte[][] swapped = {fields[3], fields[4], fields[5], fields[0], fields[1], fields[2]};
        assertFalse(Arrays.equals(base, transcript(swapped, SESSION)));
        assertThrows(IllegalArgumentException.class, () -> BridgeHandshakeCrypto.transcript(
            SESSION, new byte[31], fields[1], fields[2], fields[3], fields[4], fields[5]));
    }

    @Test
    void aSignatureVerifiesOnlyForItsKeyRoleAndTranscript()
    {
        final KeyPair initiator = IssuerKeys.generate();
        final byte[] transcript = filled(9);
        final byte[] signature = BridgeHandshakeCrypto.sign(initiator.getPrivate(), BridgeRole.INITIATOR, transcript);
        assertTrue(BridgeHandshakeCrypto.verify(initiator.getPublic(), BridgeRole.INITIATOR, transcript, signature));
        assertFalse(BridgeHandshakeCrypto.verify(initiator.getPublic(), BridgeRole.RESPONDER, transcript, signature),
            "an initiator's signature cannot stand for a responder's");
        assertFalse(BridgeHandshakeCrypto.verify(
            IssuerKeys.generate().getPublic(), BridgeRole.INITIATOR, transcript, signature));
        assertFalse(BridgeHandshakeCrypto.verify(initiator.getPublic(), BridgeRole.INITIATOR, filled(8), signature));
        final byte[] flipped = signature.clone();
        flipped[3] ^= 1;
        assertFalse(BridgeHandshakeCrypto.verify(initiator.getPublic(), BridgeRole.INITIATOR, transcript, flipped));
        assertFalse(BridgeHandshakeCrypto.verify(
            initiator.getPublic(), BridgeRole.INITIATOR, transcript, Arrays.copyOf(signature, 63)));
        assertFalse(BridgeHandshakeCrypto.verify(initiator.getPublic(), BridgeRole.INITIATOR, transcript, null));
    }

    @Test
    void aBrokerHandshakeSignatureIsNotABridgeSignature()
    {
        final KeyPair identity = IssuerKeys.generate();
        final byte[] transcript = filled(7);
        final byte[] brokerSignature = HandshakeCrypto.sign(identity.getPrivate(), transcript);
        assertFalse(BridgeHandshakeCrypto.verify(identity.getPublic(), BridgeRole.RESPONDER, transcript,
            brokerSignature));
        final byte[] bridgeSignature = BridgeHandshakeCrypto.sign(identity.getPrivate(), BridgeRole.RESPONDER,
            transcript);
        assertFalse(HandshakeCrypto.verify(identity.getPublic(), transcript, bridgeSignature));
    }

    @Test
    void bothSidesDeriveTheSameKeysDistinctPerDirectionAndKeyId()
    {
        final KeyPair initiatorEphemeral = X25519.generate();
        final KeyPair responderEphemeral = X25519.generate();
        final byte[] transcript = filled(4);
        final byte[] sharedI = X25519.sharedSecret(initiatorEphemeral.getPrivate(),
            X25519.rawPublic(responderEphemeral.getPublic()));
        final byte[] sharedR = X25519.sharedSecret(responderEphemeral.getPrivate(),
            X25519.rawPublic(initiatorEphemeral.getPublic()));
        assertNotNull(sharedI);
        final byte[] secretI = BridgeHandshakeCrypto.sessionSecret(transcript, sharedI);
        final byte[] secretR = BridgeHandshakeCrypto.sessionSecret(transcript, sharedR);
        assertArrayEquals(secretI, secretR);
        assertFalse(Arrays.equals(secretI, BridgeHandshakeCrypto.sessionSecret(filled(5), sharedI)),
            "the transcript salts the secret");

        final byte[] i2r = BridgeHandshakeCrypto.directionKey(secretI, SESSION, KeyDirection.INITIATOR_TO_RESPONDER, 1);
        assertArrayEquals(i2r,
            BridgeHandshakeCrypto.directionKey(secretR, SESSION, KeyDirection.INITIATOR_TO_RESPONDER, 1));
        assertEquals(BridgeHandshakeCrypto.KEY_LENGTH, i2r.length);
        assertFalse(Arrays.equals(i2r,
            BridgeHandshakeCrypto.directionKey(secretI, SESSION, KeyDirection.RESPONDER_TO_INITIATOR, 1)));
        assertFalse(Arrays.equals(i2r,
            BridgeHandshakeCrypto.directionKey(secretI, SESSION, KeyDirection.INITIATOR_TO_RESPONDER, 2)));
        assertFalse(Arrays.equals(i2r,
            BridgeHandshakeCrypto.directionKey(secretI, SESSION + 1, KeyDirection.INITIATOR_TO_RESPONDER, 1)));
    }
}
