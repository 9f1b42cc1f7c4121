package io.bastion.broker;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.CommonContext;
import io.bastion.channel.SealedRing;
import io.bastion.channel.SealingMode;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditLogConfig;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.peer.PeerPolicy;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.KeyFile;
import io.bastion.security.token.RevocationList;
import io.bastion.security.token.SingleUseTokens;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.HexFormat;

/**
 * Settings of a {@link Broker}, in Aeron's style: fluent setters, system properties for every setting, and
 * {@link #conclude()} which validates and fills defaults. Not thread safe; hand it to {@link Broker#launch} once.
 * <table>
 *     <caption>System properties</caption>
 *     <tr><th>property</th><th>default</th></tr>
 *     <tr><td>{@value #DIR_PROP}</td><td>{@code $XDG_RUNTIME_DIR/bastion}, else {@code /dev/shm/bastion-$USER}
 *     </td></tr>
 *     <tr><td>{@value #SOCKET_PROP}</td><td>{@code <dir>/broker.sock}</td></tr>
 *     <tr><td>{@value #HANDSHAKE_TIMEOUT_PROP}</td><td>{@value #HANDSHAKE_TIMEOUT_MS_DEFAULT}</td></tr>
 *     <tr><td>{@value #MAX_PENDING_PROP}</td><td>{@value #MAX_PENDING_DEFAULT}</td></tr>
 *     <tr><td>{@value #MAX_PENDING_PER_UID_PROP}</td><td>{@value #MAX_PENDING_PER_UID_DEFAULT}</td></tr>
 *     <tr><td>{@value #IDENTITY_KEY_PROP}</td><td>none: a private key file from {@code bastion keygen}
 *     ({@code identity.key}), or {@link #identity(KeyPair)}; without either, an identity made in memory for this
 *     run</td></tr>
 *     <tr><td>{@value #SINGLE_USE_CAPACITY_PROP}</td><td>{@value SingleUseTokens#DEFAULT_CAPACITY}</td></tr>
 *     <tr><td>{@value #RING_CAPACITY_PROP}</td><td>{@value #RING_CAPACITY_DEFAULT}</td></tr>
 *     <tr><td>{@value #ISSUER_KEY_PROP}</td><td>none: the issuer's raw Ed25519 public key in hex (64 digits), or
 *     {@link #issuerPublicKey(PublicKey)}; required</td></tr>
 *     <tr><td>{@value #AUDIT_DIR_PROP}</td><td>{@code <dir>/audit}</td></tr>
 *     <tr><td>{@value #AUDIT_CHECKPOINT_INTERVAL_PROP}</td><td>{@value
 *     io.bastion.security.audit.AuditLogConfig#DEFAULT_CHECKPOINT_INTERVAL}</td></tr>
 *     <tr><td>{@value #KEY_GRACE_PROP}</td><td>{@value #KEY_GRACE_MS_DEFAULT}</td></tr>
 *     <tr><td>{@value #KEY_ROTATION_PROP}</td><td>0: keys rotate only on request</td></tr>
 *     <tr><td>{@value #NON_DUMPABLE_PROP}</td><td>true: {@link Broker#launch} marks the process non-dumpable, so
 *     other processes of the same user cannot open its ring descriptors through {@code /proc/PID/fd} or read its
 *     keys through {@code /proc/PID/mem}</td></tr>
 *     <tr><td>{@value #SEALED_RINGS_PROP}</td><td>true: rings are sealed anonymous memory (Linux {@code memfd}) handed
 *     over as descriptors; where the platform lacks it, or with false, named ring files in the folder</td></tr>
 *     <tr><td>{@value #UNLINK_RINGS_PROP}</td><td>true: named ring files lose their names once both sides mapped
 *     them</td></tr>
 *     <tr><td>{@value #BATCH_SEALED_CHANNELS_PROP}</td><td>none: a comma-separated list of channel names sealed by
 *     batch ({@link SealingMode#HMAC_BATCH}); every other channel is sealed per frame, see
 *     {@link #channelSealing(String, SealingMode)}</td></tr>
 *     <tr><td>{@value #ENCRYPTED_CHANNELS_PROP}</td><td>none: a comma-separated list of channel names whose frames
 *     are encrypted ({@link SealingMode#AEAD_PER_FRAME})</td></tr>
 *     <tr><td>{@value #FAN_OUT_CHANNELS_PROP}</td><td>none: a comma-separated list of fan-out channels, each
 *     {@code name:subscribers[:evict|block[:maxLagBytes[:stallTimeoutMs]]]} ({@link ChannelFanOut}); every other
 *     channel takes one subscriber at a time</td></tr>
 *     <tr><td>{@value #RELAYED_CHANNELS_PROP}</td><td>none: a comma-separated list of relayed channels, on which
 *     only relays publish (frames sealed on another host, see {@link #relayedChannel(String)})</td></tr>
 * </table>
 * Everything else (identity key pair, peer policy, revocation list, clock, audit log, ring allocator, session
 * listener, file policy) is set in code; {@link #conclude()} fills: the identity from the identity key file if one is
 * named (read with the owner-only checks of the file policy), else a fresh Ed25519 identity made in memory for this
 * run, a policy that allows only the current user, an empty
 * revocation list, the system clock, an owner-only audit log the broker closes (whose checkpoints the identity key
 * signs, see {@link #auditCheckpointInterval(int)}), an {@link OwnerOnlyRingAllocator} in
 * the broker folder, and no session listener, which makes the broker run a {@link ChannelRouter} that joins each
 * channel's publishers to its subscriber.
 * <p>
 * <b>Identity.</b> Clients pin the broker through their tokens: each token names the identity public key of the broker
 * it is for, and a client checks the broker's handshake signature against that key (nothing in the broker folder is
 * trusted for it). So the identity must be known when tokens are issued: a broker that issues its own tokens
 * ({@code io.bastion.broker.Bastion}) may use an identity made in memory, whose key its tokens then name; a broker
 * whose tokens come from elsewhere needs a persistent identity, from {@link #identityKeyFile(Path)} (the
 * {@code bastion broker} command refuses to start without one). The identity private key is as sensitive as the
 * issuer's: keep its file owner-only and outside the broker folder.
 */
public final class BrokerContext extends CommonContext<BrokerContext> implements AutoCloseable
{
    /** Property: most handshakes in progress at once. */
    public static final String MAX_PENDING_PROP = "bastion.broker.max.pending";
    /** Default of the most handshakes in progress at once. */
    public static final int MAX_PENDING_DEFAULT = 16;
    /** Property: most handshakes in progress at once from one user id ({@code SO_PEERCRED}). */
    public static final String MAX_PENDING_PER_UID_PROP = "bastion.broker.max.pending.per.uid";
    /** Default of the most handshakes in progress at once from one user id. */
    public static final int MAX_PENDING_PER_UID_DEFAULT = 4;
    /** Property: the broker's identity private key file, as {@code bastion keygen} writes it. */
    public static final String IDENTITY_KEY_PROP = "bastion.broker.identity.key";
    /** Property: most live single-use tokens the broker remembers; beyond it new ones are refused. */
    public static final String SINGLE_USE_CAPACITY_PROP = "bastion.broker.single.use.capacity";
    /** Property: record capacity of each ring the default allocator creates. */
    public static final String RING_CAPACITY_PROP = "bastion.broker.ring.capacity";
    /** Default ring capacity: 1 MiB. */
    public static final int RING_CAPACITY_DEFAULT = 1 << 20;
    /** Property: the token issuer's raw Ed25519 public key, hex. */
    public static final String ISSUER_KEY_PROP = "bastion.broker.issuer.key";
    /** Property: audit folder. */
    public static final String AUDIT_DIR_PROP = "bastion.broker.audit.dir";
    /** Property: records between two signed checkpoints of the audit log the broker opens. */
    public static final String AUDIT_CHECKPOINT_INTERVAL_PROP = "bastion.broker.audit.checkpoint.interval";
    /** Property: how long a subscriber still accepts a publisher's previous key after a rotation, ms. */
    public static final String KEY_GRACE_PROP = "bastion.broker.key.grace.ms";
    /** Default of {@link #KEY_GRACE_PROP}. */
    public static final long KEY_GRACE_MS_DEFAULT = 5_000L;
    /** Property: interval at which every publisher's key rotates, ms; 0 for only on request. */
    public static final String KEY_ROTATION_PROP = "bastion.broker.key.rotation.ms";
    /** Property: false leaves the broker's process dumpable (debugging); default true. */
    public static final String NON_DUMPABLE_PROP = "bastion.broker.non.dumpable";
    /** Property: make rings sealed anonymous memory where the platform has it (else named files). */
    public static final String SEALED_RINGS_PROP = "bastion.broker.sealed.rings";
    /** Property: remove a ring's file names once both sides mapped it. */
    public static final String UNLINK_RINGS_PROP = "bastion.broker.unlink.rings";
    /** Property: comma-separated names of the channels sealed by batch ({@link SealingMode#HMAC_BATCH}). */
    public static final String BATCH_SEALED_CHANNELS_PROP = "bastion.broker.batch.sealed.channels";
    /** Property: comma-separated names of the channels encrypted ({@link SealingMode#AEAD_PER_FRAME}). */
    public static final String ENCRYPTED_CHANNELS_PROP = "bastion.broker.encrypted.channels";
    /** Property: comma-separated fan-out channels, each {@code name:subscribers[:evict|block[:lag[:stall]]]}. */
    public static final String FAN_OUT_CHANNELS_PROP = "bastion.broker.fanout.channels";
    /** System property: the relayed channels, comma separated. */
    public static final String RELAYED_CHANNELS_PROP = "bastion.broker.relayed.channels";

    private Path auditDirectory = pathProperty(AUDIT_DIR_PROP);
    private int auditCheckpointInterval =
        Integer.getInteger(AUDIT_CHECKPOINT_INTERVAL_PROP, AuditLogConfig.DEFAULT_CHECKPOINT_INTERVAL);
    private int maxPendingHandshakes = Integer.getInteger(MAX_PENDING_PROP, MAX_PENDING_DEFAULT);
    private int maxPendingHandshakesPerUid =
        Integer.getInteger(MAX_PENDING_PER_UID_PROP, MAX_PENDING_PER_UID_DEFAULT);
    private int singleUseTokenCapacity =
        Integer.getInteger(SINGLE_USE_CAPACITY_PROP, SingleUseTokens.DEFAULT_CAPACITY);
    private Path identityKeyFile = pathProperty(IDENTITY_KEY_PROP);
    private boolean identityInMemory;
    private int ringCapacity = Integer.getInteger(RING_CAPACITY_PROP, RING_CAPACITY_DEFAULT);
    private long keyGraceMs = Long.getLong(KEY_GRACE_PROP, KEY_GRACE_MS_DEFAULT);
    private long keyRotationIntervalMs = Long.getLong(KEY_ROTATION_PROP, 0L);
    private boolean unlinkRings = Boolean.parseBoolean(System.getProperty(UNLINK_RINGS_PROP, "true"));
    private boolean sealedRings = Boolean.parseBoolean(System.getProperty(SEALED_RINGS_PROP, "true"));
    private PublicKey issuerPublicKey;
    private KeyPair identity;
    private PeerPolicy peerPolicy;
    private RevocationList revocationList;
    private BrokerLimits limits;
    private AuditLog auditLog;
    private boolean ownsAuditLog;
    private RingAllocator ringAllocator;
    private SessionListener sessionListener;
    private final ChannelSettings channels = new ChannelSettings();
    private boolean concluded;

    /**
     * A context with every setting from the system properties or unset; {@link #conclude()} fills the rest.
     */
    public BrokerContext()
    {
        super(NON_DUMPABLE_PROP);
    }

    /**
     * Validate the settings and fill defaults. Reads the identity key file if one is named and no identity is set
     * (before anything is created), creates the broker folder (owner-only) and, unless given, opens the audit log and
     * the default ring allocator. Idempotent.
     *
     * @return this.
     * @throws IOException if the identity key file fails its owner-only checks
     *                     ({@link io.bastion.security.files.SecureFileException}) or holds no matching Ed25519 key pair
     *                     ({@link io.bastion.security.token.KeyFileException}), a folder fails its owner-only check,
     *                     or the audit log cannot be opened.
     * @throws IllegalStateException if a required setting is missing or a value is out of range.
     */
    public BrokerContext conclude() throws IOException
    {
        if (concluded)
        {
            return this;
        }
        requireAtLeastOne(maxPendingHandshakes, "max pending handshakes");
        requireAtLeastOne(maxPendingHandshakesPerUid, "max pending handshakes per uid");
        requireAtLeastOne(singleUseTokenCapacity, "single-use token capacity");
        if (null == issuerPublicKey)
        {
            final String hex = System.getProperty(ISSUER_KEY_PROP);
            if (null == hex)
            {
                throw new IllegalStateException("no token issuer key: set " + ISSUER_KEY_PROP);
            }
            issuerPublicKey = IssuerKeys.publicFromRaw(HexFormat.of().parseHex(hex));
        }
        channels.check();
        concludeCommon();
        if (null == identity && null != identityKeyFile)
        {
            identity = KeyFile.readKeyPair(identityKeyFile, filePolicy());
        }
        new OwnerOnlyFiles(filePolicy()).ensureDirectory(directory());
        concludeDefaults();
        concluded = true;
        return this;
    }

    private static void requireAtLeastOne(final int value, final String what)
    {
        if (value < 1)
        {
            throw new IllegalStateException(what + " must be at least 1: " + value);
        }
    }

    private void concludeDefaults() throws IOException
    {
        if (null == identity)
        {
            identity = IssuerKeys.generate();
            identityInMemory = true;
        }
        if (null == peerPolicy)
        {
            peerPolicy = PeerPolicy.builder().allowCurrentUser().build();
        }
        if (null == revocationList)
        {
            revocationList = new RevocationList();
        }
        if (null == ringAllocator)
        {
            ringAllocator = new OwnerOnlyRingAllocator(
                directory(), ringCapacity, filePolicy(), sealedRings && SealedRing.isSupported());
        }
        if (keyGraceMs < 0 || keyRotationIntervalMs < 0)
        {
            throw new IllegalStateException("key grace and rotation interval must not be negative");
        }
        if (null == auditLog)
        {
            if (null == auditDirectory)
            {
                auditDirectory = directory().resolve("audit");
            }
            requireAtLeastOne(auditCheckpointInterval, "audit checkpoint interval");
            auditLog = AuditLog.open(new AuditLogConfig()
                .directory(auditDirectory).filePolicy(filePolicy()).clock(epochClock())
                .checkpointSigner(identity.getPrivate()).checkpointInterval(auditCheckpointInterval));
            ownsAuditLog = true;
        }
    }

    /**
     * Audit folder (used only when no audit log is given); by default {@code <dir>/audit}.
     *
     * @param auditDirectory the folder.
     * @return this.
     */
    public BrokerContext auditDirectory(final Path auditDirectory)
    {
        this.auditDirectory = auditDirectory;
        return this;
    }

    /**
     * The audit folder.
     *
     * @return the folder, or null if an audit log was given or before {@link #conclude()}.
     */
    public Path auditDirectory()
    {
        return auditDirectory;
    }

    /**
     * Records between two signed checkpoints of the audit log the broker opens itself (not of one given with
     * {@link #auditLog(AuditLog)}). That log's checkpoints are signed with the {@link #identity(KeyPair) identity}
     * private key, so {@code bastion audit verify --identity-public} can tell a removed tail or oldest file from an
     * intact log; give a persistent identity, since a fresh one each run signs each run's checkpoints with another
     * key.
     *
     * @param auditCheckpointInterval at least 1.
     * @return this.
     */
    public BrokerContext auditCheckpointInterval(final int auditCheckpointInterval)
    {
        this.auditCheckpointInterval = auditCheckpointInterval;
        return this;
    }

    /**
     * The number of records between two signed checkpoints of the audit log the broker opens.
     *
     * @return the interval.
     */
    public int auditCheckpointInterval()
    {
        return auditCheckpointInterval;
    }

    /**
     * Most handshakes in progress at once; a connection beyond it is refused ({@code RATE_LIMITED}) and closed at
     * once.
     *
     * @param maxPendingHandshakes at least 1.
     * @return this.
     */
    public BrokerContext maxPendingHandshakes(final int maxPendingHandshakes)
    {
        this.maxPendingHandshakes = maxPendingHandshakes;
        return this;
    }

    /**
     * The most handshakes in progress at once.
     *
     * @return the limit.
     */
    public int maxPendingHandshakes()
    {
        return maxPendingHandshakes;
    }

    /**
     * Most handshakes in progress at once from one user id (the kernel's {@code SO_PEERCRED} uid), so that one
     * user's silent connections cannot hold every slot of {@link #maxPendingHandshakes()}: a connection beyond it is
     * refused ({@code RATE_LIMITED}), audited and counted at once. Connections whose uid cannot be read share one
     * bucket. A value at or above the global limit leaves only the global limit.
     *
     * @param maxPendingHandshakesPerUid at least 1.
     * @return this.
     */
    public BrokerContext maxPendingHandshakesPerUid(final int maxPendingHandshakesPerUid)
    {
        this.maxPendingHandshakesPerUid = maxPendingHandshakesPerUid;
        return this;
    }

    /**
     * The most handshakes in progress at once from one user id.
     *
     * @return the limit.
     */
    public int maxPendingHandshakesPerUid()
    {
        return maxPendingHandshakesPerUid;
    }

    /**
     * Most live single-use tokens the broker remembers (see {@link SingleUseTokens}); when that many are held, a new
     * single-use token is refused ({@code RATE_LIMITED}) until some expire.
     *
     * @param singleUseTokenCapacity at least 1.
     * @return this.
     */
    public BrokerContext singleUseTokenCapacity(final int singleUseTokenCapacity)
    {
        this.singleUseTokenCapacity = singleUseTokenCapacity;
        return this;
    }

    /**
     * The most live single-use tokens remembered.
     *
     * @return the capacity.
     */
    public int singleUseTokenCapacity()
    {
        return singleUseTokenCapacity;
    }

    /**
     * Record capacity of the default allocator's rings.
     *
     * @param ringCapacity a power of two.
     * @return this.
     */
    public BrokerContext ringCapacity(final int ringCapacity)
    {
        this.ringCapacity = ringCapacity;
        return this;
    }

    /**
     * The default allocator's ring capacity.
     *
     * @return bytes.
     */
    public int ringCapacity()
    {
        return ringCapacity;
    }

    /**
     * How a channel's frames are sealed: the broker announces it in the Welcome of every publisher and subscriber of
     * that channel, so both ends agree. Set it before the broker launches; a channel not named here is sealed per
     * frame ({@link SealingMode#HMAC_PER_FRAME}).
     *
     * @param channel the channel name.
     * @param mode    its sealing mode.
     * @return this.
     */
    public BrokerContext channelSealing(final String channel, final SealingMode mode)
    {
        channels.sealing(channel, mode);
        return this;
    }

    /**
     * How a channel's frames are sealed.
     *
     * @param channel the channel name.
     * @return the mode set by {@link #channelSealing(String, SealingMode)}, {@value #BATCH_SEALED_CHANNELS_PROP} or
     *         {@value #ENCRYPTED_CHANNELS_PROP}, else {@link SealingMode#HMAC_PER_FRAME}.
     */
    public SealingMode channelSealing(final String channel)
    {
        return channels.sealing(channel);
    }

    /**
     * How many subscribers a channel takes at once, and what its publishers do about one that lags or stops: the
     * broker announces it in the Welcome of every publisher and subscriber of that channel. Set it before the broker
     * launches; a channel not named here takes one subscriber at a time ({@link ChannelFanOut#ONE_TO_ONE}). Fan-out
     * needs sealed rings ({@link #sealedRings(boolean)}): each subscriber's consumer region is handed over as a
     * descriptor.
     *
     * @param channel the channel name.
     * @param fanOut  its fan-out.
     * @return this.
     */
    public BrokerContext channelFanOut(final String channel, final ChannelFanOut fanOut)
    {
        channels.fanOut(channel, fanOut);
        return this;
    }

    /**
     * A channel's fan-out.
     *
     * @param channel the channel name.
     * @return what {@link #channelFanOut(String, ChannelFanOut)} or {@value #FAN_OUT_CHANNELS_PROP} set, else
     *         {@link ChannelFanOut#ONE_TO_ONE}.
     */
    public ChannelFanOut channelFanOut(final String channel)
    {
        return channels.fanOut(channel);
    }

    /**
     * Declare a channel relayed: its frames come sealed from another host, republished by a relay (a session whose
     * token grants {@link io.bastion.security.token.Right#RELAY}) under the origin publisher's producer id and keys,
     * which the relay hands to this broker. On a relayed channel only relays publish (an ordinary publisher is
     * refused {@link io.bastion.codec.RejectReason#RELAY_ONLY}); a relay on any other channel is refused
     * {@link io.bastion.codec.RejectReason#NOT_RELAYED}. A relayed channel is sealed per frame
     * ({@link SealingMode#HMAC_PER_FRAME}), the only mode whose frames cross hosts unchanged. Set it before the
     * broker launches. See {@code docs/relay.md}.
     *
     * @param channel the channel name.
     * @return this.
     */
    public BrokerContext relayedChannel(final String channel)
    {
        channels.relayed(channel);
        return this;
    }

    /**
     * Whether a channel is relayed.
     *
     * @param channel the channel name.
     * @return true if {@link #relayedChannel(String)} or {@value #RELAYED_CHANNELS_PROP} named it.
     */
    public boolean isRelayedChannel(final String channel)
    {
        return channels.isRelayed(channel);
    }

    /**
     * The token issuer's Ed25519 public key: tokens must verify under it.
     *
     * @param issuerPublicKey the key.
     * @return this.
     */
    public BrokerContext issuerPublicKey(final PublicKey issuerPublicKey)
    {
        this.issuerPublicKey = issuerPublicKey;
        return this;
    }

    /**
     * The token issuer's key.
     *
     * @return the key.
     */
    public PublicKey issuerPublicKey()
    {
        return issuerPublicKey;
    }

    /**
     * The broker's static Ed25519 identity: the tokens it accepts name its public key, and clients pin it from their
     * tokens. Takes precedence over {@link #identityKeyFile(Path)}.
     *
     * @param identity the key pair; the broker keeps a reference.
     * @return this.
     */
    public BrokerContext identity(final KeyPair identity)
    {
        this.identity = identity;
        return this;
    }

    /**
     * The broker's identity.
     *
     * @return the key pair, or null before {@link #conclude()} if unset.
     */
    public KeyPair identity()
    {
        return identity;
    }

    /**
     * The broker's identity private key file, as {@code bastion keygen} writes it ({@code identity.key}):
     * {@link #conclude()} reads it with the owner-only checks of the file policy. Keep it outside the broker folder.
     *
     * @param identityKeyFile the file, or null for none.
     * @return this.
     */
    public BrokerContext identityKeyFile(final Path identityKeyFile)
    {
        this.identityKeyFile = identityKeyFile;
        return this;
    }

    /**
     * The identity key file.
     *
     * @return the file, or null if none is named.
     */
    public Path identityKeyFile()
    {
        return identityKeyFile;
    }

    /**
     * Whether {@link #conclude()} made the identity in memory (neither an identity nor a key file was given): it
     * lasts for this broker's run only, so only tokens issued in this process can name it.
     *
     * @return true for an identity made in memory.
     */
    public boolean identityInMemory()
    {
        return identityInMemory;
    }

    /**
     * Which peers ({@code SO_PEERCRED} user or group) may connect.
     *
     * @param peerPolicy the policy.
     * @return this.
     */
    public BrokerContext peerPolicy(final PeerPolicy peerPolicy)
    {
        this.peerPolicy = peerPolicy;
        return this;
    }

    /**
     * The peer policy.
     *
     * @return the policy.
     */
    public PeerPolicy peerPolicy()
    {
        return peerPolicy;
    }

    /**
     * Revoked token ids, shared with whoever revokes.
     *
     * @param revocationList the list.
     * @return this.
     */
    public BrokerContext revocationList(final RevocationList revocationList)
    {
        this.revocationList = revocationList;
        return this;
    }

    /**
     * The revocation list.
     *
     * @return the list.
     */
    public RevocationList revocationList()
    {
        return revocationList;
    }

    /**
     * An audit log owned by the caller (the broker will not close it).
     *
     * @param auditLog the log.
     * @return this.
     */
    public BrokerContext auditLog(final AuditLog auditLog)
    {
        this.auditLog = auditLog;
        this.ownsAuditLog = false;
        return this;
    }

    /**
     * The audit log.
     *
     * @return the log.
     */
    public AuditLog auditLog()
    {
        return auditLog;
    }

    /**
     * Close what {@link #conclude()} created: the audit log, when this context opened it (one given through
     * {@link #auditLog(AuditLog)} stays the caller's). The broker calls this when it closes or fails to start; an
     * embedder that concluded a context without launching a broker calls it instead. Idempotent. The folder and the
     * identity stay: they outlive a broker.
     */
    @Override
    public void close()
    {
        if (ownsAuditLog && null != auditLog)
        {
            ownsAuditLog = false;
            try
            {
                auditLog.close();
            }
            catch (final IOException ex)
            {
                // The audit writer already failed; its failure stays readable through AuditLog.failure().
            }
        }
    }

    /**
     * How rings are created for a session.
     *
     * @param ringAllocator the allocator.
     * @return this.
     */
    public BrokerContext ringAllocator(final RingAllocator ringAllocator)
    {
        this.ringAllocator = ringAllocator;
        return this;
    }

    /**
     * The ring allocator.
     *
     * @return the allocator.
     */
    public RingAllocator ringAllocator()
    {
        return ringAllocator;
    }

    /**
     * How long a subscriber still accepts a publisher's previous key after a rotation.
     *
     * @param keyGraceMs milliseconds, not negative.
     * @return this.
     */
    public BrokerContext keyGraceMs(final long keyGraceMs)
    {
        this.keyGraceMs = keyGraceMs;
        return this;
    }

    /**
     * The key grace period.
     *
     * @return milliseconds.
     */
    public long keyGraceMs()
    {
        return keyGraceMs;
    }

    /**
     * How often every publisher's key rotates.
     *
     * @param keyRotationIntervalMs milliseconds; 0 for only on request ({@link ChannelRouter#rotateKeys}).
     * @return this.
     */
    public BrokerContext keyRotationIntervalMs(final long keyRotationIntervalMs)
    {
        this.keyRotationIntervalMs = keyRotationIntervalMs;
        return this;
    }

    /**
     * The key rotation interval.
     *
     * @return milliseconds, 0 for only on request.
     */
    public long keyRotationIntervalMs()
    {
        return keyRotationIntervalMs;
    }

    /**
     * Whether a ring's file names are removed once both sides mapped it, so that no new process can open it by path.
     *
     * @param unlinkRings true to unlink.
     * @return this.
     */
    public BrokerContext unlinkRings(final boolean unlinkRings)
    {
        this.unlinkRings = unlinkRings;
        return this;
    }

    /**
     * Whether the default ring allocator makes sealed anonymous rings (where the platform has them) or named files.
     * Ignored when a ring allocator is set.
     *
     * @param sealedRings true for sealed rings where supported, false for named files always.
     * @return this.
     */
    public BrokerContext sealedRings(final boolean sealedRings)
    {
        this.sealedRings = sealedRings;
        return this;
    }

    /**
     * Whether the default ring allocator makes sealed anonymous rings where supported.
     *
     * @return true for sealed rings.
     */
    public boolean sealedRings()
    {
        return sealedRings;
    }

    /**
     * Whether rings are unlinked once mapped.
     *
     * @return true to unlink.
     */
    public boolean unlinkRings()
    {
        return unlinkRings;
    }

    /**
     * Who receives each open session; when none is set, the broker runs a {@link ChannelRouter}.
     *
     * @param sessionListener the listener.
     * @return this.
     */
    public BrokerContext sessionListener(final SessionListener sessionListener)
    {
        this.sessionListener = sessionListener;
        return this;
    }

    /**
     * The session listener.
     *
     * @return the listener, or null for the broker's {@link ChannelRouter}.
     */
    public SessionListener sessionListener()
    {
        return sessionListener;
    }

    /**
     * The limits the broker's router enforces (sessions per principal, rings per channel, the acknowledgement
     * timeout); see {@link BrokerLimits} for each default and its system property.
     *
     * @param limits the limits.
     * @return this.
     */
    public BrokerContext limits(final BrokerLimits limits)
    {
        this.limits = limits;
        return this;
    }

    /**
     * The limits the broker's router enforces; {@link BrokerLimits#defaults()} unless set.
     *
     * @return the limits.
     */
    public BrokerLimits limits()
    {
        return null == limits ? BrokerLimits.defaults() : limits;
    }
}
