package io.bastion.bench.latency;

import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RecordHandler;
import io.bastion.ringbuffer.RingStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;

/**
 * The {@code bastion-plain} case: Bastion's one-to-one ring without sealing, one ring each way, through its public
 * {@code write} and {@code read} only. The regions are mapped by the caller ({@link SharedFolder}).
 */
final class PlainRingDuplex implements Duplex, RecordHandler
{
    /** The type id every message carries. */
    static final int TYPE_ID = 1;

    private final OneToOneRingProducer producer;
    private final OneToOneRingConsumer consumer;
    private MessageSink sink;

    /**
     * Attach to two rings.
     *
     * @param sendRegions    the producer and consumer regions of the ring this side writes.
     * @param receiveRegions the producer and consumer regions of the ring this side reads.
     */
    PlainRingDuplex(final AtomicBuffer[] sendRegions, final AtomicBuffer[] receiveRegions)
    {
        producer = new OneToOneRingProducer(sendRegions[0], sendRegions[1], SystemEpochClock.INSTANCE);
        consumer = new OneToOneRingConsumer(receiveRegions[0], receiveRegions[1], SystemEpochClock.INSTANCE);
    }

    @Override
    public boolean offer(final DirectBuffer buffer, final int length)
    {
        final long result = producer.write(TYPE_ID, buffer, 0, length);
        if (RingStatus.CORRUPT == result)
        {
            throw new IllegalStateException("the ping-pong ring faulted: " + producer.fault());
        }
        return result > 0;
    }

    @Override
    public int poll(final MessageSink sink)
    {
        this.sink = sink;
        final int read = consumer.read(this, 1);
        if (read < 0)
        {
            throw new IllegalStateException("the ping-pong ring faulted: " + consumer.fault());
        }
        return read;
    }

    @Override
    public void onRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        sink.onMessage(buffer, offset, length);
    }

    @Override
    public int doWork()
    {
        producer.producerHeartbeat();
        consumer.consumerHeartbeat();
        return 0;
    }

    @Override
    public boolean isConnected()
    {
        return true;
    }

    @Override
    public void close()
    {
        // The mappings belong to the caller.
    }
}
