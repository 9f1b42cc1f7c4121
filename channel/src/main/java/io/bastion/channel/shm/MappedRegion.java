package io.bastion.channel.shm;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code MAP_SHARED} mapping of a memfd made by {@link SharedMemory#map}, seen through an Agrona buffer.
 * <p>
 * {@link #close()} unmaps it, once. Touching the buffer after that crashes the JVM (the address is no longer
 * mapped), as it does after Agrona's {@code IoUtil.unmap}: close only when no thread uses the buffer any more.
 * Writing through the buffer of a read-only region crashes the JVM the same way, since the buffer itself is not
 * read-only. The mapping does not depend on the descriptor: closing the descriptor leaves the region valid.
 */
public final class MappedRegion implements AutoCloseable
{
    private final long address;
    private final long length;
    private final boolean writable;
    private final UnsafeBuffer buffer;
    private final AtomicBoolean closed = new AtomicBoolean();

    MappedRegion(final long address, final long length, final boolean writable)
    {
        this.address = address;
        this.length = length;
        this.writable = writable;
        this.buffer = new UnsafeBuffer(address, (int)length);
    }

    /**
     * The mapped memory, wrapping the region's address and length.
     *
     * @return an {@link UnsafeBuffer} over the whole region; invalid once the region is closed.
     */
    public AtomicBuffer buffer()
    {
        return buffer;
    }

    /**
     * The length of the mapping.
     *
     * @return the length in bytes.
     */
    public long length()
    {
        return length;
    }

    /**
     * Whether the region was mapped with {@code PROT_WRITE}.
     *
     * @return true if writable, false if read-only.
     */
    public boolean isWritable()
    {
        return writable;
    }

    long address()
    {
        return address;
    }

    /**
     * Unmap the region ({@code munmap}); later calls do nothing. Do not touch {@link #buffer()} afterwards.
     */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            LibC.munmapQuietly(address, length);
        }
    }
}
