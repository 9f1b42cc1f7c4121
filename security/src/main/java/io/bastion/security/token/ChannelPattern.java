package io.bastion.security.token;

/**
 * Channel names and the patterns a capability token uses to name them.
 * <p>
 * A channel name is 1 to {@link #MAX_LENGTH} characters from {@code [A-Za-z0-9._:/-]}. A pattern is either a channel
 * name (exact match) or a prefix of such characters followed by one {@code '*'} as its last character (prefix match;
 * a lone {@code "*"} matches every channel). The character set is ASCII only so that the encoded form has exactly one
 * spelling and never carries control characters into logs.
 */
public final class ChannelPattern
{
    /** Longest channel name or pattern, in characters (and bytes, since the set is ASCII). */
    public static final int MAX_LENGTH = 128;

    private static final char WILDCARD = '*';

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
     * @return true if it is a channel name, or a (possibly empty) prefix of allowed characters followed by one '*'.
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
        final int nameLength = pattern.charAt(length - 1) == WILDCARD ? length - 1 : length;
        return allAllowed(pattern, nameLength);
    }

    /**
     * Whether a valid pattern matches a channel.
     *
     * @param pattern a pattern for which {@link #isValidPattern(String)} holds.
     * @param channel the channel name; an invalid name never matches.
     * @return true if the pattern names the channel exactly, or is a prefix pattern the channel starts with.
     */
    public static boolean matches(final String pattern, final String channel)
    {
        if (!isValidPattern(pattern) || !isValidChannel(channel))
        {
            return false;
        }
        final int length = pattern.length();
        if (pattern.charAt(length - 1) == WILDCARD)
        {
            return channel.regionMatches(0, pattern, 0, length - 1);
        }
        return pattern.equals(channel);
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
