package io.bastion.tools.inspect;

import io.bastion.channel.RingFiles;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.ringbuffer.RingCapacity;
import io.bastion.security.files.FileCheckReason;
import io.bastion.security.files.OwnerOnlyFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a ring's files say and whether they validate: sizes against the layout, the owner-only checks, and the
 * positions the producer and consumer published. Words are read once each with plain reads (no mapping, so a file
 * truncated meanwhile cannot fault this process) and are treated as hostile input.
 */
final class RingInspection
{
    /** A word that could not be read. */
    static final long UNREAD = Long.MIN_VALUE;

    private final RingLayout layout;
    private final Path ring;
    private final FileFacts producerFile;
    private final FileFacts consumerFile;
    private final int capacity;
    private final long[] words = new long[Word.values().length];
    private final List<String> problems = new ArrayList<>();

    /**
     * The words of a ring that {@code inspect} shows.
     */
    enum Word
    {
        /** Producer position. */
        TAIL,
        /** Consumer position. */
        HEAD,
        /** Producer heartbeat, epoch ms. */
        PRODUCER_HEARTBEAT,
        /** Consumer heartbeat, epoch ms. */
        CONSUMER_HEARTBEAT,
        /** Many-to-one: the producers' view of the head. */
        HEAD_CACHE,
        /** Many-to-one: claims the consumer unblocked. */
        UNBLOCK_COUNT
    }

    private RingInspection(final RingLayout layout, final Path ring, final OwnerOnlyFiles files)
    {
        this.layout = layout;
        this.ring = ring;
        Arrays.fill(words, UNREAD);
        final FileFacts producerFacts = FileFacts.of(files, ring, -1);
        this.producerFile = producerFacts;
        this.capacity = producerFacts.exists() ? layout.capacityOf(producerFacts.size()) : -1;
        this.consumerFile = layout == RingLayout.ONE_TO_ONE ?
            FileFacts.of(files, RingFiles.consumerFile(ring), OneToOneRingDescriptor.CONSUMER_REGION_LENGTH) : null;
    }

    /**
     * Inspect a ring.
     *
     * @param path   the ring file, or a one-to-one ring's {@code .consumer} file.
     * @param forced the layout, or null to tell it from the files.
     * @param files  the file checks (owner-only for the current user, or a group policy).
     * @return the inspection.
     */
    static RingInspection inspect(final Path path, final RingLayout forced, final OwnerOnlyFiles files)
    {
        final Path ring = ringOf(path);
        final RingLayout layout = null == forced ? layoutOf(ring) : forced;
        final RingInspection inspection = new RingInspection(layout, ring, files);
        inspection.validate();
        return inspection;
    }

    private static Path ringOf(final Path path)
    {
        final String name = String.valueOf(path.getFileName());
        if (name.endsWith(RingFiles.CONSUMER_SUFFIX) && name.length() > RingFiles.CONSUMER_SUFFIX.length())
        {
            final String baseName = name.substring(0, name.length() - RingFiles.CONSUMER_SUFFIX.length());
            final Path base = path.resolveSibling(baseName);
            if (Files.exists(base, LinkOption.NOFOLLOW_LINKS))
            {
                return base;
            }
        }
        return path;
    }

    private static RingLayout layoutOf(final Path ring)
    {
        if (Files.exists(RingFiles.consumerFile(ring), LinkOption.NOFOLLOW_LINKS))
        {
            return RingLayout.ONE_TO_ONE;
        }
        try
        {
            final long size = Files.size(ring);
            return RingLayout.MANY_TO_ONE.capacityOf(size) > 0 ? RingLayout.MANY_TO_ONE : RingLayout.ONE_TO_ONE;
        }
        catch (final IOException ex)
        {
            return RingLayout.ONE_TO_ONE;
        }
    }

    private void validate()
    {
        if (!producerFile.exists())
        {
            problems.add(ring + ": no such file");
            return;
        }
        checkFile("ring file", producerFile);
        if (capacity < 0)
        {
            problems.add("ring file size " + producerFile.size() + " is not a " + layout.label() +
                " ring: records (a power of two from " + RingCapacity.MIN_CAPACITY + " to " +
                RingCapacity.MAX_CAPACITY + ") plus a " + layout.trailerLength() + "-byte trailer");
        }
        if (null != consumerFile)
        {
            if (!consumerFile.exists())
            {
                problems.add(consumerFile.path() + ": no such file (a one-to-one ring needs it)");
            }
            else
            {
                checkFile("consumer file", consumerFile);
            }
        }
        if (capacity > 0 && producerFile.readable())
        {
            readWords();
            checkPositions();
            checkHeartbeat(Word.PRODUCER_HEARTBEAT);
            checkHeartbeat(Word.CONSUMER_HEARTBEAT);
        }
    }

    private void checkFile(final String what, final FileFacts facts)
    {
        if (facts.check() != FileCheckReason.OK)
        {
            problems.add(what + " " + facts.path() + " fails the file checks: " + facts.check() +
                (facts.mode().isEmpty() ? "" : " (mode " + facts.mode() + ", owner " + facts.owner() + ")"));
        }
    }

    private void readWords()
    {
        try (FileChannel channel = FileChannel.open(ring, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
        {
            words[Word.TAIL.ordinal()] = readLong(channel, capacity + layout.tailOffset());
            words[Word.PRODUCER_HEARTBEAT.ordinal()] = readLong(channel, capacity + layout.producerHeartbeatOffset());
            if (layout == RingLayout.MANY_TO_ONE)
            {
                words[Word.HEAD.ordinal()] = readLong(channel, capacity + ManyToOneRingDescriptor.HEAD_POSITION_OFFSET);
                words[Word.CONSUMER_HEARTBEAT.ordinal()] =
                    readLong(channel, capacity + layout.consumerHeartbeatOffset());
                words[Word.HEAD_CACHE.ordinal()] =
                    readLong(channel, capacity + ManyToOneRingDescriptor.HEAD_CACHE_POSITION_OFFSET);
                words[Word.UNBLOCK_COUNT.ordinal()] =
                    readLong(channel, capacity + ManyToOneRingDescriptor.UNBLOCK_COUNT_OFFSET);
            }
        }
        catch (final IOException ex)
        {
            problems.add(ring + ": cannot read: " + ex.getMessage());
        }
        if (null != consumerFile && consumerFile.readable() &&
            consumerFile.size() == OneToOneRingDescriptor.CONSUMER_REGION_LENGTH)
        {
            try (FileChannel channel =
                FileChannel.open(consumerFile.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
            {
                words[Word.HEAD.ordinal()] = readLong(channel, OneToOneRingDescriptor.HEAD_POSITION_OFFSET);
                words[Word.CONSUMER_HEARTBEAT.ordinal()] =
                    readLong(channel, OneToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET);
            }
            catch (final IOException ex)
            {
                problems.add(consumerFile.path() + ": cannot read: " + ex.getMessage());
            }
        }
    }

    private void checkPositions()
    {
        final long tail = word(Word.TAIL);
        final long head = word(Word.HEAD);
        final boolean tailOk = checkPosition("tail", tail);
        final boolean headOk = checkPosition("head", head);
        if (tailOk && headOk)
        {
            if (head > tail)
            {
                problems.add("head " + head + " is past tail " + tail);
            }
            else if (tail - head > capacity)
            {
                problems.add("tail " + tail + " is more than the capacity " + capacity + " ahead of head " + head);
            }
        }
    }

    private boolean checkPosition(final String name, final long position)
    {
        if (position == UNREAD)
        {
            return false;
        }
        if (position < 0)
        {
            problems.add(name + " " + position + " is negative");
            return false;
        }
        if ((position & (RecordDescriptor.ALIGNMENT - 1)) != 0)
        {
            problems.add(name + " " + position + " is not aligned to " + RecordDescriptor.ALIGNMENT + " bytes");
            return false;
        }
        return true;
    }

    private void checkHeartbeat(final Word word)
    {
        final long heartbeat = word(word);
        if (heartbeat < 0 && heartbeat != UNREAD)
        {
            problems.add(word.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + heartbeat +
                " is negative");
        }
    }

    private static long readLong(final FileChannel channel, final long offset) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder());
        while (buffer.hasRemaining())
        {
            if (channel.read(buffer, offset + buffer.position()) < 0)
            {
                throw new IOException("file ends before offset " + (offset + Long.BYTES));
            }
        }
        return buffer.getLong(0);
    }

    /**
     * The layout the ring was read as.
     *
     * @return the layout.
     */
    RingLayout layout()
    {
        return layout;
    }

    /**
     * The ring's path (its producer or only file).
     *
     * @return the path.
     */
    Path ring()
    {
        return ring;
    }

    /**
     * The ring file's facts.
     *
     * @return the facts.
     */
    FileFacts producerFile()
    {
        return producerFile;
    }

    /**
     * The consumer file's facts.
     *
     * @return the facts, or null for a many-to-one ring.
     */
    FileFacts consumerFile()
    {
        return consumerFile;
    }

    /**
     * The capacity of the records.
     *
     * @return bytes, or -1 if the size fits no capacity.
     */
    int capacity()
    {
        return capacity;
    }

    /**
     * A word as read.
     *
     * @param word which.
     * @return its value, or {@link #UNREAD}.
     */
    long word(final Word word)
    {
        return words[word.ordinal()];
    }

    /**
     * What fails validation.
     *
     * @return the problems, empty when the ring validates.
     */
    List<String> problems()
    {
        return problems;
    }

    /**
     * Whether the ring validates.
     *
     * @return true when there are no problems.
     */
    boolean isValid()
    {
        return problems.isEmpty();
    }
}
