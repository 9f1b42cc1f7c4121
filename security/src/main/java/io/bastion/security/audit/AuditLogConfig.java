package io.bastion.security.audit;

import io.bastion.security.files.FilePolicy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.io.IOException;
import java.nio.file.Path;
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

    private Path directory;
    private String baseName = "audit";
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    private int maxFiles = DEFAULT_MAX_FILES;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private EpochClock clock = SystemEpochClock.INSTANCE;
    private ThreadFactory threadFactory;
    private FilePolicy filePolicy;

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
     * Rotate to a new file before a record would take the current one past this size.
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
}
