package io.bastion.channel;

import io.bastion.channel.shm.MappedRegion;
import io.bastion.channel.shm.SharedMemory;
import io.bastion.ringbuffer.OneToOneRingDescriptor;

import java.io.IOException;

/**
 * A one-to-one ring as two anonymous memory regions (Linux {@code memfd}), sealed against shrinking and growing, held
 * as open descriptors: the producer region (records, tail, producer heartbeat) and the consumer region (head,
 * consumer heartbeat). Such a ring has no name in any folder, so no process can open it by path; it reaches a party
 * only as descriptors the broker sends over its socket ({@code SCM_RIGHTS}), and no party can truncate it, so a
 * mapping of it cannot fault.
 * <p>
 * The broker {@link #create creates} a ring and keeps it for as long as the publishing session lives; it hands each
 * side its two descriptors: {@link #producerSideDescriptors()} (producer region read-write, consumer region
 * read-only) and {@link #consumerSideDescriptors()} (the other way round). A read-only descriptor is its own open
 * file description, so it cannot be mapped writable. A party wraps what it {@link #received received} and maps it
 * once; the mapping outlives the descriptors, which {@link #close()} releases.
 * <p>
 * Not thread safe; the broker hands descriptors from one thread at a time.
 */
public final class SealedRing implements AutoCloseable
{
    private static final int NONE = -1;

    private final int capacity;
    private int producerRegion;
    private int consumerRegion;
    private int producerRegionReadOnly;
    private int consumerRegionReadOnly;

    private SealedRing(
        final int capacity,
        final int producerRegion,
        final int consumerRegion,
        final int producerRegionReadOnly,
        final int consumerRegionReadOnly)
    {
        this.capacity = capacity;
        this.producerRegion = producerRegion;
        this.consumerRegion = consumerRegion;
        this.producerRegionReadOnly = producerRegionReadOnly;
        this.consumerRegionReadOnly = consumerRegionReadOnly;
    }

    /**
     * Whether this platform can make sealed anonymous rings.
     *
     * @return true on Linux with {@code memfd_create}.
     */
    public static boolean isSupported()
    {
        return SharedMemory.isSupported();
    }

    /**
     * Create a new, zero-filled ring (the broker's side).
     *
     * @param capacity record capacity, a power of two the ring descriptor accepts.
     * @return the ring, holding read-write and read-only descriptors of both regions.
     * @throws IOException if a region cannot be created or sealed.
     */
    public static SealedRing create(final int capacity) throws IOException
    {
        final int[] fds = {NONE, NONE, NONE, NONE};
        try
        {
            fds[0] = SharedMemory.createSealed("bastion-ring", OneToOneRingDescriptor.producerRegionLength(capacity));
            fds[1] = SharedMemory.createSealed("bastion-ring-consumer", OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
            fds[2] = SharedMemory.readOnlyDescriptor(fds[0]);
            fds[3] = SharedMemory.readOnlyDescriptor(fds[1]);
            return new SealedRing(capacity, fds[0], fds[1], fds[2], fds[3]);
        }
        catch (final IOException | RuntimeException ex)
        {
            for (final int fd : fds)
            {
                if (NONE != fd)
                {
                    SharedMemory.close(fd);
                }
            }
            throw ex;
        }
    }

    /**
     * Wrap the two descriptors a party received; this object then owns them.
     *
     * @param capacity       record capacity the broker announced.
     * @param producerRegion the producer region's descriptor.
     * @param consumerRegion the consumer region's descriptor.
     * @return the ring, to map once.
     */
    public static SealedRing received(final int capacity, final int producerRegion, final int consumerRegion)
    {
        return new SealedRing(capacity, producerRegion, consumerRegion, NONE, NONE);
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
     * What the broker sends a publisher: the producer region read-write, the consumer region read-only. The numbers
     * stay this object's; the socket sends copies.
     *
     * @return the two descriptors, in that order.
     */
    public int[] producerSideDescriptors()
    {
        requireCreated();
        return new int[]{producerRegion, consumerRegionReadOnly};
    }

    /**
     * What the broker sends a subscriber: the producer region read-only, the consumer region read-write.
     *
     * @return the two descriptors, in that order.
     */
    public int[] consumerSideDescriptors()
    {
        requireCreated();
        return new int[]{producerRegionReadOnly, consumerRegion};
    }

    /**
     * Map a received ring as its producer, after checking that both regions are sealed and of the expected size.
     *
     * @return the mapping; it stays valid after {@link #close()}.
     * @throws IOException if a check or a mapping fails ({@link io.bastion.channel.shm.SharedMemoryException} for a
     *                     region that is not sealed or not of its size).
     */
    public MappedRing mapAsProducer() throws IOException
    {
        return map(true, false);
    }

    /**
     * Map a received ring as its consumer, after the same checks as {@link #mapAsProducer()}.
     *
     * @return the mapping; it stays valid after {@link #close()}.
     * @throws IOException if a check or a mapping fails.
     */
    public MappedRing mapAsConsumer() throws IOException
    {
        return map(false, false);
    }

    /**
     * Map a received ring as one of several consumers that read the same producer region (fan-out): as
     * {@link #mapAsConsumer()}, and the producer region must be sealed against every new writer
     * ({@link SharedMemory#checkSealedAgainstWriters}), which its producer does as it maps it. Without that seal any
     * reader running as the region's owner could reopen its read-only descriptor writable through
     * {@code /proc/self/fd/N} and put frames in front of the other readers, which all hold the keys to seal them.
     *
     * @return the mapping; it stays valid after {@link #close()}.
     * @throws IOException if a check or a mapping fails ({@link io.bastion.channel.shm.SharedMemoryException} with
     *                     {@link io.bastion.channel.shm.SharedMemoryException.Reason#STILL_WRITABLE} for a producer
     *                     region without the seal).
     */
    public MappedRing mapAsSharedConsumer() throws IOException
    {
        return map(false, true);
    }

    /**
     * Close every descriptor this object holds; mappings made from them stay valid. Idempotent.
     */
    public void close()
    {
        producerRegion = closeQuietly(producerRegion);
        consumerRegion = closeQuietly(consumerRegion);
        producerRegionReadOnly = closeQuietly(producerRegionReadOnly);
        consumerRegionReadOnly = closeQuietly(consumerRegionReadOnly);
    }

    private MappedRing map(final boolean producer, final boolean sharedRegion) throws IOException
    {
        if (NONE == producerRegion || NONE == consumerRegion)
        {
            throw new IllegalStateException("closed");
        }
        final long producerLength = OneToOneRingDescriptor.producerRegionLength(capacity);
        final long consumerLength = OneToOneRingDescriptor.CONSUMER_REGION_LENGTH;
        if (sharedRegion)
        {
            SharedMemory.checkSealedAgainstWriters(producerRegion, producerLength);
        }
        else
        {
            SharedMemory.checkSealed(producerRegion, producerLength);
        }
        SharedMemory.checkSealed(consumerRegion, consumerLength);
        final MappedRegion producerMapping = SharedMemory.map(producerRegion, producerLength, producer);
        try
        {
            if (producer)
            {
                // This mapping is the region's only writer from now on: the broker hands readers their descriptors
                // only after the producer says it mapped (fan-out), so none of them could map it writable first.
                SharedMemory.sealFutureWrites(producerRegion);
            }
            return new MappedRing(producerMapping, SharedMemory.map(consumerRegion, consumerLength, !producer));
        }
        catch (final IOException | RuntimeException ex)
        {
            producerMapping.close();
            throw ex;
        }
    }

    private void requireCreated()
    {
        if (NONE == producerRegionReadOnly || NONE == consumerRegionReadOnly)
        {
            throw new IllegalStateException("only a ring this process created can be handed over");
        }
    }

    private static int closeQuietly(final int fd)
    {
        if (NONE != fd)
        {
            SharedMemory.close(fd);
        }
        return NONE;
    }
}
