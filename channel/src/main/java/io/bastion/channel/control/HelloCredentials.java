package io.bastion.channel.control;

import io.bastion.channel.ConcurrentPublisher;
import io.bastion.codec.RejectReason;
import io.bastion.security.token.ChannelPattern;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenCodec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * What a client asks for, carried in the {@code token} var-data of {@code Hello}: the schema (owned by the codec
 * module) has no channel or right field, so the var-data holds this small structure instead of the bare token.
 * <pre>
 *  +------------------------------------+  0
 *  | token length: uint16, little-endian |
 *  +------------------------------------+  2
 *  | token bytes (TokenCodec layout)     |  0 to TokenCodec.MAX_LENGTH bytes
 *  +------------------------------------+
 *  | right: uint8, one Right bit          |
 *  +------------------------------------+
 *  | channel length: uint8               |  1 to ChannelPattern.MAX_LENGTH
 *  +------------------------------------+
 *  | channel name, ASCII                 |
 *  +------------------------------------+
 *  | lanes: uint8, optional               |  1 to ConcurrentPublisher.MAX_LANES, PUBLISH only
 *  |   or                                |
 *  | origin producer id: int32 LE         |  1 to Integer.MAX_VALUE, RELAY only (and always with RELAY)
 *  +------------------------------------+  end of var-data, exactly
 * </pre>
 * The token travels as an opaque byte string: the broker's {@link io.bastion.security.token.TokenVerifier} parses
 * and verifies it. The channel must be a valid channel name and the right exactly one known {@link Right} bit. The
 * lanes byte, present only when a publisher asks for a concurrent session (a {@link ConcurrentPublisher}'s
 * many-to-one ring, written by that many threads), must be 1 to {@link ConcurrentPublisher#MAX_LANES} and the right
 * {@link Right#PUBLISH}. Anything else (lengths past the end, more trailing bytes) is
 * {@link RejectReason#PROTOCOL_VIOLATION}. A {@link Right#RELAY} request always ends with the origin producer id the
 * relay will republish frames under (the producer id the origin broker gave the publisher whose frames it carries),
 * positive; no other right carries one. The Hello is bound into the handshake's transcript, so the lanes and the
 * origin producer id asked for are signed over with the rest. A broker from before concurrent sessions (or relays)
 * refuses a Hello with the lanes byte (or the producer id) as trailing bytes: it fails closed. Immutable.
 */
public final class HelloCredentials
{
    private static final int TOKEN_LENGTH_PREFIX = 2;
    private static final int ORIGIN_PRODUCER_ID_LENGTH = 4;

    /** Why the credentials were refused, or null when valid. */
    public final RejectReason refusedFor;
    /** The encoded capability token (empty in a Hello, which carries none). */
    public final byte[] token;
    /** The channel asked for. */
    public final String channel;
    /** The right asked for. */
    public final Right right;
    /** The lanes of a concurrent publisher asked for; 0 for any other session. */
    public final int lanes;
    /** The origin producer id a relay declared ({@link Right#RELAY} only, positive); 0 for any other session. */
    public final int originProducerId;

    private HelloCredentials(
        final RejectReason refusedFor,
        final byte[] token,
        final String channel,
        final Right right,
        final int lanes,
        final int originProducerId)
    {
        this.refusedFor = refusedFor;
        this.token = token;
        this.channel = channel;
        this.right = right;
        this.lanes = lanes;
        this.originProducerId = originProducerId;
    }

    /**
     * Whether the credentials parsed.
     *
     * @return true when valid.
     */
    public boolean isValid()
    {
        return null == refusedFor;
    }

    /**
     * Encode a request: token (may be empty), channel and right.
     *
     * @param token   the encoded capability token, or an empty array.
     * @param channel the channel name.
     * @param right   the right asked for.
     * @return the encoded bytes.
     * @throws IllegalArgumentException if the token or channel is too long.
     */
    public static byte[] encode(final byte[] token, final String channel, final Right right)
    {
        return encode(token, channel, right, 0);
    }

    /**
     * Encode a request: token (may be empty), channel, right and, for a concurrent publisher, its lanes.
     *
     * @param token   the encoded capability token, or an empty array.
     * @param channel the channel name.
     * @param right   the right asked for.
     * @param lanes   0 for a session of one thread; 1 to {@link ConcurrentPublisher#MAX_LANES} for a concurrent
     *                publisher ({@link Right#PUBLISH} only).
     * @return the encoded bytes.
     * @throws IllegalArgumentException if the token or channel is too long, the lanes are out of range, or the right
     *                                  is {@link Right#RELAY} (see {@link #encodeRelay}).
     */
    public static byte[] encode(final byte[] token, final String channel, final Right right, final int lanes)
    {
        if (lanes < 0 || lanes > ConcurrentPublisher.MAX_LANES || (lanes > 0 && Right.PUBLISH != right))
        {
            throw new IllegalArgumentException("lanes " + lanes + " for " + right);
        }
        if (Right.RELAY == right)
        {
            throw new IllegalArgumentException("a relay names its origin producer id: use encodeRelay");
        }
        return encode(token, channel, right, lanes, 0);
    }

    /**
     * Encode a relay's request: token (may be empty), channel, {@link Right#RELAY} and the origin producer id.
     *
     * @param token            the encoded capability token, or an empty array.
     * @param channel          the channel name.
     * @param originProducerId the producer id of the origin publisher whose sealed frames the relay republishes,
     *                         positive.
     * @return the encoded bytes.
     * @throws IllegalArgumentException if the token or channel is too long, or the producer id is not positive.
     */
    public static byte[] encodeRelay(final byte[] token, final String channel, final int originProducerId)
    {
        if (originProducerId <= 0)
        {
            throw new IllegalArgumentException("origin producer id must be positive: " + originProducerId);
        }
        return encode(token, channel, Right.RELAY, 0, originProducerId);
    }

    private static byte[] encode(
        final byte[] token, final String channel, final Right right, final int lanes, final int originProducerId)
    {
        if (token.length > TokenCodec.MAX_LENGTH)
        {
            throw new IllegalArgumentException("token longer than " + TokenCodec.MAX_LENGTH);
        }
        if (!ChannelPattern.isValidChannel(channel))
        {
            throw new IllegalArgumentException("invalid channel name: " + channel);
        }
        final byte[] name = channel.getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer encoded = ByteBuffer.allocate(TOKEN_LENGTH_PREFIX + token.length + 2 + name.length +
            (lanes > 0 ? 1 : 0) + (originProducerId > 0 ? ORIGIN_PRODUCER_ID_LENGTH : 0))
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short)token.length)
            .put(token)
            .put((byte)right.bit())
            .put((byte)name.length)
            .put(name);
        if (lanes > 0)
        {
            encoded.put((byte)lanes);
        }
        if (originProducerId > 0)
        {
            encoded.putInt(originProducerId);
        }
        return encoded.array();
    }

    /**
     * Parse the var-data of a Hello. Never throws.
     *
     * @param data the var-data bytes, untrusted.
     * @return the credentials, or a refusal.
     */
    public static HelloCredentials parse(final byte[] data)
    {
        if (null == data || data.length < TOKEN_LENGTH_PREFIX)
        {
            return refused();
        }
        int remaining = data.length - TOKEN_LENGTH_PREFIX;
        final int tokenLength = (data[0] & 0xFF) | ((data[1] & 0xFF) << 8);
        if (tokenLength > TokenCodec.MAX_LENGTH || tokenLength > remaining)
        {
            return refused();
        }
        remaining -= tokenLength;
        if (remaining < 2)
        {
            return refused();
        }
        int position = TOKEN_LENGTH_PREFIX + tokenLength;
        final Right right = rightOf(data[position] & 0xFF);
        final int channelLength = data[position + 1] & 0xFF;
        remaining -= 2;
        position += 2;
        // The channel fills what is left, or all but the one lanes byte of a concurrent publisher, or all but the
        // four bytes of a relay's origin producer id.
        if (null == right || channelLength > remaining)
        {
            return refused();
        }
        final int trailing = remaining - channelLength;
        int originProducerId = 0;
        if (Right.RELAY == right)
        {
            if (ORIGIN_PRODUCER_ID_LENGTH != trailing)
            {
                return refused();
            }
            final int at = position + channelLength;
            originProducerId = (data[at] & 0xFF) | ((data[at + 1] & 0xFF) << 8) | ((data[at + 2] & 0xFF) << 16) |
                ((data[at + 3] & 0xFF) << 24);
            if (originProducerId <= 0)
            {
                return refused();
            }
        }
        else if (trailing > 1)
        {
            return refused();
        }
        int lanes = 0;
        if (Right.RELAY != right && trailing == 1)
        {
            lanes = data[position + channelLength] & 0xFF;
            if (lanes < 1 || lanes > ConcurrentPublisher.MAX_LANES || Right.PUBLISH != right)
            {
                return refused();
            }
        }
        final String channel = new String(data, position, channelLength, StandardCharsets.US_ASCII);
        if (!ChannelPattern.isValidChannel(channel))
        {
            // Any byte outside the allowed ASCII set (including a non-ASCII byte, decoded as U+FFFD) fails here.
            return refused();
        }
        final byte[] token = new byte[tokenLength];
        System.arraycopy(data, TOKEN_LENGTH_PREFIX, token, 0, tokenLength);
        return new HelloCredentials(null, token, channel, right, lanes, originProducerId);
    }

    private static Right rightOf(final int bit)
    {
        for (final Right right : Right.values())
        {
            if (right.bit() == bit)
            {
                return right;
            }
        }
        return null;
    }

    private static HelloCredentials refused()
    {
        return new HelloCredentials(RejectReason.PROTOCOL_VIOLATION, null, null, null, 0, 0);
    }
}
