package io.bastion.tools.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo's processes reported, line by line, and the summary and verdict made of it.
 */
final class DemoReport
{
    private final long messages;
    private final int size;
    private final int pings;
    private final boolean tamper;
    private final Map<String, Long> rejectedByReason = new LinkedHashMap<>();
    private final Map<Integer, Long> rejectedBySource = new TreeMap<>();
    private final List<Integer> quarantined = new ArrayList<>();
    private Map<String, String> subscriberResult;
    private Map<String, String> publisherResult;
    private long throughputNanos = -1;
    private String hostileRefusal;
    private boolean hostileDone;
    private boolean hostileUnread;

    /**
     * A report for one run.
     *
     * @param messages data frames sent.
     * @param size     payload bytes of each.
     * @param pings    round trips recorded.
     * @param tamper   whether a hostile process takes part.
     */
    DemoReport(final long messages, final int size, final int pings, final boolean tamper)
    {
        this.messages = messages;
        this.size = size;
        this.pings = pings;
        this.tamper = tamper;
    }

    /**
     * The {@code key=value} words of a line.
     *
     * @param line the line.
     * @return the fields by key; words without {@code =} are left out.
     */
    static Map<String, String> fields(final String line)
    {
        final Map<String, String> fields = new HashMap<>();
        for (final String word : line.split(" "))
        {
            final int equals = word.indexOf('=');
            if (equals > 0)
            {
                fields.put(word.substring(0, equals), word.substring(equals + 1));
            }
        }
        return fields;
    }

    /**
     * A number from a child's line, or -1 if it is missing or not a number.
     *
     * @param fields the line's fields.
     * @param key    the key.
     * @return the number.
     */
    static long number(final Map<String, String> fields, final String key)
    {
        final String value = null == fields ? null : fields.get(key);
        try
        {
            return null == value ? -1 : Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /**
     * The subscriber refused a frame.
     *
     * @param reason the reason's name.
     * @param source the subscriber's source id.
     * @return true if it is the first refusal for this reason.
     */
    boolean onRejected(final String reason, final int source)
    {
        final Long before = rejectedByReason.merge(reason, 1L, Long::sum);
        rejectedBySource.merge(source, 1L, Long::sum);
        return 1L == before;
    }

    /**
     * The subscriber quarantined a source.
     *
     * @param source the source id.
     * @return how many refusals from it the subscriber reported.
     */
    long onQuarantined(final int source)
    {
        quarantined.add(source);
        return rejectedBySource.getOrDefault(source, 0L);
    }

    /**
     * The subscriber's time from the first to the last data frame.
     *
     * @param nanos the time.
     */
    void throughputNanos(final long nanos)
    {
        throughputNanos = nanos;
    }

    /**
     * Whether the subscriber has reported its time, so has verified the last frame.
     *
     * @return true once reported.
     */
    boolean hasThroughput()
    {
        return throughputNanos >= 0;
    }

    /**
     * The subscriber's final {@code RESULT} line.
     *
     * @param line the line.
     */
    void subscriberResult(final String line)
    {
        subscriberResult = fields(line);
    }

    /**
     * Whether the subscriber has reported its result.
     *
     * @return true once reported.
     */
    boolean subscriberDone()
    {
        return null != subscriberResult;
    }

    /**
     * The publisher's {@code RESULT} line, with the latency percentiles.
     *
     * @param line the line.
     */
    void publisherResult(final String line)
    {
        publisherResult = fields(line);
    }

    /**
     * Whether the publisher has reported its result.
     *
     * @return true once reported.
     */
    boolean publisherDone()
    {
        return null != publisherResult;
    }

    /**
     * Why the broker refused the hostile's forged token.
     *
     * @param reason the reason's name.
     */
    void hostileRefusal(final String reason)
    {
        hostileRefusal = reason;
    }

    /**
     * How the hostile's flood ended.
     *
     * @param unread whether its ring was no longer read.
     */
    void hostileFlood(final boolean unread)
    {
        hostileUnread = unread;
    }

    /**
     * The hostile has finished its attack.
     */
    void hostileDone()
    {
        hostileDone = true;
    }

    /**
     * Whether the hostile has finished its attack.
     *
     * @return true once finished.
     */
    boolean isHostileDone()
    {
        return hostileDone;
    }

    /**
     * Print the summary: frames sent, verified and rejected, throughput and latency.
     *
     * @param out    where to.
     * @param micros the unit for microseconds.
     */
    void print(final PrintWriter out, final String micros)
    {
        out.println();
        out.println("sent        " + frames(number(publisherResult, "sent")) + " of " + count(size) +
            " bytes");
        out.println("verified    " + count(number(subscriberResult, "verified")) +
            " (every payload byte checked, in order)");
        out.println("rejected    " + rejectedLine());
        if (!quarantined.isEmpty())
        {
            out.println("quarantined source " + quarantined.get(0) + ": its ring is no longer read");
        }
        if (messages > 1 && throughputNanos > 0)
        {
            final double perSecond = (messages - 1) * 1e9 / throughputNanos;
            out.println(String.format(Locale.ROOT, "throughput  %,.0f messages/s, %,.1f MB/s of payload " +
                "(at the subscriber, first to last frame)", perSecond, perSecond * size / 1e6));
        }
        else
        {
            out.println("throughput  n/a (a rate needs two frames or more)");
        }
        if (pings > 0 && null != publisherResult)
        {
            out.println(String.format(Locale.ROOT, "latency     round trip in %s over %,d pings: p50 %s, p90 %s, " +
                "p99 %s, p99.9 %s, max %s", micros, pings, micros(publisherResult, "p50"),
                micros(publisherResult, "p90"), micros(publisherResult, "p99"), micros(publisherResult, "p999"),
                micros(publisherResult, "max")));
        }
        else
        {
            out.println("latency     n/a (--pings 0)");
        }
    }

    private String rejectedLine()
    {
        final long total = number(subscriberResult, "rejected");
        if (total <= 0)
        {
            return count(Math.max(0, total));
        }
        final StringBuilder line = new StringBuilder(count(total));
        if (1 == rejectedBySource.size())
        {
            line.append(", all from source ").append(rejectedBySource.keySet().iterator().next());
        }
        else
        {
            String separator = ", from sources ";
            for (final Map.Entry<Integer, Long> entry : rejectedBySource.entrySet())
            {
                line.append(separator).append(entry.getKey()).append(" (").append(count(entry.getValue())).append(')');
                separator = ", ";
            }
        }
        String separator = ": ";
        for (final Map.Entry<String, Long> entry : rejectedByReason.entrySet())
        {
            line.append(separator).append(entry.getKey()).append(' ').append(count(entry.getValue()));
            separator = ", ";
        }
        return line.toString();
    }

    /**
     * What went wrong, if anything: a run passes only if every frame was sent and verified, every ping came back,
     * and nothing was rejected (with {@code --tamper}: the forged token was refused and the hostile quarantined).
     *
     * @return the failures, empty if the run passed.
     */
    List<String> failures()
    {
        final List<String> failures = new ArrayList<>();
        final long verified = number(subscriberResult, "verified");
        if (number(publisherResult, "sent") != messages)
        {
            failures.add("sent " + count(number(publisherResult, "sent")) + " of " + frames(messages));
        }
        if (verified != messages)
        {
            failures.add("verified " + count(verified) + " of " + frames(messages));
        }
        final long mismatches = number(subscriberResult, "mismatches");
        if (0 != mismatches)
        {
            failures.add(count(mismatches) + " frames did not match what was sent");
        }
        if (number(publisherResult, "returned") != pings)
        {
            failures.add(count(number(publisherResult, "returned")) + " of " + count(pings) + " pings came back");
        }
        if (tamper)
        {
            if (!"INVALID_TOKEN".equals(hostileRefusal))
            {
                failures.add("the forged token was not refused with INVALID_TOKEN (" + hostileRefusal + ")");
            }
            if (quarantined.isEmpty() || !hostileUnread)
            {
                failures.add("the hostile process was not quarantined");
            }
        }
        else if (0 != number(subscriberResult, "rejected"))
        {
            failures.add(count(number(subscriberResult, "rejected")) + " frames were rejected");
        }
        return failures;
    }

    private static String micros(final Map<String, String> fields, final String key)
    {
        return String.format(Locale.ROOT, "%,.1f", number(fields, key) / 1000.0);
    }

    /**
     * A number of frames.
     *
     * @param value the count.
     * @return e.g. {@code 1 frame}, {@code 20,000 frames}.
     */
    static String frames(final long value)
    {
        return count(value) + (1 == value ? " frame" : " frames");
    }

    /**
     * A count with thousands separators.
     *
     * @param value the count.
     * @return e.g. {@code 1,000,000}.
     */
    static String count(final long value)
    {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
