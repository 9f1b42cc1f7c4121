package io.bastion.channel;

import io.bastion.channel.shm.MappedRegion;
import io.bastion.channel.shm.SharedMemory;
import io.bastion.ringbuffer.OneToOneRingDescriptor;

import java.io.IOException;

/**
 * One subscriber's consumer region of a fan-out ring (its head and heartbeat, {@link OneToOneRingDescriptor}), as
 * anonymous memory ({@code memfd}) sealed against shrinking and growing, held as open descriptors. The broker
 * {@link #create creates} one for every publisher a subscriber of a fan-out channel reads, hands the subscriber the
 * read-write descriptor (beside the publisher's producer region, read-only) and the publisher the read-only one: only
 * that subscriber writes its head, and no subscriber can write another's, nor the records all of them read.
 * <p>
 * A publisher wraps the descriptor it {@link #received received} and {@link #mapReadOnly() maps} it once; the mapping
 * outlives the descriptors, which {@link #close()} releases.
 * <p>
 * Not thread safe; the broker hands descriptors from one thread at a time.
 */
public final class SealedConsumerRegion implements AutoCloseable
{
    private static final int NONE = -1;

    private int readWrite;
    private int readOnly;

    private SealedConsumerRegion(final int readWrite, final int readOnly)
    {
        this.readWrite = readWrite;
        this.readOnly = readOnly;
    }

    /**
     * Create a new, zero-filled consumer region (the broker's side).
     *
     * @return the region, holding a read-write and a read-only descriptor of it.
     * @throws IOException if it cannot be created or sealed.
     */
    public static SealedConsumerRegion create() throws IOException
    {
        final int fd =
            SharedMemory.createSealed("bastion-ring-consumer", OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        try
        {
            return new SealedConsumerRegion(fd, SharedMemory.readOnlyDescriptor(fd));
        }
        catch (final IOException | RuntimeException ex)
        {
            SharedMemory.close(fd);
            throw ex;
        }
    }

    /**
     * Wrap the read-only descriptor a publisher received; this object then owns it.
     *
     * @param readOnly the descriptor.
     * @return the region, to map once.
     */
    public static SealedConsumerRegion received(final int readOnly)
    {
        return new SealedConsumerRegion(NONE, readOnly);
    }

    /**
     * The descriptor the subscriber gets: the region read-write. The number stays this object's; the socket sends a
     * copy.
     *
     * @return the descriptor.
     * @throws IllegalStateException if this process did not create the region, or it is closed.
     */
    public int readWriteDescriptor()
    {
        if (NONE == readWrite)
        {
            throw new IllegalStateException("only a region this process created can be handed over");
        }
        return readWrite;
    }

    /**
     * The descriptor the publisher gets: the region read-only, its own open file description, so it cannot be mapped
     * writable.
     *
     * @return the descriptor.
     * @throws IllegalStateException if it is closed.
     */
    public int readOnlyDescriptor()
    {
        if (NONE == readOnly)
        {
            throw new IllegalStateException("closed");
        }
        return readOnly;
    }

    /**
     * Map the region read-only (the publisher's side), after checking it is sealed and of the consumer region's size.
     *
     * @return the mapping; it stays valid after {@link #close()}.
     * @throws IOException if a check or the mapping fails ({@link io.bastion.channel.shm.SharedMemoryException} for a
     *                     region that is not sealed or not of its size).
     */
    public MappedRegion mapReadOnly() throws IOException
    {
        final int fd = readOnlyDescriptor();
        SharedMemory.checkSealed(fd, OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
        return SharedMemory.map(fd, OneToOneRingDescriptor.CONSUMER_REGION_LENGTH, false);
    }

    /**
     * Close both descriptors; mappings made from them stay valid. Idempotent.
     */
    @Override
    public void close()
    {
        if (NONE != readWrite)
        {
            SharedMemory.close(readWrite);
            readWrite = NONE;
        }
        if (NONE != readOnly)
        {
            SharedMemory.close(readOnly);
            readOnly = NONE;
        }
    }
}
