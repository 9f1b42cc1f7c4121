package io.bastion.security.token;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The claims of a capability token: who (subject), where (channel pattern), what (rights), when (validity window),
 * which broker it is for (that broker's raw Ed25519 identity public key), whether it may be used once only, and a
 * token id by which it can be revoked.
 * <p>
 * The broker key is what a client pins: it verifies the broker's handshake signature with the key its own token
 * names, never with a key found in a file, and a broker refuses a token that names another broker.
 * A single-use token is accepted once per broker (see {@link SingleUseTokens}).
 * <p>
 * Immutable and thread safe. The constructor refuses values the encoding cannot carry, so every instance encodes.
 * The validity window is {@code notBeforeMs <= now < notAfterMs}, both in epoch milliseconds.
 */
public final class CapabilityToken
{
    /** Longest subject, in UTF-8 bytes. */
    public static final int MAX_SUBJECT_BYTES = 64;
    /** Length of the broker key a token names: a raw Ed25519 public key. */
    public static final int BROKER_KEY_LENGTH = IssuerKeys.RAW_KEY_LENGTH;

    private final String subject;
    private final String channelPattern;
    private final int rights;
    private final long notBeforeMs;
    private final long notAfterMs;
    private final long tokenId;
    private final byte[] brokerKey;
    private final boolean singleUse;

    /**
     * Claims for a new token.
     *
     * @param subject        user name the token is for; see {@link #isValidSubject(String)}.
     * @param channelPattern channel pattern; see {@link ChannelPattern#isValidPattern(String)} ({@code prices*} and
     *                       any other misplaced {@code '*'} are refused).
     * @param rights         non-empty bitset of {@link Right} bits and no others.
     * @param notBeforeMs    first valid instant, epoch ms, not negative.
     * @param notAfterMs     first instant at which the token is no longer valid, epoch ms, not before notBeforeMs.
     * @param tokenId        identifier used for revocation (and, for a single-use token, for spotting a reuse).
     * @param brokerKey      the raw {@value #BROKER_KEY_LENGTH}-byte Ed25519 identity public key of the broker the
     *                       token is for (copied); see {@link IssuerKeys#rawPublic}.
     * @param singleUse      true if a broker accepts it once only.
     * @throws IllegalArgumentException if any value is outside what the encoding allows.
     */
    public CapabilityToken(
        final String subject,
        final String channelPattern,
        final int rights,
        final long notBeforeMs,
        final long notAfterMs,
        final long tokenId,
        final byte[] brokerKey,
        final boolean singleUse)
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
        if (null == brokerKey || brokerKey.length != BROKER_KEY_LENGTH)
        {
            throw new IllegalArgumentException("broker key must be " + BROKER_KEY_LENGTH + " bytes");
        }
        this.subject = subject;
        this.channelPattern = channelPattern;
        this.rights = rights;
        this.notBeforeMs = notBeforeMs;
        this.notAfterMs = notAfterMs;
        this.tokenId = tokenId;
        this.brokerKey = brokerKey.clone();
        this.singleUse = singleUse;
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
     * The identity of the broker the token is for: its raw Ed25519 public key.
     *
     * @return a copy of the {@value #BROKER_KEY_LENGTH} bytes.
     */
    public byte[] brokerKey()
    {
        return brokerKey.clone();
    }

    /**
     * Whether the token names this broker key.
     *
     * @param rawKey a raw Ed25519 public key, may be null.
     * @return true only if it is the key the token names.
     */
    public boolean isForBroker(final byte[] rawKey)
    {
        return Arrays.equals(brokerKey, rawKey);
    }

    /**
     * Whether a broker accepts the token once only.
     *
     * @return true for a single-use token.
     */
    public boolean isSingleUse()
    {
        return singleUse;
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
            tokenId == that.tokenId && singleUse == that.singleUse && subject.equals(that.subject) &&
            channelPattern.equals(that.channelPattern) && Arrays.equals(brokerKey, that.brokerKey);
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
            ", notBeforeMs=" + notBeforeMs + ", notAfterMs=" + notAfterMs + ", tokenId=" + tokenId +
            ", broker=" + IssuerKeys.fingerprint(brokerKey) + ", singleUse=" + singleUse + '}';
    }
}
