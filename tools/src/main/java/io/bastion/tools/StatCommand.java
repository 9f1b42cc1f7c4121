package io.bastion.tools;

import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code bastion stat}: the live counters of a folder, refreshed in place the way AeronStat shows Aeron's.
 */
@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    header = "Show the live counters of a folder, refreshed in place.",
    description = {
        "Show the live counters of a broker folder (frames and bytes in and out, back pressure, rejections by " +
            "reason, rate-limit drops, quarantines, heartbeats), refreshed in place until Ctrl-C.",
        "",
        "Reads DIR/" + StatCommand.COUNTERS_FILE_NAME + " through a read-only mapping after the owner-only checks. " +
            "Exits 1 if there is no counters file."
    })
final class StatCommand implements Callable<Integer>
{
    /** Name of the counters file in a broker folder. */
    static final String COUNTERS_FILE_NAME = "counters";

    private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true)
    private Source source;

    @Option(names = "--once", description = "Print the counters once and exit.")
    private boolean once;

    @Option(names = "--json", description = "Print one JSON object on one line and exit (implies --once).")
    private boolean json;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "1s",
        description = "Time between refreshes (default: ${DEFAULT-VALUE}).")
    private Duration interval;

    /**
     * Where the counters file is: a folder or the file itself.
     */
    static final class Source
    {
        @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
            description = "Broker folder (default: $XDG_RUNTIME_DIR/bastion, else /dev/shm/bastion-$USER).")
        private Path directory;

        @Option(names = "--file", paramLabel = "FILE", description = "The counters file itself.")
        private Path file;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException, InterruptedException
    {
        final Path file = countersFile();
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        final PrintWriter out = spec.commandLine().getOut();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS))
        {
            throw new CommandFailure(file + ": no counters file (is a broker or an endpoint running on that folder?)");
        }
        final CountersSnapshot first = CountersSnapshot.read(files, file);
        if (json)
        {
            first.printJson(out);
            out.flush();
            return ExitCodes.OK;
        }
        if (once)
        {
            first.printText(out);
            out.flush();
            return ExitCodes.OK;
        }
        final boolean terminal = isTerminal();
        CountersSnapshot snapshot = first;
        while (true)
        {
            // Redraw in place on a terminal; to a pipe, one block per refresh.
            out.print(terminal ? CLEAR_SCREEN : System.lineSeparator());
            if (null == snapshot)
            {
                out.println(Texts.instant(System.currentTimeMillis()) + " - " + file + " - unreadable, retrying");
            }
            else
            {
                snapshot.printText(out);
            }
            out.flush();
            Thread.sleep(interval.toMillis());
            snapshot = readOrNull(files, file);
        }
    }

    /**
     * Whether stdout is a terminal. From JDK 22 {@link System#console()} is not null for a pipe either, and
     * {@code Console.isTerminal()} tells; on 17 to 21 a console exists only for a terminal.
     */
    private static boolean isTerminal()
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

    private static CountersSnapshot readOrNull(final OwnerOnlyFiles files, final Path file)
    {
        try
        {
            // Opened afresh each time, so a broker that restarts with a new file is followed.
            return CountersSnapshot.read(files, file);
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    private Path countersFile()
    {
        if (null != source && null != source.file)
        {
            return source.file;
        }
        final Path dir = null == source || null == source.directory ? DefaultFolders.brokerDirectory() :
            source.directory;
        return dir.resolve(COUNTERS_FILE_NAME);
    }
}
