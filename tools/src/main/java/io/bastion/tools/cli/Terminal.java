package io.bastion.tools.cli;

import java.io.Console;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * What the commands need to know about where their output goes: a terminal (redraw in place) or a pipe (plain
 * lines), and whether it takes characters beyond ASCII.
 */
public final class Terminal
{
    private Terminal()
    {
    }

    /**
     * Whether stdout is a terminal. From JDK 22 {@link System#console()} is not null for a pipe either, and
     * {@code Console.isTerminal()} tells; on 17 to 21 a console exists only for a terminal.
     *
     * @return true for a terminal.
     */
    public static boolean isTerminal()
    {
        final Console console = System.console();
        if (null == console)
        {
            return false;
        }
        try
        {
            return (Boolean)Console.class.getMethod("isTerminal").invoke(console);
        }
        catch (final ReflectiveOperationException ex)
        {
            return true;
        }
    }

    /**
     * The unit for microseconds: {@code \u00b5s} where the encoding of the commands' stdout has the sign (the one
     * picocli writes with: {@code sun.stdout.encoding}, else the default charset), {@code us} elsewhere.
     *
     * @return the unit.
     */
    public static String micros()
    {
        final String name = System.getProperty("sun.stdout.encoding");
        Charset charset;
        try
        {
            charset = null == name ? Charset.defaultCharset() : Charset.forName(name);
        }
        catch (final IllegalArgumentException ex)
        {
            charset = StandardCharsets.US_ASCII;
        }
        return charset.newEncoder().canEncode('\u00b5') ? "\u00b5s" : "us";
    }
}
