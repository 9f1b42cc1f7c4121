package io.bastion.tools.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a positive duration as people write it: a whole number and a unit ({@code 500ms}, {@code 90s},
 * {@code 15m}, {@code 1h}, {@code 7d}), or ISO-8601 ({@code PT1H30M}).
 */
public final class DurationConverter implements ITypeConverter<Duration>
{
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    /**
     * A converter; picocli makes one per option that names it. Stateless.
     */
    public DurationConverter()
    {
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Duration convert(final String value)
    {
        final Duration duration = parse(value.strip());
        if (duration.isNegative() || duration.isZero())
        {
            throw new TypeConversionException("'" + value + "' is not a positive duration");
        }
        return duration;
    }

    private static Duration parse(final String value)
    {
        final Matcher matcher = SIMPLE.matcher(value);
        if (matcher.matches())
        {
            final long amount = Long.parseLong(matcher.group(1));
            switch (matcher.group(2))
            {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                case "h":
                    return Duration.ofHours(amount);
                default:
                    return Duration.ofDays(amount);
            }
        }
        try
        {
            return Duration.parse(value);
        }
        catch (final DateTimeParseException ex)
        {
            throw new TypeConversionException(
                "'" + value + "' is not a duration (write e.g. 90s, 15m, 1h, 7d or PT1H30M)");
        }
    }
}
