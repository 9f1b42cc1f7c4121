package io.bastion.tools.cli;

import java.time.Instant;
import java.util.Locale;

/**
 * Small text forms the commands share: times, ages, and strings made safe for a terminal.
 */
public final class Texts
{
    private Texts()
    {
    }

    /**
     * An epoch time as an ISO-8601 instant in UTC.
     *
     * @param epochMs epoch milliseconds.
     * @return e.g. {@code 2026-01-02T03:04:05.678Z}.
     */
    public static String instant(final long epochMs)
    {
        return Instant.ofEpochMilli(epochMs).toString();
    }

    /**
     * A span of time for people: the two largest units, e.g. {@code 2d 3h}, {@code 5m 12s}, {@code 0.25s}.
     *
     * @param spanMs milliseconds, not negative.
     * @return the span.
     */
    public static String span(final long spanMs)
    {
        if (spanMs < 10_000)
        {
            return String.format(Locale.ROOT, "%.2fs", spanMs / 1000.0);
        }
        final long seconds = spanMs / 1000;
        final long days = seconds / 86_400;
        final long hours = seconds % 86_400 / 3600;
        final long minutes = seconds % 3600 / 60;
        if (days > 0)
        {
            return days + "d " + hours + "h";
        }
        if (hours > 0)
        {
            return hours + "h " + minutes + "m";
        }
        return minutes + "m " + seconds % 60 + "s";
    }

    /**
     * How a time stands to now: {@code in 5m 0s}, {@code 2h 1m ago}.
     *
     * @param epochMs the time.
     * @param nowMs   now.
     * @return the relation.
     */
    public static String relative(final long epochMs, final long nowMs)
    {
        return epochMs >= nowMs ? "in " + span(epochMs - nowMs) : span(nowMs - epochMs) + " ago";
    }

    /**
     * A string from another process made safe to print: control characters (which could move the cursor or
     * recolour the terminal) become {@code ?}.
     *
     * @param text the text, may be null.
     * @return the printable text.
     */
    public static String printable(final String text)
    {
        if (null == text)
        {
            return "";
        }
        final StringBuilder builder = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            builder.append(Character.isISOControl(c) ? '?' : c);
        }
        return builder.toString();
    }

    /**
     * A string as a JSON string literal, quotes included.
     *
     * @param text the text.
     * @return the literal.
     */
    public static String json(final String text)
    {
        final StringBuilder builder = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                builder.append('\\').append(c);
            }
            else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c))
            {
                builder.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                builder.append(c);
            }
        }
        return builder.append('"').toString();
    }
}
