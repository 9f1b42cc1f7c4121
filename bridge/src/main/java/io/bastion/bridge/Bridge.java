package io.bastion.bridge;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.token.IssuerKeys;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * One end of a bridge between two hosts: an Aeron UDP publication to the peer bridge and a subscription on this
 * bridge's own endpoint, a mutual handshake between pinned Ed25519 identities, and the {@link BridgeSender} and
 * {@link BridgeReceiver} that carry sealed frames over the session, encrypted. Embeddable, in the style of Aeron's
 * {@code MediaDriver}: {@link #launch(BridgeContext)}, then {@link #connect(long)}, then send and poll.
 * <p>
 * <b>Driver.</b> Unless the context names an external driver's folder, {@code launch} starts an embedded media driver
 * ({@code MediaDriver.launchEmbedded}) whose Aeron folder lies inside a fresh owner-only (0700) folder, so no other
 * user can reach its log buffers; the driver runs its agents on one shared thread.
 * <p>
 * <b>Sessions.</b> {@link #connect(long)} runs the handshake on the calling thread; the responder also accepts a new
 * handshake later, from within {@link BridgeReceiver#poll} (an initiator that restarted), and the new session then
 * replaces the old one on both the receiving and the sending side. A peer whose identity is not pinned, or whose
 * signature fails, gets no session; the refusal is counted and audited.
 * <p>
 * <b>Threads.</b> One receiving thread (which calls {@link #connect} and {@link BridgeReceiver#poll}) and one sending
 * thread (which calls {@link BridgeSender}'s methods); they may be the same. {@link #close()} after both have
 * stopped.
 * <p>
 * <b>Close</b> releases, in order: the session keys, the Aeron client (with its publication and subscription), the
 * embedded driver, and its folder; then the counters.
 */
public final class Bridge implements AutoCloseable
{
    private static final int MAX_HANDSHAKE_SEND_ATTEMPTS = 1_000;
    private static final int CACHE_LINE = BitUtil.CACHE_LINE_LENGTH;

    private final BridgeContext context;
    private final MediaDriver driver;
    private final Path driverFolder;
    private final Aeron aeron;
    private final Publication publication;
    private final Subscription subscription;
    private final BridgeCounters counters;
    private final BridgeHandshake handshake;
    private final BridgeSender sender;
    private final BridgeReceiver receiver;
    private volatile BridgeSession session;
    private volatile boolean closed;

    private Bridge(final BridgeContext context, final Path driverFolder, final MediaDriver driver, final Aeron aeron)
    {
        this.context = context;
        this.driverFolder = driverFolder;
        this.driver = driver;
        this.aeron = aeron;
        final String peerChannel = new ChannelUriStringBuilder().media("udp").endpoint(context.peerEndpoint())
            .mtu(context.mtuLength()).termLength(context.termLength()).build();
        final String localChannel = new ChannelUriStringBuilder().media("udp").endpoint(context.localEndpoint())
            .build();
        this.publication = aeron.addPublication(peerChannel, context.streamId());
        this.subscription = aeron.addSubscription(localChannel, context.streamId());
        final CountersManager manager = null == context.countersManager() ? inMemoryCounters() :
            context.countersManager();
        this.counters = new BridgeCounters(manager, context.counterLabel());
        this.handshake = new BridgeHandshake(context.role(), context.identity(), context.peerFingerprint(),
            context.auditSink(), this::sendHandshake);
        this.sender = new BridgeSender(this, publication, context, counters);
        this.receiver = new BridgeReceiver(this, subscription, aeron.countersReader(), context, counters, handshake);
    }

    private static CountersManager inMemoryCounters()
    {
        final int counters = BridgeCounters.countersPerBridge();
        return new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersManager.METADATA_LENGTH, CACHE_LINE)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(counters * CountersManager.COUNTER_LENGTH, CACHE_LINE)));
    }

    /**
     * Start a bridge: conclude the context, start or attach to the media driver, add the publication and the
     * subscription. No handshake yet: call {@link #connect(long)}.
     *
     * @param context the settings; the bridge owns it from now on.
     * @return the running bridge.
     * @throws IOException if the context's identity file or the driver's owner-only folder fails its checks.
     */
    public static Bridge launch(final BridgeContext context) throws IOException
    {
        context.conclude();
        MediaDriver driver = null;
        Path folder = null;
        Aeron aeron = null;
        try
        {
            final String aeronDirectory;
            if (null == context.aeronDirectoryName())
            {
                final OwnerOnlyFiles files = new OwnerOnlyFiles(context.filePolicy());
                files.ensureDirectory(context.directory());
                folder = files.createDirectory(context.directory().resolve("bridge-" + randomName()));
                driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
                    .aeronDirectoryName(folder.resolve("aeron").toString())
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new BackoffIdleStrategy())
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .termBufferSparseFile(true));
                aeronDirectory = driver.aeronDirectoryName();
            }
            else
            {
                aeronDirectory = context.aeronDirectoryName();
            }
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectory));
            return new Bridge(context, folder, driver, aeron);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(aeron, driver);
            deleteFolder(folder);
            throw ex;
        }
    }

    private static String randomName()
    {
        return Long.toHexString(new SecureRandom().nextLong() >>> 1);
    }

    /**
     * Run the handshake on this thread until a new session is established: the initiator sends INIT_HELLO (again
     * every {@link BridgeContext#handshakeResendMs()} until answered), the responder waits for one. Handshake
     * datagrams are read through the receiver, one fragment at a time; a data frame of an earlier session that
     * arrives meanwhile is dropped. Call from the receiving thread.
     *
     * @param timeoutMs how long to try.
     * @throws BridgeHandshakeException if no session was established in time; {@link
     * BridgeHandshakeException#lastRefusal()} names the last refusal.
     */
    public void connect(final long timeoutMs) throws BridgeHandshakeException
    {
        final BridgeSession before = session;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final long resendNs = TimeUnit.MILLISECONDS.toNanos(context.handshakeResendMs());
        final IdleStrategy idle = new BackoffIdleStrategy();
        receiver.takeLastHandshakeRefusal();
        BridgeRejectReason lastRefusal = null;
        final BridgeFrameHandler dropped = (buffer, offset, length, sequence) ->
        {
        };
        long lastSent = 0;
        boolean sent = false;
        while (session == before)
        {
            final long now = System.nanoTime();
            if (now - deadline > 0)
            {
                throw new BridgeHandshakeException("no bridge session with " + context.peerFingerprint() +
                    " within " + timeoutMs + " ms", lastRefusal);
            }
            if (BridgeRole.INITIATOR == context.role() && publication.isConnected() &&
                (!sent || now - lastSent >= resendNs || null == handshake.pendingHello()))
            {
                final byte[] hello = sent && null != handshake.pendingHello() ?
                    handshake.pendingHello() : handshake.start();
                sent = sendHandshake(hello, hello.length);
                lastSent = now;
            }
            idle.idle(receiver.poll(dropped, 1));
            final BridgeRejectReason refused = receiver.takeLastHandshakeRefusal();
            if (null != refused)
            {
                lastRefusal = refused;
            }
        }
    }

    private boolean sendHandshake(final byte[] datagram, final int length)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(datagram, 0, length);
        for (int attempt = 0; attempt < MAX_HANDSHAKE_SEND_ATTEMPTS && !closed; attempt++)
        {
            final long result = publication.offer(buffer);
            if (result > 0)
            {
                return true;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                return false;
            }
            Thread.yield();
        }
        return false;
    }

    /**
     * The sender: call from one sending thread.
     *
     * @return the sender.
     */
    public BridgeSender sender()
    {
        return sender;
    }

    /**
     * The receiver: call from one receiving thread.
     *
     * @return the receiver.
     */
    public BridgeReceiver receiver()
    {
        return receiver;
    }

    /**
     * The bridge's counters.
     *
     * @return the counters.
     */
    public BridgeCounters counters()
    {
        return counters;
    }

    /**
     * Whether a session is established.
     *
     * @return true once {@link #connect} (or the responder's poll) has completed a handshake.
     */
    public boolean isConnected()
    {
        return null != session;
    }

    /**
     * The current session's id.
     *
     * @return the id, or 0 if none.
     */
    public long sessionId()
    {
        final BridgeSession current = session;
        return null == current ? 0 : current.sessionId();
    }

    /**
     * This bridge's identity fingerprint, for the peer to pin.
     *
     * @return {@code SHA256:...}.
     */
    public String fingerprint()
    {
        return IssuerKeys.fingerprint(context.identity().getPublic());
    }

    /**
     * The Aeron folder of the driver this bridge uses.
     *
     * @return the folder.
     */
    public String aeronDirectoryName()
    {
        return aeron.context().aeronDirectoryName();
    }

    /**
     * The folder of the embedded driver (owner-only, deleted on close).
     *
     * @return the folder, or null with an external driver.
     */
    public Path driverFolder()
    {
        return driverFolder;
    }

    BridgeSession session()
    {
        return session;
    }

    void session(final BridgeSession established)
    {
        session = established;
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * Close, in order: session keys, Aeron client, embedded driver, its folder, counters. Idempotent. Call after
     * the sending and receiving threads have stopped.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        session = null;
        receiver.close();
        sender.close();
        handshake.close();
        CloseHelper.quietClose(aeron);
        CloseHelper.quietClose(driver);
        deleteFolder(driverFolder);
        counters.close();
    }

    private static void deleteFolder(final Path folder)
    {
        if (null != folder)
        {
            IoUtil.delete(folder.toFile(), true);
        }
    }
}
