package io.bastion.broker;

import io.bastion.channel.ConcurrentPublisher;
import io.bastion.channel.control.RingAllocation;
import io.bastion.channel.RingFiles;
import io.bastion.channel.SealedManyToOneRing;
import io.bastion.channel.SealedRing;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.RingCapacity;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.token.Right;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * The default {@link RingAllocator}: one fresh one-to-one ring per publishing session, or one many-to-one ring per
 * concurrent publisher's session ({@link #allocateConcurrent}, sealed rings only). Where the platform has it
 * (Linux), and unless told otherwise, the ring is a {@link SealedRing}: anonymous memory sealed against shrinking and
 * growing, with no name in any folder, handed to its parties as descriptors. Otherwise (the named-file fallback) it
 * is two owner-only files in one folder, zero-filled and published atomically through {@link OwnerOnlyFiles#publish}:
 * <pre>
 *  &lt;dir&gt;/&lt;sessionId hex&gt;-pub.ring            producer region of the ring the client writes
 *  &lt;dir&gt;/&lt;sessionId hex&gt;-pub.ring.consumer   consumer region of that ring
 * </pre>
 * A producer region is {@link io.bastion.ringbuffer.OneToOneRingDescriptor#producerRegionLength(int)} bytes, a
 * consumer region {@link io.bastion.ringbuffer.OneToOneRingDescriptor#CONSUMER_REGION_LENGTH}. Channel names never
 * appear in file names. A channel's id is {@link ChannelIds#of(String)} of its name, the same on every broker; a
 * second name whose id is already another channel's is refused ({@link RejectReason#CHANNEL_ID_TAKEN}), for the life
 * of this allocator. Producer ids are handed out from 1 per channel; a relay's ({@link #allocateRelay}) is the
 * origin's, refused while another session of the channel holds it ({@link RejectReason#PRODUCER_ID_IN_USE}). Thread
 * safe.
 */
public final class OwnerOnlyRingAllocator implements RingAllocator
{
    /** Suffix of a ring's producer-region file, after the session id in hex. */
    public static final String RING_SUFFIX = "-pub.ring";
    /** Suffix of a ring's consumer-region file, after its producer-region file name. */
    public static final String CONSUMER_REGION_SUFFIX = RingFiles.CONSUMER_SUFFIX;

    private final Path directory;
    private final int capacity;
    private final OwnerOnlyFiles files;
    private final RingFiles ringFiles;
    private final boolean sealedRings;
    private final ConcurrentHashMap<String, Integer> channelIds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, String> channelNames = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, AtomicInteger> producerIds = new ConcurrentHashMap<>();
    private final Set<Long> relayProducerIds = new HashSet<>();
    private volatile ToIntFunction<String> channelIdFunction = ChannelIds::of;

    /**
     * An allocator.
     *
     * @param directory folder for ring files; created owner-only if missing, checked if present.
     * @param capacity  record capacity of each ring: a power of two from {@link RingCapacity#MIN_CAPACITY} to
     *                  {@link RingCapacity#MAX_CAPACITY}.
     * @param policy    the file policy (owner, modes).
     * @throws IOException if the folder fails its check.
     */
    public OwnerOnlyRingAllocator(final Path directory, final int capacity, final FilePolicy policy)
            throws IOException
    {
        this(directory, capacity, policy, SealedRing.isSupported());
    }

    /**
     * An allocator that makes sealed anonymous rings or named ring files, as told.
     *
     * @param directory   folder for ring files; created owner-only if missing, checked if present.
     * @param capacity    record capacity of each ring, as for {@link #OwnerOnlyRingAllocator(Path, int, FilePolicy)}.
     * @param policy      the file policy (owner, modes).
     * @param sealedRings true for sealed anonymous rings (the platform must support them), false for named files.
     * @throws IOException if the folder fails its check.
     */
    public OwnerOnlyRingAllocator(
        final Path directory, final int capacity, final FilePolicy policy, final boolean sealedRings)
            throws IOException
    {
        if (sealedRings && !SealedRing.isSupported())
        {
            throw new IllegalArgumentException("sealed rings need memfd_create (Linux)");
        }
        this.sealedRings = sealedRings;
        if (!RingCapacity.isValid(capacity))
        {
            throw new IllegalArgumentException("ring capacity must be a power of two in [" +
                RingCapacity.MIN_CAPACITY + ", " + RingCapacity.MAX_CAPACITY + "]: " + capacity);
        }
        this.files = new OwnerOnlyFiles(policy);
        this.ringFiles = new RingFiles(files);
        this.directory = files.ensureDirectory(directory);
        this.capacity = capacity;
    }

    /**
     * Whether this allocator makes sealed anonymous rings rather than named files.
     *
     * @return true for sealed rings.
     */
    public boolean sealedRings()
    {
        return sealedRings;
    }

    /**
     * Record capacity of the rings this allocator creates.
     *
     * @return the capacity in bytes.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * {@inheritDoc}
     * <p>
     * A {@link Right#PUBLISH} session gets the ring it writes and a producer id unique within its channel (from 1);
     * a {@link Right#SUBSCRIBE} or {@link Right#ADMIN} session gets no ring, since a subscriber reads the publishers'
     * rings, which the broker announces to it.
     */
    @Override
    public RingAllocation allocate(
        final String subject, final String channel, final Right right, final long sessionId) throws IOException
    {
        final int channelId = channelId(channel);
        if (Right.PUBLISH != right)
        {
            return new RingAllocation(channelId, 0, 0, null, null);
        }
        final int producerId = producerIds.computeIfAbsent(channelId, (id) -> new AtomicInteger(1)).getAndIncrement();
        if (sealedRings)
        {
            return new RingAllocation(channelId, producerId, capacity, SealedRing.create(capacity));
        }
        final Path publish = createRing(directory.resolve(Long.toHexString(sessionId) + RING_SUFFIX));
        return new RingAllocation(channelId, producerId, capacity, publish, null);
    }

    /**
     * {@inheritDoc}
     * <p>
     * With sealed rings: a {@link SealedManyToOneRing} of this allocator's capacity, and the next block of
     * {@link ConcurrentPublisher#MAX_LANES} producer ids of the channel. On the named-file fallback a concurrent
     * session is refused ({@link RejectReason#CHANNEL_CLOSED}): a many-to-one ring's consumer writes into the records,
     * so as a named file it could be mapped writable by any process of the user, the one thing sealed memory rules
     * out.
     */
    @Override
    public RingAllocation allocateConcurrent(
        final String subject, final String channel, final long sessionId, final int lanes) throws IOException
    {
        if (!sealedRings)
        {
            throw new AllocationRefusedException(RejectReason.CHANNEL_CLOSED,
                "a concurrent publisher needs sealed rings (memfd); this broker makes named ring files");
        }
        final int channelId = channelId(channel);
        final int firstProducerId = producerIds.computeIfAbsent(channelId, (id) -> new AtomicInteger(1))
            .getAndAdd(ConcurrentPublisher.MAX_LANES);
        if (firstProducerId < 1 || firstProducerId > Integer.MAX_VALUE - 2 * ConcurrentPublisher.MAX_LANES)
        {
            throw new AllocationRefusedException(RejectReason.RATE_LIMITED, "the channel's producer ids ran out");
        }
        return RingAllocation.concurrent(
            channelId, firstProducerId, lanes, capacity, SealedManyToOneRing.create(capacity));
    }

    /**
     * {@inheritDoc}
     * <p>
     * A ring exactly as a publisher's ({@link #allocate}), under the origin producer id the relay declared, which
     * stays taken in the channel until {@link #release}.
     */
    @Override
    public RingAllocation allocateRelay(
        final String subject, final String channel, final long sessionId, final int originProducerId)
            throws IOException
    {
        if (originProducerId <= 0)
        {
            throw new AllocationRefusedException(RejectReason.PROTOCOL_VIOLATION,
                "origin producer id " + originProducerId + " is not positive");
        }
        final int channelId = channelId(channel);
        final long key = relayKey(channelId, originProducerId);
        synchronized (relayProducerIds)
        {
            if (!relayProducerIds.add(key))
            {
                throw new AllocationRefusedException(RejectReason.PRODUCER_ID_IN_USE,
                    "origin producer id " + originProducerId + " is in use on channel " + channel);
            }
        }
        try
        {
            if (sealedRings)
            {
                return new RingAllocation(channelId, originProducerId, capacity, SealedRing.create(capacity));
            }
            final Path publish = createRing(directory.resolve(Long.toHexString(sessionId) + RING_SUFFIX));
            return new RingAllocation(channelId, originProducerId, capacity, publish, null);
        }
        catch (final IOException | RuntimeException ex)
        {
            synchronized (relayProducerIds)
            {
                relayProducerIds.remove(key);
            }
            throw ex;
        }
    }

    /**
     * The id of a channel: {@link ChannelIds#of(String)}, the same on every broker, unless that id is already
     * another channel's here.
     *
     * @param channel the channel name.
     * @return its id.
     * @throws AllocationRefusedException {@link RejectReason#CHANNEL_ID_TAKEN} when another name holds the id.
     */
    int channelId(final String channel) throws AllocationRefusedException
    {
        final Integer known = channelIds.get(channel);
        if (null != known)
        {
            return known;
        }
        final int id = channelIdFunction.applyAsInt(channel);
        final String holder = channelNames.putIfAbsent(id, channel);
        if (null != holder && !holder.equals(channel))
        {
            throw new AllocationRefusedException(RejectReason.CHANNEL_ID_TAKEN,
                "channel id " + id + " of " + channel + " is already the id of channel " + holder);
        }
        channelIds.put(channel, id);
        return id;
    }

    /**
     * Test seam: compute channel ids with another function, to provoke a collision. Call before any allocation.
     *
     * @param function name to id.
     */
    void channelIdFunction(final ToIntFunction<String> function)
    {
        this.channelIdFunction = function;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Deletes the allocation's ring files, or closes its sealed ring's descriptors (the memory goes once the
     * parties unmap it too). A relay's origin producer id is free again.
     */
    @Override
    public void release(
        final RingAllocation allocation, final String channel, final Right right, final long sessionId)
    {
        if (Right.RELAY == right)
        {
            synchronized (relayProducerIds)
            {
                relayProducerIds.remove(relayKey(allocation.channelId(), allocation.producerId()));
            }
        }
        if (null != allocation.sealedRing())
        {
            allocation.sealedRing().close();
        }
        if (null != allocation.sharedRing())
        {
            allocation.sharedRing().close();
        }
        if (null != allocation.publishRingPath())
        {
            deleteRing(allocation.publishRingPath());
        }
        if (null != allocation.subscribeRingPath())
        {
            deleteRing(allocation.subscribeRingPath());
        }
    }

    /**
     * Remove the ring files a broker that died left in this allocator's folder (names ending {@value #RING_SUFFIX}
     * and their consumer regions). Call only while holding the broker socket, so that no live broker owns them;
     * processes that still map such a ring keep their mapping.
     *
     * @return how many rings were removed.
     * @throws IOException if the folder cannot be listed.
     */
    public int removeStaleRings() throws IOException
    {
        int removed = 0;
        try (DirectoryStream<Path> rings = Files.newDirectoryStream(directory, "*" + RING_SUFFIX))
        {
            for (final Path ring : rings)
            {
                if (Files.isRegularFile(ring, LinkOption.NOFOLLOW_LINKS))
                {
                    deleteRing(ring);
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * Remove a ring's two files, for instance when its session ends.
     *
     * @param producerRegionPath the ring's producer region path.
     */
    public static void deleteRing(final Path producerRegionPath)
    {
        RingFiles.delete(producerRegionPath);
    }

    private static long relayKey(final int channelId, final int producerId)
    {
        return ((long)channelId << 32) | (producerId & 0xFFFF_FFFFL);
    }

    private Path createRing(final Path producerRegion) throws IOException
    {
        ringFiles.create(producerRegion, capacity);
        return producerRegion;
    }
}
