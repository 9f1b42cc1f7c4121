package io.bastion.tools.inspect;

import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.ringbuffer.RingCapacity;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.tools.inspect.RingInspection.Word;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.Texts;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code bastion inspect FILE}: a ring file's layout, positions, heartbeats and permissions, and whether it
 * validates.
 */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    header = "Show a ring file's layout, positions, heartbeats and permissions, and check it.",
    description = {
        "Show a ring's layout (capacity, region sizes), tail and head positions, heartbeats, file modes and " +
            "owners, and whether it validates: sizes that fit the layout, the owner-only file checks, and positions " +
            "that are aligned, in order and within one capacity of each other. Exits 0 if valid, 1 if not.",
        "",
        "Reads with plain reads, never maps or writes the files."
    })
public final class InspectCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--layout", paramLabel = "LAYOUT", converter = LayoutConverter.class,
        description = "one-to-one or many-to-one (default: one-to-one when FILE.consumer exists, else by size).")
    private RingLayout layout;

    @Option(names = "--group", paramLabel = "GROUP",
        description = "Check the files against a group-sharing policy (0660, 0770) for GROUP instead of owner-only.")
    private String group;

    @Parameters(index = "0", paramLabel = "FILE", description = "The ring file (or its .consumer file).")
    private Path file;

    private InspectCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException
    {
        final FilePolicy policy = null == group ? FilePolicy.ownerOnly() : groupPolicy(group);
        final RingInspection inspection = RingInspection.inspect(file, layout, new OwnerOnlyFiles(policy));
        final PrintWriter out = spec.commandLine().getOut();
        if (!inspection.producerFile().exists())
        {
            throw new CommandFailure(inspection.ring() + ": no such ring file");
        }
        printLayout(out, inspection);
        printPositions(out, inspection, System.currentTimeMillis());
        if (inspection.isValid())
        {
            out.println("verdict      valid");
        }
        else
        {
            out.println("verdict      INVALID");
            for (final String problem : inspection.problems())
            {
                out.println("  - " + Texts.printable(problem));
            }
        }
        out.flush();
        return inspection.isValid() ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private static FilePolicy groupPolicy(final String group)
    {
        try
        {
            return FilePolicy.groupShared(group);
        }
        catch (final IOException ex)
        {
            throw new CommandFailure("no group named '" + Texts.printable(group) + "'");
        }
    }

    private static void printLayout(final PrintWriter out, final RingInspection inspection)
    {
        final int capacity = inspection.capacity();
        out.println("ring         " + inspection.ring() + " (" + inspection.layout().label() + ")");
        if (capacity > 0)
        {
            out.println("capacity     " + capacity + " bytes of records, largest record " +
                RingCapacity.maxRecordLength(capacity) + " bytes (payload " + RingCapacity.maxPayloadLength(capacity) +
                ", header " + RecordDescriptor.HEADER_LENGTH + ")");
            out.println("trailer      " + inspection.layout().trailerLength() + " bytes after the records");
        }
        printFile(out, "ring file", inspection.producerFile());
        if (null != inspection.consumerFile())
        {
            printFile(out, "consumer", inspection.consumerFile());
        }
    }

    private static void printFile(final PrintWriter out, final String label, final FileFacts facts)
    {
        final String name = String.format("%-12s ", label);
        if (!facts.exists())
        {
            out.println(name + facts.path() + "  missing");
            return;
        }
        out.println(name + facts.path() + "  " + facts.size() + " bytes  " + facts.mode() + "  " + facts.owner() +
            "  checks " + facts.check());
    }

    private static void printPositions(final PrintWriter out, final RingInspection inspection, final long nowMs)
    {
        final long tail = inspection.word(Word.TAIL);
        final long head = inspection.word(Word.HEAD);
        if (tail == RingInspection.UNREAD)
        {
            return;
        }
        out.println("tail         " + tail);
        if (head != RingInspection.UNREAD)
        {
            out.println("head         " + head + (head >= 0 && head <= tail ? " (" + (tail - head) + " bytes unread)" :
                ""));
        }
        if (inspection.layout() == RingLayout.MANY_TO_ONE)
        {
            out.println("head cache   " + inspection.word(Word.HEAD_CACHE));
            out.println("unblocked    " + inspection.word(Word.UNBLOCK_COUNT) + " claims");
        }
        out.println("producer hb  " + heartbeat(inspection.word(Word.PRODUCER_HEARTBEAT), nowMs));
        out.println("consumer hb  " + heartbeat(inspection.word(Word.CONSUMER_HEARTBEAT), nowMs));
    }

    private static String heartbeat(final long heartbeatMs, final long nowMs)
    {
        if (heartbeatMs == RingInspection.UNREAD)
        {
            return "unknown";
        }
        if (heartbeatMs <= 0)
        {
            return heartbeatMs == 0 ? "never" : String.valueOf(heartbeatMs);
        }
        final String when = Texts.instant(heartbeatMs);
        return heartbeatMs > nowMs ? when + " (in the future by " + Texts.span(heartbeatMs - nowMs) + ": suspect)" :
            when + " (age " + Texts.span(nowMs - heartbeatMs) + ")";
    }

    /**
     * Reads a layout as people write it.
     */
    static final class LayoutConverter implements ITypeConverter<RingLayout>
    {
        /**
         * {@inheritDoc}
         */
        @Override
        public RingLayout convert(final String value)
        {
            for (final RingLayout candidate : RingLayout.values())
            {
                if (candidate.label().equalsIgnoreCase(value.strip()))
                {
                    return candidate;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a layout (one-to-one or many-to-one)");
        }
    }
}
