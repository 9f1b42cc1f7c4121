package io.bastion.channel.control;

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
 *  +------------------------------------+  end of var-data, exactly
 * </pre>
 * The token travels as an opaque byte string: the broker's {@link io.bastion.security.token.TokenVerifier} parses
 * and verifies it. The channel must be a valid channel name and the right exactly one known {@link Right} bit;
 * anything else (lengths past the end, trailing bytes) is {@link RejectReason#PROTOCOL_VIOLATION}. Immutable.
 */
public final class HelloCredentials
{
    private static final int TOKEN_LENGTH_PREFIX = 2;

    /** Why the credentials were refused, or null when valid. */
    public final RejectReason refusedFor;
    /** The encoded capability token (empty in a Hello, which carries none). */
    public final byte[] token;
    /** The channel asked for. */
    public final String channel;
    /** The right asked for. */
    public final Right right;

    private HelloCredentials(final RejectReason refusedFor, final byte[] token, final String channel, final Right right)
    {
        this.refusedFor = refusedFor;
        this.token = token;
        this.channel = channel;
        this.right = right;
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
        if (token.length > TokenCodec.MAX_LENGTH)
        {
            throw new IllegalArgumentException("token longer than " + TokenCodec.MAX_LENGTH);
        }
        if (!ChannelPattern.isValidChannel(channel))
        {
            throw new IllegalArgumentException("invalid channel name: " + channel);
        }
        final byte[] name = channel.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(TOKEN_LENGTH_PREFIX + token.length + 2 + name.length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putShort((short)token.length)
            .put(token)
            .put((byte)right.bit())
            .put((byte)name.length)
            .put(name)
            .array();
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
        if (null == right || channelLength != remaining)
        {
            return refused();
        }
        final String channel = new String(data, position, channelLength, StandardCharsets.US_ASCII);
        if (!ChannelPattern.isValidChannel(channel))
        {
            // Any byte outside the allowed ASCII set (including a non-ASCII byte, decoded as U+FFFD) fails here.
            return refused();
        }
        final byte[] token = new byte[tokenLength];
        System.arraycopy(data, TOKEN_LENGTH_PREFIX, token, 0, tokenLength);
        return new HelloCredentials(null, token, channel, right);
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
        return new HelloCredentials(RejectReason.PROTOCOL_VIOLATION, null, null, null);
    }
}
