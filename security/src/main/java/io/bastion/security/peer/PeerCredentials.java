package io.bastion.security.peer;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;

/**
 * The user and group the kernel recorded for a Unix-domain-socket peer when it connected ({@code SO_PEERCRED}).
 * <p>
 * The principals are the JDK's Unix principals: their {@code equals} compares the numeric uid or gid (not the name),
 * so a policy built from names through the platform lookup service matches by id. A name is what
 * {@code getpwuid}/{@code getgrgid} returned, or the decimal id when the id has no name. No PID is kept: a PID can be
 * reused and is never evidence of identity. Immutable.
 */
public final class PeerCredentials
{
    private final UserPrincipal user;
    private final GroupPrincipal group;

    /**
     * Credentials.
     *
     * @param user  the peer's effective user.
     * @param group the peer's effective group.
     */
    public PeerCredentials(final UserPrincipal user, final GroupPrincipal group)
    {
        this.user = user;
        this.group = group;
    }

    /**
     * The peer's user.
     *
     * @return the principal.
     */
    public UserPrincipal user()
    {
        return user;
    }

    /**
     * The peer's group.
     *
     * @return the principal.
     */
    public GroupPrincipal group()
    {
        return group;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "PeerCredentials{user=" + user.getName() + ", group=" + group.getName() + '}';
    }
}
