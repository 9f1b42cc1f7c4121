package io.bastion.tools.stat;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.CountersFile;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.tools.cli.Texts;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The counters of a counters file at one moment: each allocated counter's id, type, label and value, read
 * through a read-only mapping ({@link CountersFile#openForReading}) that is unmapped again at once.
 *
 * @param file     the counters file.
 * @param epochMs  when it was read.
 * @param counters the counters in id order.
 */
record CountersSnapshot(Path file, long epochMs, List<Counter> counters)
{
    /**
     * One counter.
     *
     * @param id     the counter id.
     * @param typeId its type.
     * @param label  its label as written, not yet made printable.
     * @param value  its value.
     */
    record Counter(int id, int typeId, String label, long value)
    {
    }

    /**
     * Where one endpoint stands, from its {@link ChannelCounters} of these names: for a subscriber its position (ring
     * bytes read), its lag (how far its furthest publisher is ahead of it) and whether it was evicted; for a publisher
     * the subscribers it evicted from its fan-out ring.
     *
     * @param endpoint   the endpoint, as written (not yet made printable).
     * @param subscriber whether it is a subscriber's endpoint ({@code <channel>/sub}).
     * @param position   the position counter.
     * @param lagBytes   the lag counter.
     * @param evictions  the evictions counter.
     */
    record Progress(String endpoint, boolean subscriber, long position, long lagBytes, long evictions)
    {
    }

    /** How a subscriber's endpoint ends: the client names its subscribers {@code <channel>/sub}. */
    private static final String SUBSCRIBER_SUFFIX = "/sub";

    /**
     * Read every allocated counter of a file, after the file and header checks.
     *
     * @param files checks the file under the policy.
     * @param file  the counters file.
     * @return the snapshot.
     * @throws IOException if the file fails a check or is not a counters file.
     */
    static CountersSnapshot read(final OwnerOnlyFiles files, final Path file) throws IOException
    {
        final List<Counter> counters = new ArrayList<>();
        try (CountersFile countersFile = CountersFile.openForReading(files, file))
        {
            final CountersReader reader = countersFile.reader();
            try
            {
                reader.forEach((final int id, final int typeId, final DirectBuffer key, final String label) ->
                    counters.add(new Counter(id, typeId, label, reader.getCounterValue(id))));
            }
            catch (final RuntimeException ex)
            {
                // A label length or id that points outside the sections: the writer scribbled on its file.
                throw new IOException(file + ": corrupt counters metadata (" + ex.getClass().getSimpleName() + ")");
            }
        }
        return new CountersSnapshot(file, System.currentTimeMillis(), counters);
    }

    /**
     * The endpoints the file counts for: each label's part before {@code ": "}, such as {@code prices/sub} or
     * {@code prices/pub producer 1} (channel, role and producer id), in order of first use.
     *
     * @return the endpoints, as written (not yet made printable).
     */
    List<String> endpoints()
    {
        final Set<String> endpoints = new LinkedHashSet<>();
        for (final Counter counter : counters)
        {
            final String label = counter.label();
            final int colon = null == label ? -1 : label.indexOf(": ");
            if (colon > 0)
            {
                endpoints.add(label.substring(0, colon));
            }
        }
        return new ArrayList<>(endpoints);
    }

    /**
     * The position, lag and evictions of each endpoint that has these counters, in the order of
     * {@link #endpoints()}.
     *
     * @return one entry per such endpoint.
     */
    List<Progress> progress()
    {
        final List<Progress> progress = new ArrayList<>();
        for (final String endpoint : endpoints())
        {
            final Counter position = channelCounter(endpoint, ChannelCounters.POSITION_LABEL);
            final Counter lag = channelCounter(endpoint, ChannelCounters.LAG_LABEL);
            final Counter evictions = channelCounter(endpoint, ChannelCounters.EVICTIONS_LABEL);
            if (null != position && null != lag && null != evictions)
            {
                progress.add(new Progress(endpoint, endpoint.endsWith(SUBSCRIBER_SUFFIX), position.value(),
                    lag.value(), evictions.value()));
            }
        }
        return progress;
    }

    private Counter channelCounter(final String endpoint, final String name)
    {
        final String label = endpoint + ": " + name;
        for (final Counter counter : counters)
        {
            if (ChannelCounters.CHANNEL_COUNTER_TYPE_ID == counter.typeId() && label.equals(counter.label()))
            {
                return counter;
            }
        }
        return null;
    }

    /**
     * Print as a table in AeronStat's style, headed by the file and its endpoints, then one line for each endpoint
     * that has them with its position, lag and evictions (a publisher's: the subscribers it evicted): id, value,
     * label.
     *
     * @param out where to.
     */
    void printText(final PrintWriter out)
    {
        final List<String> endpoints = endpoints();
        out.println(Texts.instant(epochMs) + " - " + file + " - " +
            (endpoints.isEmpty() ? "" : Texts.printable(String.join(", ", endpoints)) + " - ") +
            counters.size() + " counters");
        for (final Progress endpoint : progress())
        {
            out.println(Texts.printable(endpoint.endpoint()) + (endpoint.subscriber() ?
                String.format(Locale.ROOT, ": position %,d bytes read, lag %,d bytes, evictions %,d",
                endpoint.position(), endpoint.lagBytes(), endpoint.evictions()) :
                String.format(Locale.ROOT, ": evictions %,d (subscribers it evicted)", endpoint.evictions())));
        }
        out.println("======================================================================");
        for (final Counter counter : counters)
        {
            out.println(String.format(Locale.ROOT, "%3d: %,20d - %s", counter.id(), counter.value(),
                Texts.printable(counter.label())));
        }
    }

    /**
     * Append as one JSON object: the file, the time, the endpoints, their position, lag and evictions
     * ({@code "progress"}: {@code endpoint}, {@code role}, and {@code position}, {@code lagBytes} and
     * {@code evictions} for a subscriber, {@code evictions} for a publisher) and the counters.
     *
     * @param json where to.
     */
    void appendJson(final StringBuilder json)
    {
        json.append("{\"file\":").append(Texts.json(file.toString()))
            .append(",\"timestamp\":").append(Texts.json(Texts.instant(epochMs)))
            .append(",\"endpoints\":[");
        final List<String> endpoints = endpoints();
        for (int i = 0; i < endpoints.size(); i++)
        {
            json.append(i == 0 ? "" : ",").append(Texts.json(endpoints.get(i)));
        }
        json.append("],\"progress\":[");
        final List<Progress> progress = progress();
        for (int i = 0; i < progress.size(); i++)
        {
            final Progress endpoint = progress.get(i);
            json.append(i == 0 ? "" : ",")
                .append("{\"endpoint\":").append(Texts.json(endpoint.endpoint()))
                .append(",\"role\":").append(endpoint.subscriber() ? "\"subscriber\"" : "\"publisher\"");
            if (endpoint.subscriber())
            {
                json.append(",\"position\":").append(endpoint.position())
                    .append(",\"lagBytes\":").append(endpoint.lagBytes());
            }
            json.append(",\"evictions\":").append(endpoint.evictions()).append('}');
        }
        json.append("],\"counters\":[");
        for (int i = 0; i < counters.size(); i++)
        {
            final Counter counter = counters.get(i);
            json.append(i == 0 ? "" : ",")
                .append("{\"id\":").append(counter.id())
                .append(",\"typeId\":").append(counter.typeId())
                .append(",\"label\":").append(Texts.json(counter.label()))
                .append(",\"value\":").append(counter.value())
                .append('}');
        }
        json.append("]}");
    }
}
