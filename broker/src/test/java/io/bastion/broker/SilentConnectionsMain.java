package io.bastion.broker;

import io.bastion.channel.control.ControlChannel;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.codec.sbe.RefusalDecoder;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A hostile process that opens many connections to a broker and says nothing on them, to hold its handshake slots.
 * It reports how many the broker let it hold and how many it refused at once (by reason), then holds the rest until
 * its stdin closes.
 * <p>
 * Arguments: the socket path, the number of connections. Line: {@code held H refused {REASON=N, ...}}.
 */
public final class SilentConnectionsMain
{
    private static final long REFUSAL_WAIT_NS = TimeUnit.SECONDS.toNanos(2);

    private SilentConnectionsMain()
    {
    }

    /**
     * Run it.
     *
     * @param args socket path, connection count.
     * @throws Exception if it cannot connect at all.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path socket = Path.of(args[0]);
        final int count = Integer.parseInt(args[1]);
        final List<ControlChannel> connections = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            connections.add(new ControlChannel(channel));
        }
        int held = 0;
        final TreeMap<String, Integer> refused = new TreeMap<>();
        final long deadlineNs = System.nanoTime() + REFUSAL_WAIT_NS;
        for (final ControlChannel connection : connections)
        {
            String outcome;
            try
            {
                final int length = connection.read(deadlineNs);
                final ControlMessage message = ControlMessages.parse(connection.messageBuffer(), length);
                outcome = message.isValid() && RefusalDecoder.TEMPLATE_ID == message.templateId() ?
                    String.valueOf(message.refusalReason) : "MESSAGE";
            }
            catch (final HandshakeException ex)
            {
                // Nothing within the wait: the broker holds this connection in a handshake slot.
                outcome = ex.reason() == io.bastion.codec.RejectReason.TIMED_OUT ? null : "CLOSED";
            }
            if (null == outcome)
            {
                held++;
            }
            else
            {
                refused.merge(outcome, 1, Integer::sum);
            }
        }
        System.out.println("held " + held + " refused " + refused);
        System.out.flush();
        while (System.in.read() >= 0)
        {
            // Hold the connections until the test closes stdin.
        }
        for (final ControlChannel connection : connections)
        {
            connection.close();
        }
    }
}
