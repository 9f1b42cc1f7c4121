package io.bastion.security.audit;

import java.nio.file.Path;

/**
 * The verifier's result: the finding, and where (file and 0-based record index within that file, counting lines).
 * <p>
 * When every record is intact and linked, {@link #isChainIntact()} is true and {@link #lastSeq()}/{@link #lastHash()}
 * describe the end of the chain (its head), which a caller can record and later pass as the expected head: that is
 * the case for {@link AuditFinding#OK} and for the findings about the ends of the chain, {@link
 * AuditFinding#START_MISSING}, {@link AuditFinding#UNANCHORED}, {@link AuditFinding#HEAD_MISMATCH} and {@link
 * AuditFinding#NOT_CLOSED}. On {@link AuditFinding#OK} the location is empty; {@link AuditFinding#START_MISSING}
 * points at the first record present, {@link AuditFinding#NOT_CLOSED} just past the last one. The checkpoint
 * figures ({@link #checkpoints()}, {@link #lastCheckpointSeq()}, {@link #closed()}, {@link #startSeq()}) describe
 * what the verifier read up to its finding. Immutable.
 */
public final class AuditVerification
{
    private final AuditFinding finding;
    private final Path file;
    private final long recordIndex;
    private final long recordsVerified;
    private final long lastSeq;
    private final String lastHash;
    private final long firstSeq;
    private final long checkpoints;
    private final long lastCheckpointSeq;
    private final long startSeq;
    private final boolean closed;
    private final boolean signaturesChecked;
    private final long expectedHeadSeq;

    AuditVerification(
        final AuditFinding finding,
        final Path file,
        final long recordIndex,
        final long recordsVerified,
        final long lastSeq,
        final String lastHash)
    {
        this(finding, file, recordIndex, recordsVerified, lastSeq, lastHash, new Figures());
    }

    AuditVerification(
        final AuditFinding finding,
        final Path file,
        final long recordIndex,
        final long recordsVerified,
        final long lastSeq,
        final String lastHash,
        final Figures figures)
    {
        this.finding = finding;
        this.file = file;
        this.recordIndex = recordIndex;
        this.recordsVerified = recordsVerified;
        this.lastSeq = lastSeq;
        this.lastHash = lastHash;
        this.firstSeq = figures.firstSeq;
        this.checkpoints = figures.checkpoints;
        this.lastCheckpointSeq = figures.lastCheckpointSeq;
        this.startSeq = figures.startSeq;
        this.closed = figures.closed;
        this.signaturesChecked = figures.signaturesChecked;
        this.expectedHeadSeq = figures.expectedHeadSeq;
    }

    /**
     * What the verifier gathered about checkpoints, filled as it reads; copied by the constructor.
     */
    static final class Figures
    {
        long firstSeq = -1;
        long checkpoints;
        long lastCheckpointSeq = -1;
        long startSeq = -1;
        boolean closed;
        boolean signaturesChecked;
        long expectedHeadSeq = -1;
    }

    /**
     * The finding.
     *
     * @return never null.
     */
    public AuditFinding finding()
    {
        return finding;
    }

    /**
     * Whether the whole chain verified.
     *
     * @return true for {@link AuditFinding#OK}.
     */
    public boolean isOk()
    {
        return finding == AuditFinding.OK;
    }

    /**
     * Whether every record read is intact and linked to the one before: true for {@link AuditFinding#OK} and the
     * findings about the ends of the chain (see the class comment), for which {@link #lastHash()} is the head.
     *
     * @return true if the chain itself verified.
     */
    public boolean isChainIntact()
    {
        return finding == AuditFinding.OK || finding == AuditFinding.START_MISSING ||
            finding == AuditFinding.UNANCHORED || finding == AuditFinding.HEAD_MISMATCH ||
            finding == AuditFinding.NOT_CLOSED;
    }

    /**
     * Whether the log verified except that it is not closed, as it is while its writer runs: true for {@link
     * AuditFinding#OK} and {@link AuditFinding#NOT_CLOSED}. The records after the last checkpoint are then covered
     * by no signature.
     *
     * @return true if nothing but the missing close checkpoint was found.
     */
    public boolean isOkWhileOpen()
    {
        return finding == AuditFinding.OK || finding == AuditFinding.NOT_CLOSED;
    }

    /**
     * The file holding the first bad record.
     *
     * @return the file, or null when OK, {@link AuditFinding#UNANCHORED} or {@link AuditFinding#HEAD_MISMATCH}.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Index of the first bad record within {@link #file()}, from 0.
     *
     * @return the index, or -1 when {@link #file()} is null.
     */
    public long recordIndex()
    {
        return recordIndex;
    }

    /**
     * Records that verified before the first bad one (all of them when OK).
     *
     * @return the count.
     */
    public long recordsVerified()
    {
        return recordsVerified;
    }

    /**
     * Sequence number of the last record (the index of the chain head) when the chain is intact.
     *
     * @return the sequence, or -1 if none or {@link #isChainIntact()} is false.
     */
    public long lastSeq()
    {
        return lastSeq;
    }

    /**
     * Hash of the last record (the chain head) when the chain is intact.
     *
     * @return the hash, or {@link AuditRecord#GENESIS} if none or {@link #isChainIntact()} is false.
     */
    public String lastHash()
    {
        return lastHash;
    }

    /**
     * Sequence number of the first record present.
     *
     * @return the sequence, or -1 if no record was read.
     */
    public long firstSeq()
    {
        return firstSeq;
    }

    /**
     * Checkpoint records read (well formed and, when a key was given, correctly signed).
     *
     * @return the count; 0 for an unanchored log.
     */
    public long checkpoints()
    {
        return checkpoints;
    }

    /**
     * Whether the log is anchored: it holds at least one checkpoint.
     *
     * @return true if {@link #checkpoints()} is positive.
     */
    public boolean anchored()
    {
        return checkpoints > 0;
    }

    /**
     * Index (sequence number) of the last checkpoint read.
     *
     * @return the index, or -1 if none.
     */
    public long lastCheckpointSeq()
    {
        return lastCheckpointSeq;
    }

    /**
     * The oldest record kept, as the last checkpoint states it: 0 (the genesis) unless retention deleted files.
     *
     * @return the index, or -1 if no checkpoint was read.
     */
    public long startSeq()
    {
        return startSeq;
    }

    /**
     * Whether the chain ends with a close checkpoint.
     *
     * @return true if cleanly closed.
     */
    public boolean closed()
    {
        return closed;
    }

    /**
     * Whether checkpoint signatures were checked, that is, a key was given.
     *
     * @return true if they were.
     */
    public boolean signaturesChecked()
    {
        return signaturesChecked;
    }

    /**
     * Sequence number of the record whose hash is the expected head given to the verifier.
     *
     * @return the sequence; -1 if no expected head was given or it is not in the chain.
     */
    public long expectedHeadSeq()
    {
        return expectedHeadSeq;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "AuditVerification{" + finding + ", file=" + file + ", record=" + recordIndex +
            ", verified=" + recordsVerified + ", lastSeq=" + lastSeq + ", checkpoints=" + checkpoints +
            ", lastCheckpoint=" + lastCheckpointSeq + ", closed=" + closed + '}';
    }
}
