package io.bastion.security.token;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The claims of a capability token: who (subject), where (channel pattern), what (rights) and when (validity window),
 * plus a token id by which it can be revoked.
 * <p>
 * Immutable and thread safe. The constructor refuses values the encoding cannot carry, so every instance encodes.
 * The validity window is {@code notBeforeMs <= now < notAfterMs}, both in epoch milliseconds.
 */
public final class CapabilityToken
{
    /** Longest subject, in UTF-8 bytes. */
    public static final int MAX_SUBJECT_BYTES = 64;

    private final String subject;
    private final String channelPattern;
    private final int rights;
    private final long notBeforeMs;
    private final long notAfterMs;
    private final long tokenId;

    /**
     * Claims for a new token.
     *
     * @param subject        user name the token is for; see {@link #isValidSubject(String)}.
     * @param channelPattern channel pattern; see {@link ChannelPattern#isValidPattern(String)} ({@code prices*} and
     *                       any other misplaced {@code '*'} are refused).
     * @param rights         non-empty bitset of {@link Right} bits and no others.
     * @param notBeforeMs    first valid instant, epoch ms, not negative.
     * @param notAfterMs     first instant at which the token is no longer valid, epoch ms, not before notBeforeMs.
     * @param tokenId        identifier used for revocation.
     * @throws IllegalArgumentException if any value is outside what the encoding allows.
     */
    public CapabilityToken(
        final String subject,
        final String channelPattern,
        final int rights,
        final long notBeforeMs,
        final long notAfterMs,
        final long tokenId)
    {
        if (!isValidSubject(subject))
        {
            throw new IllegalArgumentException("invalid subject");
        }
        if (!ChannelPattern.isValidPattern(channelPattern))
        {
            throw new IllegalArgumentException("invalid channel pattern: " + channelPattern);
        }
        if (rights == 0 || (rights & ~Right.KNOWN_BITS) != 0)
        {
            throw new IllegalArgumentException("invalid rights: " + rights);
        }
        if (notBeforeMs < 0 || notAfterMs < notBeforeMs)
        {
            throw new IllegalArgumentException("invalid validity window");
        }
        this.subject = subject;
        this.channelPattern = channelPattern;
        this.rights = rights;
        this.notBeforeMs = notBeforeMs;
        this.notAfterMs = notAfterMs;
        this.tokenId = tokenId;
    }

    /**
     * Whether a string can be a token subject: 1 to {@link #MAX_SUBJECT_BYTES} bytes of well-formed UTF-8 with no
     * control characters (so a subject can never inject a line into a log).
     *
     * @param subject the candidate, may be null.
     * @return true if valid.
     */
    public static boolean isValidSubject(final String subject)
    {
        if (null == subject || subject.isEmpty() || subject.length() > MAX_SUBJECT_BYTES)
        {
            return false;
        }
        for (int i = 0; i < subject.length(); i++)
        {
            if (Character.isISOControl(subject.charAt(i)))
            {
                return false;
            }
        }
        try
        {
            final ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(subject));
            return encoded.remaining() <= MAX_SUBJECT_BYTES;
        }
        catch (final CharacterCodingException ex)
        {
            return false;
        }
    }

    /**
     * The user name the token is for.
     *
     * @return the subject.
     */
    public String subject()
    {
        return subject;
    }

    /**
     * The channel pattern.
     *
     * @return the pattern: a channel name, {@code <name>.*} or {@code *}; see {@link ChannelPattern}.
     */
    public String channelPattern()
    {
        return channelPattern;
    }

    /**
     * The rights bitset.
     *
     * @return bits of {@link Right}.
     */
    public int rights()
    {
        return rights;
    }

    /**
     * Whether the token grants a right.
     *
     * @param right the right.
     * @return true if granted.
     */
    public boolean grants(final Right right)
    {
        return right.isIn(rights);
    }

    /**
     * First valid instant.
     *
     * @return epoch ms, inclusive.
     */
    public long notBeforeMs()
    {
        return notBeforeMs;
    }

    /**
     * End of validity.
     *
     * @return epoch ms, exclusive.
     */
    public long notAfterMs()
    {
        return notAfterMs;
    }

    /**
     * The token id.
     *
     * @return the id used for revocation.
     */
    public long tokenId()
    {
        return tokenId;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof CapabilityToken))
        {
            return false;
        }
        final CapabilityToken that = (CapabilityToken) o;
        return rights == that.rights && notBeforeMs == that.notBeforeMs && notAfterMs == that.notAfterMs &&
            tokenId == that.tokenId && subject.equals(that.subject) && channelPattern.equals(that.channelPattern);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode()
    {
        return Long.hashCode(tokenId) * 31 + subject.hashCode();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "CapabilityToken{subject=" + subject + ", channelPattern=" + channelPattern + ", rights=" + rights +
            ", notBeforeMs=" + notBeforeMs + ", notAfterMs=" + notAfterMs + ", tokenId=" + tokenId + '}';
    }
}
