package io.bastion.client;

import io.bastion.channel.control.ControlChannel;
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
import io.bastion.channel.SealedManyToOneRing;
import io.bastion.channel.SealedRing;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.ChallengeDecoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.codec.sbe.WelcomeDecoder;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenCodec;
import io.bastion.security.token.TokenParseResult;
import org.agrona.CloseHelper;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

/**
 * The client's side of the handshake: connect to a broker, present a token for a channel and a right, check that
 * the broker holds the identity key the token names, derive the session keys and learn the rings.
 * <p>
 * <b>Pinning.</b> The broker is pinned by the client's own token: the token's signed body names the identity public
 * key of the broker it is for ({@link io.bastion.security.token.CapabilityToken#brokerKey()}), and the client reads it
 * by parsing its token (it needs no issuer key to read its own credential). Nothing in the broker folder is trusted
 * for it, so a process that moves the socket aside and answers in the broker's place cannot prove the key and gets
 * nothing beyond the Hello. A token that does not parse, or names no valid key, fails before connecting
 * ({@link RejectReason#INVALID_TOKEN}).
 * <p>
 * The client sends Hello (its versions, a fresh nonce, a fresh X25519 key, the channel and the right, see
 * {@link HelloCredentials}: no token); the broker answers Challenge, which the client accepts only if its Ed25519
 * signature over the transcript (see {@link HandshakeCrypto}) verifies under the pinned key; only then does the
 * client send its token, sealed under a key derived from the X25519 secret and the transcript
 * ({@link CredentialSeal}), and the broker answers Welcome. Any other answer
 * ends the handshake with a typed {@link HandshakeException}: the broker's Refusal reason, or
 * {@link RejectReason#BAD_SIGNATURE} (wrong broker: the client sends a Refusal and stops before deriving anything),
 * {@link RejectReason#UNSUPPORTED_VERSION}, {@link RejectReason#PROTOCOL_VIOLATION}, {@link RejectReason#TIMED_OUT}
 * or {@link RejectReason#CHANNEL_CLOSED}. The whole exchange, connect included, is bounded by the timeout (the
 * connect itself is a local Unix-domain connect, which completes at once unless the broker's backlog is full).
 * <p>
 * The Welcome is not itself signed: its session id is bound into the key derivation, so a tampered id gives keys
 * that seal nothing the broker accepts, and only the broker folder's owner can write the ring files it names.
 * So a process that answers on the socket in the broker's place learns the channel and the right asked for, and
 * never the token: it cannot use it at the real broker.
 * Stateless and thread safe.
 */
public final class HandshakeClient
{
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NO_TOKEN = new byte[0];

    private HandshakeClient()
    {
    }

    /**
     * Run a handshake with the broker the token names.
     *
     * @param socketPath the broker's socket.
     * @param token      the capability token, as issued (not retained; the client zeroes its own copies).
     * @param channel    the channel name.
     * @param right      the right asked for.
     * @param timeout    bound on the whole handshake.
     * @return the open session; the caller closes it.
     * @throws HandshakeException with the typed reason when no session opens: {@link RejectReason#INVALID_TOKEN}
     *                            before connecting if the token does not parse or names no valid broker key,
     *                            {@link RejectReason#BAD_SIGNATURE} if the broker cannot prove that key.
     * @throws IllegalArgumentException if the channel is not a valid channel name or the token is longer than any
     *                                  token can be (caller errors, found before connecting).
     */
    public static Session connect(
        final Path socketPath, final byte[] token, final String channel, final Right right, final Duration timeout)
            throws HandshakeException
    {
        return connect(socketPath, token, null, channel, right, timeout);
    }

    /**
     * Run a handshake with the broker the token names, which must also be the one the caller expects.
     *
     * @param socketPath        the broker's socket.
     * @param token             the capability token, as issued (not retained).
     * @param expectedBrokerKey the broker identity key the caller expects, or null to take the token's alone; when
     *                          given, a token naming another broker fails before connecting
     *                          ({@link RejectReason#INVALID_TOKEN}).
     * @param channel           the channel name.
     * @param right             the right asked for.
     * @param timeout           bound on the whole handshake.
     * @return the open session; the caller closes it.
     * @throws HandshakeException with the typed reason when no session opens.
     * @throws IllegalArgumentException if the channel is not a valid channel name or the token is longer than any
     *                                  token can be (caller errors, found before connecting).
     */
    public static Session connect(
        final Path socketPath,
        final byte[] token,
        final PublicKey expectedBrokerKey,
        final String channel,
        final Right right,
        final Duration timeout) throws HandshakeException
    {
        return connect(socketPath, token, expectedBrokerKey, channel, right, 0, timeout);
    }

    /**
     * Run a handshake with the broker the token names, asking, for a publisher, for a concurrent session: a
     * many-to-one ring that up to {@code lanes} threads write, under the block of producer ids that starts at the
     * session's {@link Session#producerId()} (see {@code ConcurrentPublisher}). The ring comes with the Welcome as one
     * descriptor ({@link RingAllocation#sharedRing()}); a broker that makes named ring files refuses such a session.
     *
     * @param socketPath        the broker's socket.
     * @param token             the capability token, as issued (not retained).
     * @param expectedBrokerKey the broker identity key the caller expects, or null to take the token's alone.
     * @param channel           the channel name.
     * @param right             the right asked for.
     * @param lanes             0 for a session of one publishing thread (or a subscriber); 1 to
     *                          {@code ConcurrentPublisher.MAX_LANES} for a concurrent publisher.
     * @param timeout           bound on the whole handshake.
     * @return the open session; the caller closes it.
     * @throws HandshakeException with the typed reason when no session opens.
     * @throws IllegalArgumentException if the channel is not a valid channel name, the token is longer than any
     *                                  token can be, or the lanes are out of range or asked for without
     *                                  {@link Right#PUBLISH} (caller errors, found before connecting).
     */
    public static Session connect(
        final Path socketPath,
        final byte[] token,
        final PublicKey expectedBrokerKey,
        final String channel,
        final Right right,
        final int lanes,
        final Duration timeout) throws HandshakeException
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        final PublicKey pinnedBrokerKey = brokerKeyOf(token, expectedBrokerKey);
        if (token.length > TokenCodec.MAX_LENGTH)
        {
            throw new IllegalArgumentException("token longer than " + TokenCodec.MAX_LENGTH);
        }
        // The Hello names the channel and the right but carries no token: that goes sealed, after the Challenge.
        final byte[] credentials = HelloCredentials.encode(NO_TOKEN, channel, right, lanes);
        final byte[] tokenCopy = token.clone();
        try
        {
            return connect(socketPath, credentials, tokenCopy, pinnedBrokerKey, channel, right, lanes, deadlineNs);
        }
        finally
        {
            Arrays.fill(tokenCopy, (byte)0);
        }
    }

    /**
     * Run a relay's handshake ({@link Right#RELAY}) with the broker the token names: the Hello declares the origin
     * producer id the relay republishes frames under; the Welcome must give exactly that id and a ring, as a
     * publisher's (see {@code docs/relay.md}).
     *
     * @param socketPath        the broker's socket.
     * @param token             the capability token, as issued (not retained); it must grant {@link Right#RELAY}.
     * @param expectedBrokerKey the broker identity key the caller expects, or null to take the token's alone.
     * @param channel           the relayed channel's name.
     * @param originProducerId  the origin publisher's producer id, positive.
     * @param timeout           bound on the whole handshake.
     * @return the open session; the caller closes it.
     * @throws HandshakeException with the typed reason when no session opens (such as
     *                            {@link RejectReason#NOT_RELAYED} or {@link RejectReason#PRODUCER_ID_IN_USE}).
     * @throws IllegalArgumentException if the channel is not a valid channel name, the token is longer than any token
     *                                  can be, or the producer id is not positive.
     */
    public static Session connectRelay(
        final Path socketPath,
        final byte[] token,
        final PublicKey expectedBrokerKey,
        final String channel,
        final int originProducerId,
        final Duration timeout) throws HandshakeException
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        final PublicKey pinnedBrokerKey = brokerKeyOf(token, expectedBrokerKey);
        if (token.length > TokenCodec.MAX_LENGTH)
        {
            throw new IllegalArgumentException("token longer than " + TokenCodec.MAX_LENGTH);
        }
        final byte[] credentials = HelloCredentials.encodeRelay(NO_TOKEN, channel, originProducerId);
        final byte[] tokenCopy = token.clone();
        final Session session;
        try
        {
            session = connect(socketPath, credentials, tokenCopy, pinnedBrokerKey, channel, Right.RELAY, 0, deadlineNs);
        }
        finally
        {
            Arrays.fill(tokenCopy, (byte)0);
        }
        if (session.producerId() != originProducerId || null == session.rings().sealedRing() &&
            null == session.publishRingPath())
        {
            session.close();
            throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false,
                "the Welcome does not give the relay its origin producer id and a ring");
        }
        return session;
    }

    /**
     * The broker key a token names: the only key its holder pins.
     *
     * @param token             the client's own token, untrusted bytes.
     * @param expectedBrokerKey the key the caller expects, or null.
     * @return the key to verify the broker's signature with.
     * @throws HandshakeException INVALID_TOKEN if the token does not parse, names no valid Ed25519 key, or names
     *                            another key than the expected one.
     */
    static PublicKey brokerKeyOf(final byte[] token, final PublicKey expectedBrokerKey) throws HandshakeException
    {
        final TokenParseResult parsed = TokenCodec.parse(token);
        if (!parsed.isOk())
        {
            throw new HandshakeException(RejectReason.INVALID_TOKEN, false,
                "the token does not parse (" + parsed.reason() + "): it names no broker to pin");
        }
        final byte[] raw = parsed.token().brokerKey();
        final PublicKey named;
        try
        {
            named = IssuerKeys.publicFromRaw(raw);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new HandshakeException(RejectReason.INVALID_TOKEN, false, "the token names no valid broker key");
        }
        if (null != expectedBrokerKey && !Arrays.equals(raw, IssuerKeys.rawPublic(expectedBrokerKey)))
        {
            throw new HandshakeException(RejectReason.INVALID_TOKEN, false, "the token is for broker " +
                IssuerKeys.fingerprint(raw) + ", not the expected " + IssuerKeys.fingerprint(expectedBrokerKey));
        }
        return named;
    }

    private static Session connect(
        final Path socketPath,
        final byte[] credentials,
        final byte[] token,
        final PublicKey pinnedBrokerKey,
        final String channel,
        final Right right,
        final int lanes,
        final long deadlineNs) throws HandshakeException
    {
        final AFUNIXSocketChannel socket;
        try
        {
            socket = AFUNIXSocketChannel.open();
        }
        catch (final IOException ex)
        {
            throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false, "cannot open a socket");
        }
        final ControlChannel control;
        try
        {
            socket.connect(AFUNIXSocketAddress.of(socketPath));
            // The client receives descriptors: the broker may hand it rings as descriptors with a message.
            control = new ControlChannel(socket, true);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(socket);
            throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false, "cannot connect to " + socketPath);
        }
        boolean open = false;
        try
        {
            final Session session =
                run(control, credentials, token, pinnedBrokerKey, channel, right, lanes, deadlineNs);
            open = true;
            return session;
        }
        finally
        {
            if (!open)
            {
                control.close();
            }
        }
    }

    private static Session run(
        final ControlChannel control,
        final byte[] credentials,
        final byte[] token,
        final PublicKey pinnedBrokerKey,
        final String channel,
        final Right right,
        final int lanes,
        final long deadlineNs) throws HandshakeException
    {
        final byte[] clientNonce = new byte[ControlMessages.BYTES32];
        RANDOM.nextBytes(clientNonce);
        KeyPair ephemeral = X25519.generate();
        PrivateKey ephemeralPrivate = ephemeral.getPrivate();
        final byte[] hello = ControlMessages.hello(FrameValidator.MIN_SUPPORTED_VERSION,
            FrameValidator.CURRENT_VERSION, clientNonce, X25519.rawPublic(ephemeral.getPublic()), credentials);
        ephemeral = null;
        final byte[] transcript;
        final ControlMessage challenge;
        try
        {
            writeHello(control, hello, deadlineNs);
            challenge = receive(control, deadlineNs, ChallengeDecoder.TEMPLATE_ID);
            final int version = challenge.minVersion;
            if (version < FrameValidator.MIN_SUPPORTED_VERSION || version > FrameValidator.CURRENT_VERSION)
            {
                throw abort(control, RejectReason.UNSUPPORTED_VERSION, "broker chose version " + version);
            }
            transcript =
                HandshakeCrypto.transcript(hello, hello.length, challenge.nonce, challenge.ephemeralKey, version,
                    ProcessHandle.current().pid());
        }
        finally
        {
            Arrays.fill(hello, (byte)0);
        }
        if (!HandshakeCrypto.verify(pinnedBrokerKey, transcript, challenge.varData))
        {
            throw abort(control, RejectReason.BAD_SIGNATURE,
                "the broker does not hold the key the token names (" + IssuerKeys.fingerprint(pinnedBrokerKey) + ")");
        }
        byte[] shared = X25519.sharedSecret(ephemeralPrivate, challenge.ephemeralKey);
        // The JDK's XECPrivateKey cannot be destroyed: drop the only reference so nothing keeps it reachable.
        ephemeralPrivate = null;
        if (null == shared)
        {
            throw abort(control, RejectReason.PROTOCOL_VIOLATION, "bad broker ephemeral key");
        }
        try
        {
            sendToken(control, transcript, shared, token, deadlineNs);
            final ControlMessage welcome = receive(control, deadlineNs, WelcomeDecoder.TEMPLATE_ID);
            final SessionKeys keys = HandshakeCrypto.deriveKeys(transcript, shared, welcome.sessionId, welcome.keyId);
            final RingAllocation rings = rings(control, welcome, lanes);
            return new Session(
                null, channel, right, welcome.sessionId, keys, rings, control.detach(), null, welcome.sealing,
                welcome.fanOut);
        }
        finally
        {
            Arrays.fill(shared, (byte)0);
            shared = null;
        }
    }

    /**
     * The broker proved the key the token names: only now does the token leave this process, sealed under a key that
     * only the holder of the broker's ephemeral private key can derive.
     */
    private static void sendToken(
        final ControlChannel control,
        final byte[] transcript,
        final byte[] shared,
        final byte[] token,
        final long deadlineNs) throws HandshakeException
    {
        final byte[] key = CredentialSeal.key(transcript, shared);
        try
        {
            final byte[] message = ControlMessages.credentials(CredentialSeal.seal(key, transcript, token));
            control.write(message, message.length, deadlineNs);
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    /**
     * Send the Hello. A broker that refuses at once (peer policy, pending limit) writes its Refusal and closes, so the
     * write can fail; the Refusal is then still waiting to be read, and its typed reason is what the caller learns.
     */
    private static void writeHello(final ControlChannel control, final byte[] hello, final long deadlineNs)
            throws HandshakeException
    {
        try
        {
            control.write(hello, hello.length, deadlineNs);
        }
        catch (final HandshakeException ex)
        {
            if (RejectReason.CHANNEL_CLOSED != ex.reason())
            {
                throw ex;
            }
            final ControlMessage refusal;
            try
            {
                final int length =
                    control.read(Math.min(deadlineNs, System.nanoTime() + ControlChannel.REFUSAL_WRITE_NS));
                refusal = ControlMessages.parse(control.messageBuffer(), length);
            }
            catch (final HandshakeException unread)
            {
                throw ex;
            }
            if (refusal.isValid() && RefusalDecoder.TEMPLATE_ID == refusal.templateId() &&
                null != refusal.refusalReason)
            {
                throw new HandshakeException(refusal.refusalReason, true, null);
            }
            throw ex;
        }
    }

    private static ControlMessage receive(final ControlChannel control, final long deadlineNs, final int templateId)
            throws HandshakeException
    {
        final int length = control.read(deadlineNs);
        final ControlMessage message = ControlMessages.parse(control.messageBuffer(), length);
        if (!message.isValid())
        {
            throw abort(control, RejectReason.PROTOCOL_VIOLATION, "malformed reply: " + message.detail());
        }
        if (RefusalDecoder.TEMPLATE_ID == message.templateId())
        {
            throw new HandshakeException(message.refusalReason, true, null);
        }
        if (templateId != message.templateId())
        {
            throw abort(control, RejectReason.PROTOCOL_VIOLATION, "unexpected template " + message.templateId());
        }
        return message;
    }

    /**
     * The rings a Welcome gives: a publisher's ring travels either as a path (the named-file fallback) or, with no
     * path, as the two descriptors sent with the Welcome itself, which must be taken before the next read; a
     * concurrent publisher's many-to-one ring as one descriptor.
     */
    private static RingAllocation rings(final ControlChannel control, final ControlMessage welcome, final int lanes)
            throws HandshakeException
    {
        final Path publishRing = pathOf(welcome.publishRingPath);
        if (lanes > 0)
        {
            // A concurrent publisher's ring is one region, always sealed memory: one descriptor with the Welcome.
            if (null != publishRing || welcome.producerId <= 0 || welcome.ringCapacity <= 0)
            {
                throw abort(control, RejectReason.PROTOCOL_VIOLATION, "no many-to-one ring in the Welcome");
            }
            final int[] fds = control.takeDescriptors(1);
            return RingAllocation.concurrent(welcome.channelId, welcome.producerId, lanes, welcome.ringCapacity,
                SealedManyToOneRing.received(welcome.ringCapacity, fds[0]));
        }
        if (null == publishRing && welcome.producerId > 0 && welcome.ringCapacity > 0)
        {
            final int[] fds = control.takeDescriptors(2);
            return new RingAllocation(welcome.channelId, welcome.producerId, welcome.ringCapacity,
                SealedRing.received(welcome.ringCapacity, fds[0], fds[1]));
        }
        return new RingAllocation(welcome.channelId, welcome.producerId, welcome.ringCapacity, publishRing,
            pathOf(welcome.subscribeRingPath));
    }

    static Path pathOf(final String text)
    {
        try
        {
            return null == text || text.isEmpty() ? null : Path.of(text);
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
    }

    private static HandshakeException abort(
        final ControlChannel control, final RejectReason reason, final String message)
    {
        final byte[] refusal = ControlMessages.refusal(reason);
        control.writeQuietly(refusal, refusal.length, System.nanoTime() + ControlChannel.REFUSAL_WRITE_NS);
        return new HandshakeException(reason, false, message);
    }

}
