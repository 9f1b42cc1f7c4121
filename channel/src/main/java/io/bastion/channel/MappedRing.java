package io.bastion.channel;

import io.bastion.channel.shm.MappedRegion;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.MappedByteBuffer;

/**
 * The two mapped regions of a one-to-one ring, as one side sees them: its own region writable,
 * the peer's read-only. The regions come from named ring files ({@link RingFiles}) or from a
 * {@link SealedRing}'s descriptors. Unmaps both on close; touching the buffers after that crashes the JVM.
 */
public final class MappedRing implements AutoCloseable
{
    private final AtomicBuffer producerRegion;
    private final AtomicBuffer consumerRegion;
    private final Runnable unmap;
    private boolean closed;

    MappedRing(final MappedByteBuffer producerMapping, final MappedByteBuffer consumerMapping)
    {
        this.producerRegion = new UnsafeBuffer(producerMapping);
        this.consumerRegion = new UnsafeBuffer(consumerMapping);
        this.unmap = () ->
        {
            IoUtil.unmap(producerMapping);
            IoUtil.unmap(consumerMapping);
        };
    }

    MappedRing(final MappedRegion producerMapping, final MappedRegion consumerMapping)
    {
        this.producerRegion = producerMapping.buffer();
        this.consumerRegion = consumerMapping.buffer();
        this.unmap = () ->
        {
            producerMapping.close();
            consumerMapping.close();
        };
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
     * Unmap both regions. Idempotent.
     */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            unmap.run();
        }
    }
}
