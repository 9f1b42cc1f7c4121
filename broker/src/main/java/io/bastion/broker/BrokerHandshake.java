package io.bastion.broker;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.SealingMode;
import io.bastion.channel.control.ControlChannel;
import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.HelloCredentials;
import io.bastion.channel.control.RingAllocation;
import io.bastion.channel.control.Session;
import io.bastion.security.handshake.CredentialSeal;
import io.bastion.security.handshake.HandshakeCrypto;
import io.bastion.security.handshake.SessionKeys;
import io.bastion.security.handshake.X25519;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.CredentialsDecoder;
import io.bastion.codec.sbe.HelloDecoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.Right;
import io.bastion.security.token.SingleUseStatus;
import io.bastion.security.token.TokenDecision;
import io.bastion.security.token.TokenVerification;
import io.bastion.security.token.TokenVerifier;

import java.io.FileDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The broker's side of one handshake, after the peer passed the {@code SO_PEERCRED} check: read Hello (versions,
 * nonce, ephemeral key, channel and right, and no token), negotiate the version, send Challenge (signed with the
 * identity key), read Credentials (the token, sealed under a key only this handshake's two ends can derive, see
 * {@link CredentialSeal}), verify the token (issuer signature, this broker's identity, revocation, validity, the
 * kernel's user name, channel, right), let a single-use token in only the first time, derive the keys, allocate the
 * rings, send Welcome and hand the {@link Session} to the listener. The token comes after the Challenge so that a
 * client gives it only to the broker its token names: a process answering in the broker's place never sees it.
 * <p>
 * A single-use token is recorded as used once it passed every other check, before the rings are made: a handshake
 * that fails after that point has still spent it (fail closed). A second use is refused with {@code REPLAY} and
 * audited as a replay of that token id; when the registry is full, with {@code RATE_LIMITED}.
 * <p>
 * Every step and every refusal is audited (principal = the peer's user name, never key or token bytes). Every
 * failure becomes a {@code Refusal} with a typed reason (except when the socket is already gone) followed by close;
 * no exception leaves {@link #run()}. One instance per connection, run on one thread.
 */
final class BrokerHandshake implements Runnable
{
    /** Key id of the first keys of a session. */
    static final int FIRST_KEY_ID = 1;

    private final Broker broker;
    private final ControlChannel control;
    private final String principal;
    private final long peerPid;
    private final long deadlineNs;
    private String channelName;

    BrokerHandshake(
        final Broker broker,
        final ControlChannel control,
        final String principal,
        final long peerPid,
        final long deadlineNs)
    {
        this.peerPid = peerPid;
        this.broker = broker;
        this.control = control;
        this.principal = principal;
        this.deadlineNs = deadlineNs;
    }

    /**
     * Run the handshake; never throws.
     */
    @Override
    public void run()
    {
        boolean handedOver = false;
        try
        {
            handedOver = handshake();
        }
        catch (final HandshakeException ex)
        {
            refuse(ex.reason(), ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            // A bug or a provider failure must not kill the broker's worker: refuse and carry on.
            refuse(RejectReason.PROTOCOL_VIOLATION,
                "PROTOCOL_VIOLATION: internal error " + ex.getClass().getSimpleName());
        }
        finally
        {
            if (!handedOver)
            {
                control.close();
            }
        }
    }

    private boolean handshake() throws HandshakeException
    {
        final AuditLog audit = broker.auditLog();
        final int helloLength = control.read(deadlineNs);
        final byte[] hello = Arrays.copyOf(control.messageBuffer(), helloLength);
        final HelloRequest request = parseHello(hello, helloLength);
        if (!request.isValid())
        {
            throw new HandshakeException(request.refusedFor, false, request.detail);
        }
        final ControlMessage message = request.message;
        final HelloCredentials credentials = request.credentials;
        final int version = request.version;
        channelName = credentials.channel;
        if (0 != credentials.token.length)
        {
            // A token in the clear would go to whoever answers on the socket: it travels sealed, after the Challenge.
            throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false, "token in the Hello");
        }
        return challengeAndWelcome(hello, helloLength, message, credentials, version);
    }

    /**
     * Check the token the client sent sealed after the Challenge, and spend it if it is single-use.
     */
    private CapabilityToken checkToken(final byte[] tokenBytes, final HelloCredentials credentials)
            throws HandshakeException
    {
        final AuditLog audit = broker.auditLog();
        final TokenVerifier verifier = broker.tokenVerifier();
        final TokenVerification verification =
            verifier.verify(tokenBytes, principal, credentials.channel, credentials.right);
        final String tokenDetail = verification.decision() + (null == verification.token() ? "" :
            " tokenId=" + verification.token().tokenId()) + " right=" + credentials.right;
        if (!verification.isAccepted())
        {
            audit.log(AuditEventType.TOKEN_CHECK, AuditOutcome.REFUSED, principal, channelName, tokenDetail);
            throw new HandshakeException(reasonFor(verification), false, tokenDetail);
        }
        final CapabilityToken token = verification.token();
        if (token.isSingleUse())
        {
            spendSingleUse(token, credentials);
        }
        audit.log(AuditEventType.TOKEN_CHECK, AuditOutcome.SUCCESS, principal, channelName,
            tokenDetail + (token.isSingleUse() ? " singleUse" : ""));
        return token;
    }

    private void spendSingleUse(final CapabilityToken token, final HelloCredentials credentials)
            throws HandshakeException
    {
        final SingleUseStatus status =
            broker.singleUseTokens().use(token, broker.context().epochClock().time());
        if (SingleUseStatus.FIRST_USE == status)
        {
            return;
        }
        final String detail = (SingleUseStatus.REPLAYED == status ?
            "REPLAYED replay of single-use tokenId=" + token.tokenId() :
            "SINGLE_USE_FULL single-use tokenId=" + token.tokenId() + " refused: the broker already remembers " +
            broker.singleUseTokens().capacity() + " live single-use tokens") +
            " right=" + credentials.right;
        broker.auditLog().log(AuditEventType.TOKEN_CHECK, AuditOutcome.REFUSED, principal, channelName, detail);
        throw new HandshakeException(
            SingleUseStatus.REPLAYED == status ? RejectReason.REPLAY : RejectReason.RATE_LIMITED, false, detail);
    }

    private boolean challengeAndWelcome(
        final byte[] hello,
        final int helloLength,
        final ControlMessage message,
        final HelloCredentials credentials,
        final int version) throws HandshakeException
    {
        final SecureRandom random = broker.random();
        final byte[] brokerNonce = new byte[ControlMessages.BYTES32];
        random.nextBytes(brokerNonce);
        KeyPair ephemeral = X25519.generate();
        final byte[] brokerKey = X25519.rawPublic(ephemeral.getPublic());
        PrivateKey ephemeralPrivate = ephemeral.getPrivate();
        ephemeral = null;
        byte[] shared = X25519.sharedSecret(ephemeralPrivate, message.ephemeralKey);
        // The JDK's XECPrivateKey cannot be destroyed: drop the only reference so nothing keeps it reachable.
        ephemeralPrivate = null;
        if (null == shared)
        {
            throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false, "bad client ephemeral key");
        }
        final long sessionId = broker.nextSessionId();
        final byte[] transcript;
        byte[] tokenBytes = null;
        try
        {
            transcript = HandshakeCrypto.transcript(hello, helloLength, brokerNonce, brokerKey, version, peerPid);
            final byte[] signature = HandshakeCrypto.sign(broker.identityPrivateKey(), transcript);
            final byte[] challenge = ControlMessages.challenge(version, brokerNonce, brokerKey, signature);
            control.write(challenge, challenge.length, deadlineNs);
            broker.auditLog().log(AuditEventType.HANDSHAKE, AuditOutcome.INFO, principal, channelName,
                "challenge sent version=" + version + " session=" + Long.toHexString(sessionId));
            tokenBytes = receiveToken(transcript, shared);
            final CapabilityToken token = checkToken(tokenBytes, credentials);
            return welcome(credentials, sessionId, HandshakeCrypto.deriveKeys(transcript, shared, sessionId,
                FIRST_KEY_ID), token);
        }
        finally
        {
            Arrays.fill(shared, (byte)0);
            shared = null;
            if (null != tokenBytes)
            {
                Arrays.fill(tokenBytes, (byte)0);
            }
        }
    }

    /**
     * Read the Credentials message and open the token sealed in it. Only a client that verified this broker's
     * Challenge sends it, and only a holder of this handshake's secret can have sealed it.
     */
    private byte[] receiveToken(final byte[] transcript, final byte[] shared) throws HandshakeException
    {
        final int length = control.read(deadlineNs);
        final ControlMessage message = ControlMessages.parse(control.messageBuffer(), length);
        if (message.isValid() && RefusalDecoder.TEMPLATE_ID == message.templateId())
        {
            // The client refused this broker (its Challenge did not verify under the key the client's token names).
            broker.auditLog().log(AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, principal, channelName,
                "the client refused the broker: " + message.refusalReason);
            throw new HandshakeException(RejectReason.CHANNEL_CLOSED, true, "the client refused the broker");
        }
        if (!message.isValid() || CredentialsDecoder.TEMPLATE_ID != message.templateId())
        {
            throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false, "expected Credentials");
        }
        final byte[] key = CredentialSeal.key(transcript, shared);
        try
        {
            final byte[] token = CredentialSeal.open(key, transcript, message.varData);
            if (null == token)
            {
                throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false, "sealed token does not open");
            }
            return token;
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    private boolean welcome(
        final HelloCredentials credentials, final long sessionId, final SessionKeys keys, final CapabilityToken token)
            throws HandshakeException
    {
        final RingAllocation rings;
        try
        {
            checkRelayPolicy(credentials);
            rings = credentials.lanes > 0 ? allocateConcurrent(credentials, sessionId) :
                Right.RELAY == credentials.right ? broker.ringAllocator().allocateRelay(
                principal, credentials.channel, sessionId, credentials.originProducerId) :
                broker.ringAllocator().allocate(principal, credentials.channel, credentials.right, sessionId);
        }
        catch (final AllocationRefusedException ex)
        {
            keys.close();
            throw new HandshakeException(ex.reason(), false, ex.reason() + ": " + ex.getMessage());
        }
        catch (final IOException | RuntimeException ex)
        {
            keys.close();
            broker.auditLog().log(AuditEventType.FILE_CHECK, AuditOutcome.FAILURE, principal, channelName,
                "ring allocation failed: " + ex.getClass().getSimpleName());
            throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false, "ring allocation failed");
        }
        final SealingMode sealing = broker.context().channelSealing(credentials.channel);
        final ChannelFanOut fanOut = broker.context().channelFanOut(credentials.channel);
        try
        {
            if (fanOut.isFanOut() && null != rings.sharedRing())
            {
                // A many-to-one ring's consumer zeroes what it reads, so it serves one subscriber, never several.
                throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false,
                    "a concurrent publisher cannot publish on a fan-out channel");
            }
            if (fanOut.isFanOut() && (Right.PUBLISH == credentials.right || Right.RELAY == credentials.right) &&
                null == rings.sealedRing())
            {
                throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false,
                    "fan-out needs sealed rings (memfd), which this broker does not make");
            }
            final byte[] welcome = ControlMessages.welcome(sessionId, keys.keyId(), rings,
                pathText(rings.publishRingPath()), pathText(rings.subscribeRingPath()), sealing, fanOut);
            if (null != rings.sharedRing())
            {
                // A concurrent publisher's many-to-one ring travels with its Welcome: one region, read-write.
                final int fd = rings.sharedRing().producerSideDescriptors()[0];
                control.write(welcome, welcome.length, new FileDescriptor[]{ControlLink.wrap(fd)}, deadlineNs);
            }
            else if (null == rings.sealedRing())
            {
                control.write(welcome, welcome.length, deadlineNs);
            }
            else
            {
                // The publisher's ring travels with its Welcome: its own region writable, the consumer's read-only.
                final int[] fds = rings.sealedRing().producerSideDescriptors();
                control.write(welcome, welcome.length,
                    new FileDescriptor[]{ControlLink.wrap(fds[0]), ControlLink.wrap(fds[1])}, deadlineNs);
            }
        }
        catch (final HandshakeException | RuntimeException ex)
        {
            keys.close();
            broker.ringAllocator().release(rings, credentials.channel, credentials.right, sessionId);
            throw ex;
        }
        broker.auditLog().log(AuditEventType.HANDSHAKE, AuditOutcome.SUCCESS, principal, channelName,
            "welcome session=" + Long.toHexString(sessionId) + " channelId=" + rings.channelId() + " producerId=" +
            rings.producerId() + " keyId=" + keys.keyId() + " right=" + credentials.right +
            (Right.RELAY == credentials.right ? " relay" : "") +
            (rings.lanes() > 0 ? " lanes=" + rings.lanes() : "") + " sealing=" + sealing +
            (fanOut.isFanOut() ? " fanOut=" + fanOut : ""));
        broker.auditLog().log(AuditEventType.CHANNEL_OPENED, AuditOutcome.SUCCESS, principal, channelName,
            "session=" + Long.toHexString(sessionId));
        final Session session = new Session(principal, credentials.channel, credentials.right, sessionId,
            keys, rings, control.detach(), token, sealing, fanOut);
        try
        {
            broker.sessionListener().onSession(session);
        }
        catch (final RuntimeException ex)
        {
            broker.auditLog().log(AuditEventType.HANDSHAKE, AuditOutcome.FAILURE, principal, channelName,
                "session listener failed: " + ex.getClass().getSimpleName());
            session.close();
        }
        return true;
    }

    /**
     * On a relayed channel only a relay publishes; a relay publishes only on a relayed channel.
     */
    private void checkRelayPolicy(final HelloCredentials credentials) throws AllocationRefusedException
    {
        final boolean relayed = broker.context().isRelayedChannel(credentials.channel);
        if (relayed && Right.PUBLISH == credentials.right)
        {
            throw new AllocationRefusedException(RejectReason.RELAY_ONLY,
                "the channel is relayed: only a relay publishes on it");
        }
        if (!relayed && Right.RELAY == credentials.right)
        {
            throw new AllocationRefusedException(RejectReason.NOT_RELAYED,
                "a relay on a channel that is not relayed (origin producer=" + credentials.originProducerId + ")");
        }
    }

    /**
     * The ring of a publisher that asked for lanes: a concurrent session, which an encrypting channel refuses (its
     * AES-GCM nonce is the key id and the sequence, and lanes share a key while each counts from 1).
     */
    private RingAllocation allocateConcurrent(final HelloCredentials credentials, final long sessionId)
            throws IOException
    {
        if (SealingMode.AEAD_PER_FRAME == broker.context().channelSealing(credentials.channel))
        {
            throw new AllocationRefusedException(RejectReason.CHANNEL_CLOSED,
                "an encrypted channel takes no concurrent publisher: its lanes would share AES-GCM nonces");
        }
        return broker.ringAllocator().allocateConcurrent(principal, credentials.channel, sessionId, credentials.lanes);
    }

    private static String pathText(final Path path)
    {
        return null == path ? "" : path.toString();
    }

    /**
     * The broker's parser for a received Hello: structure (validator first), template, version negotiation and the
     * credentials structure. Never throws; allocates.
     *
     * @param bytes  the received message, untrusted.
     * @param length its length.
     * @return the request, or a refusal with its typed reason and an audit detail.
     */
    static HelloRequest parseHello(final byte[] bytes, final int length)
    {
        final ControlMessage message = ControlMessages.parse(bytes, length);
        if (!message.isValid())
        {
            return HelloRequest.refused(message.refusedFor(), "malformed Hello: " + message.detail());
        }
        if (HelloDecoder.TEMPLATE_ID != message.templateId())
        {
            return HelloRequest.refused(RejectReason.PROTOCOL_VIOLATION, "expected Hello: " + message.templateId());
        }
        final int version;
        try
        {
            version = negotiate(message.minVersion, message.maxVersion);
        }
        catch (final HandshakeException ex)
        {
            return HelloRequest.refused(ex.reason(), ex.getMessage());
        }
        final HelloCredentials credentials = HelloCredentials.parse(message.varData);
        if (!credentials.isValid())
        {
            return HelloRequest.refused(credentials.refusedFor, "malformed credentials");
        }
        return new HelloRequest(null, null, message, credentials, version);
    }

    /**
     * A parsed Hello, or why it was refused.
     */
    static final class HelloRequest
    {
        final RejectReason refusedFor;
        final String detail;
        final ControlMessage message;
        final HelloCredentials credentials;
        final int version;

        HelloRequest(
            final RejectReason refusedFor,
            final String detail,
            final ControlMessage message,
            final HelloCredentials credentials,
            final int version)
        {
            this.refusedFor = refusedFor;
            this.detail = detail;
            this.message = message;
            this.credentials = credentials;
            this.version = version;
        }

        static HelloRequest refused(final RejectReason reason, final String detail)
        {
            return new HelloRequest(reason, detail, null, null, 0);
        }

        boolean isValid()
        {
            return null == refusedFor;
        }
    }

    /**
     * Choose the highest version both speak.
     *
     * @param clientMin the client's lowest version.
     * @param clientMax the client's highest version.
     * @return the chosen version.
     * @throws HandshakeException PROTOCOL_VIOLATION for an empty range, UNSUPPORTED_VERSION for no overlap.
     */
    static int negotiate(final int clientMin, final int clientMax) throws HandshakeException
    {
        if (clientMin > clientMax)
        {
            throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false, "minVersion above maxVersion");
        }
        final int chosen = Math.min(clientMax, FrameValidator.CURRENT_VERSION);
        if (chosen < clientMin || chosen < FrameValidator.MIN_SUPPORTED_VERSION)
        {
            throw new HandshakeException(RejectReason.UNSUPPORTED_VERSION, false,
                "client speaks " + clientMin + ".." + clientMax);
        }
        return chosen;
    }

    /**
     * The wire reason for a token decision: the audit record keeps the precise decision.
     *
     * @param verification the verifier's outcome.
     * @return the reason sent in the Refusal.
     */
    static RejectReason reasonFor(final TokenVerification verification)
    {
        final TokenDecision decision = verification.decision();
        switch (decision)
        {
            case MALFORMED:
            case BAD_SIGNATURE:
                return RejectReason.INVALID_TOKEN;
            case EXPIRED:
            case NOT_YET_VALID:
                return RejectReason.EXPIRED_TOKEN;
            case WRONG_BROKER:
            case REVOKED:
            case WRONG_SUBJECT:
            case WRONG_CHANNEL:
            case MISSING_RIGHT:
            default:
                return RejectReason.UNAUTHORIZED;
        }
    }

    private void refuse(final RejectReason reason, final String detail)
    {
        broker.auditLog().log(AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, principal, channelName,
            null == detail ? reason.name() : detail);
        // Best effort: when the peer is already gone the write fails quietly.
        final byte[] refusal = ControlMessages.refusal(reason);
        control.writeQuietly(refusal, refusal.length, System.nanoTime() + ControlChannel.REFUSAL_WRITE_NS);
    }
}
