package io.bastion.channel;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.MappedByteBuffer;

/**
 * The two mapped regions of a one-to-one ring, as one side sees them: its own region writable,
 * the peer's read-only. Unmaps both on close; touching the buffers after that crashes the JVM.
 */
public final class MappedRing implements AutoCloseable
{
    private final MappedByteBuffer producerMapping;
    private final MappedByteBuffer consumerMapping;
    private final AtomicBuffer producerRegion;
    private final AtomicBuffer consumerRegion;

    MappedRing(final MappedByteBuffer producerMapping, final MappedByteBuffer consumerMapping)
    {
        this.producerMapping = producerMapping;
        this.consumerMapping = consumerMapping;
        this.producerRegion = new UnsafeBuffer(producerMapping);
        this.consumerRegion = new UnsafeBuffer(consumerMapping);
    }

    /**
     * The producer region: records, tail and producer heartbeat.
     *
     * @return the buffer (read-only mapping on the consumer side).
     */
    public AtomicBuffer producerRegion()
    {
        return producerRegion;
    }

    /**
     * The consumer region: head and consumer heartbeat.
     *
     * @return the buffer (read-only mapping on the producer side).
     */
    public AtomicBuffer consumerRegion()
    {
        return consumerRegion;
    }

    /**
     * Unmap both regions.
     */
    public void close()
    {
        IoUtil.unmap(producerMapping);
        IoUtil.unmap(consumerMapping);
    }
}
