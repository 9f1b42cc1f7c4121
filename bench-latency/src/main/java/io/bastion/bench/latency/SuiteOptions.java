package io.bastion.bench.latency;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The suite's command-line options, as {@code --name=value} or {@code --name value}.
 */
public final class SuiteOptions
{
    /** What {@code --help} prints. */
    public static final String USAGE = String.join(System.lineSeparator(),
        "usage: LatencySuite [--short] [--cases LIST] [--sizes LIST] [--rates LIST] [--duration TIME | --messages N]",
        "                    [--warmup N] [--idle busy-spin|yield|backoff] [--pin-cpus A,B] [--rounds N]",
        "                    [--report DIR]",
        "  --short        the short suite: every default case, size and rate, 0.5 s a run after 10,000 warm-up",
        "                 round trips (the full suite: 10 s a run after 100,000)",
        "  --cases LIST   of " + LatencyCase.labels(),
        "                 (default: all but bridge and aeron-udp, which need a core per media driver: name them)",
        "  --sizes LIST   message bytes, " + PingLoop.MIN_LENGTH + " to " + LatencySuite.MAX_SIZE +
            " (default: 64,256,1024)",
        "  --rates LIST   offered messages a second, e.g. 10k or 100000, or flat (default: flat,10k,100k)",
        "  --duration T   each run's length, e.g. 10s or 500ms; at a fixed rate it sets the count",
        "  --messages N   round trips each run records, instead of a duration",
        "  --warmup N     round trips sent flat out and discarded before each run",
        "  --idle NAME    idle strategy of the pinger and ponger (default: busy-spin)",
        "  --pin-cpus A,B pin the pinger's measuring thread to CPU A and the ponger's to CPU B",
        "                 (sched_setaffinity; two hyperthreads of one core for the near placement, two cores for",
        "                 the far one); ignored on a machine with one CPU",
        "  --rounds N     run the list of cases N times, every other round in reverse order (default: 1); each",
        "                 case is reported with the core-to-core round trip before and after it",
        "  --report DIR   report folder, created 0700 (default: ./bench-report-<UTC time>)");

    private SuiteOptions()
    {
    }

    /**
     * Parse the options.
     *
     * @param args the command line.
     * @return the settings, or null if {@code --help} was asked for.
     * @throws IllegalArgumentException for an unknown option or a bad value.
     */
    public static SuiteConfig parse(final String... args)
    {
        final SuiteConfig.Builder builder = new SuiteConfig.Builder();
        final List<String[]> options = split(args);
        for (final String[] option : options)
        {
            if ("--help".equals(option[0]) || "-h".equals(option[0]))
            {
                return null;
            }
            if ("--short".equals(option[0]))
            {
                builder.shortSuite(true);
            }
        }
        for (final String[] option : options)
        {
            apply(builder, option[0], option[1]);
        }
        return builder.build();
    }

    private static List<String[]> split(final String[] args)
    {
        final List<String[]> options = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!arg.startsWith("--") && !"-h".equals(arg))
            {
                throw new IllegalArgumentException("not an option: " + arg);
            }
            final int equals = arg.indexOf('=');
            if (equals > 0)
            {
                options.add(new String[]{arg.substring(0, equals), arg.substring(equals + 1)});
            }
            else if (isFlag(arg))
            {
                options.add(new String[]{arg, null});
            }
            else if (i + 1 < args.length)
            {
                options.add(new String[]{arg, args[++i]});
            }
            else
            {
                throw new IllegalArgumentException(arg + " needs a value");
            }
        }
        return options;
    }

    private static boolean isFlag(final String arg)
    {
        return "--short".equals(arg) || "--help".equals(arg) || "-h".equals(arg);
    }

    private static void apply(final SuiteConfig.Builder builder, final String name, final String value)
    {
        switch (name)
        {
            case "--short":
            case "--help":
            case "-h":
                break;
            case "--cases":
                final List<LatencyCase> cases = new ArrayList<>();
                for (final String label : list(value))
                {
                    cases.add(LatencyCase.of(label));
                }
                builder.cases(cases);
                break;
            case "--sizes":
                builder.sizes(list(value).stream().mapToInt(SuiteOptions::integer).toArray());
                break;
            case "--rates":
                builder.rates(list(value).stream().mapToLong(SuiteOptions::rate).toArray());
                break;
            case "--duration":
                builder.durationNs(durationNs(value));
                break;
            case "--messages":
                builder.messages(longValue(value));
                break;
            case "--warmup":
                builder.warmup(longValue(value));
                break;
            case "--idle":
                builder.idle(value);
                break;
            case "--pin-cpus":
                builder.pinCpus(list(value).stream().mapToInt(SuiteOptions::integer).toArray());
                break;
            case "--rounds":
                builder.rounds(integer(value));
                break;
            case "--report":
                builder.report(Path.of(value));
                break;
            default:
                throw new IllegalArgumentException("unknown option: " + name);
        }
    }

    private static List<String> list(final String value)
    {
        final List<String> items = new ArrayList<>();
        for (final String item : value.split(","))
        {
            if (!item.isBlank())
            {
                items.add(item.strip());
            }
        }
        return items;
    }

    private static int integer(final String value)
    {
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("not a number: " + value, ex);
        }
    }

    private static long longValue(final String value)
    {
        try
        {
            return Long.parseLong(value.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("not a number: " + value, ex);
        }
    }

    /**
     * A rate: {@code flat} (or {@code flat-out}, or 0), a number, or a number ending in {@code k} or {@code m}.
     *
     * @param value the text.
     * @return messages a second, or {@link SuiteConfig#FLAT_OUT}.
     * @throws IllegalArgumentException if it is none of these.
     */
    public static long rate(final String value)
    {
        final String text = value.toLowerCase(Locale.ROOT).replace("/s", "");
        if ("flat".equals(text) || "flat-out".equals(text))
        {
            return SuiteConfig.FLAT_OUT;
        }
        if (text.endsWith("k"))
        {
            return longValue(text.substring(0, text.length() - 1)) * 1_000;
        }
        if (text.endsWith("m"))
        {
            return longValue(text.substring(0, text.length() - 1)) * 1_000_000;
        }
        return longValue(text);
    }

    /**
     * A duration: a number with {@code ms}, {@code s} or {@code m}.
     *
     * @param value the text, e.g. {@code 500ms} or {@code 10s}.
     * @return nanoseconds.
     * @throws IllegalArgumentException if it is not a duration.
     */
    public static long durationNs(final String value)
    {
        final String text = value.toLowerCase(Locale.ROOT);
        if (text.endsWith("ms"))
        {
            return TimeUnit.MILLISECONDS.toNanos(longValue(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s"))
        {
            return TimeUnit.SECONDS.toNanos(longValue(text.substring(0, text.length() - 1)));
        }
        if (text.endsWith("m"))
        {
            return TimeUnit.MINUTES.toNanos(longValue(text.substring(0, text.length() - 1)));
        }
        throw new IllegalArgumentException("a duration needs a unit (ms, s or m): " + value);
    }
}
