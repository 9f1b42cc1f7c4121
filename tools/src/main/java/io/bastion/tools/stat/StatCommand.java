package io.bastion.tools.stat;

import io.bastion.client.ClientContext;
import io.bastion.security.files.FileCheckReason;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.files.SecureFileException;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.DefaultFolders;
import io.bastion.tools.cli.DurationConverter;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.Terminal;
import io.bastion.tools.cli.Texts;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code bastion stat}: the live counters of a folder, every client's and the broker's, refreshed in place the way
 * AeronStat shows Aeron's.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    header = "Show the live counters of a folder, refreshed in place.",
    description = {
        "Show the live counters of a broker folder (frames and bytes in and out, back pressure, rejections by " +
            "reason, rate-limit drops, quarantines, heartbeats, each subscriber's position and lag, evictions), " +
            "refreshed in place until Ctrl-C.",
        "",
        "Every client (publisher or subscriber) keeps its counters in DIR/<session>" +
            ClientContext.COUNTERS_FILE_SUFFIX + " while it runs; a process of yours may also keep DIR/" +
            StatCommand.COUNTERS_FILE_NAME + ". Each file is shown on its own, headed by the endpoints it counts " +
            "for (channel, role and producer id), read through a read-only mapping after the owner-only checks. " +
            "Under the heading, a line for each subscriber gives its position (ring bytes read), its lag (how far " +
            "its furthest publisher is ahead of it) and its evictions (1 once a fan-out publisher evicted it), and " +
            "a line for each publisher the subscribers it evicted; --json has them as \"progress\". A bridge " +
            "('bastion bridge') keeps DIR/bridge-<pid>" + ClientContext.COUNTERS_FILE_SUFFIX + ": its line gives " +
            "datagrams in, frames out, frames forwarded and republished, loss (sequence gaps less late arrivals), " +
            "duplicates, lag, rejections and refusals by reason; --json has them as \"bridges\". " +
            "Exits 1 if there is no counters file."
    })
public final class StatCommand implements Callable<Integer>
{
    /** Name of the folder-wide counters file in a broker folder. */
    static final String COUNTERS_FILE_NAME = "counters";

    private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true)
    private Source source;

    @Option(names = "--once", description = "Print the counters once and exit.")
    private boolean once;

    @Option(names = "--json", description = "Print one JSON object, keyed by file name, on one line and exit " +
        "(implies --once).")
    private boolean json;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "1s",
        description = "Time between refreshes (default: ${DEFAULT-VALUE}).")
    private Duration interval;

    /**
     * Where the counters files are: a folder or one file.
     */
    static final class Source
    {
        @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
            description = "Broker folder (default: $XDG_RUNTIME_DIR/bastion, else /dev/shm/bastion-$USER).")
        private Path directory;

        @Option(names = "--file", paramLabel = "FILE", description = "One counters file.")
        private Path file;
    }

    private StatCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException, InterruptedException
    {
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        final PrintWriter out = spec.commandLine().getOut();
        List<Reading> readings = read(files);
        if (readings.isEmpty())
        {
            throw new CommandFailure(null != source && null != source.file ?
                source.file + ": no counters file (is a broker or an endpoint running on that folder?)" :
                directory() + ": no counters files (" + COUNTERS_FILE_NAME + " or *" +
                ClientContext.COUNTERS_FILE_SUFFIX + "; is a broker or a client running on that folder?)");
        }
        if (json)
        {
            printJson(out, readings);
            out.flush();
            return ExitCodes.OK;
        }
        if (once)
        {
            printText(out, readings);
            out.flush();
            return ExitCodes.OK;
        }
        final boolean terminal = Terminal.isTerminal();
        while (true)
        {
            // Redraw in place on a terminal; to a pipe, one block per refresh.
            out.print(terminal ? CLEAR_SCREEN : System.lineSeparator());
            if (readings.isEmpty())
            {
                out.println(Texts.instant(System.currentTimeMillis()) + " - " + directory() +
                    " - no counters files, waiting");
            }
            printText(out, readings);
            out.flush();
            Thread.sleep(interval.toMillis());
            // Listed and opened afresh each time, so clients that come and go are followed.
            readings = read(files);
        }
    }

    /**
     * A counters file as last read: its snapshot, or why it could not be read.
     *
     * @param file     the file.
     * @param snapshot its counters, or null.
     * @param problem  why it is unreadable, or null.
     */
    record Reading(Path file, CountersSnapshot snapshot, String problem)
    {
    }

    private List<Reading> read(final OwnerOnlyFiles files) throws IOException
    {
        final List<Reading> readings = new ArrayList<>();
        for (final Path file : countersFiles())
        {
            try
            {
                readings.add(new Reading(file, CountersSnapshot.read(files, file), null));
            }
            catch (final SecureFileException ex)
            {
                if (FileCheckReason.NOT_FOUND != ex.reason())
                {
                    readings.add(new Reading(file, null, "refused by the file checks (" + ex.reason() + ")"));
                }
            }
            catch (final NoSuchFileException ex)
            {
                // The client closed between the listing and the read: it is gone, so is its file.
            }
            catch (final IOException ex)
            {
                readings.add(new Reading(file, null, ex.getMessage()));
            }
        }
        return readings;
    }

    private List<Path> countersFiles() throws IOException
    {
        if (null != source && null != source.file)
        {
            return Files.exists(source.file, LinkOption.NOFOLLOW_LINKS) ? List.of(source.file) : List.of();
        }
        final Path dir = directory();
        final List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(dir))
        {
            return found;
        }
        final Path folderWide = dir.resolve(COUNTERS_FILE_NAME);
        if (Files.exists(folderWide, LinkOption.NOFOLLOW_LINKS))
        {
            found.add(folderWide);
        }
        try (Stream<Path> listing = Files.list(dir))
        {
            listing.filter((file) -> file.getFileName().toString().endsWith(ClientContext.COUNTERS_FILE_SUFFIX))
                .sorted()
                .forEach(found::add);
        }
        return found;
    }

    private Path directory()
    {
        return null == source || null == source.directory ? DefaultFolders.brokerDirectory() : source.directory;
    }

    private static void printText(final PrintWriter out, final List<Reading> readings)
    {
        for (int i = 0; i < readings.size(); i++)
        {
            final Reading reading = readings.get(i);
            if (i > 0)
            {
                out.println();
            }
            if (null == reading.snapshot())
            {
                out.println(Texts.instant(System.currentTimeMillis()) + " - " + reading.file() + " - unreadable: " +
                    Texts.printable(reading.problem()));
            }
            else
            {
                reading.snapshot().printText(out);
            }
        }
    }

    private static void printJson(final PrintWriter out, final List<Reading> readings)
    {
        final StringBuilder json = new StringBuilder(256 * readings.size()).append('{');
        for (int i = 0; i < readings.size(); i++)
        {
            final Reading reading = readings.get(i);
            json.append(i == 0 ? "" : ",").append(Texts.json(reading.file().getFileName().toString())).append(':');
            if (null == reading.snapshot())
            {
                json.append("{\"file\":").append(Texts.json(reading.file().toString()))
                    .append(",\"error\":").append(Texts.json(reading.problem())).append('}');
            }
            else
            {
                reading.snapshot().appendJson(json);
            }
        }
        out.println(json.append('}'));
    }
}
