package io.bastion.broker;

import io.bastion.channel.control.ControlChannel;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.client.HandshakeClient;
import io.bastion.security.handshake.HandshakeCrypto;
import io.bastion.security.handshake.X25519;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.security.token.TokenCodec;
import io.bastion.security.token.TokenParseResult;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A hostile process of the broker's own user that takes the broker's place: it moves the real broker's socket
 * aside, listens on the original path with an identity of its own, and answers one client as a broker would (a
 * Challenge signed with its own key). It reports on stdout what it saw, then replays the token it collected to the
 * real broker at the moved path.
 * <p>
 * Arguments: the socket path, the path to move the real socket to, the channel, the right. Lines:
 * {@code listening}, {@code hello tokenId=<hex> singleUse=<bool>}, {@code after-challenge <what came next>}
 * ({@code REFUSAL <reason>}, {@code EOF} or {@code MESSAGE <template id>}), {@code session none|open},
 * {@code replay ACCEPTED|REFUSED <reason>}.
 */
public final class StandInBrokerMain
{
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(30);

    private StandInBrokerMain()
    {
    }

    /**
     * Run the stand-in.
     *
     * @param args socket path, moved path, channel, right.
     * @throws Exception if it cannot even take the socket's place.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path socket = Path.of(args[0]);
        final Path moved = Path.of(args[1]);
        final String channel = args[2];
        final Right right = Right.valueOf(args[3]);
        final KeyPair ownIdentity = IssuerKeys.generate();

        Files.move(socket, moved);
        byte[] collected = null;
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX))
        {
            server.bind(UnixDomainSocketAddress.of(socket));
            say("listening");
            try (SocketChannel peer = server.accept(); ControlChannel control = new ControlChannel(peer))
            {
                final int helloLength = control.read(System.nanoTime() + WAIT_NS);
                final byte[] hello = Arrays.copyOf(control.messageBuffer(), helloLength);
                final BrokerHandshake.HelloRequest request = BrokerHandshake.parseHello(hello, helloLength);
                if (!request.isValid())
                {
                    say("hello invalid " + request.refusedFor);
                    return;
                }
                if (0 == request.credentials.token.length)
                {
                    say("hello token none");
                }
                else
                {
                    collected = request.credentials.token;
                    final TokenParseResult parsed = TokenCodec.parse(collected);
                    say("hello tokenId=" + (parsed.isOk() ? Long.toHexString(parsed.token().tokenId()) : "?") +
                        " singleUse=" + (parsed.isOk() && parsed.token().isSingleUse()));
                }

                // Everything a broker sends, signed with the stand-in's own identity: the only one it holds.
                final byte[] nonce = new byte[ControlMessages.BYTES32];
                new SecureRandom().nextBytes(nonce);
                final KeyPair ephemeral = X25519.generate();
                final byte[] ephemeralKey = X25519.rawPublic(ephemeral.getPublic());
                final byte[] transcript =
                    HandshakeCrypto.transcript(hello, helloLength, nonce, ephemeralKey, request.version, 0);
                final byte[] challenge = ControlMessages.challenge(request.version, nonce, ephemeralKey,
                    HandshakeCrypto.sign(ownIdentity.getPrivate(), transcript));
                control.write(challenge, challenge.length, System.nanoTime() + WAIT_NS);
                say("after-challenge " + next(control));
                say("session none");
            }
        }
        replay(moved, collected, channel, right);
        System.out.flush();
    }

    private static String next(final ControlChannel control)
    {
        try
        {
            final int length = control.read(System.nanoTime() + WAIT_NS);
            final ControlMessage message = ControlMessages.parse(control.messageBuffer(), length);
            if (message.isValid() && RefusalDecoder.TEMPLATE_ID == message.templateId())
            {
                return "REFUSAL " + message.refusalReason;
            }
            return "MESSAGE " + message.templateId();
        }
        catch (final HandshakeException ex)
        {
            return "EOF";
        }
    }

    private static void replay(final Path realBroker, final byte[] token, final String channel, final Right right)
    {
        if (null == token)
        {
            say("replay none");
            return;
        }
        try (Session session = HandshakeClient.connect(realBroker, token, channel, right, Duration.ofSeconds(30)))
        {
            say("replay ACCEPTED session=" + Long.toHexString(session.sessionId()));
        }
        catch (final HandshakeException ex)
        {
            say("replay REFUSED " + ex.reason());
        }
    }

    private static void say(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }
}
