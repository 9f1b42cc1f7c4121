package io.bastion.client;

import io.bastion.channel.CommonContext;
import io.bastion.channel.Publisher;
import io.bastion.channel.shm.ProcessHardening;
import io.bastion.codec.FrameDescriptor;
import io.bastion.security.rate.QuarantinePolicy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Settings of a client of a broker ({@link PublisherClient}, {@link ConcurrentPublisherClient},
 * {@link SubscriberClient}), in Aeron's style: fluent
 * setters, the broker's system properties where they apply, and {@link #conclude()} which fills defaults.
 * <p>
 * Defaults: the broker folder of {@link CommonContext#DIR_PROP} (else {@link CommonContext#defaultDirectory()}), its
 * socket {@code broker.sock}, the handshake timeout of
 * {@link CommonContext#HANDSHAKE_TIMEOUT_PROP}, the system clocks, an owner-only file policy, frames up to
 * {@link FrameDescriptor#MAX_FRAME_LENGTH}, and a quarantine after 16 refusals within 10 s, until the source goes.
 * The capability token has no default.
 * <p>
 * The broker is pinned by the token: the client checks the broker's handshake signature against the identity key
 * the token names ({@link HandshakeClient}); nothing in the broker folder is read for it.
 * {@link #brokerKey(PublicKey)} can add an expectation (the token must name that key), for an application that knows
 * its broker's key by other means. The token is copied in; {@link #clearToken()} zeroes the copy once the
 * application has connected. Not thread safe; one context per client.
 * <p>
 * {@link #conclude()} also marks the process non-dumpable ({@code prctl(PR_SET_DUMPABLE, 0)}, unless
 * {@link #NON_DUMPABLE_PROP} or {@link #nonDumpable(boolean)} says false): other processes of the same user can then
 * no longer open its descriptors through {@code /proc/PID/fd}, read its memory through {@code /proc/PID/mem} or
 * attach a debugger, so the rings and keys it holds stay its own. Core dumps are off too.
 */
public final class ClientContext extends CommonContext<ClientContext>
{
    /** Suffix of a client's counters file in the broker folder: {@code <sessionId hex>.counters}. */
    public static final String COUNTERS_FILE_SUFFIX = ".counters";
    /** Property: false leaves the process dumpable (debugging); default true. */
    public static final String NON_DUMPABLE_PROP = "bastion.client.non.dumpable";
    /** Default of {@link #controlPollIntervalNs(long)}: 1 ms. */
    public static final long CONTROL_POLL_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(1);
    /** Property: {@link #unblockTimeoutMs(long)}. */
    public static final String UNBLOCK_TIMEOUT_PROP = "bastion.client.unblock.timeout.ms";
    /** Default of {@link #unblockTimeoutMs(long)}: 5 s, far above any scheduling stall or collector pause. */
    public static final long UNBLOCK_TIMEOUT_MS_DEFAULT = 5_000;
    /** Default quarantine threshold: refusals within {@link #QUARANTINE_WINDOW_NS}. */
    public static final int QUARANTINE_THRESHOLD = 16;
    /** Default quarantine window. */
    public static final long QUARANTINE_WINDOW_NS = TimeUnit.SECONDS.toNanos(10);

    private PublicKey brokerKey;
    private byte[] token;
    private EpochNanoClock nanoClock;
    private int maxFrameLength = FrameDescriptor.MAX_FRAME_LENGTH;
    private QuarantinePolicy quarantinePolicy;
    private boolean countersFile = true;
    private long controlPollIntervalNs = CONTROL_POLL_INTERVAL_NS_DEFAULT;
    private long unblockTimeoutMs = Long.getLong(UNBLOCK_TIMEOUT_PROP, UNBLOCK_TIMEOUT_MS_DEFAULT);
    private int batchMaxFrames = Publisher.DEFAULT_MAX_BATCH_FRAMES;
    private int batchMaxBytes = Publisher.DEFAULT_MAX_BATCH_BYTES;
    private long batchLingerNs = Publisher.DEFAULT_BATCH_LINGER_NS;
    private boolean concluded;

    /**
     * A context with every setting from the system properties or unset; {@link #conclude()} fills the rest.
     */
    public ClientContext()
    {
        super(NON_DUMPABLE_PROP);
    }

    /**
     * Fill defaults and check the settings. Idempotent.
     *
     * @return this.
     * @throws IOException           never for the settings this version has; kept for settings read from files.
     * @throws IllegalStateException if no token is set or a value is out of range.
     */
    public ClientContext conclude() throws IOException
    {
        if (concluded)
        {
            return this;
        }
        if (null == token)
        {
            throw new IllegalStateException("no capability token");
        }
        if (nonDumpable())
        {
            // Before any ring or key reaches this process. Where the platform has no prctl there is nothing to do.
            ProcessHardening.disableDumping();
        }
        if (maxFrameLength < FrameDescriptor.MIN_FRAME_LENGTH || maxFrameLength > FrameDescriptor.MAX_FRAME_LENGTH)
        {
            throw new IllegalStateException("max frame length out of range: " + maxFrameLength);
        }
        if (unblockTimeoutMs <= 0)
        {
            throw new IllegalStateException("unblock timeout must be positive: " + unblockTimeoutMs);
        }
        concludeCommon();
        if (null == nanoClock)
        {
            nanoClock = new SystemEpochNanoClock();
        }
        if (null == quarantinePolicy)
        {
            quarantinePolicy = new QuarantinePolicy(1024, QUARANTINE_THRESHOLD, QUARANTINE_WINDOW_NS, Long.MAX_VALUE);
        }
        concluded = true;
        return this;
    }

    /**
     * Expect a broker identity key, known by other means: the token must name this key, or the handshake fails
     * before connecting ({@code INVALID_TOKEN}). Optional: the token's own broker key is always what is pinned.
     *
     * @param brokerKey the Ed25519 public key, or null for no expectation beyond the token.
     * @return this.
     */
    public ClientContext brokerKey(final PublicKey brokerKey)
    {
        this.brokerKey = brokerKey;
        return this;
    }

    /**
     * The broker key expected besides the token's, which {@link PublisherClient} and {@link SubscriberClient} pass to
     * {@link HandshakeClient#connect(Path, byte[], PublicKey, String, io.bastion.security.token.Right, Duration)}.
     *
     * @return the key, or null when only the token pins the broker.
     */
    public PublicKey brokerKey()
    {
        return brokerKey;
    }

    /**
     * The capability token presented to the broker; it also names the broker the client pins. For a token that was
     * never in a file, pass the bytes from memory or a descriptor.
     *
     * @param token the encoded token (copied; the caller may zero its array). A copy held before is zeroed.
     * @return this.
     */
    public ClientContext token(final byte[] token)
    {
        final byte[] copy = token.clone();
        clearToken();
        this.token = copy;
        return this;
    }

    /**
     * The capability token.
     *
     * @return a copy of the token, or null if none is set or it was cleared.
     */
    public byte[] token()
    {
        return null == token ? null : token.clone();
    }

    /**
     * Zero the context's copy of the token and forget it, for instance once the client connected: a context whose
     * token was cleared cannot connect again until it is given one.
     */
    public void clearToken()
    {
        if (null != token)
        {
            Arrays.fill(token, (byte)0);
            token = null;
        }
    }

    /**
     * Epoch nanoseconds, for frame timestamps.
     *
     * @param nanoClock the clock.
     * @return this.
     */
    public ClientContext nanoClock(final EpochNanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * Epoch nanoseconds.
     *
     * @return the clock.
     */
    public EpochNanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * The largest frame a subscriber accepts; sizes its private copy buffer. On a channel sealed by batch it bounds a
     * whole batch record too: keep it at least the publishers' {@link #batchMaxBytes()}, or their batches are refused
     * as {@code FRAME_TOO_LONG}.
     *
     * @param maxFrameLength bytes.
     * @return this.
     */
    public ClientContext maxFrameLength(final int maxFrameLength)
    {
        this.maxFrameLength = maxFrameLength;
        return this;
    }

    /**
     * The largest frame a subscriber accepts.
     *
     * @return bytes.
     */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /**
     * A publisher's batch bounds, used where the broker announces its channel as sealed by batch
     * ({@link io.bastion.channel.SealingMode#HMAC_BATCH}); see {@link Publisher#batchLimits(int, int, long)}.
     * Defaults: {@value Publisher#DEFAULT_MAX_BATCH_FRAMES} frames, {@value Publisher#DEFAULT_MAX_BATCH_BYTES} bytes,
     * a linger of {@value Publisher#DEFAULT_BATCH_LINGER_NS} ns.
     *
     * @param maxFrames most frames in one batch.
     * @param maxBytes  most bytes of frames in one batch.
     * @param lingerNs  how long the first frame of an automatic batch may wait for more.
     * @return this.
     */
    public ClientContext batchLimits(final int maxFrames, final int maxBytes, final long lingerNs)
    {
        this.batchMaxFrames = maxFrames;
        this.batchMaxBytes = maxBytes;
        this.batchLingerNs = lingerNs;
        return this;
    }

    /**
     * Most frames in one batch.
     *
     * @return frames.
     */
    public int batchMaxFrames()
    {
        return batchMaxFrames;
    }

    /**
     * Most bytes of frames in one batch.
     *
     * @return bytes.
     */
    public int batchMaxBytes()
    {
        return batchMaxBytes;
    }

    /**
     * How long the first frame of an automatic batch may wait for more.
     *
     * @return nanoseconds.
     */
    public long batchLingerNs()
    {
        return batchLingerNs;
    }

    /**
     * When a subscriber quarantines a source.
     *
     * @param quarantinePolicy the policy; one per subscriber.
     * @return this.
     */
    public ClientContext quarantinePolicy(final QuarantinePolicy quarantinePolicy)
    {
        this.quarantinePolicy = quarantinePolicy;
        return this;
    }

    /**
     * The quarantine policy.
     *
     * @return the policy.
     */
    public QuarantinePolicy quarantinePolicy()
    {
        return quarantinePolicy;
    }

    /**
     * Whether the client keeps its counters in an owner-only counters file in the broker folder (named
     * {@code <sessionId hex>}{@value #COUNTERS_FILE_SUFFIX}, removed on close), where {@code bastion stat} finds
     * them; otherwise they live in private memory.
     *
     * @param countersFile true for a file.
     * @return this.
     */
    public ClientContext countersFile(final boolean countersFile)
    {
        this.countersFile = countersFile;
        return this;
    }

    /**
     * How often a client's {@code doWork()} reads its control socket (key updates, source updates, goodbye): a
     * socket read costs a system call, so a duty cycle that calls {@code doWork()} on every turn reads it at most
     * this often.
     *
     * @param controlPollIntervalNs nanoseconds, 0 for every call.
     * @return this.
     */
    public ClientContext controlPollIntervalNs(final long controlPollIntervalNs)
    {
        this.controlPollIntervalNs = controlPollIntervalNs;
        return this;
    }

    /**
     * How often the control socket is read.
     *
     * @return nanoseconds.
     */
    public long controlPollIntervalNs()
    {
        return controlPollIntervalNs;
    }

    /**
     * How long a subscriber lets a concurrent publisher's many-to-one ring stand still behind a record that was
     * claimed and never committed (a publishing thread that died mid-claim) before it turns that record into padding
     * and reads on ({@code ManyToOneRing.unblockIfStuck}). A live thread that stalls longer than this between its
     * claim and its commit loses that frame (its offer returns {@code ADMIN_ACTION}), so choose it far above any
     * scheduling stall or collector pause. Property {@value #UNBLOCK_TIMEOUT_PROP}; default
     * {@value #UNBLOCK_TIMEOUT_MS_DEFAULT} ms.
     *
     * @param unblockTimeoutMs milliseconds, more than 0.
     * @return this.
     */
    public ClientContext unblockTimeoutMs(final long unblockTimeoutMs)
    {
        this.unblockTimeoutMs = unblockTimeoutMs;
        return this;
    }

    /**
     * How long a many-to-one ring may stand still behind an uncommitted claim before the subscriber unblocks it.
     *
     * @return milliseconds.
     */
    public long unblockTimeoutMs()
    {
        return unblockTimeoutMs;
    }

    /**
     * Whether counters go to a counters file.
     *
     * @return true for a file.
     */
    public boolean countersFile()
    {
        return countersFile;
    }
}
