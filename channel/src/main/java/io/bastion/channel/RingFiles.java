package io.bastion.channel;

import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.files.SecureFileException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a one-to-one ring: {@code NAME} itself (the producer region: records, tail, producer
 * heartbeat) and {@code NAME.consumer} (head, consumer heartbeat), so each side writes only its own
 * file and maps the other's read-only. A broker's Welcome carries {@code NAME}. Files are created
 * fully sized and zero-filled, owner-only, and published atomically, so a reader never maps a
 * half-made file; they are opened only after the owner, mode, link and size checks of
 * {@link OwnerOnlyFiles} pass. After both sides have mapped a ring, {@link #unlink}
 * removes the names so no new process can open the ring by path.
 */
public final class RingFiles
{
    /** Suffix of the consumer region's file. */
    public static final String CONSUMER_SUFFIX = ".consumer";

    private static final int ZERO_CHUNK = 64 * 1024;

    private final OwnerOnlyFiles files;

    /**
     * Ring files under a file policy.
     *
     * @param files creates and checks files under the policy (owner-only, or an explicit group).
     */
    public RingFiles(final OwnerOnlyFiles files)
    {
        this.files = files;
    }

    /**
     * Path of a ring's producer region file: the ring's own path.
     *
     * @param ring the ring's path.
     * @return the file.
     */
    public static Path producerFile(final Path ring)
    {
        return ring;
    }

    /**
     * Path of a ring's consumer region file.
     *
     * @param ring the ring's path.
     * @return the file beside it.
     */
    public static Path consumerFile(final Path ring)
    {
        return ring.resolveSibling(ring.getFileName() + CONSUMER_SUFFIX);
    }

    /**
     * Create both files of a new, empty ring: zero-filled at their final size, owner-only, each
     * published atomically under a name that must not exist yet.
     *
     * @param ring     the ring's path without suffix; its folder must pass the folder checks.
     * @param capacity of the records, a power of two.
     * @throws SecureFileException if a file exists already, the folder fails a check, or I/O fails.
     */
    public void create(final Path ring, final int capacity) throws SecureFileException
    {
        files.publish(producerFile(ring),
            (channel) -> zeroFill(channel, OneToOneRingDescriptor.producerRegionLength(capacity)));
        try
        {
            files.publish(consumerFile(ring),
                (channel) -> zeroFill(channel, OneToOneRingDescriptor.CONSUMER_REGION_LENGTH));
        }
        catch (final SecureFileException | RuntimeException ex)
        {
            deleteQuietly(producerFile(ring));
            throw ex;
        }
    }

    /**
     * Map a ring as its producer: the producer region writable, the consumer region read-only.
     *
     * @param ring     the ring's path without suffix.
     * @param capacity of the records expected; each file's size must match it.
     * @return the mapped regions.
     * @throws SecureFileException if a file fails a check.
     * @throws IOException         if mapping fails.
     */
    public MappedRing mapAsProducer(final Path ring, final int capacity) throws SecureFileException, IOException
    {
        return map(ring, capacity, true);
    }

    /**
     * Map a ring as its consumer: the producer region read-only, the consumer region writable.
     *
     * @param ring     the ring's path without suffix.
     * @param capacity of the records expected; each file's size must match it.
     * @return the mapped regions.
     * @throws SecureFileException if a file fails a check.
     * @throws IOException         if mapping fails.
     */
    public MappedRing mapAsConsumer(final Path ring, final int capacity) throws SecureFileException, IOException
    {
        return map(ring, capacity, false);
    }

    /**
     * Remove both names of a ring; mappings stay valid, but no new process can open it by path.
     *
     * @param ring the ring's path without suffix.
     * @throws IOException if a name cannot be removed.
     */
    public static void unlink(final Path ring) throws IOException
    {
        Files.deleteIfExists(producerFile(ring));
        Files.deleteIfExists(consumerFile(ring));
    }

    private MappedRing map(final Path ring, final int capacity, final boolean producer)
            throws SecureFileException, IOException
    {
        final long producerLength = OneToOneRingDescriptor.producerRegionLength(capacity);
        final long consumerLength = OneToOneRingDescriptor.CONSUMER_REGION_LENGTH;
        try (FileChannel producerChannel = files.openForMapping(producerFile(ring), producerLength, producer);
            FileChannel consumerChannel = files.openForMapping(consumerFile(ring), consumerLength, !producer))
        {
            final MappedByteBuffer producerMapping = producerChannel.map(
                producer ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, producerLength);
            final MappedByteBuffer consumerMapping = consumerChannel.map(
                producer ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, 0, consumerLength);
            return new MappedRing(producerMapping, consumerMapping);
        }
    }

    /**
     * Remove a ring's two files quietly, for cleanup (a half-made ring, or a session that ended).
     *
     * @param ring the ring's path.
     */
    public static void delete(final Path ring)
    {
        deleteQuietly(consumerFile(ring));
        deleteQuietly(producerFile(ring));
    }

    static void zeroFill(final FileChannel channel, final long length) throws IOException
    {
        // Real zeros rather than a sparse file: the pages exist now, so a full tmpfs fails here, not as SIGBUS later.
        final ByteBuffer zeros = ByteBuffer.allocate((int)Math.min(ZERO_CHUNK, length));
        long written = 0;
        while (written < length)
        {
            zeros.clear();
            zeros.limit((int)Math.min(zeros.capacity(), length - written));
            written += channel.write(zeros, written);
        }
    }

    private static void deleteQuietly(final Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            // Best effort: the owner-only folder keeps a leftover private meanwhile.
        }
    }
}
