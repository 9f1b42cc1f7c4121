package io.bastion.tools.stat;

import io.bastion.bridge.BridgeCounters;
import io.bastion.bridge.ForwardingCounters;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /**
     * Where a bridge stands, from its {@link BridgeCounters} (type {@code 0xB8}) and {@link ForwardingCounters}
     * (type {@code 0xB9}) under one label prefix, as {@code bastion bridge} keeps them.
     *
     * @param endpoint          the label prefix, as written (not yet made printable).
     * @param datagramsIn       datagrams received.
     * @param framesOut         frames sent to the peer (several can share a datagram).
     * @param framesForwarded   local frames sent to the peer.
     * @param framesRepublished the peer's frames written into local relayed channels.
     * @param sequenceGaps      sequences skipped by the replay window moving forward.
     * @param lateArrivals      datagrams that arrived inside the window after a later one.
     * @param lagBytes          how far the receiver is behind the driver's high-water mark.
     * @param rejected          datagrams refused, by reason, only the reasons that occurred.
     * @param refused           frames the relay's checks refused, by reason, only the reasons that occurred.
     */
    record BridgeProgress(
        String endpoint, long datagramsIn, long framesOut, long framesForwarded, long framesRepublished,
        long sequenceGaps, long lateArrivals, long lagBytes, Map<String, Long> rejected, Map<String, Long> refused)
    {
        /**
         * Datagrams lost so far: sequence gaps less the late arrivals that filled them.
         *
         * @return the loss, not negative.
         */
        long loss()
        {
            return Math.max(0, sequenceGaps - lateArrivals);
        }

        /**
         * Duplicated datagrams refused.
         *
         * @return the {@code DUPLICATE} rejections.
         */
        long duplicates()
        {
            return rejected.getOrDefault("DUPLICATE", 0L);
        }
    }

    private static final String REJECTED_PREFIX = "rejected ";
    private static final String REFUSED_PREFIX = "refused ";

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

    /**
     * The bridges the file counts for: each label prefix with {@link BridgeCounters} or {@link ForwardingCounters},
     * in the order of {@link #endpoints()}.
     *
     * @return one entry per bridge.
     */
    List<BridgeProgress> bridges()
    {
        final List<BridgeProgress> bridges = new ArrayList<>();
        for (final String endpoint : endpoints())
        {
            final String prefix = endpoint + ": ";
            final Map<String, Long> values = new LinkedHashMap<>();
            for (final Counter counter : counters)
            {
                if ((BridgeCounters.BRIDGE_COUNTER_TYPE_ID == counter.typeId() ||
                    ForwardingCounters.FORWARDING_COUNTER_TYPE_ID == counter.typeId()) &&
                    null != counter.label() && counter.label().startsWith(prefix))
                {
                    values.put(counter.label().substring(prefix.length()), counter.value());
                }
            }
            if (values.isEmpty())
            {
                continue;
            }
            final Map<String, Long> rejected = new LinkedHashMap<>();
            final Map<String, Long> refused = new LinkedHashMap<>();
            values.forEach((name, value) ->
            {
                if (0 != value && name.startsWith(REJECTED_PREFIX))
                {
                    rejected.put(name.substring(REJECTED_PREFIX.length()), value);
                }
                else if (0 != value && name.startsWith(REFUSED_PREFIX))
                {
                    refused.put(name.substring(REFUSED_PREFIX.length()), value);
                }
            });
            bridges.add(new BridgeProgress(endpoint, values.getOrDefault("datagrams in", 0L),
                values.getOrDefault("frames out", 0L), values.getOrDefault("frames forwarded", 0L),
                values.getOrDefault("frames republished", 0L), values.getOrDefault("sequence gaps", 0L),
                values.getOrDefault("late arrivals", 0L), values.getOrDefault("lag bytes", 0L), rejected, refused));
        }
        return bridges;
    }

    private static String byReason(final Map<String, Long> counts)
    {
        long total = 0;
        final StringBuilder reasons = new StringBuilder();
        for (final Map.Entry<String, Long> entry : counts.entrySet())
        {
            total += entry.getValue();
            reasons.append(reasons.length() == 0 ? " (" : ", ").append(entry.getKey()).append(' ')
                .append(String.format(Locale.ROOT, "%,d", entry.getValue()));
        }
        return String.format(Locale.ROOT, "%,d", total) + (reasons.length() == 0 ? "" : reasons.append(')'));
    }

    private static void appendCounts(final StringBuilder json, final Map<String, Long> counts)
    {
        json.append('{');
        boolean first = true;
        for (final Map.Entry<String, Long> entry : counts.entrySet())
        {
            json.append(first ? "" : ",").append(Texts.json(entry.getKey())).append(':').append(entry.getValue());
            first = false;
        }
        json.append('}');
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
     * label. A bridge's file has a line for the bridge: datagrams in, frames out, frames forwarded and republished,
     * loss, duplicates, lag, rejections and refusals by reason.
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
        for (final BridgeProgress bridge : bridges())
        {
            out.println(Texts.printable(bridge.endpoint()) + String.format(Locale.ROOT,
                ": datagrams in %,d, frames out %,d; frames forwarded %,d, republished %,d; loss %,d (gaps %,d, late " +
                "%,d), duplicates %,d, lag %,d bytes; rejected ", bridge.datagramsIn(), bridge.framesOut(),
                bridge.framesForwarded(), bridge.framesRepublished(), bridge.loss(), bridge.sequenceGaps(),
                bridge.lateArrivals(), bridge.duplicates(), bridge.lagBytes()) + byReason(bridge.rejected()) +
                "; refused " + byReason(bridge.refused()));
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
     * {@code evictions} for a subscriber, {@code evictions} for a publisher), the counters, then the bridges
     * ({@code "bridges"}: {@code endpoint}, datagrams in, frames out, frames forwarded and republished, loss, sequence
     * gaps, late arrivals, duplicates, lag, and the non-zero rejections and refusals by reason).
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
        json.append("],\"bridges\":[");
        final List<BridgeProgress> bridges = bridges();
        for (int i = 0; i < bridges.size(); i++)
        {
            final BridgeProgress bridge = bridges.get(i);
            json.append(i == 0 ? "" : ",")
                .append("{\"endpoint\":").append(Texts.json(bridge.endpoint()))
                .append(",\"datagramsIn\":").append(bridge.datagramsIn())
                .append(",\"framesOut\":").append(bridge.framesOut())
                .append(",\"framesForwarded\":").append(bridge.framesForwarded())
                .append(",\"framesRepublished\":").append(bridge.framesRepublished())
                .append(",\"loss\":").append(bridge.loss())
                .append(",\"sequenceGaps\":").append(bridge.sequenceGaps())
                .append(",\"lateArrivals\":").append(bridge.lateArrivals())
                .append(",\"duplicates\":").append(bridge.duplicates())
                .append(",\"lagBytes\":").append(bridge.lagBytes())
                .append(",\"rejected\":");
            appendCounts(json, bridge.rejected());
            json.append(",\"refused\":");
            appendCounts(json, bridge.refused());
            json.append('}');
        }
        json.append("]}");
    }
}
