package io.bastion.bridge;

import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.bastion.channel.CommonContext;
import io.bastion.codec.FrameValidator;
import io.bastion.security.aead.AeadAlgorithm;
import io.bastion.security.aead.FrameAead;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.token.KeyFile;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;

/**
 * The settings of one {@link Bridge}, in the style of Aeron's {@code Context}: fluent setters, then
 * {@link #conclude()} (which {@link Bridge#launch} calls) validates them and fills defaults.
 * <p>
 * Required: {@link #role(BridgeRole)}, an identity ({@link #identity(KeyPair)} or {@link #identityKeyFile(Path)},
 * read with the owner-only checks), the peer's {@link #peerFingerprint(String) fingerprint} (the
 * {@code SHA256:...} form {@code IssuerKeys.fingerprint} gives and {@code bastion keygen} prints), the
 * {@link #localEndpoint(String) local endpoint} the bridge subscribes on and the {@link #peerEndpoint(String) peer's
 * endpoint} it publishes to ({@code host:port}).
 * <p>
 * Defaults: an embedded media driver whose Aeron folder lives in a fresh owner-only (0700) folder under
 * {@link #directory(Path)} (default {@code CommonContext.defaultDirectory()}), run with the shared threading mode
 * so that a bridge costs one driver thread; or an external driver if {@link #aeronDirectoryName(String)} is set.
 * Stream id {@value #STREAM_ID_DEFAULT}, MTU {@value #MTU_DEFAULT}, term length {@value #TERM_LENGTH_DEFAULT},
 * DATA_BATCH up to {@value #MAX_BATCH_LENGTH_DEFAULT} bytes ({@link #maxBatchLength(int)}),
 * AES-GCM ({@link #aeadAlgorithm(AeadAlgorithm)}), {@link FrameAead#DEFAULT_FRAME_LIMIT} frames per key with
 * automatic rekeying, a replay window of {@value #REPLAY_WINDOW_WORDS_DEFAULT} words (63 x 64 sequences), the strict
 * frame validator, no channel key handler (keys are opened, counted and zeroed), no audit, counters in memory
 * of the bridge's own labelled {@code "bridge"}, an INIT_HELLO resent every second
 * ({@link #HANDSHAKE_RESEND_MS_DEFAULT}), a keepalive after 200 ms without anything sent
 * ({@link #KEEPALIVE_INTERVAL_MS_DEFAULT}), and a session dropped after 2 s without an authenticated datagram from
 * the peer ({@link #SESSION_TIMEOUT_MS_DEFAULT}); the last two are driven by {@link BridgeSender#doWork(long)} and
 * {@link Bridge#doWork(long)}.
 * <p>
 * Thread safety: none; configure on one thread, then hand to {@link Bridge#launch}, which owns it from then on.
 */
public final class BridgeContext
{
    /** Default Aeron stream id of the bridge's publication and subscription. */
    public static final int STREAM_ID_DEFAULT = 0xB41D;
    /** Default MTU of the Aeron channel: Aeron's own default. */
    public static final int MTU_DEFAULT = 1408;
    /** Default term length of the Aeron publication. */
    public static final int TERM_LENGTH_DEFAULT = 1 << 20;
    /**
     * Default most bytes of frame entries in one DATA_BATCH ({@link #maxBatchLength(int)}), when the term length allows
     * it (an eighth of the term, Aeron's largest message, less the bridge's header and tag) and it is not below one
     * MTU's batch.
     */
    public static final int MAX_BATCH_LENGTH_DEFAULT = 16 * 1024;
    /** Default size of the replay window's bitmap, in 64-bit words. */
    public static final int REPLAY_WINDOW_WORDS_DEFAULT = 64;
    /** Default interval between resends of an unanswered INIT_HELLO. */
    public static final long HANDSHAKE_RESEND_MS_DEFAULT = 1_000L;
    /** Default time without anything sent after which {@link BridgeSender#doWork(long)} sends a KEEPALIVE. */
    public static final long KEEPALIVE_INTERVAL_MS_DEFAULT = 200L;
    /**
     * Default time without an authenticated datagram from the peer after which {@link Bridge#doWork(long)} drops the
     * session.
     */
    public static final long SESSION_TIMEOUT_MS_DEFAULT = 2_000L;

    private BridgeRole role;
    private KeyPair identity;
    private Path identityKeyFile;
    private String peerFingerprint;
    private String localEndpoint;
    private String peerEndpoint;
    private int streamId = STREAM_ID_DEFAULT;
    private int mtuLength = MTU_DEFAULT;
    private int termLength = TERM_LENGTH_DEFAULT;
    private int maxBatchLength;
    private String aeronDirectoryName;
    private Path directory;
    private AeadAlgorithm aeadAlgorithm = AeadAlgorithm.AES_GCM;
    private long keyFrameLimit = FrameAead.DEFAULT_FRAME_LIMIT;
    private boolean autoRekey = true;
    private int replayWindowWords = REPLAY_WINDOW_WORDS_DEFAULT;
    private FrameValidator frameValidator;
    private ChannelKeyHandler channelKeyHandler;
    private BridgeAuditSink auditSink;
    private CountersManager countersManager;
    private String counterLabel = "bridge";
    private long handshakeResendMs = HANDSHAKE_RESEND_MS_DEFAULT;
    private long keepaliveIntervalMs = KEEPALIVE_INTERVAL_MS_DEFAULT;
    private long sessionTimeoutMs = SESSION_TIMEOUT_MS_DEFAULT;
    private FilePolicy filePolicy;
    private boolean concluded;

    /**
     * A context with every setting at its default: set what you need, then {@link Bridge#launch}.
     */
    public BridgeContext()
    {
    }

    /**
     * Validate and fill defaults. Idempotent.
     *
     * @return this.
     * @throws IOException              if the identity key file fails its checks or cannot be read.
     * @throws IllegalStateException    if a required setting is missing.
     * @throws IllegalArgumentException if a setting is out of range.
     */
    public BridgeContext conclude() throws IOException
    {
        if (concluded)
        {
            return this;
        }
        require(null != role, "role");
        require(null != peerFingerprint, "peerFingerprint");
        require(null != localEndpoint, "localEndpoint");
        require(null != peerEndpoint, "peerEndpoint");
        if (null == filePolicy)
        {
            filePolicy = FilePolicy.ownerOnly();
        }
        if (null == identity && null != identityKeyFile)
        {
            identity = KeyFile.readKeyPair(identityKeyFile, filePolicy);
        }
        require(null != identity, "identity");
        if (!peerFingerprint.startsWith("SHA256:"))
        {
            throw new IllegalArgumentException("peer fingerprint must be SHA256:<base64>: " + peerFingerprint);
        }
        if (mtuLength < 256 || mtuLength > 65504 || 0 != (mtuLength & 31))
        {
            throw new IllegalArgumentException("mtuLength must be a multiple of 32 in [256, 65504]: " + mtuLength);
        }
        if (termLength < 65536 || Integer.bitCount(termLength) != 1)
        {
            throw new IllegalArgumentException("termLength must be a power of two of at least 64 KiB: " + termLength);
        }
        if (0 != maxBatchLength &&
            (maxBatchLength < singleDatagramBatchLength() || maxBatchLength > largestBatchLength()))
        {
            throw new IllegalArgumentException("maxBatchLength must be in [" + singleDatagramBatchLength() + ", " +
                largestBatchLength() + "] for this MTU and term length: " + maxBatchLength);
        }
        if (keyFrameLimit < (autoRekey ? 2 : 1))
        {
            throw new IllegalArgumentException("keyFrameLimit too small: " + keyFrameLimit);
        }
        if (replayWindowWords < 2 || Integer.bitCount(replayWindowWords) != 1)
        {
            throw new IllegalArgumentException("replayWindowWords must be a power of two, 2 or more");
        }
        if (handshakeResendMs <= 0)
        {
            throw new IllegalArgumentException("handshakeResendMs must be positive");
        }
        if (keepaliveIntervalMs <= 0)
        {
            throw new IllegalArgumentException("keepaliveIntervalMs must be positive: " + keepaliveIntervalMs);
        }
        if (sessionTimeoutMs <= keepaliveIntervalMs)
        {
            throw new IllegalArgumentException("sessionTimeoutMs (" + sessionTimeoutMs +
                ") must be longer than keepaliveIntervalMs (" + keepaliveIntervalMs + ")");
        }
        if (null == directory)
        {
            directory = CommonContext.defaultDirectory();
        }
        if (null == frameValidator)
        {
            frameValidator = FrameValidator.strict();
        }
        if (null == auditSink)
        {
            auditSink = BridgeAuditSink.none();
        }
        concluded = true;
        return this;
    }

    private static void require(final boolean present, final String name)
    {
        if (!present)
        {
            throw new IllegalStateException("BridgeContext." + name + " is required");
        }
    }

    /**
     * Set the role this bridge plays in the handshake.
     *
     * @param role initiator or responder; the peer must play the other.
     * @return this.
     */
    public BridgeContext role(final BridgeRole role)
    {
        this.role = role;
        return this;
    }

    /**
     * The role.
     *
     * @return the role.
     */
    public BridgeRole role()
    {
        return role;
    }

    /**
     * Set this bridge's persistent Ed25519 identity.
     *
     * @param identity the key pair; the bridge keeps a reference.
     * @return this.
     */
    public BridgeContext identity(final KeyPair identity)
    {
        this.identity = identity;
        return this;
    }

    /**
     * The identity.
     *
     * @return the key pair.
     */
    public KeyPair identity()
    {
        return identity;
    }

    /**
     * Read the identity from a key file (as {@code bastion keygen} writes it), with the owner-only checks, unless
     * {@link #identity(KeyPair)} is set.
     *
     * @param file the private key file.
     * @return this.
     */
    public BridgeContext identityKeyFile(final Path file)
    {
        this.identityKeyFile = file;
        return this;
    }

    /**
     * Set the pinned fingerprint of the peer bridge's identity.
     *
     * @param fingerprint {@code SHA256:} and the base64 of the SHA-256 of the peer's raw public key.
     * @return this.
     */
    public BridgeContext peerFingerprint(final String fingerprint)
    {
        this.peerFingerprint = fingerprint;
        return this;
    }

    /**
     * The pinned peer fingerprint.
     *
     * @return the fingerprint.
     */
    public String peerFingerprint()
    {
        return peerFingerprint;
    }

    /**
     * Set the endpoint this bridge's subscription binds.
     *
     * @param endpoint {@code host:port}.
     * @return this.
     */
    public BridgeContext localEndpoint(final String endpoint)
    {
        this.localEndpoint = endpoint;
        return this;
    }

    /**
     * The local endpoint.
     *
     * @return {@code host:port}.
     */
    public String localEndpoint()
    {
        return localEndpoint;
    }

    /**
     * Set the peer bridge's endpoint, where this bridge's publication sends.
     *
     * @param endpoint {@code host:port}.
     * @return this.
     */
    public BridgeContext peerEndpoint(final String endpoint)
    {
        this.peerEndpoint = endpoint;
        return this;
    }

    /**
     * The peer endpoint.
     *
     * @return {@code host:port}.
     */
    public String peerEndpoint()
    {
        return peerEndpoint;
    }

    /**
     * Set the Aeron stream id (both sides must agree).
     *
     * @param streamId the stream id.
     * @return this.
     */
    public BridgeContext streamId(final int streamId)
    {
        this.streamId = streamId;
        return this;
    }

    /**
     * The stream id.
     *
     * @return the stream id.
     */
    public int streamId()
    {
        return streamId;
    }

    /**
     * Set the MTU of the Aeron channel, which bounds one datagram (see {@link BridgeSender#maxFrameLength()});
     * both sides must agree.
     *
     * @param mtuLength a multiple of 32 in [256, 65504].
     * @return this.
     */
    public BridgeContext mtuLength(final int mtuLength)
    {
        this.mtuLength = mtuLength;
        return this;
    }

    /**
     * The MTU.
     *
     * @return the MTU in bytes.
     */
    public int mtuLength()
    {
        return mtuLength;
    }

    /**
     * Set the most bytes of frame entries (each a 4-byte length and a frame) one DATA_BATCH carries. A batch longer
     * than one MTU's datagram is sent as one Aeron message that Aeron fragments over several full datagrams, still
     * under one AEAD tag; the receiver reassembles it, per Aeron image, into a buffer of this length (plus the
     * bridge's header and tag) before it checks and opens it, and refuses a longer one
     * ({@link BridgeRejectReason#FRAGMENT_TOO_LONG}). Both sides must agree (the receiver's at least the sender's).
     * Larger batches fill every datagram and spread the cipher's cost over more frames; a single frame still has
     * to fit one datagram ({@link BridgeSender#maxFrameLength()}).
     *
     * @param maxBatchLength at least one MTU's batch (the MTU less Aeron's 32-byte header, the bridge's header and
     *                       tag), at most Aeron's largest message (an eighth of the term length) less the bridge's
     *                       header and tag; 0 for the default ({@link #MAX_BATCH_LENGTH_DEFAULT} within those
     *                       bounds).
     * @return this.
     */
    public BridgeContext maxBatchLength(final int maxBatchLength)
    {
        this.maxBatchLength = maxBatchLength;
        return this;
    }

    /**
     * The most bytes of frame entries one DATA_BATCH carries: the value set, or the default for the MTU and term
     * length ({@link #MAX_BATCH_LENGTH_DEFAULT}, lowered to an eighth of the term less the bridge's header and tag,
     * raised to one MTU's batch).
     *
     * @return the length in bytes.
     */
    public int maxBatchLength()
    {
        if (0 != maxBatchLength)
        {
            return maxBatchLength;
        }
        return Math.max(singleDatagramBatchLength(), Math.min(MAX_BATCH_LENGTH_DEFAULT, largestBatchLength()));
    }

    private int singleDatagramBatchLength()
    {
        return mtuLength - DataHeaderFlyweight.HEADER_LENGTH - BridgeDescriptor.HEADER_LENGTH -
            BridgeDescriptor.TAG_LENGTH;
    }

    private int largestBatchLength()
    {
        return FrameDescriptor.computeMaxMessageLength(termLength) - BridgeDescriptor.HEADER_LENGTH -
            BridgeDescriptor.TAG_LENGTH;
    }

    /**
     * Set the term length of the Aeron publication.
     *
     * @param termLength a power of two, at least 64 KiB.
     * @return this.
     */
    public BridgeContext termLength(final int termLength)
    {
        this.termLength = termLength;
        return this;
    }

    /**
     * The term length.
     *
     * @return the term length in bytes.
     */
    public int termLength()
    {
        return termLength;
    }

    /**
     * Use an external media driver in this Aeron folder instead of embedding one.
     *
     * @param aeronDirectoryName the driver's folder.
     * @return this.
     */
    public BridgeContext aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * The external driver's folder.
     *
     * @return the folder, or null to embed a driver.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * Set the owner-only folder under which an embedded driver gets its own fresh owner-only folder.
     *
     * @param directory the parent folder (created owner-only if missing).
     * @return this.
     */
    public BridgeContext directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    /**
     * The parent folder of an embedded driver's folder.
     *
     * @return the folder.
     */
    public Path directory()
    {
        return directory;
    }

    /**
     * Set the AEAD of the datagrams (both sides must agree).
     *
     * @param algorithm the AEAD.
     * @return this.
     */
    public BridgeContext aeadAlgorithm(final AeadAlgorithm algorithm)
    {
        this.aeadAlgorithm = algorithm;
        return this;
    }

    /**
     * The AEAD.
     *
     * @return the algorithm.
     */
    public AeadAlgorithm aeadAlgorithm()
    {
        return aeadAlgorithm;
    }

    /**
     * Set how many datagrams one direction key may seal before it is refused.
     *
     * @param limit at least 2 with automatic rekeying, else at least 1.
     * @return this.
     */
    public BridgeContext keyFrameLimit(final long limit)
    {
        this.keyFrameLimit = limit;
        return this;
    }

    /**
     * The frame limit of one key.
     *
     * @return the limit.
     */
    public long keyFrameLimit()
    {
        return keyFrameLimit;
    }

    /**
     * Set whether the sender rekeys by itself when its key reaches the frame limit; if not, offers return
     * {@link BridgeSender#KEY_EXHAUSTED} until {@link BridgeSender#rekey()} is called.
     *
     * @param autoRekey true to rekey automatically.
     * @return this.
     */
    public BridgeContext autoRekey(final boolean autoRekey)
    {
        this.autoRekey = autoRekey;
        return this;
    }

    /**
     * Whether the sender rekeys by itself.
     *
     * @return true if so.
     */
    public boolean autoRekey()
    {
        return autoRekey;
    }

    /**
     * Set the size of the replay window's bitmap.
     *
     * @param words a power of two, 2 or more; the window covers {@code (words - 1) * 64} sequences.
     * @return this.
     */
    public BridgeContext replayWindowWords(final int words)
    {
        this.replayWindowWords = words;
        return this;
    }

    /**
     * The replay window's size in words.
     *
     * @return the number of 64-bit words.
     */
    public int replayWindowWords()
    {
        return replayWindowWords;
    }

    /**
     * Set the structural validator inner frames must pass.
     *
     * @param validator the validator.
     * @return this.
     */
    public BridgeContext frameValidator(final FrameValidator validator)
    {
        this.frameValidator = validator;
        return this;
    }

    /**
     * The inner frame validator.
     *
     * @return the validator.
     */
    public FrameValidator frameValidator()
    {
        return frameValidator;
    }

    /**
     * Set who receives the channel keys the peer sends.
     *
     * @param handler called on the receiving thread.
     * @return this.
     */
    public BridgeContext channelKeyHandler(final ChannelKeyHandler handler)
    {
        this.channelKeyHandler = handler;
        return this;
    }

    /**
     * The channel key handler.
     *
     * @return the handler, or null.
     */
    public ChannelKeyHandler channelKeyHandler()
    {
        return channelKeyHandler;
    }

    /**
     * Audit to a project audit log.
     *
     * @param log the log; the caller keeps owning it.
     * @return this.
     */
    public BridgeContext auditLog(final AuditLog log)
    {
        this.auditSink = BridgeAuditSink.of(log);
        return this;
    }

    /**
     * Set where audit events go.
     *
     * @param sink the sink.
     * @return this.
     */
    public BridgeContext auditSink(final BridgeAuditSink sink)
    {
        this.auditSink = sink;
        return this;
    }

    /**
     * The audit sink.
     *
     * @return the sink.
     */
    public BridgeAuditSink auditSink()
    {
        return auditSink;
    }

    /**
     * Allocate the bridge's counters here (for example a {@code CountersFile}'s manager) instead of in memory.
     *
     * @param manager the manager; the caller owns it, the bridge frees its counters on close.
     * @return this.
     */
    public BridgeContext countersManager(final CountersManager manager)
    {
        this.countersManager = manager;
        return this;
    }

    /**
     * The counters manager.
     *
     * @return the manager, or null for memory of the bridge's own.
     */
    public CountersManager countersManager()
    {
        return countersManager;
    }

    /**
     * Set the prefix of every counter label.
     *
     * @param label for example {@code "bridge hostA->hostB"}.
     * @return this.
     */
    public BridgeContext counterLabel(final String label)
    {
        this.counterLabel = label;
        return this;
    }

    /**
     * The counter label prefix.
     *
     * @return the label.
     */
    public String counterLabel()
    {
        return counterLabel;
    }

    /**
     * Set how long the initiator waits for an answer before resending its INIT_HELLO.
     *
     * @param resendMs milliseconds, positive.
     * @return this.
     */
    public BridgeContext handshakeResendMs(final long resendMs)
    {
        this.handshakeResendMs = resendMs;
        return this;
    }

    /**
     * The resend interval.
     *
     * @return milliseconds.
     */
    public long handshakeResendMs()
    {
        return handshakeResendMs;
    }

    /**
     * Set how long the sender may send nothing before {@link BridgeSender#doWork(long)} sends a KEEPALIVE, so that
     * the peer's watchdog hears this side in a quiet session. Both sides should agree, with the peer's
     * {@link #sessionTimeoutMs(long)} several times this (four or more: a keepalive or two may be lost).
     *
     * @param intervalMs milliseconds, positive.
     * @return this.
     */
    public BridgeContext keepaliveIntervalMs(final long intervalMs)
    {
        this.keepaliveIntervalMs = intervalMs;
        return this;
    }

    /**
     * The keepalive interval.
     *
     * @return milliseconds.
     */
    public long keepaliveIntervalMs()
    {
        return keepaliveIntervalMs;
    }

    /**
     * Set how long {@link Bridge#doWork(long)} waits, while the receiver keeps up with what arrives, for an
     * authenticated datagram of the current session from the peer before it drops the session (counted,
     * {@code session timeouts}, and audited): the initiator then handshakes again by itself, the responder waits for
     * the initiator's next INIT_HELLO.
     *
     * @param timeoutMs milliseconds, longer than {@link #keepaliveIntervalMs(long)} (four times or more is wise).
     * @return this.
     */
    public BridgeContext sessionTimeoutMs(final long timeoutMs)
    {
        this.sessionTimeoutMs = timeoutMs;
        return this;
    }

    /**
     * The session timeout.
     *
     * @return milliseconds.
     */
    public long sessionTimeoutMs()
    {
        return sessionTimeoutMs;
    }

    /**
     * Set the file policy of the embedded driver's folder and of the identity key file.
     *
     * @param policy the policy.
     * @return this.
     */
    public BridgeContext filePolicy(final FilePolicy policy)
    {
        this.filePolicy = policy;
        return this;
    }

    /**
     * The file policy.
     *
     * @return the policy.
     */
    public FilePolicy filePolicy()
    {
        return filePolicy;
    }
}
