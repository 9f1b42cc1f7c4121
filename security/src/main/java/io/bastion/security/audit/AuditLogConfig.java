package io.bastion.security.audit;

import io.bastion.security.files.FilePolicy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.concurrent.ThreadFactory;

/**
 * Settings of an {@link AuditLog}, with fluent setters. Not thread safe; hand it to {@link AuditLog#open} once.
 */
public final class AuditLogConfig
{
    /** Default size at which a file is rotated. */
    public static final long DEFAULT_MAX_FILE_BYTES = 8L * 1024 * 1024;
    /** Default number of files kept. */
    public static final int DEFAULT_MAX_FILES = 64;
    /** Default queue capacity (events). */
    public static final int DEFAULT_QUEUE_CAPACITY = 4096;
    /** Default number of records between two periodic checkpoints, when a checkpoint signer is set. */
    public static final int DEFAULT_CHECKPOINT_INTERVAL = 1024;

    private Path directory;
    private String baseName = "audit";
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    private int maxFiles = DEFAULT_MAX_FILES;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private EpochClock clock = SystemEpochClock.INSTANCE;
    private ThreadFactory threadFactory;
    private FilePolicy filePolicy;
    private PrivateKey checkpointSigner;
    private int checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;

    /**
     * Settings with every default; the folder must still be set.
     */
    public AuditLogConfig()
    {
    }

    /**
     * The owner-only folder holding the files; created if missing, checked if present.
     *
     * @param directory the folder.
     * @return this.
     */
    public AuditLogConfig directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    /**
     * Base of the file names ({@code <base>-<number>.log}).
     *
     * @param baseName letters, digits, '-' or '_'.
     * @return this.
     */
    public AuditLogConfig baseName(final String baseName)
    {
        this.baseName = baseName;
        return this;
    }

    /**
     * Rotate to a new file before a record would take the current one past this size. A record larger than the
     * size still goes into a new file of its own, and a new file may start with a checkpoint before that record.
     *
     * @param maxFileBytes at least 1024.
     * @return this.
     */
    public AuditLogConfig maxFileBytes(final long maxFileBytes)
    {
        this.maxFileBytes = maxFileBytes;
        return this;
    }

    /**
     * Files kept; on rotation beyond this, the oldest are deleted, so disk use stays under about
     * {@code maxFiles * maxFileBytes}. The verifier then starts from the oldest file kept.
     *
     * @param maxFiles at least 2.
     * @return this.
     */
    public AuditLogConfig maxFiles(final int maxFiles)
    {
        this.maxFiles = maxFiles;
        return this;
    }

    /**
     * Events that may wait for the writer; beyond it they are dropped and counted.
     *
     * @param queueCapacity at least 2 (rounded up to a power of two).
     * @return this.
     */
    public AuditLogConfig queueCapacity(final int queueCapacity)
    {
        this.queueCapacity = queueCapacity;
        return this;
    }

    /**
     * Clock stamping each event when it is logged.
     *
     * @param clock epoch-ms clock.
     * @return this.
     */
    public AuditLogConfig clock(final EpochClock clock)
    {
        this.clock = clock;
        return this;
    }

    /**
     * Factory of the writer thread (default: a daemon thread named {@code bastion-audit}).
     *
     * @param threadFactory the factory.
     * @return this.
     */
    public AuditLogConfig threadFactory(final ThreadFactory threadFactory)
    {
        this.threadFactory = threadFactory;
        return this;
    }

    /**
     * Policy of the folder and files (default: owner-only for this process's uid).
     *
     * @param filePolicy the policy.
     * @return this.
     */
    public AuditLogConfig filePolicy(final FilePolicy filePolicy)
    {
        this.filePolicy = filePolicy;
        return this;
    }

    /**
     * Ed25519 private key with which the log signs checkpoints (the broker's persistent identity key); null (the
     * default) for no checkpoints, as logs were before checkpoints existed.
     * <p>
     * With a signer the log appends a {@link AuditEventType#CHECKPOINT} record after every
     * {@link #checkpointInterval} records, before retention deletes files, and at {@link AuditLog#close()}; see
     * {@link AuditVerifier} for what that lets a verifier holding the public key detect. The key object is kept by
     * reference (no key bytes are copied) and used only by the writer thread. Verify with the same key: a log
     * written across runs with different keys (a fresh identity each run) verifies only without a key.
     *
     * @param checkpointSigner an Ed25519 private key, or null.
     * @return this.
     */
    public AuditLogConfig checkpointSigner(final PrivateKey checkpointSigner)
    {
        this.checkpointSigner = checkpointSigner;
        return this;
    }

    /**
     * Records written between two periodic checkpoints (counted from the last checkpoint this log instance wrote,
     * or from its opening). Ignored without a {@link #checkpointSigner}.
     *
     * @param checkpointInterval at least 1; default {@value #DEFAULT_CHECKPOINT_INTERVAL}.
     * @return this.
     */
    public AuditLogConfig checkpointInterval(final int checkpointInterval)
    {
        this.checkpointInterval = checkpointInterval;
        return this;
    }

    void conclude() throws IOException
    {
        if (null == directory)
        {
            throw new IllegalArgumentException("audit directory not set");
        }
        if (null == baseName || !baseName.matches("[A-Za-z0-9_-]{1,64}"))
        {
            throw new IllegalArgumentException("invalid base name: " + baseName);
        }
        if (maxFileBytes < 1024 || maxFiles < 2 || queueCapacity < 2 || queueCapacity > (1 << 24))
        {
            throw new IllegalArgumentException("invalid audit limits");
        }
        if (checkpointInterval < 1)
        {
            throw new IllegalArgumentException("checkpoint interval must be at least 1: " + checkpointInterval);
        }
        if (null != checkpointSigner)
        {
            AuditCheckpoint.newSigner(checkpointSigner);
        }
        if (null == threadFactory)
        {
            threadFactory = (runnable) ->
            {
                final Thread thread = new Thread(runnable, "bastion-audit");
                thread.setDaemon(true);
                return thread;
            };
        }
        if (null == filePolicy)
        {
            filePolicy = FilePolicy.ownerOnly();
        }
    }

    Path directory()
    {
        return directory;
    }

    String baseName()
    {
        return baseName;
    }

    long maxFileBytes()
    {
        return maxFileBytes;
    }

    int maxFiles()
    {
        return maxFiles;
    }

    int queueCapacity()
    {
        return queueCapacity;
    }

    EpochClock clock()
    {
        return clock;
    }

    ThreadFactory threadFactory()
    {
        return threadFactory;
    }

    FilePolicy filePolicy()
    {
        return filePolicy;
    }

    PrivateKey checkpointSigner()
    {
        return checkpointSigner;
    }

    int checkpointInterval()
    {
        return checkpointInterval;
    }
}
