package io.bastion.security.audit;

import io.bastion.security.files.OwnerOnlyFiles;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Append-only, hash-chained audit log, written off the caller's thread.
 * <p>
 * {@link #log} stamps the event with the injected clock, escapes and bounds its text fields (see
 * {@link AuditRecord}), and offers it to a bounded lock-free queue; it never blocks and never does I/O. When the queue
 * is full the event is dropped and counted, and the next record written carries the count in its {@code dropped}
 * field (a record of type {@link AuditEventType#EVENTS_DROPPED} is written if nothing else comes). Memory is bounded by
 * the queue capacity times the largest record (under 3 KiB); disk by {@code maxFiles * maxFileBytes}.
 * <p>
 * One writer thread drains the queue. Each record carries the SHA-256 of the previous one; before a record would take
 * the current file past {@code maxFileBytes} the file is forced and closed and the next file number is created
 * owner-only with {@code CREATE_NEW}, its first record linking to the last record of the previous file. A log opened
 * on a folder that already holds files continues the chain from the last complete record, in a new file (it never
 * appends to an existing file, which may end in a torn record).
 * <p>
 * Durability: records are handed to the OS whenever the queue runs empty (so within about a millisecond of a burst),
 * and forced to disk on rotation and on {@link #close()}. A process crash loses at most the queued events; a machine
 * crash may also lose what was not forced. {@link #close()} stops accepting events, writes every event accepted before
 * it, forces and closes the file, and waits for the writer thread. If the writer hits an I/O error it stops writing,
 * counts every later event as dropped, and {@link #close()} rethrows the error.
 * <p>
 * With a {@link AuditLogConfig#checkpointSigner checkpoint signer}, the writer also appends signed
 * {@link AuditEventType#CHECKPOINT} records (format in {@link AuditRecord}): after every
 * {@link AuditLogConfig#checkpointInterval} records, as the first record of a new file before retention deletes the
 * oldest files (restating the index of the oldest record kept), and at {@link #close()} (a close checkpoint, which
 * marks the log as cleanly closed; not repeated if the chain already ends with one). A continued log takes the
 * oldest record kept from its last checkpoint, not from the files present, so a file removed while no writer ran
 * stays detectable. A signing failure is handled as an I/O failure.
 * <p>
 * Never log payload or key bytes: the API only takes enums, bounded short strings and a clock reading.
 * Thread safe: any number of threads may call {@link #log}.
 */
public final class AuditLog implements AutoCloseable
{
    private static final long IDLE_NANOS = 1_000_000L;

    private final AuditLogConfig config;
    private final EpochClock clock;
    private final OwnerOnlyFiles files;
    private final ManyToOneConcurrentArrayQueue<AuditEvent> queue;
    private final AtomicLong pendingDropped = new AtomicLong();
    private final AtomicLong totalDropped = new AtomicLong();
    private final Thread writer;
    private final Signature signer;
    private volatile boolean closing;
    private volatile IOException failure;

    // Owned by the writer thread.
    private FileChannel channel;
    private OutputStream out;
    private long fileNumber;
    private long fileBytes;
    private long nextSeq;
    private String lastHash;
    private long startSeq;
    private String startPrev;
    private long sinceCheckpoint;
    private boolean endsClosed;

    private AuditLog(final AuditLogConfig config) throws IOException
    {
        this.config = config;
        this.clock = config.clock();
        this.files = new OwnerOnlyFiles(config.filePolicy());
        this.queue = new ManyToOneConcurrentArrayQueue<>(config.queueCapacity());
        this.signer = null == config.checkpointSigner() ? null : AuditCheckpoint.newSigner(config.checkpointSigner());
        files.ensureDirectory(config.directory());
        resumeChain(AuditFiles.list(config.directory(), config.baseName()));
        this.writer = config.threadFactory().newThread(this::run);
    }

    /**
     * Open (or continue) a log and start its writer thread.
     *
     * @param config the settings.
     * @return the running log.
     * @throws IOException if the folder fails its owner-only check or existing files cannot be read.
     * @throws IllegalArgumentException if a setting is out of range or the checkpoint signer is not an Ed25519
     *                                  private key.
     */
    public static AuditLog open(final AuditLogConfig config) throws IOException
    {
        config.conclude();
        final AuditLog log = new AuditLog(config);
        log.writer.start();
        return log;
    }

    /**
     * Queue an event. Never blocks.
     *
     * @param type      what happened, not null.
     * @param outcome   how it ended, not null.
     * @param principal who (user or token subject); escaped, cut at {@link AuditRecord#MAX_PRINCIPAL} chars.
     * @param channel   which channel, or null; escaped, cut at {@link AuditRecord#MAX_CHANNEL} chars.
     * @param detail    a short reason such as an enum name, or null; cut at {@link AuditRecord#MAX_DETAIL} chars.
     * @return true if queued; false if dropped (queue full, counted), the log is closed (not counted), or the type
     * is {@link AuditEventType#CHECKPOINT}, which only the log writes (refused, not counted).
     */
    public boolean log(
        final AuditEventType type,
        final AuditOutcome outcome,
        final String principal,
        final String channel,
        final String detail)
    {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(outcome, "outcome");
        if (closing || type == AuditEventType.CHECKPOINT)
        {
            return false;
        }
        final AuditEvent event = new AuditEvent(clock.time(), type, outcome,
            AuditRecord.escape(principal, AuditRecord.MAX_PRINCIPAL),
            AuditRecord.escape(channel, AuditRecord.MAX_CHANNEL),
            AuditRecord.escape(detail, AuditRecord.MAX_DETAIL));
        if (!queue.offer(event))
        {
            pendingDropped.incrementAndGet();
            totalDropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Events dropped since the log was opened (queue full, or writer failed).
     *
     * @return the count.
     */
    public long droppedCount()
    {
        return totalDropped.get();
    }

    /**
     * The writer's I/O failure, if any.
     *
     * @return the error, or null while healthy.
     */
    public IOException failure()
    {
        return failure;
    }

    /**
     * Stop accepting events, write every accepted one and, with a checkpoint signer, a close checkpoint; force and
     * close the file, and join the writer.
     *
     * @throws IOException the writer's failure, if it had one.
     */
    @Override
    public void close() throws IOException
    {
        closing = true;
        LockSupport.unpark(writer);
        boolean interrupted = false;
        while (writer.isAlive())
        {
            try
            {
                writer.join();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
        // An offer that raced with close() landed after the writer's last poll: count it rather than lose it silently.
        while (null != queue.poll())
        {
            totalDropped.incrementAndGet();
        }
        if (null != failure)
        {
            throw failure;
        }
    }

    private void run()
    {
        while (true)
        {
            final boolean last = closing;
            final AuditEvent event = queue.poll();
            if (null != event)
            {
                write(event.timeMs, event.type, event.outcome, event.principal, event.channel, event.detail);
                continue;
            }
            if (pendingDropped.get() > 0)
            {
                write(clock.time(), AuditEventType.EVENTS_DROPPED, AuditOutcome.INFO, "", "", "queue full");
            }
            flushToOs();
            if (last)
            {
                break;
            }
            LockSupport.parkNanos(IDLE_NANOS);
        }
        if (null != signer && !endsClosed && null == failure)
        {
            try
            {
                writeCheckpoint(AuditCheckpoint.KIND_CLOSE, clock.time());
            }
            catch (final IOException ex)
            {
                fail(ex);
            }
        }
        closeFile();
    }

    private void write(
        final long timeMs,
        final AuditEventType type,
        final AuditOutcome outcome,
        final String principal,
        final String channel,
        final String detail)
    {
        if (null != failure)
        {
            totalDropped.incrementAndGet();
            return;
        }
        final long dropped = pendingDropped.getAndSet(0);
        try
        {
            String body = AuditRecord.body(
                nextSeq, timeMs, type, outcome, principal, channel, detail, dropped, lastHash);
            if (needsRotation(body))
            {
                rotate();
                body = AuditRecord.body(nextSeq, timeMs, type, outcome, principal, channel, detail, dropped, lastHash);
            }
            append(body);
            if (null != signer && ++sinceCheckpoint >= config.checkpointInterval())
            {
                writeCheckpoint(AuditCheckpoint.KIND_PERIODIC, timeMs);
            }
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    private void writeCheckpoint(final String kind, final long timeMs) throws IOException
    {
        final long dropped = pendingDropped.getAndSet(0);
        String body = checkpointBody(kind, timeMs, dropped);
        if (needsRotation(body))
        {
            rotate();
            body = checkpointBody(kind, timeMs, dropped);
        }
        append(body);
        sinceCheckpoint = 0;
        endsClosed = AuditCheckpoint.KIND_CLOSE.equals(kind);
    }

    private String checkpointBody(final String kind, final long timeMs, final long dropped) throws IOException
    {
        try
        {
            return AuditCheckpoint.signedBody(signer, nextSeq, timeMs, dropped, lastHash, kind, startSeq, startPrev);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("audit checkpoint signing failed", ex);
        }
    }

    private boolean needsRotation(final String body)
    {
        // The line is the body, a tab, 64 hex digits and a line feed.
        return null == out || (fileBytes > 0 && body.length() + 66 > config.maxFileBytes() - fileBytes);
    }

    private void append(final String body) throws IOException
    {
        final String hash = AuditRecord.sha256Hex(body);
        final byte[] line = (body + '\t' + hash + '\n').getBytes(StandardCharsets.US_ASCII);
        out.write(line);
        fileBytes += line.length;
        nextSeq++;
        lastHash = hash;
        endsClosed = false;
    }

    private void rotate() throws IOException
    {
        if (null != out)
        {
            out.flush();
            channel.force(true);
            out.close();
        }
        fileNumber++;
        final Path path = config.directory().resolve(AuditFiles.fileName(config.baseName(), fileNumber));
        channel = files.createFile(path);
        out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
        fileBytes = 0;
        final List<Path> existing = AuditFiles.list(config.directory(), config.baseName());
        final int excess = existing.size() - config.maxFiles();
        if (excess <= 0)
        {
            return;
        }
        if (null != signer)
        {
            // Restate the oldest record kept in a signed checkpoint, on disk before anything is deleted, so that a
            // verifier can tell retention from removal.
            if (!findStartAfterRetention(existing, excess))
            {
                return;
            }
            writeRetentionCheckpoint();
        }
        for (int i = 0; i < excess; i++)
        {
            Files.deleteIfExists(existing.get(i));
        }
    }

    private void writeRetentionCheckpoint() throws IOException
    {
        append(checkpointBody(AuditCheckpoint.KIND_RETAIN, clock.time(), 0));
        sinceCheckpoint = 0;
        out.flush();
        channel.force(true);
    }

    private boolean findStartAfterRetention(final List<Path> existing, final int excess) throws IOException
    {
        // The newest file of the list is the one just created, still empty.
        for (int i = excess; i < existing.size() - 1; i++)
        {
            final List<String> lines = completeLines(existing.get(i));
            if (!lines.isEmpty())
            {
                final AuditRecord first = AuditRecord.parse(lines.get(0));
                if (null == first)
                {
                    // Cannot say where the kept chain starts: keep every file rather than lose the anchor.
                    return false;
                }
                startSeq = first.seq();
                startPrev = first.prevHash();
                return true;
            }
        }
        startSeq = nextSeq;
        startPrev = lastHash;
        return true;
    }

    private void flushToOs()
    {
        if (null != out && null == failure)
        {
            try
            {
                out.flush();
            }
            catch (final IOException ex)
            {
                fail(ex);
            }
        }
    }

    private void closeFile()
    {
        if (null != out && null == failure)
        {
            try
            {
                out.flush();
                channel.force(true);
                out.close();
            }
            catch (final IOException ex)
            {
                fail(ex);
            }
        }
    }

    private void fail(final IOException ex)
    {
        failure = ex;
        totalDropped.incrementAndGet();
        try
        {
            if (null != channel)
            {
                channel.close();
            }
        }
        catch (final IOException ignore)
        {
            // The first failure is the one reported.
        }
    }

    private void resumeChain(final List<Path> existing) throws IOException
    {
        nextSeq = 0;
        lastHash = AuditRecord.GENESIS;
        startSeq = 0;
        startPrev = AuditRecord.GENESIS;
        endsClosed = false;
        fileNumber = existing.isEmpty() ? 0 : AuditFiles.number(config.baseName(), existing.get(existing.size() - 1));
        boolean foundLast = false;
        for (int i = existing.size() - 1; i >= 0; i--)
        {
            final List<String> lines = completeLines(existing.get(i));
            if (!foundLast && !lines.isEmpty())
            {
                final AuditRecord lastRecord = AuditRecord.parse(lines.get(lines.size() - 1));
                if (null != lastRecord)
                {
                    foundLast = true;
                    nextSeq = lastRecord.seq() + 1;
                    lastHash = lastRecord.hash();
                    final AuditCheckpoint checkpoint = AuditCheckpoint.parse(lastRecord);
                    endsClosed = null != checkpoint && checkpoint.isClose();
                }
            }
            if (null == signer)
            {
                if (foundLast)
                {
                    return;
                }
                continue;
            }
            if (foundLast && resumeStartFromCheckpoint(lines))
            {
                return;
            }
        }
        if (null != signer && foundLast)
        {
            resumeStartFromOldestRecord(existing);
        }
    }

    private boolean resumeStartFromCheckpoint(final List<String> lines)
    {
        for (int j = lines.size() - 1; j >= 0; j--)
        {
            final AuditRecord record = AuditRecord.parse(lines.get(j));
            final AuditCheckpoint checkpoint = null == record ? null : AuditCheckpoint.parse(record);
            if (null != checkpoint)
            {
                startSeq = checkpoint.start();
                startPrev = checkpoint.startPrev();
                return true;
            }
        }
        return false;
    }

    private void resumeStartFromOldestRecord(final List<Path> existing) throws IOException
    {
        // A log written before it had a signer: it is anchored from its oldest record present.
        for (final Path file : existing)
        {
            final List<String> lines = completeLines(file);
            if (!lines.isEmpty())
            {
                final AuditRecord first = AuditRecord.parse(lines.get(0));
                if (null != first)
                {
                    startSeq = first.seq();
                    startPrev = first.prevHash();
                }
                return;
            }
        }
    }

    private static List<String> completeLines(final Path file) throws IOException
    {
        final String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        final int end = text.lastIndexOf('\n');
        if (end < 0)
        {
            return List.of();
        }
        return List.of(text.substring(0, end).split("\n", -1));
    }

    private static final class AuditEvent
    {
        private final long timeMs;
        private final AuditEventType type;
        private final AuditOutcome outcome;
        private final String principal;
        private final String channel;
        private final String detail;

        private AuditEvent(
            final long timeMs,
            final AuditEventType type,
            final AuditOutcome outcome,
            final String principal,
            final String channel,
            final String detail)
        {
            this.timeMs = timeMs;
            this.type = type;
            this.outcome = outcome;
            this.principal = principal;
            this.channel = channel;
            this.detail = detail;
        }
    }
}
