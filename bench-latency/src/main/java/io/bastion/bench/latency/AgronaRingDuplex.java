package io.bastion.bench.latency;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

/**
 * The {@code agrona} case: Agrona's {@link OneToOneRingBuffer}, one each way, each over one shared mapping (records
 * and trailer together, as Agrona lays them out).
 */
final class AgronaRingDuplex implements Duplex, MessageHandler
{
    /** The type id every message carries. */
    static final int TYPE_ID = 1;

    private final OneToOneRingBuffer send;
    private final OneToOneRingBuffer receive;
    private MessageSink sink;

    /**
     * Attach to two rings.
     *
     * @param send    the mapping of the ring this side writes.
     * @param receive the mapping of the ring this side reads.
     */
    AgronaRingDuplex(final AtomicBuffer send, final AtomicBuffer receive)
    {
        this.send = new OneToOneRingBuffer(send);
        this.receive = new OneToOneRingBuffer(receive);
    }

    @Override
    public boolean offer(final DirectBuffer buffer, final int length)
    {
        return send.write(TYPE_ID, buffer, 0, length);
    }

    @Override
    public int poll(final MessageSink sink)
    {
        this.sink = sink;
        return receive.read(this, 1);
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        sink.onMessage(buffer, index, length);
    }

    @Override
    public int doWork()
    {
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
