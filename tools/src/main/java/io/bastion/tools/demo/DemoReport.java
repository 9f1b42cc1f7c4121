package io.bastion.tools.demo;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the demo's processes reported, line by line, and the summary and verdict made of it. Each subscriber process
 * has its own tally (several on a fan-out run, numbered from 1 in the summary); one subscriber's summary reads as it
 * always has.
 */
final class DemoReport
{
    private final long messages;
    private final int size;
    private final int pings;
    private final boolean tamper;
    private final Tally[] tallies;
    private final Set<String> reasonsSeen = new HashSet<>();
    private Map<String, String> publisherResult;
    private String hostileRefusal;
    private boolean hostileDone;
    private boolean hostileUnread;

    /**
     * What one subscriber process reported.
     */
    private static final class Tally
    {
        final Map<String, Long> rejectedByReason = new LinkedHashMap<>();
        final Map<Integer, Long> rejectedBySource = new TreeMap<>();
        final List<Integer> quarantined = new ArrayList<>();
        Map<String, String> result;
        long throughputNanos = -1;
        long verifiedSoFar;
    }

    /**
     * A report for one run.
     *
     * @param messages    data frames sent.
     * @param size        payload bytes of each.
     * @param pings       round trips recorded.
     * @param tamper      whether a hostile process takes part.
     * @param subscribers how many subscriber processes read every frame.
     */
    DemoReport(final long messages, final int size, final int pings, final boolean tamper, final int subscribers)
    {
        this.messages = messages;
        this.size = size;
        this.pings = pings;
        this.tamper = tamper;
        this.tallies = new Tally[subscribers];
        for (int i = 0; i < subscribers; i++)
        {
            tallies[i] = new Tally();
        }
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
     * How many subscriber processes take part.
     *
     * @return the count, at least 1.
     */
    int subscribers()
    {
        return tallies.length;
    }

    /**
     * A subscriber refused a frame.
     *
     * @param subscriber the subscriber's index, from 0.
     * @param reason     the reason's name.
     * @param source     the subscriber's source id.
     * @return true if it is the first refusal for this reason by any subscriber.
     */
    boolean onRejected(final int subscriber, final String reason, final int source)
    {
        final Tally tally = tallies[subscriber];
        tally.rejectedByReason.merge(reason, 1L, Long::sum);
        tally.rejectedBySource.merge(source, 1L, Long::sum);
        return reasonsSeen.add(reason);
    }

    /**
     * A subscriber quarantined a source.
     *
     * @param subscriber the subscriber's index, from 0.
     * @param source     the source id.
     * @return how many refusals from it that subscriber reported.
     */
    long onQuarantined(final int subscriber, final int source)
    {
        final Tally tally = tallies[subscriber];
        tally.quarantined.add(source);
        return tally.rejectedBySource.getOrDefault(source, 0L);
    }

    /**
     * A subscriber's progress.
     *
     * @param subscriber the subscriber's index, from 0.
     * @param verified   the frames it verified so far.
     */
    void progress(final int subscriber, final long verified)
    {
        tallies[subscriber].verifiedSoFar = verified;
    }

    /**
     * The frames every subscriber has verified so far: the slowest one's progress.
     *
     * @return the count.
     */
    long verifiedByAll()
    {
        long least = Long.MAX_VALUE;
        for (final Tally tally : tallies)
        {
            least = Math.min(least, tally.verifiedSoFar);
        }
        return least;
    }

    /**
     * A subscriber's time from the first to the last data frame.
     *
     * @param subscriber the subscriber's index, from 0.
     * @param nanos      the time.
     */
    void throughputNanos(final int subscriber, final long nanos)
    {
        tallies[subscriber].throughputNanos = nanos;
    }

    /**
     * Whether every subscriber has reported its time, so has verified the last frame.
     *
     * @return true once all reported.
     */
    boolean hasThroughput()
    {
        for (final Tally tally : tallies)
        {
            if (tally.throughputNanos < 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * A subscriber's final {@code RESULT} line.
     *
     * @param subscriber the subscriber's index, from 0.
     * @param line       the line.
     */
    void subscriberResult(final int subscriber, final String line)
    {
        tallies[subscriber].result = fields(line);
    }

    /**
     * Whether every subscriber has reported its result.
     *
     * @return true once all reported.
     */
    boolean subscriberDone()
    {
        for (final Tally tally : tallies)
        {
            if (null == tally.result)
            {
                return false;
            }
        }
        return true;
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
     * How a subscriber is named in the output: {@code subscriber} when it is the only one, else
     * {@code subscriber K}, numbered from 1.
     *
     * @param subscriber the subscriber's index, from 0.
     * @param count      how many there are.
     * @return the name.
     */
    static String subscriberName(final int subscriber, final int count)
    {
        return 1 == count ? "subscriber" : "subscriber " + (subscriber + 1);
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
        if (1 == tallies.length)
        {
            out.println("verified    " + count(number(tallies[0].result, "verified")) +
                " (every payload byte checked, in order)");
            out.println("rejected    " + rejectedLine(tallies[0]));
            if (!tallies[0].quarantined.isEmpty())
            {
                out.println("quarantined source " + tallies[0].quarantined.get(0) + ": its ring is no longer read");
            }
        }
        else
        {
            printSubscribers(out);
        }
        long slowestNanos = -1;
        for (final Tally tally : tallies)
        {
            slowestNanos = Math.max(slowestNanos, tally.throughputNanos);
        }
        if (messages > 1 && slowestNanos > 0)
        {
            final double perSecond = (messages - 1) * 1e9 / slowestNanos;
            out.println(String.format(Locale.ROOT, "throughput  %,.0f messages/s, %,.1f MB/s of payload " +
                "(at the %s, first to last frame)", perSecond, perSecond * size / 1e6,
                1 == tallies.length ? "subscriber" : "slowest of " + tallies.length + " subscribers"));
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

    /**
     * The lines of a fan-out run: what each subscriber verified, refused and quarantined, one line each.
     */
    private void printSubscribers(final PrintWriter out)
    {
        String heading = "verified    ";
        for (int i = 0; i < tallies.length; i++)
        {
            final Map<String, String> result = tallies[i].result;
            final long mismatches = number(result, "mismatches");
            out.println(heading + subscriberName(i, tallies.length) + ": " + count(number(result, "verified")) +
                " of " + frames(messages) + ", " + (0 == mismatches ? "no mismatch" :
                count(mismatches) + (1 == mismatches ? " mismatch" : " mismatches")) +
                (0 == i ? " (every payload byte checked, in order, by each)" : ""));
            heading = "            ";
        }
        boolean anyRejected = false;
        for (final Tally tally : tallies)
        {
            anyRejected |= number(tally.result, "rejected") > 0;
        }
        if (!anyRejected)
        {
            out.println("rejected    0");
        }
        else
        {
            heading = "rejected    ";
            for (int i = 0; i < tallies.length; i++)
            {
                out.println(heading + subscriberName(i, tallies.length) + ": " + rejectedLine(tallies[i]));
                heading = "            ";
            }
        }
        final StringBuilder quarantines = new StringBuilder();
        for (int i = 0; i < tallies.length; i++)
        {
            if (!tallies[i].quarantined.isEmpty())
            {
                quarantines.append(quarantines.length() == 0 ? "" : ", ").append(subscriberName(i, tallies.length))
                    .append(" (source ").append(tallies[i].quarantined.get(0)).append(')');
            }
        }
        if (quarantines.length() > 0)
        {
            out.println("quarantined by " + quarantines + ": the hostile's ring is no longer read");
        }
    }

    private static String rejectedLine(final Tally tally)
    {
        final long total = number(tally.result, "rejected");
        if (total <= 0)
        {
            return count(Math.max(0, total));
        }
        final StringBuilder line = new StringBuilder(count(total));
        if (1 == tally.rejectedBySource.size())
        {
            line.append(", all from source ").append(tally.rejectedBySource.keySet().iterator().next());
        }
        else
        {
            String separator = ", from sources ";
            for (final Map.Entry<Integer, Long> entry : tally.rejectedBySource.entrySet())
            {
                line.append(separator).append(entry.getKey()).append(" (").append(count(entry.getValue())).append(')');
                separator = ", ";
            }
        }
        String separator = ": ";
        for (final Map.Entry<String, Long> entry : tally.rejectedByReason.entrySet())
        {
            line.append(separator).append(entry.getKey()).append(' ').append(count(entry.getValue()));
            separator = ", ";
        }
        return line.toString();
    }

    /**
     * What went wrong, if anything: a run passes only if every frame was sent and verified by every subscriber with
     * no mismatch, every ping came back, and nothing was rejected (with {@code --tamper}: the forged token was
     * refused and every subscriber quarantined the hostile).
     *
     * @return the failures, empty if the run passed.
     */
    List<String> failures()
    {
        final List<String> failures = new ArrayList<>();
        if (number(publisherResult, "sent") != messages)
        {
            failures.add("sent " + count(number(publisherResult, "sent")) + " of " + frames(messages));
        }
        for (int i = 0; i < tallies.length; i++)
        {
            final Map<String, String> result = tallies[i].result;
            final long verified = number(result, "verified");
            if (verified != messages)
            {
                failures.add(who(i) + "verified " + count(verified) + " of " + frames(messages));
            }
            final long mismatches = number(result, "mismatches");
            if (0 != mismatches)
            {
                failures.add((1 == tallies.length ? "" : subscriberName(i, tallies.length) + ": ") +
                    count(mismatches) + " frames did not match what was sent");
            }
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
            if (tallies[0].quarantined.isEmpty() || !hostileUnread)
            {
                failures.add("the hostile process was not quarantined");
            }
            for (int i = 1; i < tallies.length; i++)
            {
                if (tallies[i].quarantined.isEmpty())
                {
                    failures.add(who(i) + "did not quarantine the hostile process");
                }
            }
        }
        else
        {
            for (int i = 0; i < tallies.length; i++)
            {
                final long rejected = number(tallies[i].result, "rejected");
                if (0 != rejected)
                {
                    failures.add(1 == tallies.length ? count(rejected) + " frames were rejected" :
                        who(i) + "rejected " + count(rejected) + " frames");
                }
            }
        }
        return failures;
    }

    private String who(final int subscriber)
    {
        return 1 == tallies.length ? "" : subscriberName(subscriber, tallies.length) + " ";
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
