package io.bastion.channel;

import io.bastion.channel.shm.MappedRegion;
import io.bastion.channel.shm.SharedMemory;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;

import java.io.IOException;

/**
 * A many-to-one ring as one anonymous memory region (Linux {@code memfd}) sealed against shrinking and growing, held
 * as an open descriptor: the ring of a {@link ConcurrentPublisher}. Like a {@link SealedRing} it has no name in any
 * folder and reaches a party only as a descriptor the broker sends over its socket ({@code SCM_RIGHTS}), and no party
 * can truncate it, so a mapping of it cannot fault.
 * <p>
 * <b>One region, writable by both sides.</b> Unlike the one-to-one ring, whose consumer maps the producer's region
 * read-only, a many-to-one ring's consumer writes into the records themselves: it zeroes what it has read (see
 * {@code docs/many-to-one-ring.md}), and its head sits in the same region as the tail. So the broker hands the
 * publisher and the subscriber the same read-write descriptor. What that means (a subscriber can rewrite the
 * publisher's records and its tail) is in {@code SECURITY.md} and {@code docs/concurrent-publisher.md}: nothing it
 * writes can get a frame dispatched that the publisher's lanes did not seal, nor make a producer write outside the
 * ring, but it can corrupt or drop what the publisher sends it, as it could by not reading at all.
 * <p>
 * The broker {@link #create creates} the ring and keeps it for as long as the publishing session lives; a party
 * wraps what it {@link #received received} and maps it once ({@link #map()}); the mapping outlives the descriptor,
 * which {@link #close()} releases. Not thread safe.
 */
public final class SealedManyToOneRing implements AutoCloseable
{
    private static final int NONE = -1;

    private final int capacity;
    private final boolean created;
    private int region;

    private SealedManyToOneRing(final int capacity, final int region, final boolean created)
    {
        this.capacity = capacity;
        this.region = region;
        this.created = created;
    }

    /**
     * Create a new, zero-filled ring (the broker's side).
     *
     * @param capacity record capacity, a power of two the ring accepts.
     * @return the ring, holding its read-write descriptor.
     * @throws IOException if the region cannot be created or sealed.
     */
    public static SealedManyToOneRing create(final int capacity) throws IOException
    {
        return new SealedManyToOneRing(capacity,
            SharedMemory.createSealed("bastion-shared-ring", ManyToOneRingDescriptor.regionLength(capacity)), true);
    }

    /**
     * Wrap the descriptor a party received; this object then owns it.
     *
     * @param capacity record capacity the broker announced.
     * @param region   the region's descriptor.
     * @return the ring, to map once.
     */
    public static SealedManyToOneRing received(final int capacity, final int region)
    {
        return new SealedManyToOneRing(capacity, region, false);
    }

    /**
     * Record capacity.
     *
     * @return bytes.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * What the broker sends the publisher: the region, read-write. The number stays this object's; the socket sends a
     * copy.
     *
     * @return the one descriptor.
     */
    public int[] producerSideDescriptors()
    {
        requireCreated();
        return new int[]{region};
    }

    /**
     * What the broker sends the subscriber: the same region, read-write, since the consumer zeroes what it reads and
     * publishes its head in it.
     *
     * @return the one descriptor.
     */
    public int[] consumerSideDescriptors()
    {
        requireCreated();
        return new int[]{region};
    }

    /**
     * Map a received ring read-write, after checking that the region is sealed and of the size its capacity implies.
     *
     * @return the mapping; it stays valid after {@link #close()}.
     * @throws IOException if the check or the mapping fails ({@link io.bastion.channel.shm.SharedMemoryException} for a
     *                     region that is not sealed or not of its size).
     */
    public MappedRegion map() throws IOException
    {
        if (NONE == region)
        {
            throw new IllegalStateException("closed");
        }
        final long length = ManyToOneRingDescriptor.regionLength(capacity);
        SharedMemory.checkSealed(region, length);
        return SharedMemory.map(region, length, true);
    }

    /**
     * Close the descriptor; mappings made from it stay valid. Idempotent.
     */
    @Override
    public void close()
    {
        if (NONE != region)
        {
            SharedMemory.close(region);
            region = NONE;
        }
    }

    private void requireCreated()
    {
        if (!created || NONE == region)
        {
            throw new IllegalStateException("only an open ring this process created can be handed over");
        }
    }
}
