package io.bastion.tools;

import io.bastion.channel.CountersFile;
import io.bastion.security.files.OwnerOnlyFiles;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
     * Print as a table in AeronStat's style: id, value, label.
     *
     * @param out where to.
     */
    void printText(final PrintWriter out)
    {
        out.println(Texts.instant(epochMs) + " - " + file + " - " + counters.size() + " counters");
        out.println("======================================================================");
        for (final Counter counter : counters)
        {
            out.println(String.format(Locale.ROOT, "%3d: %,20d - %s", counter.id(), counter.value(),
                Texts.printable(counter.label())));
        }
    }

    /**
     * Print as one JSON object on one line.
     *
     * @param out where to.
     */
    void printJson(final PrintWriter out)
    {
        final StringBuilder json = new StringBuilder(64 + 96 * counters.size());
        json.append("{\"file\":").append(Texts.json(file.toString()))
            .append(",\"timestamp\":").append(Texts.json(Texts.instant(epochMs)))
            .append(",\"counters\":[");
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
        out.println(json.append("]}"));
    }
}
