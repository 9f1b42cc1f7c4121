package io.bastion.tools.pubsub;

import io.bastion.broker.BrokerContext;
import io.bastion.client.ClientContext;
import io.bastion.channel.control.HandshakeException;
import io.bastion.codec.RejectReason;
import io.bastion.security.token.ChannelPattern;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.DefaultFolders;
import io.bastion.tools.cli.Texts;
import io.bastion.tools.cli.TokenText;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The options {@code publish} and {@code subscribe} share: the channel, the token, the broker folder; and how they
 * become a {@link ClientContext}, and a refusal a message.
 * <p>
 * The token comes from a file ({@code --token FILE}), from the first line of stdin ({@code --token -}) or from the
 * first line of an inherited descriptor ({@code --token-fd N}); the last two keep it out of every file. The token
 * also names the broker: the client pins it from there, never from the folder.
 */
final class ClientOptions
{
    @Option(names = {"-c", "--channel"}, required = true, paramLabel = "CHANNEL",
        description = "The channel name: 1 to " + ChannelPattern.MAX_LENGTH + " of [A-Za-z0-9._:/-].")
    private String channel;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private TokenSource tokenSource;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
        description = "Broker folder (default: $XDG_RUNTIME_DIR/bastion, else /dev/shm/bastion-$USER).")
    private Path directory;

    /**
     * Where the token comes from: exactly one of a file (or {@code -}) and a descriptor.
     */
    static final class TokenSource
    {
        @Option(names = {"-t", "--token"}, required = true, paramLabel = "FILE",
            description = "The capability token: a file ('bastion token issue --out FILE'), or - for the first line " +
                "of stdin.")
        private String file;

        @Option(names = "--token-fd", required = true, paramLabel = "N",
            description = "Read the capability token from the first line of inherited descriptor N (e.g. " +
                "3<<<\"$TOKEN\"), so that it is never in a file.")
        private Integer fd;
    }

    /**
     * Whether the token is read from stdin, which then holds the token line before anything else.
     *
     * @return true for {@code --token -}.
     */
    boolean tokenOnStdin()
    {
        return "-".equals(tokenSource.file);
    }

    /**
     * The channel name.
     *
     * @return the channel.
     */
    String channel()
    {
        return channel;
    }

    /**
     * The client settings: the folder and the token (which names the broker the client pins).
     *
     * @param spec the command, for usage errors.
     * @return the context, not yet concluded; clear its token once connected ({@link ClientContext#clearToken()}).
     * @throws IOException if the token file, stdin or descriptor cannot be read.
     * @throws ParameterException if the channel name is not one.
     * @throws CommandFailure if no broker listens on the folder.
     */
    ClientContext context(final CommandSpec spec) throws IOException
    {
        if (!ChannelPattern.isValidChannel(channel))
        {
            throw new ParameterException(spec.commandLine(), "--channel '" + Texts.printable(channel) +
                "' is not a channel name: 1 to " + ChannelPattern.MAX_LENGTH + " of [A-Za-z0-9._:/-]");
        }
        final Path dir = null == directory ? DefaultFolders.brokerDirectory() : directory;
        final Path socket = dir.resolve(BrokerContext.SOCKET_FILE_NAME);
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS))
        {
            throw new CommandFailure("no broker on " + dir + " (no " + socket.getFileName() +
                "): start one with 'bastion broker'");
        }
        final byte[] token = readToken();
        try
        {
            return new ClientContext().directory(dir).token(token);
        }
        finally
        {
            Arrays.fill(token, (byte)0);
        }
    }

    private byte[] readToken() throws IOException
    {
        if (null != tokenSource.fd)
        {
            return TokenText.readDescriptor(tokenSource.fd);
        }
        if (tokenOnStdin())
        {
            return TokenText.read("-", System.in);
        }
        return TokenText.readFile(Path.of(tokenSource.file));
    }

    /**
     * A handshake that ended without a session, as the user's message, with the typed reason.
     *
     * @param what    what was asked, e.g. {@code publish on}.
     * @param context the client settings.
     * @param ex      the failure.
     * @return the failure to throw.
     */
    CommandFailure refused(final String what, final ClientContext context, final HandshakeException ex)
    {
        if (RejectReason.CHANNEL_CLOSED == ex.reason() && !ex.refusedByPeer())
        {
            return new CommandFailure("cannot reach the broker at " + context.socketPath() + " (" + ex.reason() + ")");
        }
        return new CommandFailure((ex.refusedByPeer() ? "the broker refused to let you " : "could not ") + what + " " +
            channel + ": " + ex.reason());
    }
}
