package io.bastion.tools.inspect;

import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.RingCapacity;

/**
 * The two ring layouts a ring file can have, as {@code bastion inspect} reads them: where each word lies, as
 * {@link OneToOneRingDescriptor} and {@link ManyToOneRingDescriptor} define it.
 */
enum RingLayout
{
    /** Producer region in the ring file, head and consumer heartbeat in {@code <ring>.consumer}. */
    ONE_TO_ONE("one-to-one", OneToOneRingDescriptor.PRODUCER_TRAILER_LENGTH,
        OneToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET, -1),

    /** One region for every word, shared by the producers of one principal and the consumer. */
    MANY_TO_ONE("many-to-one", ManyToOneRingDescriptor.TRAILER_LENGTH,
        ManyToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET, ManyToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET);

    private final String label;
    private final int trailerLength;
    private final int producerHeartbeatOffset;
    private final int consumerHeartbeatOffset;

    RingLayout(
        final String label,
        final int trailerLength,
        final int producerHeartbeatOffset,
        final int consumerHeartbeatOffset)
    {
        this.label = label;
        this.trailerLength = trailerLength;
        this.producerHeartbeatOffset = producerHeartbeatOffset;
        this.consumerHeartbeatOffset = consumerHeartbeatOffset;
    }

    /**
     * The name people use.
     *
     * @return e.g. {@code one-to-one}.
     */
    String label()
    {
        return label;
    }

    /**
     * Bytes after the records in the ring file.
     *
     * @return the trailer length.
     */
    int trailerLength()
    {
        return trailerLength;
    }

    /**
     * Offset of the tail from the end of the records (both layouts put it first in the trailer).
     *
     * @return the offset.
     */
    int tailOffset()
    {
        return this == ONE_TO_ONE ? OneToOneRingDescriptor.TAIL_POSITION_OFFSET :
            ManyToOneRingDescriptor.TAIL_POSITION_OFFSET;
    }

    /**
     * Offset of the producer heartbeat from the end of the records.
     *
     * @return the offset.
     */
    int producerHeartbeatOffset()
    {
        return producerHeartbeatOffset;
    }

    /**
     * Offset of the consumer heartbeat from the end of the records in the ring file.
     *
     * @return the offset, or -1 when it lives in the consumer file.
     */
    int consumerHeartbeatOffset()
    {
        return consumerHeartbeatOffset;
    }

    /**
     * The capacity of the records a ring file of this size holds, if the size fits this layout.
     *
     * @param fileSize the ring file's size.
     * @return the capacity, or -1 if no valid capacity gives this size.
     */
    int capacityOf(final long fileSize)
    {
        final long capacity = fileSize - trailerLength;
        if (!RingCapacity.isValid(capacity))
        {
            return -1;
        }
        return (int)capacity;
    }
}
