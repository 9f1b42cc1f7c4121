package io.bastion.security.audit;

import java.nio.file.Path;

/**
 * The verifier's result: the finding, and where (file and 0-based record index within that file, counting lines).
 * On {@link AuditFinding#OK} the location is empty and {@link #lastSeq()}/{@link #lastHash()} describe the end of the
 * chain, which a caller can compare with an anchor kept elsewhere. Immutable.
 */
public final class AuditVerification
{
    private final AuditFinding finding;
    private final Path file;
    private final long recordIndex;
    private final long recordsVerified;
    private final long lastSeq;
    private final String lastHash;

    AuditVerification(
        final AuditFinding finding,
        final Path file,
        final long recordIndex,
        final long recordsVerified,
        final long lastSeq,
        final String lastHash)
    {
        this.finding = finding;
        this.file = file;
        this.recordIndex = recordIndex;
        this.recordsVerified = recordsVerified;
        this.lastSeq = lastSeq;
        this.lastHash = lastHash;
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
     * The file holding the first bad record.
     *
     * @return the file, or null when OK.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Index of the first bad record within {@link #file()}, from 0.
     *
     * @return the index, or -1 when OK.
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
     * Sequence number of the last record when the chain verified.
     *
     * @return the sequence, or -1 if none or not OK.
     */
    public long lastSeq()
    {
        return lastSeq;
    }

    /**
     * Hash of the last record when the chain verified.
     *
     * @return the hash, or {@link AuditRecord#GENESIS} if none or not OK.
     */
    public String lastHash()
    {
        return lastHash;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        return "AuditVerification{" + finding + ", file=" + file + ", record=" + recordIndex +
            ", verified=" + recordsVerified + '}';
    }
}
