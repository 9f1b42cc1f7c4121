package io.bastion.tools.token;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads an ISO-8601 instant in UTC, e.g. {@code 2026-01-02T03:04:05Z}.
 */
final class InstantConverter implements ITypeConverter<Instant>
{
    /**
     * {@inheritDoc}
     */
    @Override
    public Instant convert(final String value)
    {
        try
        {
            return Instant.parse(value.strip());
        }
        catch (final DateTimeParseException ex)
        {
            throw new TypeConversionException("'" + value + "' is not an instant (write e.g. 2026-01-02T03:04:05Z)");
        }
    }
}
