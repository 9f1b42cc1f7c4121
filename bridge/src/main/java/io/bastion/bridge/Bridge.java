package io.bastion.bridge;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
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
 * <b>Liveness.</b> Run {@link #doWork(long)} on the receiving thread and {@link BridgeSender#doWork(long)} on the
 * sending thread (as {@link ChannelForwarding#doWork()} does): the sender sends a sealed KEEPALIVE when it has been
 * idle for {@link BridgeContext#keepaliveIntervalMs()}, and a session from which no authenticated datagram came for
 * {@link BridgeContext#sessionTimeoutMs()} is dropped; the initiator then handshakes again by itself, so a restarted
 * or returning responder is found without a call to {@link #connect(long)}. Without these calls nothing times out.
 * <p>
 * <b>Threads.</b> One receiving thread (which calls {@link #connect}, {@link #doWork(long)} and
 * {@link BridgeReceiver#poll}) and one sending thread (which calls {@link BridgeSender}'s methods); they may be the
 * same. The session is replaced (or dropped) by the receiving thread through one volatile field, which the sending
 * thread reads before each datagram. {@link #close()} after both have stopped.
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
    private final long sessionTimeoutNs;
    private final long handshakeResendNs;
    private volatile BridgeSession session;
    private volatile boolean closed;

    // Receiving thread only: the watchdog and the initiator's hello.
    private BridgeSession watchedSession;
    private long lastLiveNs;
    private boolean helloSent;
    private long helloSentNs;

    private Bridge(final BridgeContext context, final Path driverFolder, final MediaDriver driver, final Aeron aeron)
    {
        this.context = context;
        this.driverFolder = driverFolder;
        this.driver = driver;
        this.aeron = aeron;
        this.sessionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(context.sessionTimeoutMs());
        this.handshakeResendNs = TimeUnit.MILLISECONDS.toNanos(context.handshakeResendMs());
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
     * arrives meanwhile is dropped. Call from the receiving thread. {@link #doWork(long)} runs the same handshake
     * without blocking, from a duty cycle.
     *
     * @param timeoutMs how long to try.
     * @throws BridgeHandshakeException if no session was established in time; {@link
     * BridgeHandshakeException#lastRefusal()} names the last refusal.
     */
    public void connect(final long timeoutMs) throws BridgeHandshakeException
    {
        final BridgeSession before = session;
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final IdleStrategy idle = new BackoffIdleStrategy();
        receiver.takeLastHandshakeRefusal();
        BridgeRejectReason lastRefusal = null;
        final BridgeFrameHandler dropped = (buffer, offset, length, sequence) ->
        {
        };
        if (BridgeRole.INITIATOR == context.role())
        {
            // A fresh attempt, whatever an earlier one left behind.
            handshake.start();
            helloSent = false;
        }
        while (session == before)
        {
            final long now = System.nanoTime();
            if (now - deadline > 0)
            {
                throw new BridgeHandshakeException("no bridge session with " + context.peerFingerprint() +
                    " within " + timeoutMs + " ms", lastRefusal);
            }
            if (BridgeRole.INITIATOR == context.role())
            {
                sendHelloIfDue(now, true);
            }
            idle.idle(receiver.poll(dropped, 1));
            final BridgeRejectReason refused = receiver.takeLastHandshakeRefusal();
            if (null != refused)
            {
                lastRefusal = refused;
            }
        }
    }

    /**
     * The receiving thread's duty: the session watchdog, and the initiator's handshake when it has no session. Call
     * it from the receiving thread (the one that polls {@link BridgeReceiver#poll}), after polling, every duty cycle
     * or at least several times per {@link BridgeContext#keepaliveIntervalMs()}; {@link ChannelForwarding#doWork()}
     * does. Never blocks; allocates only when it times a session out or sends a handshake datagram (control path).
     * <ul>
     *     <li><b>Watchdog.</b> With a session: if no datagram of it that authenticated and passed the replay window
     *     (data, key, rekey or keepalive: see {@link BridgeSender#doWork(long)}) came from the peer for
     *     {@link BridgeContext#sessionTimeoutMs()}, while the receiver kept up with what arrived, the session is
     *     dropped: counted ({@code session timeouts}), audited ({@code CHANNEL_CLOSED}, {@code FAILURE}), its keys
     *     zeroed; {@link #isConnected()} is then false and the sender returns {@link BridgeSender#NOT_CONNECTED}, so
     *     a sender holds its frames rather than sending them to a peer that is gone. A forged or replayed datagram
     *     does not count as the peer's. Silence is only judged while the receiver keeps up (a poll read less than its
     *     limit): one held back (a relay waiting for its ring) or not polled at all does not time the session out.
     *     </li>
     *     <li><b>Initiator without a session</b> (timed out, or never connected): sends INIT_HELLO, then again every
     *     {@link BridgeContext#handshakeResendMs()} until a RESP_HELLO arrives through {@link BridgeReceiver#poll},
     *     which completes the handshake and installs the new session as {@link #connect(long)} does. A peer that
     *     restarted (a responder with a new process, the same identity and endpoint) is thus found again without
     *     anyone calling {@link #connect(long)}.</li>
     *     <li><b>Responder without a session</b>: nothing; the initiator's next INIT_HELLO, which {@link
     *     BridgeReceiver#poll} answers, brings the next session.</li>
     * </ul>
     *
     * @param nowNs the time now, from {@link System#nanoTime()} (the clock of {@link BridgeSender#doWork(long)}).
     * @return the work done: 1 for a session timed out, 1 for a handshake datagram sent; 0 when idle.
     */
    public int doWork(final long nowNs)
    {
        if (closed)
        {
            return 0;
        }
        int work = 0;
        final BridgeSession current = session;
        if (null != current)
        {
            if (current != watchedSession)
            {
                // A new session: its silence is timed from now.
                watchedSession = current;
                receiver.takeLiveness();
                lastLiveNs = nowNs;
                return 0;
            }
            if (receiver.takeLiveness())
            {
                lastLiveNs = nowNs;
                return 0;
            }
            if (nowNs - lastLiveNs <= sessionTimeoutNs)
            {
                return 0;
            }
            timeOut(current, nowNs);
            work++;
        }
        if (BridgeRole.INITIATOR == context.role())
        {
            work += sendHelloIfDue(nowNs, false);
        }
        return work;
    }

    private void timeOut(final BridgeSession expired, final long nowNs)
    {
        receiver.dropSession(expired);
        watchedSession = null;
        BridgeCounters.bump(counters.sessionTimeouts(), 1);
        context.auditSink().onEvent(AuditEventType.CHANNEL_CLOSED, AuditOutcome.FAILURE, expired.peerFingerprint(),
            "session " + Long.toHexString(expired.sessionId()) + " timed out: no authenticated datagram from the " +
            "peer for " + TimeUnit.NANOSECONDS.toMillis(nowNs - lastLiveNs) + " ms");
        if (BridgeRole.INITIATOR == context.role())
        {
            handshake.start();
            helloSent = false;
        }
    }

    /**
     * Initiator: send the INIT_HELLO of the attempt in progress (starting one if none is: the last was answered, or
     * its INIT_FINISH could not go) if it was not sent yet or went {@link BridgeContext#handshakeResendMs()} ago.
     * The responder answers a resent hello with its stored RESP_HELLO, so a resend never forks the attempt.
     *
     * @param nowNs   the time now.
     * @param patient whether to retry a refused offer for a while ({@link #connect}) or try once ({@link #doWork}).
     * @return 1 if a hello was sent, else 0.
     */
    private int sendHelloIfDue(final long nowNs, final boolean patient)
    {
        if (!publication.isConnected())
        {
            return 0;
        }
        byte[] hello = handshake.pendingHello();
        if (null == hello)
        {
            hello = handshake.start();
            helloSent = false;
        }
        else if (helloSent && nowNs - helloSentNs < handshakeResendNs)
        {
            return 0;
        }
        helloSent = patient ? sendHandshake(hello, hello.length) : offerOnce(hello);
        helloSentNs = nowNs;
        return helloSent ? 1 : 0;
    }

    private boolean offerOnce(final byte[] datagram)
    {
        return publication.offer(new UnsafeBuffer(datagram), 0, datagram.length) > 0;
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
     * Whether a session is established. Thread safe.
     *
     * @return true once {@link #connect}, {@link #doWork(long)} or the responder's poll has completed a handshake,
     *         until {@link #doWork(long)} times the session out (or the bridge closes).
     */
    public boolean isConnected()
    {
        return null != session;
    }

    /**
     * The current session's id. Thread safe.
     *
     * @return the id, or 0 if none (never connected, timed out, or closed).
     */
    public long sessionId()
    {
        final BridgeSession current = session;
        return null == current ? 0 : current.sessionId();
    }

    /**
     * Whether the Aeron client under this bridge has closed: the bridge was closed, or the media driver stopped or
     * timed the client out (an external driver that went away). Nothing is sent or received after that; close and
     * launch again. Thread safe.
     *
     * @return true once the Aeron client is closed.
     */
    public boolean isTransportClosed()
    {
        return closed || aeron.isClosed();
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
