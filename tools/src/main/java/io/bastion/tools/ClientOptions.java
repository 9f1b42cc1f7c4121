package io.bastion.tools;

import io.bastion.channel.broker.BrokerContext;
import io.bastion.channel.broker.ClientContext;
import io.bastion.channel.broker.HandshakeException;
import io.bastion.codec.RejectReason;
import io.bastion.security.token.ChannelPattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The options {@code publish} and {@code subscribe} share: the channel, the token, the broker folder; and how they
 * become a {@link ClientContext}, and a refusal a message.
 */
final class ClientOptions
{
    @Option(names = {"-c", "--channel"}, required = true, paramLabel = "CHANNEL",
        description = "The channel name: 1 to " + ChannelPattern.MAX_LENGTH + " of [A-Za-z0-9._:/-].")
    private String channel;

    @Option(names = {"-t", "--token"}, required = true, paramLabel = "FILE",
        description = "The capability token file ('bastion token issue --out FILE').")
    private Path token;

    @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
        description = "Broker folder (default: $XDG_RUNTIME_DIR/bastion, else /dev/shm/bastion-$USER).")
    private Path directory;

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
     * The client settings: the folder (whose {@code broker.pub} pins the broker's key) and the token.
     *
     * @param spec the command, for usage errors.
     * @return the context, not yet concluded.
     * @throws IOException if the token file cannot be read.
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
        return new ClientContext().directory(dir).token(TokenText.readFile(token));
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
