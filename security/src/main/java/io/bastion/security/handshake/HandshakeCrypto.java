package io.bastion.security.handshake;

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
 * The handshake's transcript hash, the broker's signature over it, and the session key schedule.
 * <pre>
 * transcript = SHA-256("bastion/handshake/v1" | len(hello) (4, BE) | hello | brokerNonce (32)
 *                      | brokerEphemeralKey (32) | version (2, BE) | clientPid (8, BE))
 * signature  = Ed25519(brokerStaticKey, "bastion/handshake-signature/v1" | transcript)
 * prk        = HKDF-Extract(salt = transcript, ikm = X25519 shared secret)
 * key(dir, keyId) = HKDF-Expand(prk, "bastion/session/v1" | sessionId (8, BE) | dir code (1) | keyId (4, BE), 32)
 * control    = HKDF-Expand(prk, "bastion/control/v1" | sessionId (8, BE), 32)
 * </pre>
 * A rotation to key id {@code n} is {@code key(dir, n)}: both sides derive it, so no key crosses the socket for the
 * client's own traffic. The control key wraps the keys of other sessions that the broker hands a subscriber
 * ({@link KeyWrap}); its label keeps it apart from every frame key.
 * {@code hello} is the exact Hello message as received (header included), so the client's nonce, ephemeral key,
 * offered versions, channel and right are all bound (the Hello carries no token: it travels later, sealed by
 * {@link CredentialSeal}); the broker's nonce and ephemeral key, the chosen version and the client's process id are
 * bound next. The signature label keeps the broker's identity key from signing anything that could be
 * mistaken for another protocol's message. Stateless and thread safe; allocates.
 */
public final class HandshakeCrypto
{
    /** Length of the transcript hash. */
    static final int TRANSCRIPT_LENGTH = 32;
    /** Length of a session key. */
    static final int KEY_LENGTH = 32;
    /** Ed25519 signature length. */
    static final int SIGNATURE_LENGTH = 64;

    private static final byte[] TRANSCRIPT_LABEL = "bastion/handshake/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE_LABEL =
        "bastion/handshake-signature/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SESSION_LABEL = "bastion/session/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTROL_LABEL = "bastion/control/v1".getBytes(StandardCharsets.US_ASCII);
    private static final String SIGNATURE_ALGORITHM = "Ed25519";

    private HandshakeCrypto()
    {
    }

    /**
     * The handshake transcript both sides sign or check: the Hello, the broker's nonce and ephemeral key, the chosen
     * version, and the process id of the client as the broker's kernel reports its peer ({@code SO_PEERCRED}). The
     * client puts its own process id there, so a Challenge the broker signed for another peer (a process relaying the
     * client's connection to the broker) does not verify: the client refuses it before its token leaves.
     *
     * @param hello       the Hello's bytes.
     * @param helloLength its length.
     * @param brokerNonce the broker's nonce.
     * @param brokerKey   the broker's ephemeral X25519 key.
     * @param version     the chosen version.
     * @param clientPid   the client's process id (the broker: its peer's, as the kernel reports it).
     * @return the 32-byte transcript hash.
     */
    public static byte[] transcript(
        final byte[] hello,
        final int helloLength,
        final byte[] brokerNonce,
        final byte[] brokerKey,
        final int version,
        final long clientPid)
    {
        try
        {
            final MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(TRANSCRIPT_LABEL);
            digest.update(ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(helloLength).array());
            digest.update(hello, 0, helloLength);
            digest.update(brokerNonce);
            digest.update(brokerKey);
            digest.update((byte)(version >>> 8));
            digest.update((byte)version);
            digest.update(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(clientPid).array());
            return digest.digest();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", ex);
        }
    }

    /**
     * Sign a transcript with the broker's identity key, under this protocol's label.
     *
     * @param identityKey the broker's Ed25519 private key.
     * @param transcript  the transcript of this handshake.
     * @return the signature.
     */
    public static byte[] sign(final PrivateKey identityKey, final byte[] transcript)
    {
        try
        {
            final Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(identityKey);
            signer.update(SIGNATURE_LABEL);
            signer.update(transcript);
            return signer.sign();
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("Ed25519 signing failed", ex);
        }
    }

    /**
     * Verify the broker's signature. Never throws.
     *
     * @param pinnedKey  the broker identity key the client pins.
     * @param transcript the transcript hash the client computed itself.
     * @param signature  the received signature, untrusted.
     * @return true only if it verifies.
     */
    public static boolean verify(final PublicKey pinnedKey, final byte[] transcript, final byte[] signature)
    {
        if (null == signature || signature.length != SIGNATURE_LENGTH)
        {
            return false;
        }
        try
        {
            final Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
            verifier.initVerify(pinnedKey);
            verifier.update(SIGNATURE_LABEL);
            verifier.update(transcript);
            return verifier.verify(signature);
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            return false;
        }
    }

    static byte[] info(final long sessionId, final KeyDirection direction, final int keyId)
    {
        return ByteBuffer.allocate(SESSION_LABEL.length + 8 + 1 + 4)
            .order(ByteOrder.BIG_ENDIAN)
            .put(SESSION_LABEL)
            .putLong(sessionId)
            .put(direction.code())
            .putInt(keyId)
            .array();
    }

    static byte[] controlInfo(final long sessionId)
    {
        return ByteBuffer.allocate(CONTROL_LABEL.length + 8)
            .order(ByteOrder.BIG_ENDIAN)
            .put(CONTROL_LABEL)
            .putLong(sessionId)
            .array();
    }

    /**
     * Derive the session's keys from the transcript and the X25519 shared secret (HKDF-extract); the caller zeroes
     * the secret.
     *
     * @param transcript   the transcript both sides computed.
     * @param sharedSecret the X25519 shared secret.
     * @param sessionId    the session id of the Welcome.
     * @param keyId        the first key id.
     * @return the session keys; the caller owns and closes them.
     */
    public static SessionKeys deriveKeys(
        final byte[] transcript, final byte[] sharedSecret, final long sessionId, final int keyId)
    {
        final byte[] prk = Hkdf.extract(transcript, sharedSecret);
        return new SessionKeys(sessionId, keyId, prk);
    }
}
