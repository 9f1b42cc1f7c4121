package io.bastion.channel.control;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.SealingMode;
import io.bastion.codec.ControlMessageValidator;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.ChallengeDecoder;
import io.bastion.codec.sbe.ChallengeEncoder;
import io.bastion.codec.sbe.CredentialsDecoder;
import io.bastion.codec.sbe.CredentialsEncoder;
import io.bastion.codec.sbe.FanOutMode;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.GoodbyeEncoder;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.HelloDecoder;
import io.bastion.codec.sbe.HelloEncoder;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.KeyUpdateEncoder;
import io.bastion.codec.sbe.MessageHeaderDecoder;
import io.bastion.codec.sbe.MessageHeaderEncoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.codec.sbe.RefusalEncoder;
import io.bastion.codec.sbe.RejectCode;
import io.bastion.codec.sbe.Sealing;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.codec.sbe.SourceUpdateEncoder;
import io.bastion.codec.sbe.WelcomeDecoder;
import io.bastion.codec.sbe.WelcomeEncoder;
import io.bastion.ringbuffer.FanOutPolicy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Encodes the control messages (handshake, key updates, source updates, goodbye) and parses received ones.
 * <p>
 * {@link #parse(byte[], int)} is the single entry point for untrusted bytes: it runs
 * {@link ControlMessageValidator#strict()} first, and only a message that passes is read by a generated decoder. It
 * never throws: a malformed message comes back as a {@link ControlMessage} refused with
 * {@link RejectReason#PROTOCOL_VIOLATION} and the validator's precise reason as detail. Welcome paths must be
 * well-formed UTF-8. Stateless and thread safe; allocates (control path only, never per frame).
 */
public final class ControlMessages
{
    /** Bytes of a nonce and of a raw X25519 public key. */
    public static final int BYTES32 = 32;

    private ControlMessages()
    {
    }

    /**
     * Encode a Hello.
     *
     * @param minVersion   the lowest version the client speaks.
     * @param maxVersion   the highest version the client speaks.
     * @param nonce        the client's 32-byte nonce.
     * @param ephemeralKey the client's raw X25519 public key.
     * @param credentials  the encoded {@link HelloCredentials} (no token).
     * @return the message.
     */
    public static byte[] hello(
        final int minVersion, final int maxVersion, final byte[] nonce, final byte[] ephemeralKey,
        final byte[] credentials)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ControlChannel.MAX_MESSAGE_LENGTH]);
        final HelloEncoder encoder = new HelloEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .minVersion(minVersion)
            .maxVersion(maxVersion)
            .putClientNonce(nonce, 0, BYTES32)
            .putClientEphemeralKey(ephemeralKey, 0, BYTES32)
            .putToken(credentials, 0, credentials.length);
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Encode a Challenge.
     *
     * @param version      the version the broker chose.
     * @param nonce        the broker's 32-byte nonce.
     * @param ephemeralKey the broker's raw X25519 public key.
     * @param signature    the broker's Ed25519 signature over the transcript.
     * @return the message.
     */
    public static byte[] challenge(
        final int version, final byte[] nonce, final byte[] ephemeralKey, final byte[] signature)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ControlChannel.MAX_MESSAGE_LENGTH]);
        final ChallengeEncoder encoder = new ChallengeEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .version(version)
            .putBrokerNonce(nonce, 0, BYTES32)
            .putBrokerEphemeralKey(ephemeralKey, 0, BYTES32)
            .putSignature(signature, 0, signature.length);
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Encode a Credentials message.
     *
     * @param sealedToken the token sealed under the handshake's credential key.
     * @return the message.
     */
    public static byte[] credentials(final byte[] sealedToken)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ControlChannel.MAX_MESSAGE_LENGTH]);
        final CredentialsEncoder encoder = new CredentialsEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .putSealedToken(sealedToken, 0, sealedToken.length);
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Encode a Welcome.
     *
     * @param sessionId         the session id.
     * @param keyId             the first key id.
     * @param rings             the session's rings.
     * @param publishRingPath   the ring the client writes, or null.
     * @param subscribeRingPath the ring the client reads, or null.
     * @param sealing           how the channel's frames are sealed.
     * @return the message.
     */
    public static byte[] welcome(
        final long sessionId, final int keyId, final RingAllocation rings, final String publishRingPath,
        final String subscribeRingPath, final SealingMode sealing)
    {
        return welcome(sessionId, keyId, rings, publishRingPath, subscribeRingPath, sealing, ChannelFanOut.ONE_TO_ONE);
    }

    /**
     * Encode a Welcome for a channel that may fan out.
     *
     * @param sessionId         the session id.
     * @param keyId             the first key id.
     * @param rings             the session's rings.
     * @param publishRingPath   the ring the client writes, or null.
     * @param subscribeRingPath the ring the client reads, or null.
     * @param sealing           how the channel's frames are sealed.
     * @param fanOut            how many subscribers the channel takes, and what its publishers do about a slow one.
     * @return the message.
     * @throws IllegalArgumentException if a path is too long.
     */
    public static byte[] welcome(
        final long sessionId, final int keyId, final RingAllocation rings, final String publishRingPath,
        final String subscribeRingPath, final SealingMode sealing, final ChannelFanOut fanOut)
    {
        final FanOutPolicy fanOutPolicy = fanOut.policy();
        final byte[] publish = publishRingPath.getBytes(StandardCharsets.UTF_8);
        final byte[] subscribe = subscribeRingPath.getBytes(StandardCharsets.UTF_8);
        if (publish.length > ControlMessageValidator.MAX_VAR_DATA_LENGTH ||
            subscribe.length > ControlMessageValidator.MAX_VAR_DATA_LENGTH)
        {
            throw new IllegalArgumentException("ring path longer than " + ControlMessageValidator.MAX_VAR_DATA_LENGTH);
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ControlChannel.MAX_MESSAGE_LENGTH]);
        final WelcomeEncoder encoder = new WelcomeEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .sessionId(sessionId)
            .keyId(keyId)
            .channelId(rings.channelId())
            .producerId(rings.producerId())
            .ringCapacity(rings.ringCapacity())
            .sealing(Sealing.get((short)sealing.code()))
            .maxSubscribers((short)fanOut.maxSubscribers())
            .fanOutMode(FanOutPolicy.Mode.BLOCK == fanOutPolicy.mode() ? FanOutMode.BLOCK : FanOutMode.EVICT)
            .maxLagBytes(fanOutPolicy.maxLagBytes())
            .stallTimeoutMs(fanOutPolicy.stallTimeoutMs())
            .putPublishRingPath(publish, 0, publish.length)
            .putSubscribeRingPath(subscribe, 0, subscribe.length);
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Encode a SourceUpdate.
     *
     * @param action       what changed.
     * @param channelId    the channel id.
     * @param producerId   the producer id.
     * @param keyId        the key id.
     * @param ringCapacity the ring capacity in bytes.
     * @param graceMs      the grace period or ring position, as the action defines.
     * @param ringPath     the publisher's ring, or null.
     * @param sealedKey    the sealed key, or null.
     * @return the message.
     */
    public static byte[] sourceUpdate(
        final SourceAction action, final int channelId, final int producerId, final int keyId, final int ringCapacity,
        final long graceMs, final String ringPath, final byte[] sealedKey)
    {
        final byte[] path = null == ringPath ? new byte[0] : ringPath.getBytes(StandardCharsets.UTF_8);
        final byte[] sealed = null == sealedKey ? new byte[0] : sealedKey;
        if (path.length > ControlMessageValidator.MAX_VAR_DATA_LENGTH)
        {
            throw new IllegalArgumentException("ring path longer than " + ControlMessageValidator.MAX_VAR_DATA_LENGTH);
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[ControlChannel.MAX_MESSAGE_LENGTH]);
        final SourceUpdateEncoder encoder = new SourceUpdateEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .action(action)
            .channelId(channelId)
            .producerId(producerId)
            .keyId(keyId)
            .ringCapacity(ringCapacity)
            .graceMs(graceMs)
            .putRingPath(path, 0, path.length)
            .putSealedKey(sealed, 0, sealed.length);
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Encode a KeyUpdate.
     *
     * @param newKeyId              the key id to switch to.
     * @param effectiveFromSequence the first sequence under it.
     * @return the message.
     */
    public static byte[] keyUpdate(final int newKeyId, final long effectiveFromSequence)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final KeyUpdateEncoder encoder = new KeyUpdateEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .newKeyId(newKeyId)
            .effectiveFromSequence(effectiveFromSequence);
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Encode a Goodbye.
     *
     * @param reason why the session ends.
     * @return the message.
     */
    public static byte[] goodbye(final GoodbyeReason reason)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final GoodbyeEncoder encoder = new GoodbyeEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .reason(reason);
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Encode a Refusal.
     *
     * @param reason why.
     * @return the message.
     */
    public static byte[] refusal(final RejectReason reason)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final RefusalEncoder encoder = new RefusalEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .reason(RejectCode.get(reason.code()));
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Parse a received message. Never throws.
     *
     * @param bytes  the receive buffer, untrusted.
     * @param length the message's length in it.
     * @return the message, or a refusal with its reason.
     */
    public static ControlMessage parse(final byte[] bytes, final int length)
    {
        if (null == bytes || length < 0 || length > bytes.length)
        {
            return ControlMessage.refused(RejectReason.PROTOCOL_VIOLATION, RejectReason.REGION_OUT_OF_BOUNDS);
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes, 0, length);
        final RejectReason verdict = ControlMessageValidator.strict().validate(buffer, 0, length);
        if (RejectReason.NONE != verdict)
        {
            return ControlMessage.refused(RejectReason.PROTOCOL_VIOLATION, verdict);
        }
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        final int templateId = header.templateId();
        final int version = header.version();
        final int blockLength = header.blockLength();
        final int offset = FrameDescriptor.HEADER_LENGTH;
        switch (templateId)
        {
            case HelloDecoder.TEMPLATE_ID:
                return hello(new HelloDecoder().wrap(buffer, offset, blockLength, version), version);
            case ChallengeDecoder.TEMPLATE_ID:
                return challenge(new ChallengeDecoder().wrap(buffer, offset, blockLength, version), version);
            case WelcomeDecoder.TEMPLATE_ID:
                return welcome(new WelcomeDecoder().wrap(buffer, offset, blockLength, version), version);
            case CredentialsDecoder.TEMPLATE_ID:
                final CredentialsDecoder credentials =
                    new CredentialsDecoder().wrap(buffer, offset, blockLength, version);
                final ControlMessage sealed = ControlMessage.of(templateId, version);
                sealed.varData = new byte[credentials.sealedTokenLength()];
                credentials.getSealedToken(sealed.varData, 0, sealed.varData.length);
                return sealed;
            case RefusalDecoder.TEMPLATE_ID:
                final ControlMessage refusal = ControlMessage.of(templateId, version);
                refusal.refusalReason = RejectReason.fromCode(
                    new RefusalDecoder().wrap(buffer, offset, blockLength, version).reasonRaw());
                return refusal;
            case SourceUpdateDecoder.TEMPLATE_ID:
                return sourceUpdate(new SourceUpdateDecoder().wrap(buffer, offset, blockLength, version), version);
            case KeyUpdateDecoder.TEMPLATE_ID:
                final KeyUpdateDecoder keyUpdate = new KeyUpdateDecoder().wrap(buffer, offset, blockLength, version);
                final ControlMessage update = ControlMessage.of(templateId, version);
                update.keyId = keyUpdate.newKeyId();
                update.effectiveFromSequence = keyUpdate.effectiveFromSequence();
                return update;
            case GoodbyeDecoder.TEMPLATE_ID:
                final ControlMessage goodbye = ControlMessage.of(templateId, version);
                goodbye.goodbyeReason = new GoodbyeDecoder().wrap(buffer, offset, blockLength, version).reason();
                return goodbye;
            default:
                return ControlMessage.of(templateId, version);
        }
    }

    private static ControlMessage hello(final HelloDecoder decoder, final int version)
    {
        final ControlMessage message = ControlMessage.of(HelloDecoder.TEMPLATE_ID, version);
        message.minVersion = decoder.minVersion();
        message.maxVersion = decoder.maxVersion();
        message.nonce = new byte[BYTES32];
        decoder.getClientNonce(message.nonce, 0, BYTES32);
        message.ephemeralKey = new byte[BYTES32];
        decoder.getClientEphemeralKey(message.ephemeralKey, 0, BYTES32);
        message.varData = new byte[decoder.tokenLength()];
        decoder.getToken(message.varData, 0, message.varData.length);
        return message;
    }

    private static ControlMessage challenge(final ChallengeDecoder decoder, final int version)
    {
        final ControlMessage message = ControlMessage.of(ChallengeDecoder.TEMPLATE_ID, version);
        message.minVersion = decoder.version();
        message.maxVersion = message.minVersion;
        message.nonce = new byte[BYTES32];
        decoder.getBrokerNonce(message.nonce, 0, BYTES32);
        message.ephemeralKey = new byte[BYTES32];
        decoder.getBrokerEphemeralKey(message.ephemeralKey, 0, BYTES32);
        message.varData = new byte[decoder.signatureLength()];
        decoder.getSignature(message.varData, 0, message.varData.length);
        return message;
    }

    private static ControlMessage welcome(final WelcomeDecoder decoder, final int version)
    {
        final ControlMessage message = ControlMessage.of(WelcomeDecoder.TEMPLATE_ID, version);
        message.sessionId = decoder.sessionId();
        message.keyId = decoder.keyId();
        message.channelId = decoder.channelId();
        message.producerId = decoder.producerId();
        message.ringCapacity = decoder.ringCapacity();
        // Known: the validator refused any other value.
        message.sealing = SealingMode.fromCode(decoder.sealingRaw());
        message.fanOut = ChannelFanOut.ONE_TO_ONE;
        if (version >= 3)
        {
            final FanOutPolicy policy =
                fanOutPolicy(decoder.fanOutModeRaw(), decoder.maxLagBytes(), decoder.stallTimeoutMs());
            if (null == policy)
            {
                return ControlMessage.refused(RejectReason.PROTOCOL_VIOLATION, RejectReason.PROTOCOL_VIOLATION);
            }
            message.fanOut = new ChannelFanOut(Math.max(1, decoder.maxSubscribers()), policy);
        }
        final byte[] publish = new byte[decoder.publishRingPathLength()];
        decoder.getPublishRingPath(publish, 0, publish.length);
        final byte[] subscribe = new byte[decoder.subscribeRingPathLength()];
        decoder.getSubscribeRingPath(subscribe, 0, subscribe.length);
        message.publishRingPath = strictUtf8(publish);
        message.subscribeRingPath = strictUtf8(subscribe);
        if (null == message.publishRingPath || null == message.subscribeRingPath || null == message.sealing)
        {
            return ControlMessage.refused(RejectReason.PROTOCOL_VIOLATION, RejectReason.PROTOCOL_VIOLATION);
        }
        return message;
    }

    /**
     * A Welcome's fan-out policy, or null for one no broker of this build sends (a lag bound below 1, a negative
     * stall timeout).
     */
    private static FanOutPolicy fanOutPolicy(final short mode, final long maxLagBytes, final long stallTimeoutMs)
    {
        if (maxLagBytes < 1 || stallTimeoutMs < 0)
        {
            return null;
        }
        // Known: the validator refused any other mode.
        return FanOutMode.BLOCK.value() == mode ?
            FanOutPolicy.blocking(stallTimeoutMs) : FanOutPolicy.evicting(maxLagBytes, stallTimeoutMs);
    }

    private static ControlMessage sourceUpdate(final SourceUpdateDecoder decoder, final int version)
    {
        final ControlMessage message = ControlMessage.of(SourceUpdateDecoder.TEMPLATE_ID, version);
        message.action = decoder.action();
        message.channelId = decoder.channelId();
        message.producerId = decoder.producerId();
        message.keyId = decoder.keyId();
        message.ringCapacity = decoder.ringCapacity();
        message.graceMs = decoder.graceMs();
        final byte[] path = new byte[decoder.ringPathLength()];
        decoder.getRingPath(path, 0, path.length);
        message.publishRingPath = strictUtf8(path);
        message.varData = new byte[decoder.sealedKeyLength()];
        decoder.getSealedKey(message.varData, 0, message.varData.length);
        if (null == message.publishRingPath)
        {
            return ControlMessage.refused(RejectReason.PROTOCOL_VIOLATION, RejectReason.PROTOCOL_VIOLATION);
        }
        return message;
    }

    private static String strictUtf8(final byte[] bytes)
    {
        try
        {
            final String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
            return text.indexOf('\0') >= 0 ? null : text;
        }
        catch (final CharacterCodingException ex)
        {
            return null;
        }
    }
}
