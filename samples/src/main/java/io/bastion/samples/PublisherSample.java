package io.bastion.samples;

import io.bastion.channel.ChannelStatus;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Publishes {@code args[1]} prices on the channel {@code prices}, through the broker of the default folder (or of
 * {@code -Dbastion.broker.dir}), with the capability token in the file {@code args[0]}.
 */
public final class PublisherSample
{
    private PublisherSample()
    {
    }

    /**
     * Run the sample.
     *
     * @param args the token file and the number of messages.
     * @throws Exception if the broker refuses or cannot be reached.
     */
    public static void main(final String[] args) throws Exception
    {
        final ClientContext context = new ClientContext().token(Files.readAllBytes(Path.of(args[0])));
        final int messages = Integer.parseInt(args[1]);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final IdleStrategy idle = new BackoffIdleStrategy();
        try (PublisherClient publisher = PublisherClient.connect(context, "prices"))
        {
            int sent = 0;
            while (sent < messages)
            {
                publisher.doWork();
                buffer.putLong(0, sent + 1);
                final long result = publisher.offer(buffer, 0, Long.BYTES, 1);
                if (result > 0)
                {
                    sent++;
                }
                else if (result == ChannelStatus.NOT_CONNECTED || result == ChannelStatus.BACK_PRESSURED ||
                    result == ChannelStatus.ADMIN_ACTION)
                {
                    idle.idle(); // no subscriber yet, or it is catching up, or try again at once
                }
                else
                {
                    break; // CLOSED, CORRUPT...: see ChannelStatus
                }
            }
            System.out.println("published " + sent);
        }
    }
}
