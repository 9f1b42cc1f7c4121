package io.bastion.bench.latency;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

/**
 * The {@code aeron-udp} case: the {@code bridge} case without the bridge. An Aeron client on this side's own media
 * driver ({@link UdpDriver}, the same setup as the bridge's), a publication to the peer's endpoint and a subscription
 * on this side's, both on 127.0.0.1 with the bridge's MTU and term length. Every message travels as the same sealed
 * Bastion frame the {@code bridge} case sends ({@link SealedFrames}), as one plain Aeron message: what the two cases
 * differ by is the bridge's own work (its header, AES-GCM seal and open, the replay window, the frame's validation
 * and the copies).
 */
final class AeronUdpDuplex implements Duplex, FragmentHandler
{
    private final Aeron aeron;
    private final AutoCloseable driver;
    private final Publication publication;
    private final Subscription subscription;
    private final SealedFrames frames;
    private MessageSink sink;

    /**
     * Connect to a media driver and add the two channels.
     *
     * @param aeronDirectory the driver's folder.
     * @param driver         the driver, closed after the client.
     * @param localPort      the port this side receives on.
     * @param peerPort       the port the other side receives on.
     */
    AeronUdpDuplex(final String aeronDirectory, final AutoCloseable driver, final int localPort, final int peerPort)
    {
        this.driver = driver;
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory));
        Publication addedPublication = null;
        try
        {
            addedPublication = aeron.addPublication(UdpDriver.publicationChannel(peerPort), UdpDriver.STREAM_ID);
            subscription = aeron.addSubscription(UdpDriver.subscriptionChannel(localPort), UdpDriver.STREAM_ID);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(addedPublication, aeron);
            throw ex;
        }
        publication = addedPublication;
        frames = new SealedFrames(SealedFrames.payloadLength(publication.maxPayloadLength()));
    }

    @Override
    public boolean offer(final DirectBuffer buffer, final int length)
    {
        if (SealedFrames.frameLength(length) > publication.maxPayloadLength())
        {
            throw new IllegalStateException("a " + length + "-byte message does not fit one datagram (" +
                SealedFrames.payloadLength(publication.maxPayloadLength()) + " bytes at most)");
        }
        final int frameLength = frames.seal(buffer, length);
        final long result = publication.offer(frames.frame(), 0, frameLength);
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
        sink.onMessage(buffer, offset + SealedFrames.PAYLOAD_OFFSET, SealedFrames.payloadLength(length));
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
        CloseHelper.quietCloseAll(publication, subscription, aeron, frames, driver);
    }
}
