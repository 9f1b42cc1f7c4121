package io.bastion.tools.token;

import io.bastion.security.token.Right;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.StringJoiner;

/**
 * Reads a comma-separated list of rights ({@code publish,subscribe,admin,relay}, any case) into a rights bit set, and
 * writes one back.
 */
final class RightsConverter implements ITypeConverter<Integer>
{
    /**
     * {@inheritDoc}
     */
    @Override
    public Integer convert(final String value)
    {
        int rights = 0;
        for (final String name : value.split(",", -1))
        {
            rights |= parse(name.strip()).bit();
        }
        return rights;
    }

    /**
     * The rights of a bit set, as the list this converter reads.
     *
     * @param rights the bits.
     * @return names in lower case, comma separated.
     */
    static String format(final int rights)
    {
        final StringJoiner joiner = new StringJoiner(",");
        for (final Right right : Right.values())
        {
            if (right.isIn(rights))
            {
                joiner.add(right.name().toLowerCase(Locale.ROOT));
            }
        }
        return joiner.toString();
    }

    /**
     * One right by name.
     *
     * @param name the name, any case.
     * @return the right.
     * @throws TypeConversionException if no right has that name.
     */
    static Right parse(final String name)
    {
        for (final Right right : Right.values())
        {
            if (right.name().equalsIgnoreCase(name))
            {
                return right;
            }
        }
        throw new TypeConversionException("'" + name + "' is not a right (use publish, subscribe, admin or relay)");
    }
}
