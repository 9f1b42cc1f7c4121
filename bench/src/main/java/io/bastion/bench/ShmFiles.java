package io.bastion.bench;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory-mapped files in {@code /dev/shm} (or the temp folder where that is missing) for
 * benchmarks, so rings live where real deployments put them. Unmaps and deletes on close.
 */
public final class ShmFiles implements AutoCloseable
{
    private final List<MappedByteBuffer> mappings = new ArrayList<>();
    private final List<File> files = new ArrayList<>();
    private final File dir;

    /**
     * Files go in {@code /dev/shm} when it exists, else {@code java.io.tmpdir}.
     */
    public ShmFiles()
    {
        final File shm = new File("/dev/shm");
        dir = shm.isDirectory() ? shm : new File(System.getProperty("java.io.tmpdir"));
    }

    /**
     * Create, size and map a new zeroed file.
     *
     * @param name   a name unique within this process.
     * @param length of the file in bytes.
     * @return a buffer over the whole mapping.
     */
    public UnsafeBuffer map(final String name, final int length)
    {
        final File file = new File(dir, "bastion-bench-" + ProcessHandle.current().pid() + "-" + name);
        IoUtil.deleteIfExists(file);
        final MappedByteBuffer mapped = IoUtil.mapNewFile(file, length);
        files.add(file);
        mappings.add(mapped);
        return new UnsafeBuffer(mapped);
    }

    /**
     * The folder the files go in.
     *
     * @return {@code /dev/shm}, or the temp folder where that is missing.
     */
    public File directory()
    {
        return dir;
    }

    /**
     * Unmap and delete every file.
     */
    public void close()
    {
        mappings.forEach(IoUtil::unmap);
        files.forEach(IoUtil::deleteIfExists);
        mappings.clear();
        files.clear();
    }
}
