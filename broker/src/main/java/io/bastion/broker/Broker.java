package io.bastion.broker;

import io.bastion.channel.control.ControlChannel;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.Session;
import io.bastion.channel.shm.AccountNames;
import io.bastion.channel.shm.ProcessHardening;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.peer.PeerCredentials;
import io.bastion.security.peer.PeerDecision;
import io.bastion.security.peer.PeerIdentity;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.SingleUseTokens;
import io.bastion.security.token.TokenVerifier;
import org.agrona.CloseHelper;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketCredentials;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker: listens on a Unix-domain socket, checks each peer with {@code SO_PEERCRED}, runs the handshake (see
 * {@link BrokerHandshake} and the package description) and hands each open {@link Session} to the context's
 * {@link SessionListener}.
 * <p>
 * The sockets are junixsocket's ({@link AFUNIXServerSocketChannel}, {@link AFUNIXSocketChannel}), which can pass
 * file descriptors ({@code SCM_RIGHTS}); the JDK's cannot. They are set up to behave as the JDK's did: binding never
 * takes over a live socket's name, closing never deletes the file (this class does), and the socket file gets the
 * mode the umask gives (junixsocket would make it {@code rw-rw-rw-}). The peer's credentials are the kernel's
 * {@code SO_PEERCRED} numbers, named by {@link PeerIdentity#credentials(long, long, long)}.
 * <p>
 * Threads: one acceptor thread, and at most {@link BrokerContext#maxPendingHandshakes()} handshake threads. The
 * acceptor reads the peer's credentials and refuses at once, without reading a byte from it, a peer the policy does
 * not allow ({@code PEER_REJECTED}), a connection beyond its user id's share of pending handshakes
 * ({@link BrokerContext#maxPendingHandshakesPerUid()}) and a connection beyond the global limit of pending
 * handshakes (both {@code RATE_LIMITED}, audited and counted, see {@link #rateLimitedConnections()}); every other
 * connection gets a handshake thread and a deadline of {@link BrokerContext#handshakeTimeoutMs()} from accept to
 * Welcome, so a client that connects and says nothing holds one slot for at most that long, and one user's silent
 * connections cannot hold the slots other users need.
 * <p>
 * Identity: the broker signs each handshake with its identity ({@link BrokerContext#identity()}) and accepts only
 * tokens that name that identity's public key; clients pin the broker from their own tokens. It publishes no key
 * file: {@link #identityPublicKey()} and {@link IssuerKeys#fingerprint} are for whoever issues its tokens and for
 * the operator. Single-use tokens are accepted once per broker run ({@link SingleUseTokens}).
 * <p>
 * Lifecycle: {@link #launch(BrokerContext)} binds and starts; {@link #close()} stops accepting, interrupts and waits
 * for the handshake threads (bounded), removes the socket file, and closes the audit log if the context opened it.
 * Sessions already handed to the listener are the listener's. Thread safe.
 */
public final class Broker implements AutoCloseable
{
    private static final long CLOSE_WAIT_MS = 5_000L;
    private static final long ACCEPT_BACKOFF_NS = TimeUnit.MILLISECONDS.toNanos(10);
    /** The per-uid bucket of connections whose credentials cannot be read. */
    private static final long UNKNOWN_UID = -1L;
    /** A peer whose process id the kernel did not report: no client can match it, so its handshake fails closed. */
    private static final long UNKNOWN_PID = -1L;

    private final BrokerContext context;
    private final AuditLog auditLog;
    private final TokenVerifier tokenVerifier;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong sessionIds;
    private final Semaphore pendingSlots;
    private final ConcurrentHashMap<Long, Integer> pendingByUid = new ConcurrentHashMap<>();
    private final AtomicLong rateLimited = new AtomicLong();
    private final SingleUseTokens singleUseTokens;
    private final Set<ControlChannel> pending = ConcurrentHashMap.newKeySet();
    private final AFUNIXServerSocketChannel server;
    private final ExecutorService workers;
    private final Thread acceptor;
    private final ChannelRouter router;
    private final RingAllocator ringAllocator;
    private final SessionListener sessionListener;
    private volatile boolean running = true;

    private Broker(final BrokerContext context) throws IOException
    {
        this.context = context;
        this.auditLog = context.auditLog();
        this.tokenVerifier = new TokenVerifier(context.issuerPublicKey(), context.identity().getPublic(),
            context.revocationList(), context.epochClock());
        this.singleUseTokens = new SingleUseTokens(context.singleUseTokenCapacity());
        // Random start, so session ids (and ring file names) of consecutive broker runs do not collide.
        this.sessionIds = new AtomicLong((random.nextLong() >>> 2) + 1);
        this.pendingSlots = new Semaphore(context.maxPendingHandshakes());
        final AtomicInteger threadNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(context.maxPendingHandshakes(), context.maxPendingHandshakes(),
            1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (runnable) ->
            {
                final Thread thread = new Thread(runnable, "bastion-handshake-" + threadNumber.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        ((ThreadPoolExecutor)workers).allowCoreThreadTimeOut(true);
        this.server = bind(context.socketPath());
        if (null == context.sessionListener())
        {
            this.router = openRouter(context, server);
            this.ringAllocator = router.allocator();
            this.sessionListener = router;
        }
        else
        {
            this.router = null;
            this.ringAllocator = context.ringAllocator();
            this.sessionListener = context.sessionListener();
        }
        this.acceptor = new Thread(this::acceptLoop, "bastion-broker-acceptor");
        this.acceptor.setDaemon(true);
    }

    /**
     * Conclude the context, bind the socket and start accepting.
     *
     * @param context the settings; concluded here if not yet.
     * @return the running broker.
     * @throws IOException if the folder or socket cannot be set up, or a broker already listens on the socket.
     */
    public static Broker launch(final BrokerContext context) throws IOException
    {
        context.conclude();
        if (context.nonDumpable())
        {
            ProcessHardening.disableDumping();
        }
        final Broker broker;
        try
        {
            broker = new Broker(context);
        }
        catch (final IOException | RuntimeException ex)
        {
            context.close();
            throw ex;
        }
        broker.removeStaleRings();
        broker.auditLog.log(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, null, null,
            "broker listening " + context.socketPath());
        if (null != broker.router)
        {
            broker.router.start();
        }
        broker.acceptor.start();
        return broker;
    }

    /**
     * The socket clients connect to.
     *
     * @return the path.
     */
    public Path socketPath()
    {
        return context.socketPath();
    }

    /**
     * The broker's identity public key: the key the tokens it accepts must name, and which clients pin from their
     * tokens.
     *
     * @return the Ed25519 public key.
     */
    public PublicKey identityPublicKey()
    {
        return context.identity().getPublic();
    }

    /**
     * How many connections were refused {@code RATE_LIMITED} at accept (the per-uid or the global limit of pending
     * handshakes) since launch.
     *
     * @return the count.
     */
    public long rateLimitedConnections()
    {
        return rateLimited.get();
    }

    /**
     * The concluded context.
     *
     * @return the context.
     */
    public BrokerContext context()
    {
        return context;
    }

    AuditLog auditLog()
    {
        return auditLog;
    }

    TokenVerifier tokenVerifier()
    {
        return tokenVerifier;
    }

    SingleUseTokens singleUseTokens()
    {
        return singleUseTokens;
    }

    SecureRandom random()
    {
        return random;
    }

    long nextSessionId()
    {
        return sessionIds.getAndIncrement();
    }

    PrivateKey identityPrivateKey()
    {
        return context.identity().getPrivate();
    }

    RingAllocator ringAllocator()
    {
        return ringAllocator;
    }

    SessionListener sessionListener()
    {
        return sessionListener;
    }

    /**
     * The router that joins publishers to subscribers, when the broker runs one (the context set no session
     * listener): for key rotation and revocation.
     *
     * @return the router, or null when the context's listener receives the sessions.
     */
    public ChannelRouter router()
    {
        return router;
    }

    private void removeStaleRings()
    {
        if (context.ringAllocator() instanceof OwnerOnlyRingAllocator)
        {
            try
            {
                final int removed = ((OwnerOnlyRingAllocator)context.ringAllocator()).removeStaleRings();
                if (removed > 0)
                {
                    auditLog.log(AuditEventType.FILE_CHECK, AuditOutcome.INFO, null, null,
                        "removed " + removed + " rings left by a broker that died");
                }
            }
            catch (final IOException ex)
            {
                auditLog.log(AuditEventType.FILE_CHECK, AuditOutcome.FAILURE, null, null,
                    "cannot list stale rings: " + ex.getClass().getSimpleName());
            }
        }
    }

    private static ChannelRouter openRouter(final BrokerContext context, final AFUNIXServerSocketChannel server)
            throws IOException
    {
        try
        {
            return new ChannelRouter(context.ringAllocator(), context.auditLog(), context.epochClock(),
                context.keyGraceMs(), context.keyRotationIntervalMs(), context.unlinkRings(),
                context.revocationList(), context.limits(), context::channelFanOut);
        }
        catch (final IOException | RuntimeException ex)
        {
            server.close();
            throw ex;
        }
    }

    private static AFUNIXServerSocketChannel bind(final Path socketPath) throws IOException
    {
        removeStaleSocket(socketPath);
        final AFUNIXServerSocketChannel server = AFUNIXServerSocketChannel.open();
        try
        {
            // junixsocket's defaults are not the JDK's: with reuse on, bind moves a live socket's file aside and takes
            // its name; with delete-on-close on, closing deletes whatever file has the name by then.
            server.socket().setReuseAddress(false);
            server.setDeleteOnClose(false);
            server.bind(AFUNIXSocketAddress.of(socketPath));
            // junixsocket's bind makes the file rw-rw-rw-: give it what the JDK's bind leaves, 0777 less the umask.
            Files.setPosixFilePermissions(socketPath, socketFileMode());
            return server;
        }
        catch (final IOException | RuntimeException ex)
        {
            server.close();
            throw ex;
        }
    }

    /**
     * The mode {@code bind(2)} gives a socket file: {@code 0777} less this process's umask, read from
     * {@code /proc/self/status}; owner-only if it cannot be read.
     */
    private static Set<PosixFilePermission> socketFileMode()
    {
        int umask = 0077;
        try
        {
            final List<String> status = Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII);
            for (final String line : status)
            {
                if (line.startsWith("Umask:"))
                {
                    umask = Integer.parseInt(line.substring("Umask:".length()).trim(), 8);
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            // Keep owner-only.
        }
        final Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
        final PosixFilePermission[] bits = PosixFilePermission.values();
        for (int i = 0; i < bits.length; i++)
        {
            // values() runs OWNER_READ .. OTHERS_EXECUTE, the octal bits 0400 down to 0001.
            if (0 == (umask & (0400 >> i)))
            {
                mode.add(bits[i]);
            }
        }
        return mode;
    }

    private static void removeStaleSocket(final Path socketPath) throws IOException
    {
        final BasicFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(socketPath, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final NoSuchFileException ex)
        {
            return;
        }
        if (!attributes.isOther())
        {
            throw new IOException("not a socket, refusing to replace: " + socketPath);
        }
        // A JDK socket: it only probes, and reports "nobody listens" as a ConnectException (junixsocket does not).
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            probe.connect(UnixDomainSocketAddress.of(socketPath));
            throw new IOException("a broker already listens on " + socketPath);
        }
        catch (final ConnectException ex)
        {
            // Nobody listens: the socket file is left from a broker that died.
            Files.deleteIfExists(socketPath);
        }
    }

    private void acceptLoop()
    {
        while (running)
        {
            final AFUNIXSocketChannel channel;
            try
            {
                channel = server.accept();
            }
            catch (final ClosedChannelException ex)
            {
                if (running)
                {
                    // junixsocket closes a server whose socket file was moved or replaced: say so, it stops serving.
                    auditLog.log(AuditEventType.HANDSHAKE, AuditOutcome.FAILURE, null, null,
                        "stopped accepting: the listening socket was closed under the broker (its file moved or " +
                        "replaced?)");
                }
                return;
            }
            catch (final IOException ex)
            {
                if (!running)
                {
                    return;
                }
                auditLog.log(AuditEventType.HANDSHAKE, AuditOutcome.FAILURE, null, null,
                    "accept failed: " + ex.getClass().getSimpleName());
                // Out of descriptors, typically: back off briefly instead of spinning on the same error.
                LockSupport.parkNanos(ACCEPT_BACKOFF_NS);
                continue;
            }
            if (null == channel)
            {
                // junixsocket's accept may return null when the server socket closes under it.
                continue;
            }
            if (!running)
            {
                // Closing a junixsocket server connects to it to wake a blocked accept: nobody to serve.
                CloseHelper.quietClose(channel);
                return;
            }
            try
            {
                onAccepted(channel);
            }
            catch (final IOException | RuntimeException ex)
            {
                auditLog.log(AuditEventType.HANDSHAKE, AuditOutcome.FAILURE, null, null,
                    "connection setup failed: " + ex.getClass().getSimpleName());
                CloseHelper.quietClose(channel);
            }
        }
    }

    private void onAccepted(final AFUNIXSocketChannel channel) throws IOException
    {
        final long acceptedNs = System.nanoTime();
        final AFUNIXSocketCredentials kernel = kernelCredentials(channel);
        final PeerCredentials credentials = peerCredentials(kernel);
        final PeerDecision decision = context.peerPolicy().decide(credentials);
        final String principal = null == credentials ? null : credentials.user().getName();
        final ControlChannel control = new ControlChannel(channel);
        if (!decision.isAllowed())
        {
            auditLog.log(AuditEventType.PEER_CHECK, AuditOutcome.REFUSED, principal, null,
                decision + (null == credentials ? "" : " group=" + credentials.group().getName()));
            refuseNow(control, principal, RejectReason.PEER_REJECTED, null);
            return;
        }
        auditLog.log(AuditEventType.PEER_CHECK, AuditOutcome.SUCCESS, principal, null, decision.name());
        final long uid = null == kernel ? UNKNOWN_UID : kernel.getUid();
        if (!acquireUidSlot(uid))
        {
            rateLimited.incrementAndGet();
            refuseNow(control, principal, RejectReason.RATE_LIMITED,
                "uid " + uid + " already has " + context.maxPendingHandshakesPerUid() + " pending handshakes");
            return;
        }
        if (!pendingSlots.tryAcquire())
        {
            releaseUidSlot(uid);
            rateLimited.incrementAndGet();
            refuseNow(control, principal, RejectReason.RATE_LIMITED,
                "all " + context.maxPendingHandshakes() + " pending handshake slots are taken");
            return;
        }
        final long deadlineNs = acceptedNs + TimeUnit.MILLISECONDS.toNanos(context.handshakeTimeoutMs());
        // The peer's process id binds the broker's signature to this connection (see HandshakeCrypto#transcript).
        final long peerPid = null == kernel ? UNKNOWN_PID : kernel.getPid();
        final BrokerHandshake handshake = new BrokerHandshake(this, control, principal, peerPid, deadlineNs);
        pending.add(control);
        try
        {
            workers.execute(() ->
            {
                try
                {
                    handshake.run();
                }
                finally
                {
                    pending.remove(control);
                    pendingSlots.release();
                    releaseUidSlot(uid);
                }
            });
        }
        catch (final RuntimeException ex)
        {
            pending.remove(control);
            pendingSlots.release();
            releaseUidSlot(uid);
            refuseNow(control, principal, RejectReason.CHANNEL_CLOSED, null);
        }
    }

    /**
     * Take one of a user id's pending-handshake slots. Only the acceptor thread takes; handshake threads give back.
     */
    private boolean acquireUidSlot(final long uid)
    {
        final int limit = context.maxPendingHandshakesPerUid();
        final boolean[] taken = {false};
        pendingByUid.compute(uid, (key, count) ->
        {
            final int held = null == count ? 0 : count;
            if (held >= limit)
            {
                return count;
            }
            taken[0] = true;
            return held + 1;
        });
        return taken[0];
    }

    private void releaseUidSlot(final long uid)
    {
        pendingByUid.computeIfPresent(uid, (key, count) -> count <= 1 ? null : count - 1);
    }

    /**
     * The handshakes in progress for a user id: connections accepted and not yet ended or handed over.
     *
     * @param uid the user id.
     * @return the count.
     */
    public int pendingHandshakes(final long uid)
    {
        final Integer count = pendingByUid.get(uid);
        return null == count ? 0 : count;
    }

    /**
     * The handshakes in progress, all users together; at most {@link BrokerContext#maxPendingHandshakes()}.
     *
     * @return the count.
     */
    public int pendingHandshakes()
    {
        return context.maxPendingHandshakes() - pendingSlots.availablePermits();
    }

    private static AFUNIXSocketCredentials kernelCredentials(final AFUNIXSocketChannel channel)
    {
        try
        {
            return channel.getPeerCredentials();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * The peer's {@code SO_PEERCRED} credentials, as the kernel recorded them at connect: the uid and gid decide,
     * the PID only helps name them (see {@link PeerIdentity#credentials(long, long, long)}).
     *
     * @param kernel the kernel's credentials of the accepted socket, or null if they could not be read.
     * @return the credentials, or null if they cannot be read or named.
     */
    static PeerCredentials peerCredentials(final AFUNIXSocketCredentials kernel)
    {
        if (null == kernel)
        {
            return null;
        }
        try
        {
            final PeerCredentials fromProc =
                PeerIdentity.credentials(kernel.getUid(), kernel.getGid(), kernel.getPid());
            return null != fromProc ? fromProc : namedByTheNameService(kernel.getUid(), kernel.getGid());
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * Name a peer whose {@code /proc/PID} cannot (a client of another user is non-dumpable, so its folder belongs to
     * root): the C library names the kernel's ids, and the JDK makes principals of those names.
     */
    private static PeerCredentials namedByTheNameService(final long uid, final long gid) throws IOException
    {
        final String user = AccountNames.userName(uid);
        final String group = AccountNames.groupName(gid);
        if (null == user || null == group)
        {
            return null;
        }
        final UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        return new PeerCredentials(lookup.lookupPrincipalByName(user), lookup.lookupPrincipalByGroupName(group));
    }

    private void refuseNow(
        final ControlChannel control, final String principal, final RejectReason reason, final String detail)
    {
        auditLog.log(AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, principal, null,
            null == detail ? reason.name() : reason.name() + ": " + detail);
        final byte[] refusal = ControlMessages.refusal(reason);
        control.writeQuietly(refusal, refusal.length, System.nanoTime() + ControlChannel.REFUSAL_WRITE_NS);
        control.close();
    }

    /**
     * Stop accepting, end pending handshakes, remove the socket file, close an owned audit log. Idempotent.
     */
    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        try
        {
            server.close();
        }
        catch (final IOException ex)
        {
            // Closing is all that matters; the acceptor sees the closed channel.
        }
        workers.shutdownNow();
        for (final ControlChannel control : pending)
        {
            control.abort();
        }
        boolean interrupted = false;
        try
        {
            acceptor.join(CLOSE_WAIT_MS);
            workers.awaitTermination(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            interrupted = true;
        }
        if (null != router)
        {
            router.close();
        }
        try
        {
            Files.deleteIfExists(context.socketPath());
        }
        catch (final IOException ex)
        {
            // A socket file left behind is removed as stale by the next broker.
        }
        auditLog.log(AuditEventType.CHANNEL_CLOSED, AuditOutcome.INFO, null, null, "broker closed");
        context.close();
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
