package io.bastion.security.token;

/**
 * Channel names and the patterns a capability token uses to name them.
 * <p>
 * A channel name is 1 to {@link #MAX_LENGTH} characters from {@code [A-Za-z0-9._:/-]}; the dots split it into
 * segments, so {@code prices.eu.fx} lies below {@code prices.eu}, which lies below {@code prices}. A pattern is one
 * of:
 * <ul>
 *     <li>a channel name, which matches that channel only;</li>
 *     <li>{@code <prefix>.*}, where the prefix is a channel name, which matches every channel strictly below the
 *     prefix on a segment boundary: {@code prices.*} matches {@code prices.eu} and {@code prices.eu.fx}, but never
 *     {@code prices} itself, {@code prices-secret}, {@code pricesx} or {@code prices.};</li>
 *     <li>a lone {@code *}, which matches every channel.</li>
 * </ul>
 * A {@code '*'} anywhere else ({@code prices*}, {@code a.*.b}, {@code a*b}, {@code .*}) makes the pattern invalid:
 * {@link CapabilityToken} refuses to hold it and {@link TokenCodec} refuses to parse it. The character set is ASCII
 * only so that the encoded form has exactly one spelling and never carries control characters into logs.
 */
public final class ChannelPattern
{
    /** Longest channel name or pattern, in characters (and bytes, since the set is ASCII). */
    public static final int MAX_LENGTH = 128;

    /** The pattern that matches every channel. */
    public static final String ANY = "*";

    /** What a prefix pattern ends with: a segment separator and the wildcard. */
    public static final String BELOW_SUFFIX = ".*";

    private static final char SEPARATOR = '.';

    private ChannelPattern()
    {
    }

    /**
     * Whether a string is a valid channel name.
     *
     * @param channel the candidate, may be null.
     * @return true if it is 1 to {@link #MAX_LENGTH} allowed characters.
     */
    public static boolean isValidChannel(final String channel)
    {
        if (null == channel)
        {
            return false;
        }
        final int length = channel.length();
        if (length < 1 || length > MAX_LENGTH)
        {
            return false;
        }
        return allAllowed(channel, length);
    }

    /**
     * Whether a string is a valid channel pattern.
     *
     * @param pattern the candidate, may be null.
     * @return true if it is at most {@link #MAX_LENGTH} characters and either a channel name, a channel name followed
     * by {@code ".*"}, or {@code "*"}; false for any other placement of {@code '*'}.
     */
    public static boolean isValidPattern(final String pattern)
    {
        if (null == pattern)
        {
            return false;
        }
        final int length = pattern.length();
        if (length < 1 || length > MAX_LENGTH)
        {
            return false;
        }
        if (ANY.equals(pattern))
        {
            return true;
        }
        return allAllowed(pattern, isPrefixPattern(pattern) ? length - BELOW_SUFFIX.length() : length);
    }

    /**
     * Whether a pattern matches a channel.
     *
     * @param pattern the pattern; an invalid pattern matches nothing.
     * @param channel the channel name; an invalid name never matches.
     * @return true if the pattern is {@code "*"}, names the channel exactly, or is {@code <prefix>.*} and the channel
     * is the prefix followed by {@code '.'} and at least one more character.
     */
    public static boolean matches(final String pattern, final String channel)
    {
        if (!isValidPattern(pattern) || !isValidChannel(channel))
        {
            return false;
        }
        if (ANY.equals(pattern))
        {
            return true;
        }
        if (isPrefixPattern(pattern))
        {
            final int prefixLength = pattern.length() - BELOW_SUFFIX.length();
            return channel.length() > prefixLength + 1 &&
                channel.charAt(prefixLength) == SEPARATOR &&
                channel.regionMatches(0, pattern, 0, prefixLength);
        }
        return pattern.equals(channel);
    }

    /**
     * A channel name that a valid pattern matches, for examples and self-checks: the name itself, or the prefix with
     * one more segment {@code x} below it, or {@code x} for {@code "*"}.
     *
     * @param pattern a pattern for which {@link #isValidPattern(String)} holds.
     * @return a channel name the pattern matches.
     * @throws IllegalArgumentException if the pattern is not valid.
     */
    public static String exampleChannel(final String pattern)
    {
        if (!isValidPattern(pattern))
        {
            throw new IllegalArgumentException("invalid channel pattern");
        }
        if (ANY.equals(pattern))
        {
            return "x";
        }
        return isPrefixPattern(pattern) ? pattern.substring(0, pattern.length() - 1) + "x" : pattern;
    }

    /**
     * Whether a pattern has the shape {@code <at least one character>.*}; the prefix is checked separately.
     */
    private static boolean isPrefixPattern(final String pattern)
    {
        return pattern.length() > BELOW_SUFFIX.length() && pattern.endsWith(BELOW_SUFFIX);
    }

    private static boolean allAllowed(final String value, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (!isAllowed(value.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isAllowed(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '_' || c == ':' || c == '/' || c == '-';
    }
}
