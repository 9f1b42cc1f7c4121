package io.bastion.security.peer;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.HashSet;
import java.util.Set;

/**
 * Which Unix-domain-socket peers may connect: a set of allowed users and a set of allowed groups (either matches).
 * <p>
 * Names are resolved once, when the policy is built, through the JDK's {@link UserPrincipalLookupService}
 * ({@code getpwnam}/{@code getgrnam}); matching then compares numeric ids through the principals' {@code equals}.
 * Only the peer's effective primary group is known from {@code SO_PEERCRED}, not its supplementary groups, so a group
 * rule matches a peer whose primary group is that group. An empty policy refuses everyone. Immutable and thread safe.
 */
public final class PeerPolicy
{
    private final Set<UserPrincipal> users;
    private final Set<GroupPrincipal> groups;

    private PeerPolicy(final Set<UserPrincipal> users, final Set<GroupPrincipal> groups)
    {
        this.users = Set.copyOf(users);
        this.groups = Set.copyOf(groups);
    }

    /**
     * A builder.
     *
     * @return an empty builder (refuses everyone until something is allowed).
     */
    public static Builder builder()
    {
        return new Builder();
    }

    /**
     * Decide on a peer's credentials. A pure function of the policy and the credentials.
     *
     * @param credentials the peer's credentials, or null when they could not be read.
     * @return the decision.
     */
    public PeerDecision decide(final PeerCredentials credentials)
    {
        if (null == credentials)
        {
            return PeerDecision.NO_CREDENTIALS;
        }
        if (users.contains(credentials.user()))
        {
            return PeerDecision.ALLOWED_USER;
        }
        if (groups.contains(credentials.group()))
        {
            return PeerDecision.ALLOWED_GROUP;
        }
        return PeerDecision.REFUSED;
    }

    /**
     * Builds a {@link PeerPolicy}. Not thread safe.
     */
    public static final class Builder
    {
        private final UserPrincipalLookupService lookup =
            FileSystems.getDefault().getUserPrincipalLookupService();
        private final Set<UserPrincipal> users = new HashSet<>();
        private final Set<GroupPrincipal> groups = new HashSet<>();

        private Builder()
        {
        }

        /**
         * Allow a user by name.
         *
         * @param name the user name.
         * @return this.
         * @throws IOException if no such user exists.
         */
        public Builder allowUser(final String name) throws IOException
        {
            users.add(lookup.lookupPrincipalByName(name));
            return this;
        }

        /**
         * Allow a user.
         *
         * @param user a principal from the platform's lookup service or file attributes.
         * @return this.
         */
        public Builder allowUser(final UserPrincipal user)
        {
            users.add(user);
            return this;
        }

        /**
         * Allow the user this process runs as (read as the owner of {@code /proc/self}, Linux).
         *
         * @return this.
         * @throws IOException if it cannot be read.
         */
        public Builder allowCurrentUser() throws IOException
        {
            users.add(Files.getOwner(Path.of("/proc/self")));
            return this;
        }

        /**
         * Allow a group by name.
         *
         * @param name the group name.
         * @return this.
         * @throws IOException if no such group exists.
         */
        public Builder allowGroup(final String name) throws IOException
        {
            groups.add(lookup.lookupPrincipalByGroupName(name));
            return this;
        }

        /**
         * The policy.
         *
         * @return a new immutable policy.
         */
        public PeerPolicy build()
        {
            return new PeerPolicy(users, groups);
        }
    }
}
