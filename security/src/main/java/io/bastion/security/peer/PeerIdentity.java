package io.bastion.security.peer;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;

/**
 * Reads a connected Unix-domain socket peer's credentials with {@code SO_PEERCRED} and checks them against a policy.
 * <p>
 * The kernel records the credentials of the connecting process at {@code connect(2)} time; they cannot be forged by
 * the peer. A PID is never evidence of identity. Two ways in: {@link #credentials(SocketChannel)} for the JDK's
 * Unix-domain channels (which read {@code SO_PEERCRED} themselves), and {@link #credentials(long, long, long)} for
 * a socket library that reports the kernel's numbers (this package depends on no such library). Stateless and
 * thread safe; used at handshake time.
 */
public final class PeerIdentity
{
    private static final Path PROC = Path.of("/proc");
    private static final Path PROC_SELF = PROC.resolve("self");
    private static final String ID_AND_NAME_ATTRIBUTES = "unix:uid,gid,owner,group";

    private PeerIdentity()
    {
    }

    /**
     * The peer's credentials.
     *
     * @param channel a connected Unix-domain {@link SocketChannel} of the JDK.
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
     * The peer's credentials from the numbers the kernel recorded at {@code connect(2)} ({@code SO_PEERCRED}'s
     * {@code uid}, {@code gid} and {@code pid}), as principals equal to the JDK's for the same ids (a
     * {@link PeerPolicy} matches them by id) and named as the JDK names them ({@code getpwuid}/{@code getgrgid}).
     * <p>
     * Java has no public {@code getpwuid}, but it names the owner and group of a file: a principal comes from a
     * {@code /proc} folder whose uid (for the user) or gid (for the group), read in the same {@code stat} as the
     * principal, is exactly the kernel's. The folders tried are {@code /proc/self} (a peer of the broker's own user
     * and group) and {@code /proc/<pid>} (its owner and group are the process's effective ids). The PID only says
     * where to look: whatever process holds it now, a principal is taken only if its id is the kernel's, and the
     * name is a function of the id alone. When no folder matches (the peer exited or is not dumpable, {@code /proc}
     * is mounted with {@code hidepid}, or the peer's PID namespace hides it), the result is null, which a policy
     * refuses as {@link PeerDecision#NO_CREDENTIALS}: never a guess.
     *
     * @param uid the peer's effective uid as the kernel recorded it; negative when unknown.
     * @param gid the peer's effective gid as the kernel recorded it; negative when unknown.
     * @param pid the peer's PID as the kernel recorded it, used only to find names; 0 or negative when unknown.
     * @return the credentials, or null if unknown or not nameable as described.
     */
    public static PeerCredentials credentials(final long uid, final long gid, final long pid)
    {
        if (uid < 0 || gid < 0 || uid > 0xFFFF_FFFEL || gid > 0xFFFF_FFFEL)
        {
            return null;
        }
        final Map<String, Object> self = idsAndNames(PROC_SELF);
        final Map<String, Object> peer = pid > 0 ? idsAndNames(PROC.resolve(Long.toString(pid))) : null;
        final UserPrincipal user = (UserPrincipal)principalWithId(uid, "uid", "owner", self, peer);
        final GroupPrincipal group = (GroupPrincipal)principalWithId(gid, "gid", "group", self, peer);
        return null == user || null == group ? null : new PeerCredentials(user, group);
    }

    /**
     * Read the peer's credentials and decide.
     *
     * @param channel a connected Unix-domain {@link SocketChannel} of the JDK.
     * @param policy  the allow policy.
     * @return the decision; {@link PeerDecision#NO_CREDENTIALS} if they cannot be read.
     */
    public static PeerDecision check(final SocketChannel channel, final PeerPolicy policy)
    {
        return policy.decide(credentials(channel));
    }

    private static Object principalWithId(
        final long id, final String idName, final String principalName, final Map<String, Object> self,
        final Map<String, Object> peer)
    {
        if (hasId(self, idName, id))
        {
            return self.get(principalName);
        }
        if (hasId(peer, idName, id))
        {
            return peer.get(principalName);
        }
        return null;
    }

    private static boolean hasId(final Map<String, Object> attributes, final String idName, final long id)
    {
        // The uid and gid attributes are ints: ids above 2^31 come back negative, hence the unsigned view.
        return null != attributes && attributes.get(idName) instanceof Integer &&
            Integer.toUnsignedLong((Integer)attributes.get(idName)) == id;
    }

    private static Map<String, Object> idsAndNames(final Path folder)
    {
        try
        {
            // One stat: the ids and the principals named from them describe the same moment.
            return Files.readAttributes(folder, ID_AND_NAME_ATTRIBUTES);
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException ex)
        {
            return null;
        }
    }
}
