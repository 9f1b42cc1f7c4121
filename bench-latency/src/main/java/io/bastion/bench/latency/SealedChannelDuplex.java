package io.bastion.bench.latency;

import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.SealingMode;
import io.bastion.client.ClientContext;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameReader;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code bastion-sealed} case: the product's data path. A {@link PublisherClient} on one channel and a
 * {@link SubscriberClient} on the other, both through a broker, with a capability token; every message is sealed
 * (HMAC-SHA256) by the sender and copied, checked and verified by the receiver before the sink sees it.
 */
final class SealedChannelDuplex implements Duplex, FrameHandler
{
    /** The message type every message carries. */
    static final int MESSAGE_TYPE = 1;
    /** The channel the pinger publishes on. */
    static final String PING_CHANNEL = "latency.ping";
    /** The channel the ponger publishes on. */
    static final String PONG_CHANNEL = "latency.pong";
    /** The channel pattern the token covers. */
    static final String PATTERN = "latency.*";

    private final PublisherClient publisher;
    private final SubscriberClient subscriber;
    private MessageSink sink;

    /**
     * Connect to the broker on both channels.
     *
     * @param brokerDirectory the broker's folder.
     * @param token           a token with publish and subscribe rights on {@link #PATTERN}.
     * @param sendChannel     the channel this side publishes on.
     * @param receiveChannel  the channel this side subscribes to.
     * @throws IOException if the broker refuses or cannot be reached.
     */
    SealedChannelDuplex(
        final Path brokerDirectory, final byte[] token, final String sendChannel, final String receiveChannel)
            throws IOException
    {
        try
        {
            publisher = PublisherClient.connect(context(brokerDirectory, token), sendChannel);
        }
        catch (final HandshakeException ex)
        {
            throw new IOException("the broker refused a publisher on " + sendChannel + ": " + ex.reason(), ex);
        }
        try
        {
            subscriber = SubscriberClient.connect(context(brokerDirectory, token), receiveChannel,
                RejectionHandler.NONE);
        }
        catch (final HandshakeException ex)
        {
            publisher.close();
            throw new IOException("the broker refused a subscriber on " + receiveChannel + ": " + ex.reason(), ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            publisher.close();
            throw ex;
        }
    }

    private static ClientContext context(final Path brokerDirectory, final byte[] token)
    {
        return new ClientContext().directory(brokerDirectory).token(token);
    }

    @Override
    public boolean offer(final DirectBuffer buffer, final int length)
    {
        final long result = publisher.offer(buffer, 0, length, MESSAGE_TYPE);
        if (result > 0)
        {
            // A round trip sends one message and waits: on a batch-sealed channel it goes as a batch of one at
            // once, never after the linger, so the case measures the batch path's cost, not its wait.
            if (SealingMode.HMAC_BATCH == publisher.sealing())
            {
                final long flushed = publisher.flush();
                if (flushed < 0)
                {
                    throw new IllegalStateException("the batch was refused: " + ChannelStatus.describe(flushed));
                }
            }
            return true;
        }
        if (!ChannelStatus.isRetryable(result) && ChannelStatus.NOT_CONNECTED != result)
        {
            throw new IllegalStateException("the sealed channel refused a message: " + ChannelStatus.describe(result));
        }
        return false;
    }

    @Override
    public int poll(final MessageSink sink)
    {
        this.sink = sink;
        if (subscriber.isClosed())
        {
            throw new IllegalStateException("the broker closed the subscription: " + subscriber.closedFor());
        }
        return subscriber.poll(this, 1);
    }

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int length, final FrameReader frame)
    {
        sink.onMessage(buffer, offset, length);
    }

    @Override
    public int doWork()
    {
        final int work = publisher.doWork() + subscriber.doWork();
        if (publisher.isClosed())
        {
            throw new IllegalStateException("the broker closed the publication: " + publisher.closedFor());
        }
        return work;
    }

    @Override
    public boolean isConnected()
    {
        return publisher.isConnected() && subscriber.sourceCount() > 0;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(publisher, subscriber);
    }
}
