package io.bastion.tools.demo;

import io.bastion.channel.Publisher;
import io.bastion.channel.RingFiles;
import io.bastion.channel.control.Session;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameReader;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.RecordDescriptor;
import io.bastion.security.files.OwnerOnlyFiles;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The demo's hostile process reading another publisher's ring file, read-only, as any process of the same user
 * can: it follows the ring's tail and copies the frames of one channel that another producer wrote, checking after
 * each copy that the producer had not yet come round to overwrite what was copied.
 */
final class DemoRingWatch implements AutoCloseable
{
    private static final int MAX_FRAME = FrameDescriptor.frameLength(DemoPayload.MAX_LENGTH);
    // A record stays intact while the tail is less than a lap ahead of it, less what a claim in progress may cover.
    private static final int MARGIN = 2 * (MAX_FRAME + RecordDescriptor.HEADER_LENGTH);

    private final MappedByteBuffer mapping;
    private final UnsafeBuffer ring;
    private final int capacity;
    private final int tailOffset;
    private final FrameReader reader = new FrameReader(FrameValidator.strict());
    private long walked;
    private int producerSeen;

    private DemoRingWatch(final MappedByteBuffer mapping, final int capacity)
    {
        this.mapping = mapping;
        this.ring = new UnsafeBuffer(mapping);
        this.capacity = capacity;
        this.tailOffset = capacity + OneToOneRingDescriptor.TAIL_POSITION_OFFSET;
        this.walked = ring.getLongVolatile(tailOffset);
    }

    /**
     * Map a file if it looks like another session's ring: a regular file of a ring's size that is not the consumer
     * region of one, nor this session's own ring.
     *
     * @param files   checks the file the way the library does.
     * @param file    the candidate.
     * @param size    the size of a producer region of the broker's rings.
     * @param session this process's session.
     * @return the watch, or null if the file is not such a ring.
     * @throws IOException if a ring cannot be mapped.
     */
    static DemoRingWatch tryOpen(final OwnerOnlyFiles files, final Path file, final long size, final Session session)
            throws IOException
    {
        final int capacity = session.ringCapacity();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || file.equals(session.publishRingPath()) ||
            file.getFileName().toString().endsWith(RingFiles.CONSUMER_SUFFIX) || Files.size(file) != size ||
            MARGIN >= capacity)
        {
            return null;
        }
        try (FileChannel channel = files.openForMapping(file, size, false))
        {
            return new DemoRingWatch(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), capacity);
        }
    }

    /**
     * Copy the frames committed since the last call that carry {@code channelId} and another producer's id.
     *
     * @param copies      where the copies go.
     * @param wanted      stop once there are this many.
     * @param channelId   the channel whose frames to copy.
     * @param ownProducer this process's producer id, whose frames are not wanted.
     * @return true if the tail had moved.
     */
    boolean follow(final List<byte[]> copies, final int wanted, final int channelId, final int ownProducer)
    {
        final long tail = ring.getLongVolatile(tailOffset);
        if (tail == walked)
        {
            return false;
        }
        if (tail < walked || tail - walked > capacity - MARGIN)
        {
            // Lapped (or a ring that started over): the tail is always a record boundary, so go on from there.
            walked = tail;
            return true;
        }
        while (walked < tail && copies.size() < wanted)
        {
            final int index = (int)walked & (capacity - 1);
            final long header = ring.getLong(index);
            final int length = RecordDescriptor.lengthOf(header);
            if (length < RecordDescriptor.HEADER_LENGTH || RecordDescriptor.align(length) > tail - walked)
            {
                walked = tail;
                break;
            }
            final int frameLength = length - RecordDescriptor.HEADER_LENGTH;
            if (Publisher.FRAME_RECORD_TYPE == RecordDescriptor.typeOf(header) &&
                frameLength >= FrameDescriptor.MIN_FRAME_LENGTH && frameLength <= MAX_FRAME)
            {
                final byte[] copy = new byte[frameLength];
                ring.getBytes(index + RecordDescriptor.HEADER_LENGTH, copy);
                final boolean intact = ring.getLongVolatile(tailOffset) - walked <= capacity - MARGIN;
                if (intact && RejectReason.NONE == reader.wrapValidated(new UnsafeBuffer(copy), 0, frameLength) &&
                    reader.channelId() == channelId && reader.producerId() != ownProducer)
                {
                    producerSeen = reader.producerId();
                    copies.add(copy);
                }
            }
            walked += RecordDescriptor.align(length);
        }
        return true;
    }

    /**
     * The producer id of the last frame copied.
     *
     * @return the id, or 0 if none was copied.
     */
    int producerSeen()
    {
        return producerSeen;
    }

    /**
     * Unmap the ring.
     */
    @Override
    public void close()
    {
        IoUtil.unmap(mapping);
    }
}
