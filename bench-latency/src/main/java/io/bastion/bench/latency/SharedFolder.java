package io.bastion.bench.latency;

import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The suite's private working folder, where a real deployment puts shared memory: {@code /dev/shm} (else the temp
 * folder), created {@code 0700} with a random name, holding the ring files ({@code 0600}), the broker's folder, the
 * Aeron driver's folder and the pongers' stderr. The process that creates it deletes it on {@link #close()}; a
 * ponger {@link #attach attaches} to it and only unmaps what it mapped.
 * <p>
 * Not thread safe.
 */
final class SharedFolder implements AutoCloseable
{
    private static final String PREFIX = "bastion-latency-";

    private final Path path;
    private final boolean owner;
    private final OwnerOnlyFiles files;
    private final List<MappedByteBuffer> mappings = new ArrayList<>();

    private SharedFolder(final Path path, final boolean owner, final OwnerOnlyFiles files)
    {
        this.path = path;
        this.owner = owner;
        this.files = files;
    }

    /**
     * Create a new private folder.
     *
     * @return the folder; close it to delete it and everything in it.
     * @throws IOException if it cannot be created.
     */
    static SharedFolder create() throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        final Path base = Files.isDirectory(shm) && Files.isWritable(shm) ?
            shm : Path.of(System.getProperty("java.io.tmpdir"));
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        final Path path = files.createDirectory(
            base.resolve(PREFIX + Long.toHexString(new SecureRandom().nextLong() >>> 1)));
        return new SharedFolder(path, true, files);
    }

    /**
     * Use a folder another process created, after checking it is owner-only.
     *
     * @param path the folder.
     * @return the folder; close it to unmap what was mapped through it.
     * @throws IOException if it is not an owner-only folder of this user.
     */
    static SharedFolder attach(final Path path) throws IOException
    {
        final OwnerOnlyFiles files = new OwnerOnlyFiles(FilePolicy.ownerOnly());
        files.ensureDirectory(path);
        return new SharedFolder(path, false, files);
    }

    /**
     * The folder.
     *
     * @return its path.
     */
    Path path()
    {
        return path;
    }

    /**
     * Create a new owner-only file of {@code length} zero bytes and map it.
     *
     * @param name   the file's name.
     * @param length its length in bytes.
     * @return a buffer over the whole mapping.
     * @throws IOException if it exists or cannot be created or mapped.
     */
    AtomicBuffer createMapped(final String name, final int length) throws IOException
    {
        try (FileChannel channel = files.createFile(path.resolve(name)))
        {
            channel.write(ByteBuffer.allocate(1), length - 1);
            return map(channel, length);
        }
    }

    /**
     * Map a file another process created in the folder, after checking it is owner-only and of its size.
     *
     * @param name   the file's name.
     * @param length the length it must have.
     * @return a buffer over the whole mapping.
     * @throws IOException if a check fails or it cannot be mapped.
     */
    AtomicBuffer mapExisting(final String name, final int length) throws IOException
    {
        try (FileChannel channel = files.openForMapping(path.resolve(name), length, true))
        {
            return map(channel, length);
        }
    }

    private AtomicBuffer map(final FileChannel channel, final int length) throws IOException
    {
        final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        mappings.add(mapped);
        return new UnsafeBuffer(mapped);
    }

    /**
     * Unmap everything mapped through this object and, in the process that created the folder, delete it.
     *
     * @throws IOException if the folder cannot be deleted.
     */
    @Override
    public void close() throws IOException
    {
        mappings.forEach(IoUtil::unmap);
        mappings.clear();
        if (owner && Files.exists(path))
        {
            deleteTree(path);
        }
    }

    /**
     * Delete a folder and everything under it, without following links.
     *
     * @param root the folder.
     * @throws IOException if something cannot be deleted.
     */
    static void deleteTree(final Path root) throws IOException
    {
        try (Stream<Path> walk = Files.walk(root))
        {
            final List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (final Path entry : paths)
            {
                Files.deleteIfExists(entry);
            }
        }
    }
}
