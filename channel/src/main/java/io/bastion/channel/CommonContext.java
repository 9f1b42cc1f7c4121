package io.bastion.channel;

import io.bastion.security.files.FilePolicy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a broker's context and a client's context share, in the manner of Aeron's {@code CommonContext}: the broker
 * folder, the control socket in it, the handshake bound, the clock, the file policy and whether the process makes
 * itself non-dumpable.
 * <p>
 * Every setting may be given by its setter or, where a property is named, by a system property read when the context
 * is made; {@link #concludeCommon()} fills what is still unset. The two sides find each other through the same
 * properties: a client and a broker started with the same {@value #DIR_PROP} meet at the same socket.
 * <p>
 * Not thread safe: set up on one thread, then conclude. A concluded context is read-only by convention.
 *
 * @param <T> the concrete context, so that setters chain.
 */
public abstract class CommonContext<T extends CommonContext<T>>
{
    /** Property: the broker folder. */
    public static final String DIR_PROP = "bastion.broker.dir";
    /** Property: the broker's control socket; defaults to {@value #SOCKET_FILE_NAME} in the folder. */
    public static final String SOCKET_PROP = "bastion.broker.socket";
    /** Property: the bound on a handshake, in milliseconds. */
    public static final String HANDSHAKE_TIMEOUT_PROP = "bastion.handshake.timeout.ms";
    /** Default bound on a handshake, in milliseconds. */
    public static final long HANDSHAKE_TIMEOUT_MS_DEFAULT = 5_000L;
    /** The control socket's file name in the broker folder. */
    public static final String SOCKET_FILE_NAME = "broker.sock";

    private Path directory = pathProperty(DIR_PROP);
    private Path socketPath = pathProperty(SOCKET_PROP);
    private long handshakeTimeoutMs = Long.getLong(HANDSHAKE_TIMEOUT_PROP, HANDSHAKE_TIMEOUT_MS_DEFAULT);
    private EpochClock epochClock;
    private FilePolicy filePolicy;
    private boolean nonDumpable;

    /**
     * A context whose non-dumpable default comes from the named property (true when unset).
     *
     * @param nonDumpableProp the property that may turn process hardening off for this side.
     */
    protected CommonContext(final String nonDumpableProp)
    {
        nonDumpable = Boolean.parseBoolean(System.getProperty(nonDumpableProp, "true"));
    }

    /**
     * The default broker folder: {@code $XDG_RUNTIME_DIR/bastion}, else {@code /dev/shm/bastion-$USER}.
     *
     * @return the folder (not created).
     */
    public static Path defaultDirectory()
    {
        final String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (null != runtime && !runtime.isEmpty())
        {
            return Path.of(runtime, "bastion");
        }
        final String envUser = System.getenv("USER");
        final String user = null == envUser || envUser.isEmpty() ? System.getProperty("user.name") : envUser;
        return Path.of("/dev/shm", "bastion-" + user);
    }

    /**
     * Read a path from a system property.
     *
     * @param name the property.
     * @return the path, or null if the property is unset or empty.
     */
    protected static Path pathProperty(final String name)
    {
        final String value = System.getProperty(name);
        return null == value || value.isEmpty() ? null : Path.of(value);
    }

    /**
     * Check and fill the shared settings: the folder (default {@link #defaultDirectory()}), the socket in it, the
     * file policy (owner-only) and the clock (system). Creates nothing.
     *
     * @throws IOException           if the default file policy cannot read this process's identity.
     * @throws IllegalStateException if the handshake timeout is not positive.
     */
    protected void concludeCommon() throws IOException
    {
        if (handshakeTimeoutMs <= 0)
        {
            throw new IllegalStateException("handshake timeout must be positive: " + handshakeTimeoutMs);
        }
        if (null == directory)
        {
            directory = defaultDirectory();
        }
        if (null == socketPath)
        {
            socketPath = directory.resolve(SOCKET_FILE_NAME);
        }
        if (null == filePolicy)
        {
            filePolicy = FilePolicy.ownerOnly();
        }
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
    }

    @SuppressWarnings("unchecked")
    private T self()
    {
        return (T)this;
    }

    /**
     * Broker folder: rings, socket, counters and audit live here; the broker creates it owner-only.
     *
     * @param directory the folder.
     * @return this.
     */
    public T directory(final Path directory)
    {
        this.directory = directory;
        return self();
    }

    /**
     * Broker folder.
     *
     * @return the folder, or null before {@code conclude()} if none was given.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * The broker's control socket (default {@value #SOCKET_FILE_NAME} in the folder).
     *
     * @param socketPath the socket.
     * @return this.
     */
    public T socketPath(final Path socketPath)
    {
        this.socketPath = socketPath;
        return self();
    }

    /**
     * The broker's control socket.
     *
     * @return the socket path, or null before {@code conclude()} if none was given.
     */
    public Path socketPath()
    {
        return socketPath;
    }

    /**
     * Bound on a handshake, from the first byte to the Welcome.
     *
     * @param handshakeTimeoutMs milliseconds; must be positive.
     * @return this.
     */
    public T handshakeTimeoutMs(final long handshakeTimeoutMs)
    {
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        return self();
    }

    /**
     * Bound on a handshake.
     *
     * @return milliseconds.
     */
    public long handshakeTimeoutMs()
    {
        return handshakeTimeoutMs;
    }

    /**
     * Bound on a handshake.
     *
     * @return the timeout.
     */
    public Duration handshakeTimeout()
    {
        return Duration.ofMillis(handshakeTimeoutMs);
    }

    /**
     * Epoch milliseconds: token validity, heartbeats, key grace periods, audit timestamps.
     *
     * @param epochClock the clock.
     * @return this.
     */
    public T epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return self();
    }

    /**
     * Epoch milliseconds.
     *
     * @return the clock, or null before {@code conclude()} if none was given.
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * How files and folders are checked and created (default owner-only).
     *
     * @param filePolicy the policy.
     * @return this.
     */
    public T filePolicy(final FilePolicy filePolicy)
    {
        this.filePolicy = filePolicy;
        return self();
    }

    /**
     * How files and folders are checked and created.
     *
     * @return the policy, or null before {@code conclude()} if none was given.
     */
    public FilePolicy filePolicy()
    {
        return filePolicy;
    }

    /**
     * Whether {@code conclude()} marks this process non-dumpable (no core dumps, no same-user ptrace), before any
     * ring or key reaches it.
     *
     * @param nonDumpable false to leave the process as it is.
     * @return this.
     */
    public T nonDumpable(final boolean nonDumpable)
    {
        this.nonDumpable = nonDumpable;
        return self();
    }

    /**
     * Whether {@code conclude()} marks this process non-dumpable.
     *
     * @return true if it does.
     */
    public boolean nonDumpable()
    {
        return nonDumpable;
    }
}
