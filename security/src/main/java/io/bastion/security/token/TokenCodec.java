package io.bastion.security.token;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The compact binary form of a signed capability token, and its strict parser. Format version 2:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  | magic 0xB2    | rights bits   | subject len S | pattern len P |   0
 *  +---------------+---------------+---------------+---------------+
 *  | flags         |   token id (int64, big-endian) ...               4
 *  +---------------+-----------------------------------------------+
 *  |   ... token id                | not-before, epoch ms (int64,     12
 *  +---------------+---------------+-------------------------------+
 *  |   big-endian) ...             | not-after, epoch ms (int64,      20
 *  +---------------+---------------+-------------------------------+
 *  |   big-endian) ...                                             |  28
 *  +---------------+-----------------------------------------------+
 *  |  broker key: the raw Ed25519 identity public key of the      ...  29
 *  |  broker the token is for (32 bytes)                          ...
 *  +---------------------------------------------------------------+
 *  |       subject: S bytes of UTF-8 (1..64)                      ...  61
 *  +---------------------------------------------------------------+
 *  |       channel pattern: P bytes of ASCII (1..128)             ...
 *  +---------------------------------------------------------------+
 *  |       Ed25519 signature over every byte above (64 bytes)     ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Flags: bit 0 ({@link #FLAG_SINGLE_USE}) marks a single-use token; every other bit must be zero. The broker key is
 * inside the signed body, so a client can pin the broker from its own token and a broker can refuse a token that
 * names another broker.
 * <p>
 * The magic/version byte is both a format tag and the version. Version 1 ({@link #MAGIC_V1}), which named no broker,
 * is refused as {@link TokenParseReason#RETIRED_VERSION}; any other value as {@link TokenParseReason#UNKNOWN_VERSION}.
 * The parser is total: for any input it returns a {@link TokenParseResult} and throws nothing. Every length is
 * bounded before use, the total must match the header exactly (no trailing bytes), and whatever it accepts re-encodes
 * to the same bytes (one spelling per token). It does not check the signature, nor that the broker key is a valid
 * curve point: that is {@link TokenVerifier}'s job (and a client's, which pins it). Stateless and thread safe.
 */
public final class TokenCodec
{
    /** Magic/version byte of format version 1, which named no broker: refused. */
    public static final byte MAGIC_V1 = (byte) 0xB1;
    /** Magic/version byte of format version 2, the one this code writes and reads. */
    public static final byte MAGIC_V2 = (byte) 0xB2;
    /** Flag bit: the token is accepted once per broker. */
    public static final int FLAG_SINGLE_USE = 0x01;
    /** Every flag bit this version knows. */
    public static final int KNOWN_FLAGS = FLAG_SINGLE_USE;
    /** Length of the fixed header, broker key included. */
    public static final int HEADER_LENGTH = 29 + CapabilityToken.BROKER_KEY_LENGTH;
    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = 64;
    /** Longest possible encoded token. */
    public static final int MAX_LENGTH =
        HEADER_LENGTH + CapabilityToken.MAX_SUBJECT_BYTES + ChannelPattern.MAX_LENGTH + SIGNATURE_LENGTH;

    static final int RIGHTS_OFFSET = 1;
    static final int SUBJECT_LENGTH_OFFSET = 2;
    static final int PATTERN_LENGTH_OFFSET = 3;
    /** Offset of the flags byte. */
    public static final int FLAGS_OFFSET = 4;
    static final int TOKEN_ID_OFFSET = 5;
    static final int NOT_BEFORE_OFFSET = 13;
    static final int NOT_AFTER_OFFSET = 21;
    /** Offset of the broker key. */
    public static final int BROKER_KEY_OFFSET = 29;

    private TokenCodec()
    {
    }

    /**
     * The bytes a signature covers: header (broker key included), subject and pattern.
     *
     * @param token the claims.
     * @return a new array.
     */
    public static byte[] encodeBody(final CapabilityToken token)
    {
        final byte[] subject = token.subject().getBytes(StandardCharsets.UTF_8);
        final byte[] pattern = token.channelPattern().getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer buffer = ByteBuffer.allocate(HEADER_LENGTH + subject.length + pattern.length);
        buffer.put(MAGIC_V2)
            .put((byte) token.rights())
            .put((byte) subject.length)
            .put((byte) pattern.length)
            .put((byte) (token.isSingleUse() ? FLAG_SINGLE_USE : 0))
            .putLong(token.tokenId())
            .putLong(token.notBeforeMs())
            .putLong(token.notAfterMs())
            .put(token.brokerKey())
            .put(subject)
            .put(pattern);
        return buffer.array();
    }

    /**
     * The full encoded token: body then signature.
     *
     * @param token     the claims.
     * @param signature the {@link #SIGNATURE_LENGTH}-byte signature over {@link #encodeBody(CapabilityToken) }.
     * @return a new array.
     * @throws IllegalArgumentException if the signature has the wrong length.
     */
    public static byte[] encode(final CapabilityToken token, final byte[] signature)
    {
        if (signature.length != SIGNATURE_LENGTH)
        {
            throw new IllegalArgumentException("signature must be " + SIGNATURE_LENGTH + " bytes");
        }
        final byte[] body = encodeBody(token);
        final byte[] out = new byte[body.length + SIGNATURE_LENGTH];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(signature, 0, out, body.length, SIGNATURE_LENGTH);
        return out;
    }

    /**
     * Parse untrusted bytes. Never throws; the signature is not verified.
     *
     * @param data the encoded token, may be null or any length.
     * @return the typed outcome.
     */
    public static TokenParseResult parse(final byte[] data)
    {
        if (null == data)
        {
            return TokenParseResult.refused(TokenParseReason.NULL_INPUT);
        }
        final int length = data.length;
        if (length > MAX_LENGTH)
        {
            return TokenParseResult.refused(TokenParseReason.TOO_LONG);
        }
        if (length < 1)
        {
            return TokenParseResult.refused(TokenParseReason.TRUNCATED);
        }
        if (data[0] == MAGIC_V1)
        {
            // Named before the length check: a version 1 token is shorter than any version 2 header.
            return TokenParseResult.refused(TokenParseReason.RETIRED_VERSION);
        }
        if (length < HEADER_LENGTH + SIGNATURE_LENGTH)
        {
            return TokenParseResult.refused(TokenParseReason.TRUNCATED);
        }
        if (data[0] != MAGIC_V2)
        {
            return TokenParseResult.refused(TokenParseReason.UNKNOWN_VERSION);
        }
        final int flags = data[FLAGS_OFFSET] & 0xFF;
        if ((flags & ~KNOWN_FLAGS) != 0)
        {
            return TokenParseResult.refused(TokenParseReason.UNKNOWN_FLAGS);
        }
        final int rights = data[RIGHTS_OFFSET] & 0xFF;
        if ((rights & ~Right.KNOWN_BITS) != 0)
        {
            return TokenParseResult.refused(TokenParseReason.UNKNOWN_RIGHTS);
        }
        if (rights == 0)
        {
            return TokenParseResult.refused(TokenParseReason.NO_RIGHTS);
        }
        final int subjectLength = data[SUBJECT_LENGTH_OFFSET] & 0xFF;
        if (subjectLength < 1 || subjectLength > CapabilityToken.MAX_SUBJECT_BYTES)
        {
            return TokenParseResult.refused(TokenParseReason.BAD_SUBJECT_LENGTH);
        }
        final int patternLength = data[PATTERN_LENGTH_OFFSET] & 0xFF;
        if (patternLength < 1 || patternLength > ChannelPattern.MAX_LENGTH)
        {
            return TokenParseResult.refused(TokenParseReason.BAD_PATTERN_LENGTH);
        }
        // Each term is at most 255, so this sum cannot overflow.
        final int expected = HEADER_LENGTH + subjectLength + patternLength + SIGNATURE_LENGTH;
        if (length < expected)
        {
            return TokenParseResult.refused(TokenParseReason.TRUNCATED);
        }
        if (length > expected)
        {
            return TokenParseResult.refused(TokenParseReason.TRAILING_BYTES);
        }
        return parseFields(data, rights, flags, subjectLength, patternLength);
    }

    private static TokenParseResult parseFields(
        final byte[] data, final int rights, final int flags, final int subjectLength, final int patternLength)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(data);
        final long tokenId = buffer.getLong(TOKEN_ID_OFFSET);
        final long notBefore = buffer.getLong(NOT_BEFORE_OFFSET);
        final long notAfter = buffer.getLong(NOT_AFTER_OFFSET);
        if (notBefore < 0 || notAfter < notBefore)
        {
            return TokenParseResult.refused(TokenParseReason.BAD_VALIDITY);
        }
        final String subject = decodeUtf8(data, HEADER_LENGTH, subjectLength);
        if (null == subject || !CapabilityToken.isValidSubject(subject))
        {
            return TokenParseResult.refused(TokenParseReason.MALFORMED_SUBJECT);
        }
        final int patternOffset = HEADER_LENGTH + subjectLength;
        for (int i = 0; i < patternLength; i++)
        {
            if (data[patternOffset + i] < 0)
            {
                return TokenParseResult.refused(TokenParseReason.MALFORMED_PATTERN);
            }
        }
        final String pattern = new String(data, patternOffset, patternLength, StandardCharsets.US_ASCII);
        if (!ChannelPattern.isValidPattern(pattern))
        {
            return TokenParseResult.refused(TokenParseReason.MALFORMED_PATTERN);
        }
        final byte[] signature = new byte[SIGNATURE_LENGTH];
        System.arraycopy(data, patternOffset + patternLength, signature, 0, SIGNATURE_LENGTH);
        final byte[] brokerKey = new byte[CapabilityToken.BROKER_KEY_LENGTH];
        System.arraycopy(data, BROKER_KEY_OFFSET, brokerKey, 0, brokerKey.length);
        final CapabilityToken token = new CapabilityToken(subject, pattern, rights, notBefore, notAfter, tokenId,
            brokerKey, 0 != (flags & FLAG_SINGLE_USE));
        return TokenParseResult.ok(token, signature);
    }

    private static String decodeUtf8(final byte[] data, final int offset, final int length)
    {
        try
        {
            // REPORT refuses malformed, overlong and surrogate encodings, so a decoded subject has one spelling.
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(data, offset, length))
                .toString();
        }
        catch (final CharacterCodingException ex)
        {
            return null;
        }
    }
}
