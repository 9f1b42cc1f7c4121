package io.bastion.bench.latency;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * The {@code aeron-ipc} case: an Aeron client on a running media driver's folder, with a publication on
 * {@value #CHANNEL} for one stream and a subscription to the other. Every message fits one fragment (the suite's
 * largest, 1,024 bytes, is below the IPC MTU), so one poll of one fragment reads one message.
 */
final class AeronIpcDuplex implements Duplex, FragmentHandler
{
    /** The channel both streams use. */
    static final String CHANNEL = "aeron:ipc";
    /** The stream the pinger publishes on. */
    static final int PING_STREAM = 1001;
    /** The stream the ponger publishes on. */
    static final int PONG_STREAM = 1002;

    private final Aeron aeron;
    private final Publication publication;
    private final Subscription subscription;
    private MessageSink sink;

    /**
     * Connect to a media driver and add the two streams.
     *
     * @param aeronDirectory the driver's folder.
     * @param sendStream     the stream this side publishes on.
     * @param receiveStream  the stream this side subscribes to.
     */
    AeronIpcDuplex(final String aeronDirectory, final int sendStream, final int receiveStream)
    {
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory));
        Publication addedPublication = null;
        try
        {
            addedPublication = aeron.addExclusivePublication(CHANNEL, sendStream);
            subscription = aeron.addSubscription(CHANNEL, receiveStream);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(addedPublication);
            aeron.close();
            throw ex;
        }
        publication = addedPublication;
    }

    @Override
    public boolean offer(final DirectBuffer buffer, final int length)
    {
        final long result = publication.offer(buffer, 0, length);
        if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
        {
            throw new IllegalStateException("the Aeron publication failed: " + Publication.errorString(result));
        }
        return result > 0;
    }

    @Override
    public int poll(final MessageSink sink)
    {
        this.sink = sink;
        return subscription.poll(this, 1);
    }

    @Override
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        sink.onMessage(buffer, offset, length);
    }

    @Override
    public int doWork()
    {
        return 0;
    }

    @Override
    public boolean isConnected()
    {
        return publication.isConnected() && subscription.isConnected();
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(publication, subscription, aeron);
    }
}
