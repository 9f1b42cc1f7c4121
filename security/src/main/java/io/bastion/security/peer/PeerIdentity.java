package io.bastion.security.peer;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * Reads a connected Unix-domain socket peer's credentials with {@code SO_PEERCRED} and checks them against a policy.
 * <p>
 * The kernel records the credentials of the connecting process at {@code connect(2)} time; they cannot be forged by
 * the peer. A PID is neither read nor used. Stateless and thread safe; used at handshake time.
 */
public final class PeerIdentity
{
    private PeerIdentity()
    {
    }

    /**
     * The peer's credentials.
     *
     * @param channel a connected Unix-domain {@link SocketChannel}.
     * @return the credentials, or null if they cannot be read (not a Unix-domain socket, closed, or unsupported).
     */
    public static PeerCredentials credentials(final SocketChannel channel)
    {
        try
        {
            final UnixDomainPrincipal principal = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return null == principal ? null : new PeerCredentials(principal.user(), principal.group());
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return null;
        }
    }

    /**
     * Read the peer's credentials and decide.
     *
     * @param channel a connected Unix-domain {@link SocketChannel}.
     * @param policy  the allow policy.
     * @return the decision; {@link PeerDecision#NO_CREDENTIALS} if they cannot be read.
     */
    public static PeerDecision check(final SocketChannel channel, final PeerPolicy policy)
    {
        return policy.decide(credentials(channel));
    }
}
