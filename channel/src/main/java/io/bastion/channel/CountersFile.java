package io.bastion.channel;

import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.files.SecureFileException;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * An owner-only file holding Agrona counters: a header, then the metadata section, then the
 * values section, so that {@code bastion stat} can read the live counters of a running process the
 * way AeronStat reads Aeron's.
 * <pre>
 *  +------------------------------------+  0
 *  | magic (int), version (int)         |
 *  | metadata length (int)              |
 *  | values length (int)                |
 *  +------------------------------------+  HEADER_LENGTH
 *  | metadata: labels, type ids         |
 *  +------------------------------------+
 *  | values: one 128-byte slot each     |
 *  +------------------------------------+
 * </pre>
 */
public final class CountersFile implements AutoCloseable
{
    /** Identifies a Bastion counters file. */
    public static final int MAGIC = 0x42435452;

    /** Layout version of the file. */
    public static final int VERSION = 1;

    /** Bytes before the metadata section. */
    public static final int HEADER_LENGTH = 64;

    /** Offset of the magic number. */
    public static final int MAGIC_OFFSET = 0;

    /** Offset of the layout version. */
    public static final int VERSION_OFFSET = 4;

    /** Offset of the metadata section's length. */
    public static final int METADATA_LENGTH_OFFSET = 8;

    /** Offset of the values section's length. */
    public static final int VALUES_LENGTH_OFFSET = 12;

    private final MappedByteBuffer mapping;
    private final UnsafeBuffer metadata;
    private final UnsafeBuffer values;

    private CountersFile(final MappedByteBuffer mapping, final int metadataLength, final int valuesLength)
    {
        this.mapping = mapping;
        final UnsafeBuffer whole = new UnsafeBuffer(mapping);
        this.metadata = new UnsafeBuffer(whole, HEADER_LENGTH, metadataLength);
        this.values = new UnsafeBuffer(whole, HEADER_LENGTH + metadataLength, valuesLength);
    }

    /**
     * Create a counters file for {@code counters} counters, owner-only and published atomically.
     *
     * @param files    creates files under the policy.
     * @param path     the file; must not exist yet.
     * @param counters how many counters it can hold.
     * @return the file, mapped read-write; allocate counters with {@link #manager()}.
     * @throws SecureFileException if the file exists or a check fails.
     * @throws IOException         if mapping fails.
     */
    public static CountersFile create(final OwnerOnlyFiles files, final Path path, final int counters)
            throws SecureFileException, IOException
    {
        final int valuesLength = counters * CountersReader.COUNTER_LENGTH;
        final int metadataLength = counters * CountersReader.METADATA_LENGTH;
        final int length = HEADER_LENGTH + metadataLength + valuesLength;
        files.publish(path, (channel) ->
        {
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.nativeOrder());
            header.putInt(MAGIC_OFFSET, MAGIC).putInt(VERSION_OFFSET, VERSION)
                .putInt(METADATA_LENGTH_OFFSET, metadataLength).putInt(VALUES_LENGTH_OFFSET, valuesLength);
            // Every page written, not a sparse file: a full tmpfs then fails here, not as a fault in a mapping later.
            RingFiles.zeroFill(channel, length);
            channel.write(header, 0);
        });
        return map(files, path, length, metadataLength, valuesLength, true);
    }

    /**
     * Open an existing counters file to read it, after the file checks and a header check.
     *
     * @param files checks the file under the policy.
     * @param path  the file.
     * @return the file, mapped read-only; read it with {@link #reader()}.
     * @throws SecureFileException if a check fails.
     * @throws IOException         if the header is not a Bastion counters header or mapping fails.
     */
    public static CountersFile openForReading(final OwnerOnlyFiles files, final Path path)
            throws SecureFileException, IOException
    {
        final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.nativeOrder());
        final long size;
        try (FileChannel channel = files.openForMapping(path, -1, false))
        {
            size = channel.size();
            channel.read(header, 0);
        }
        final int magic = header.getInt(MAGIC_OFFSET);
        final int version = header.getInt(VERSION_OFFSET);
        final int metadataLength = header.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
        if (magic != MAGIC || version != VERSION || metadataLength < 0 || valuesLength < 0 ||
            (long)HEADER_LENGTH + metadataLength + valuesLength != size)
        {
            throw new IOException("not a Bastion counters file (or a corrupt one): " + path);
        }
        return map(files, path, (int)size, metadataLength, valuesLength, false);
    }

    /**
     * A manager to allocate counters in this file. Not thread safe: allocate from one thread.
     *
     * @return a new manager over the file's sections.
     */
    public CountersManager manager()
    {
        return new CountersManager(metadata, values);
    }

    /**
     * A reader of the counters in this file.
     *
     * @return a new reader over the file's sections.
     */
    public CountersReader reader()
    {
        return new CountersReader(metadata, values);
    }

    /**
     * Unmap the file.
     */
    public void close()
    {
        IoUtil.unmap(mapping);
    }

    private static CountersFile map(
        final OwnerOnlyFiles files,
        final Path path,
        final int length,
        final int metadataLength,
        final int valuesLength,
        final boolean writable) throws SecureFileException, IOException
    {
        try (FileChannel channel = files.openForMapping(path, length, writable))
        {
            final MappedByteBuffer mapping = channel.map(
                writable ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0, length);
            return new CountersFile(mapping, metadataLength, valuesLength);
        }
    }
}
