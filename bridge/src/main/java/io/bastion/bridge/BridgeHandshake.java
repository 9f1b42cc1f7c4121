package io.bastion.bridge;

import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.handshake.X25519;
import io.bastion.security.token.IssuerKeys;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;

import static io.bastion.bridge.BridgeDescriptor.BODY_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.FINISH_SIGNATURE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.HELLO_EPHEMERAL_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.HELLO_IDENTITY_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.HELLO_NONCE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.INIT_FINISH_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.INIT_HELLO_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.NONCE_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.PUBLIC_KEY_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.RESP_HELLO_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.RESP_INITIATOR_NONCE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.RESP_SIGNATURE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.SIGNATURE_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.TYPE_INIT_FINISH;
import static io.bastion.bridge.BridgeDescriptor.TYPE_INIT_HELLO;
import static io.bastion.bridge.BridgeDescriptor.TYPE_RESP_HELLO;

/**
 * The handshake state machine of one bridge, in either role (protocol in {@link BridgeHandshakeCrypto} and
 * {@code docs/bridge.md}). Runs on the receiving thread, which hands it each handshake datagram whose header and
 * length the receiver has already checked; what it sends goes through {@link Output}.
 * <p>
 * Refusals: an identity that is not pinned ({@link BridgeRejectReason#HANDSHAKE_UNPINNED}) gets no answer at all; a
 * signature that fails ({@link BridgeRejectReason#HANDSHAKE_BAD_SIGNATURE}) ends the attempt without a session; a
 * message that answers no attempt in progress is {@link BridgeRejectReason#HANDSHAKE_STALE}. Each refusal is
 * audited; the caller counts it. Allocates (control path). Not thread safe: one receiving thread.
 */
final class BridgeHandshake
{
    /** Sends a handshake datagram; returns false if it could not be published. */
    interface Output
    {
        boolean send(byte[] datagram, int length);
    }

    private final BridgeRole role;
    private final KeyPair identity;
    private final byte[] identityRaw;
    private final String pinnedFingerprint;
    private final BridgeAuditSink audit;
    private final Output output;
    private final SecureRandom random = new SecureRandom();

    // Initiator: the attempt in progress.
    private long pendingSessionId;
    private byte[] pendingNonce;
    private KeyPair pendingEphemeral;
    private byte[] pendingHello;

    // Responder: the attempt in progress.
    private byte[] receivedHello;
    private byte[] pendingResponse;
    private byte[] pendingTranscript;
    private byte[] pendingSecret;
    private PublicKey pendingPeer;

    private BridgeSession established;

    BridgeHandshake(
        final BridgeRole role,
        final KeyPair identity,
        final String pinnedFingerprint,
        final BridgeAuditSink audit,
        final Output output)
    {
        this.role = role;
        this.identity = identity;
        this.identityRaw = IssuerKeys.rawPublic(identity.getPublic());
        this.pinnedFingerprint = pinnedFingerprint;
        this.audit = audit;
        this.output = output;
    }

    /**
     * Initiator: start a new attempt (dropping any other in progress) and return its INIT_HELLO.
     *
     * @return the datagram to send (and to resend unchanged until answered).
     */
    byte[] start()
    {
        if (BridgeRole.INITIATOR != role)
        {
            throw new IllegalStateException("only the initiator starts a handshake");
        }
        long sessionId = 0;
        while (0 == sessionId)
        {
            sessionId = random.nextLong();
        }
        pendingSessionId = sessionId;
        pendingNonce = nonce();
        pendingEphemeral = X25519.generate();
        final byte[] datagram = new byte[BridgeDescriptor.datagramLength(TYPE_INIT_HELLO, INIT_HELLO_LENGTH)];
        final UnsafeBuffer buffer = new UnsafeBuffer(datagram);
        BridgeDescriptor.writeHeader(buffer, TYPE_INIT_HELLO, INIT_HELLO_LENGTH, sessionId, 0, 0);
        buffer.putBytes(BODY_OFFSET + HELLO_NONCE_OFFSET, pendingNonce);
        buffer.putBytes(BODY_OFFSET + HELLO_EPHEMERAL_OFFSET, X25519.rawPublic(pendingEphemeral.getPublic()));
        buffer.putBytes(BODY_OFFSET + HELLO_IDENTITY_OFFSET, identityRaw);
        pendingHello = datagram;
        return datagram;
    }

    /**
     * Initiator: the INIT_HELLO of the attempt in progress.
     *
     * @return the datagram, or null if none is in progress.
     */
    byte[] pendingHello()
    {
        return pendingHello;
    }

    /**
     * The session the last message completed, once; then null until another completes.
     *
     * @return the new session, owned by the caller, or null.
     */
    BridgeSession takeEstablished()
    {
        final BridgeSession session = established;
        established = null;
        return session;
    }

    /**
     * Handle one handshake datagram; the receiver has checked its header and exact length.
     *
     * @param type      the type.
     * @param sessionId the header's session id.
     * @param datagram  the datagram (a private copy).
     * @return null if accepted (a session may now be {@link #takeEstablished() established}), else the refusal.
     */
    BridgeRejectReason onMessage(final int type, final long sessionId, final byte[] datagram)
    {
        if (TYPE_INIT_HELLO == type && BridgeRole.RESPONDER == role)
        {
            return onInitHello(sessionId, datagram);
        }
        if (TYPE_RESP_HELLO == type && BridgeRole.INITIATOR == role)
        {
            return onRespHello(sessionId, datagram);
        }
        if (TYPE_INIT_FINISH == type && BridgeRole.RESPONDER == role)
        {
            return onInitFinish(sessionId, datagram);
        }
        return BridgeRejectReason.UNEXPECTED_TYPE;
    }

    private BridgeRejectReason onInitHello(final long sessionId, final byte[] datagram)
    {
        final int helloLength = BridgeDescriptor.datagramLength(TYPE_INIT_HELLO, INIT_HELLO_LENGTH);
        if (null != receivedHello && null != pendingResponse && Arrays.equals(receivedHello, 0, helloLength,
            datagram, 0, helloLength))
        {
            // The initiator resent its hello (our answer may have crossed it): answer the same, once more.
            output.send(pendingResponse, pendingResponse.length);
            return null;
        }
        final byte[] peerIdentity = field(datagram, HELLO_IDENTITY_OFFSET, PUBLIC_KEY_LENGTH);
        final String presented = IssuerKeys.fingerprint(peerIdentity);
        if (!pinned(presented))
        {
            return refuse(BridgeRejectReason.HANDSHAKE_UNPINNED, presented);
        }
        final PublicKey peerKey = identityKey(peerIdentity);
        final KeyPair ephemeral = X25519.generate();
        final byte[] peerEphemeral = field(datagram, HELLO_EPHEMERAL_OFFSET, PUBLIC_KEY_LENGTH);
        final byte[] shared = null == peerKey ? null : X25519.sharedSecret(ephemeral.getPrivate(), peerEphemeral);
        if (null == shared)
        {
            return refuse(BridgeRejectReason.HANDSHAKE_MALFORMED, presented);
        }
        dropResponderAttempt();
        final byte[] initiatorNonce = field(datagram, HELLO_NONCE_OFFSET, NONCE_LENGTH);
        final byte[] nonce = nonce();
        final byte[] ephemeralRaw = X25519.rawPublic(ephemeral.getPublic());
        final byte[] transcript = BridgeHandshakeCrypto.transcript(
            sessionId, initiatorNonce, peerEphemeral, peerIdentity, nonce, ephemeralRaw, identityRaw);
        final byte[] signature = BridgeHandshakeCrypto.sign(identity.getPrivate(), role, transcript);

        final byte[] response = new byte[BridgeDescriptor.datagramLength(TYPE_RESP_HELLO, RESP_HELLO_LENGTH)];
        final UnsafeBuffer buffer = new UnsafeBuffer(response);
        BridgeDescriptor.writeHeader(buffer, TYPE_RESP_HELLO, RESP_HELLO_LENGTH, sessionId, 0, 0);
        buffer.putBytes(BODY_OFFSET + HELLO_NONCE_OFFSET, nonce);
        buffer.putBytes(BODY_OFFSET + HELLO_EPHEMERAL_OFFSET, ephemeralRaw);
        buffer.putBytes(BODY_OFFSET + HELLO_IDENTITY_OFFSET, identityRaw);
        buffer.putBytes(BODY_OFFSET + RESP_INITIATOR_NONCE_OFFSET, initiatorNonce);
        buffer.putBytes(BODY_OFFSET + RESP_SIGNATURE_OFFSET, signature);

        receivedHello = Arrays.copyOf(datagram, helloLength);
        pendingResponse = response;
        pendingTranscript = transcript;
        pendingSecret = BridgeHandshakeCrypto.sessionSecret(transcript, shared);
        Arrays.fill(shared, (byte)0);
        pendingPeer = peerKey;
        pendingSessionId = sessionId;
        output.send(response, response.length);
        return null;
    }

    private BridgeRejectReason onInitFinish(final long sessionId, final byte[] datagram)
    {
        if (null == pendingSecret || sessionId != pendingSessionId)
        {
            return refuse(BridgeRejectReason.HANDSHAKE_STALE, null == pendingPeer ? "unknown" : pinnedFingerprint);
        }
        final byte[] signature = field(datagram, FINISH_SIGNATURE_OFFSET, SIGNATURE_LENGTH);
        if (!BridgeHandshakeCrypto.verify(pendingPeer, role.peer(), pendingTranscript, signature))
        {
            dropResponderAttempt();
            return refuse(BridgeRejectReason.HANDSHAKE_BAD_SIGNATURE, pinnedFingerprint);
        }
        establish(sessionId, pendingSecret);
        pendingSecret = null;
        dropResponderAttempt();
        return null;
    }

    private BridgeRejectReason onRespHello(final long sessionId, final byte[] datagram)
    {
        if (null == pendingHello || sessionId != pendingSessionId ||
            !MessageDigest.isEqual(pendingNonce, field(datagram, RESP_INITIATOR_NONCE_OFFSET, NONCE_LENGTH)))
        {
            return refuse(BridgeRejectReason.HANDSHAKE_STALE, "unknown");
        }
        final byte[] peerIdentity = field(datagram, HELLO_IDENTITY_OFFSET, PUBLIC_KEY_LENGTH);
        final String presented = IssuerKeys.fingerprint(peerIdentity);
        if (!pinned(presented))
        {
            return refuse(BridgeRejectReason.HANDSHAKE_UNPINNED, presented);
        }
        final PublicKey peerKey = identityKey(peerIdentity);
        final byte[] peerEphemeral = field(datagram, HELLO_EPHEMERAL_OFFSET, PUBLIC_KEY_LENGTH);
        final byte[] shared = null == peerKey ? null :
            X25519.sharedSecret(pendingEphemeral.getPrivate(), peerEphemeral);
        if (null == shared)
        {
            return refuse(BridgeRejectReason.HANDSHAKE_MALFORMED, presented);
        }
        final byte[] transcript = BridgeHandshakeCrypto.transcript(
            sessionId, pendingNonce, X25519.rawPublic(pendingEphemeral.getPublic()), identityRaw,
            field(datagram, HELLO_NONCE_OFFSET, NONCE_LENGTH), peerEphemeral, peerIdentity);
        final byte[] signature = field(datagram, RESP_SIGNATURE_OFFSET, SIGNATURE_LENGTH);
        if (!BridgeHandshakeCrypto.verify(peerKey, role.peer(), transcript, signature))
        {
            Arrays.fill(shared, (byte)0);
            return refuse(BridgeRejectReason.HANDSHAKE_BAD_SIGNATURE, presented);
        }
        final byte[] secret = BridgeHandshakeCrypto.sessionSecret(transcript, shared);
        Arrays.fill(shared, (byte)0);

        final byte[] finish = new byte[BridgeDescriptor.datagramLength(TYPE_INIT_FINISH, INIT_FINISH_LENGTH)];
        final UnsafeBuffer buffer = new UnsafeBuffer(finish);
        BridgeDescriptor.writeHeader(buffer, TYPE_INIT_FINISH, INIT_FINISH_LENGTH, sessionId, 0, 0);
        buffer.putBytes(BODY_OFFSET + FINISH_SIGNATURE_OFFSET,
            BridgeHandshakeCrypto.sign(identity.getPrivate(), role, transcript));
        // One attempt, one answer: a second RESP_HELLO for this nonce is stale from here on.
        pendingHello = null;
        pendingNonce = null;
        pendingEphemeral = null;
        if (!output.send(finish, finish.length))
        {
            Arrays.fill(secret, (byte)0);
            audit.onEvent(AuditEventType.HANDSHAKE, AuditOutcome.FAILURE, presented, "finish not sent");
            return null;
        }
        establish(sessionId, secret);
        return null;
    }

    private void establish(final long sessionId, final byte[] secret)
    {
        if (null != established)
        {
            established.close();
        }
        established = new BridgeSession(sessionId, role, pinnedFingerprint, secret);
        audit.onEvent(AuditEventType.HANDSHAKE, AuditOutcome.SUCCESS, pinnedFingerprint,
            "session " + Long.toHexString(sessionId) + " as " + role);
    }

    private BridgeRejectReason refuse(final BridgeRejectReason reason, final String presented)
    {
        audit.onEvent(AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, presented, reason.name());
        return reason;
    }

    private boolean pinned(final String presented)
    {
        return MessageDigest.isEqual(
            pinnedFingerprint.getBytes(StandardCharsets.US_ASCII),
            presented.getBytes(StandardCharsets.US_ASCII));
    }

    private void dropResponderAttempt()
    {
        if (null != pendingSecret)
        {
            Arrays.fill(pendingSecret, (byte)0);
        }
        receivedHello = null;
        pendingResponse = null;
        pendingTranscript = null;
        pendingSecret = null;
        pendingPeer = null;
    }

    /**
     * Zero every secret of an attempt in progress.
     */
    void close()
    {
        dropResponderAttempt();
        pendingHello = null;
        pendingNonce = null;
        pendingEphemeral = null;
        if (null != established)
        {
            established.close();
            established = null;
        }
    }

    private byte[] nonce()
    {
        final byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        return nonce;
    }

    private static byte[] field(final byte[] datagram, final int bodyOffset, final int length)
    {
        return Arrays.copyOfRange(datagram, BODY_OFFSET + bodyOffset, BODY_OFFSET + bodyOffset + length);
    }

    private static PublicKey identityKey(final byte[] raw)
    {
        try
        {
            return IssuerKeys.publicFromRaw(raw);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }
}
