package io.bastion.bridge;

import io.bastion.security.keys.Hkdf;
import io.bastion.security.keys.KeyDirection;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * The bridge handshake's transcript, the two identities' signatures over it, and the session key schedule. Pure
 * functions of their inputs.
 * <pre>
 * transcript = SHA-256("bastion/bridge/v1" | sessionId (8, BE)
 *                      | initiatorNonce (32) | initiatorEphemeral (32) | initiatorIdentity (32)
 *                      | responderNonce (32) | responderEphemeral (32) | responderIdentity (32))
 * signature(role) = Ed25519(identity of role, "bastion/bridge-signature/v1" | role code (1) | transcript)
 * prk        = HKDF-Extract(salt = transcript, ikm = X25519(ephemeral, peer ephemeral))
 * key(dir, keyId) = HKDF-Expand(prk, "bastion/bridge-key/v1" | sessionId (8, BE) | dir code (1) | keyId (4, BE), 32)
 * </pre>
 * The initiator's fields always come first, whichever side computes the transcript. The responder's signature binds
 * the initiator's nonce (a RESP_HELLO recorded from an earlier handshake does not verify against a new nonce) and the
 * initiator's signature binds the responder's (an INIT_FINISH recorded earlier does not verify against a new
 * RESP_HELLO). The role code in each signature means one side's signature can never stand for the other's. Every
 * label differs from the broker handshake's ({@code io.bastion.security.handshake.HandshakeCrypto}), so a signature
 * or key of one protocol is never valid in the other.
 * <p>
 * Stateless and thread safe; allocates (control path only). Callers zero the secrets they receive.
 */
public final class BridgeHandshakeCrypto
{
    /** Length of the transcript hash. */
    public static final int TRANSCRIPT_LENGTH = 32;
    /** Length of a direction key. */
    public static final int KEY_LENGTH = 32;

    private static final byte[] TRANSCRIPT_LABEL = "bastion/bridge/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE_LABEL = "bastion/bridge-signature/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_LABEL = "bastion/bridge-key/v1".getBytes(StandardCharsets.US_ASCII);
    private static final String SIGNATURE_ALGORITHM = "Ed25519";

    private BridgeHandshakeCrypto()
    {
    }

    /**
     * The transcript both sides sign.
     *
     * @param sessionId          the session id the initiator proposed.
     * @param initiatorNonce     the initiator's 32-byte nonce.
     * @param initiatorEphemeral the initiator's raw X25519 key.
     * @param initiatorIdentity  the initiator's raw Ed25519 identity key.
     * @param responderNonce     the responder's 32-byte nonce.
     * @param responderEphemeral the responder's raw X25519 key.
     * @param responderIdentity  the responder's raw Ed25519 identity key.
     * @return the 32-byte hash.
     * @throws IllegalArgumentException if a field has the wrong length.
     */
    public static byte[] transcript(
        final long sessionId,
        final byte[] initiatorNonce,
        final byte[] initiatorEphemeral,
        final byte[] initiatorIdentity,
        final byte[] responderNonce,
        final byte[] responderEphemeral,
        final byte[] responderIdentity)
    {
        requireLength(initiatorNonce, BridgeDescriptor.NONCE_LENGTH);
        requireLength(initiatorEphemeral, BridgeDescriptor.PUBLIC_KEY_LENGTH);
        requireLength(initiatorIdentity, BridgeDescriptor.PUBLIC_KEY_LENGTH);
        requireLength(responderNonce, BridgeDescriptor.NONCE_LENGTH);
        requireLength(responderEphemeral, BridgeDescriptor.PUBLIC_KEY_LENGTH);
        requireLength(responderIdentity, BridgeDescriptor.PUBLIC_KEY_LENGTH);
        try
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(TRANSCRIPT_LABEL);
            digest.update(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.BIG_ENDIAN).putLong(sessionId).array());
            digest.update(initiatorNonce);
            digest.update(initiatorEphemeral);
            digest.update(initiatorIdentity);
            digest.update(responderNonce);
            digest.update(responderEphemeral);
            digest.update(responderIdentity);
            return digest.digest();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", ex);
        }
    }

    /**
     * Sign a transcript as one role.
     *
     * @param identityKey this side's Ed25519 private key.
     * @param role        this side's role.
     * @param transcript  the transcript.
     * @return the 64-byte signature.
     */
    public static byte[] sign(final PrivateKey identityKey, final BridgeRole role, final byte[] transcript)
    {
        try
        {
            final Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(identityKey);
            signer.update(SIGNATURE_LABEL);
            signer.update(role.code());
            signer.update(transcript);
            return signer.sign();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("Ed25519 signing failed", ex);
        }
    }

    /**
     * Verify the peer's signature. Never throws.
     *
     * @param peerKey    the peer's identity key, already matched against the pinned fingerprint.
     * @param peerRole   the role the peer plays.
     * @param transcript the transcript this side computed.
     * @param signature  the received signature, untrusted.
     * @return true only if it verifies.
     */
    public static boolean verify(
        final PublicKey peerKey, final BridgeRole peerRole, final byte[] transcript, final byte[] signature)
    {
        if (null == peerKey || null == transcript || null == signature ||
            BridgeDescriptor.SIGNATURE_LENGTH != signature.length)
        {
            return false;
        }
        try
        {
            final Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
            verifier.initVerify(peerKey);
            verifier.update(SIGNATURE_LABEL);
            verifier.update(peerRole.code());
            verifier.update(transcript);
            return verifier.verify(signature);
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * The session secret: HKDF-Extract with the transcript as salt.
     *
     * @param transcript   the transcript.
     * @param sharedSecret the X25519 shared secret; the caller zeroes it.
     * @return the 32-byte pseudorandom key; the caller owns and zeroes it.
     */
    public static byte[] sessionSecret(final byte[] transcript, final byte[] sharedSecret)
    {
        return Hkdf.extract(transcript, sharedSecret);
    }

    /**
     * A direction key, as both sides derive it; a rekey to key id {@code n} is {@code directionKey(.., n)}.
     *
     * @param sessionSecret the session secret.
     * @param sessionId     the session id.
     * @param direction     the direction.
     * @param keyId         the key id.
     * @return a new 32-byte key; the caller zeroes it.
     */
    public static byte[] directionKey(
        final byte[] sessionSecret, final long sessionId, final KeyDirection direction, final int keyId)
    {
        final byte[] info = ByteBuffer.allocate(KEY_LABEL.length + Long.BYTES + 1 + Integer.BYTES)
            .order(ByteOrder.BIG_ENDIAN)
            .put(KEY_LABEL)
            .putLong(sessionId)
            .put(direction.code())
            .putInt(keyId)
            .array();
        return Hkdf.expand(sessionSecret, info, KEY_LENGTH);
    }

    private static void requireLength(final byte[] field, final int length)
    {
        if (null == field || length != field.length)
        {
            throw new IllegalArgumentException("field must be " + length + " bytes");
        }
    }
}
