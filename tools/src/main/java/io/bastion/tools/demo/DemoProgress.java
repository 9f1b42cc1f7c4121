package io.bastion.tools.demo;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

/**
 * The demo's progress line: redrawn in place on a terminal, a plain line at most every second elsewhere; events print
 * above it.
 */
final class DemoProgress
{
    private static final long LINE_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int WIDTH = 60;

    private final PrintWriter out;
    private final boolean terminal;
    private String current;
    private String lastLine;
    private long lastLineNs;

    /**
     * A progress line on {@code out}.
     *
     * @param out      where it goes.
     * @param terminal whether {@code out} is a terminal, where the line is redrawn in place.
     */
    DemoProgress(final PrintWriter out, final boolean terminal)
    {
        this.out = out;
        this.terminal = terminal;
        this.lastLineNs = System.nanoTime() - LINE_INTERVAL_NS;
    }

    /**
     * Show where a phase is: redrawn on a terminal, else printed if a second has passed since the last line.
     *
     * @param text the progress.
     */
    void show(final String text)
    {
        if (terminal)
        {
            out.print("\r" + pad(text));
            current = text;
        }
        else if (System.nanoTime() - lastLineNs >= LINE_INTERVAL_NS)
        {
            out.println(text);
            lastLine = text;
            lastLineNs = System.nanoTime();
        }
    }

    /**
     * End a phase with its final progress, which stays on its own line.
     *
     * @param text the final progress.
     */
    void finish(final String text)
    {
        if (terminal)
        {
            out.print("\r" + pad(text) + System.lineSeparator());
        }
        else if (!text.equals(lastLine))
        {
            out.println(text);
        }
        current = null;
        lastLine = null;
        lastLineNs = System.nanoTime() - LINE_INTERVAL_NS;
    }

    /**
     * Print an event above the progress line.
     *
     * @param text the event.
     */
    void event(final String text)
    {
        if (terminal && null != current)
        {
            out.print("\r" + pad("") + "\r");
            out.println(text);
            out.print(pad(current));
        }
        else
        {
            out.println(text);
        }
    }

    private static String pad(final String text)
    {
        return text.length() >= WIDTH ? text : text + " ".repeat(WIDTH - text.length());
    }
}
