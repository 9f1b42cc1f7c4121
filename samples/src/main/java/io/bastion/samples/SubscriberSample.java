package io.bastion.samples;

import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.client.ClientContext;
import io.bastion.client.SubscriberClient;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Receives {@code args[1]} prices from the channel {@code prices}, through the broker of the default folder (or of
 * {@code -Dbastion.broker.dir}), with the capability token in the file {@code args[0]}. Every frame the handler sees
 * has passed the subscriber's checks: who wrote it, that nobody changed or replayed it.
 */
public final class SubscriberSample
{
    private SubscriberSample()
    {
    }

    /**
     * Run the sample.
     *
     * @param args the token file and the number of messages to wait for.
     * @throws Exception if the broker refuses or cannot be reached.
     */
    public static void main(final String[] args) throws Exception
    {
        final ClientContext context = new ClientContext().token(Files.readAllBytes(Path.of(args[0])));
        final long expected = Long.parseLong(args[1]);
        final long[] sum = new long[2];
        final FrameHandler handler = (buffer, offset, length, frame) ->
        {
            sum[0]++;
            sum[1] += buffer.getLong(offset);
        };
        final IdleStrategy idle = new BackoffIdleStrategy();
        try (SubscriberClient subscriber = SubscriberClient.connect(context, "prices", RejectionHandler.NONE))
        {
            while (sum[0] < expected && !subscriber.isClosed())
            {
                idle.idle(subscriber.doWork() + subscriber.poll(handler, 64));
            }
        }
        System.out.println("received " + sum[0] + " sum " + sum[1]);
    }
}
