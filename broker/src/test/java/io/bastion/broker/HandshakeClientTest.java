package io.bastion.broker;

import io.bastion.channel.control.ControlChannel;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.HandshakeClient;
import io.bastion.codec.RejectReason;
import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenIssuer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The client against fake brokers: one that never answers, one that answers garbage, and no broker at all.
 */
class HandshakeClientTest
{
    private static final byte[] TOKEN = new TokenIssuer(IssuerKeys.generate().getPrivate()).issue(new CapabilityToken(
        "alice", "a.b", Right.SUBSCRIBE.bit(), 0, Long.MAX_VALUE, 1,
        IssuerKeys.rawPublic(IssuerKeys.generate().getPublic()), false));

    @TempDir
    Path tempDir;

    private HandshakeException connect(final Path socket, final Duration timeout)
    {
        return assertThrows(HandshakeException.class, () -> HandshakeClient.connect(
            socket, TOKEN, "a.b", Right.SUBSCRIBE, timeout));
    }

    @Test
    void silentBrokerTimesOut() throws Exception
    {
        final Path socket = tempDir.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertEquals(RejectReason.TIMED_OUT, connect(socket, Duration.ofMillis(200)).reason());
        }
    }

    @Test
    void garbageReplyIsAProtocolViolation() throws Exception
    {
        final Path socket = tempDir.resolve("garbage.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(socket));
            final Thread fake = new Thread(() ->
            {
                try (SocketChannel peer = server.accept(); ControlChannel control = new ControlChannel(peer))
                {
                    control.read(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
                    final byte[] garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
                    control.write(garbage, garbage.length, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
                    control.read(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
                }
                catch (final Exception ex)
                {
                    // The client closing is the expected end.
                }
            });
            fake.start();
            final HandshakeException failure = connect(socket, Duration.ofSeconds(10));
            assertEquals(RejectReason.PROTOCOL_VIOLATION, failure.reason());
            fake.join(10_000);
        }
    }

    @Test
    void aTokenThatNamesNoBrokerFailsBeforeConnecting() throws Exception
    {
        final Path socket = tempDir.resolve("never.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            for (final byte[] token : new byte[][]{new byte[10], java.util.Arrays.copyOf(TOKEN, TOKEN.length - 1)})
            {
                final HandshakeException failure = assertThrows(HandshakeException.class, () ->
                    HandshakeClient.connect(socket, token, "a.b", Right.SUBSCRIBE, Duration.ofSeconds(1)));
                assertEquals(RejectReason.INVALID_TOKEN, failure.reason());
            }
            assertEquals(null, server.accept(), "nothing connected");
        }
    }

    @Test
    void noBrokerIsChannelClosed()
    {
        assertEquals(RejectReason.CHANNEL_CLOSED, connect(tempDir.resolve("none.sock"), Duration.ofSeconds(1))
            .reason());
    }
}
