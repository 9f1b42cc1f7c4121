package io.bastion.test;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An attacker of the same user that sits between a client and the real broker: it moves the broker's socket aside,
 * accepts the client on the old path, connects to the broker itself and copies every byte both ways. It reads what
 * passes (and would keep any descriptor the broker sent). Arguments: the socket path, the path to move it to.
 * Prints {@code relaying}, then {@code relayed up=N down=M} once either side closes, and exits 0.
 */
public final class RelayMain
{
    private RelayMain()
    {
    }

    /**
     * Relay one connection.
     *
     * @param args the socket path and the path to move it to.
     * @throws Exception if it cannot take the socket's place.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path socket = Path.of(args[0]);
        final Path moved = Path.of(args[1]);
        Files.move(socket, moved);
        final AtomicLong up = new AtomicLong();
        final AtomicLong down = new AtomicLong();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(socket));
            System.out.println("relaying");
            System.out.flush();
            try (SocketChannel client = server.accept();
                SocketChannel broker = SocketChannel.open(UnixDomainSocketAddress.of(moved)))
            {
                final Thread toBroker = new Thread(() -> copy(client, broker, up));
                toBroker.start();
                copy(broker, client, down);
                toBroker.join(10_000);
            }
        }
        System.out.println("relayed up=" + up.get() + " down=" + down.get());
        System.out.flush();
    }

    private static void copy(final SocketChannel from, final SocketChannel to, final AtomicLong count)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try
        {
            while (from.read(buffer) >= 0)
            {
                buffer.flip();
                count.addAndGet(buffer.remaining());
                while (buffer.hasRemaining())
                {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        }
        catch (final Exception ex)
        {
            // Either side went away: the relay ends.
        }
    }
}
