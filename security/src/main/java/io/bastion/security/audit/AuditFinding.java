package io.bastion.security.audit;

/**
 * What the verifier found at the first bad record, or {@link #OK}.
 */
public enum AuditFinding
{
    /** Every record is intact and chained. */
    OK,
    /** A line is not a well-formed record. */
    MALFORMED,
    /** A record's contents no longer match its hash, or a record was rewritten with a fresh hash (the next record's
     * link then names it). */
    EDITED,
    /** One or more records are missing here (sequence gap, no later record fills it). */
    DELETED,
    /** A record that does not belong: a duplicate, a replayed old record, or a forged one. */
    INSERTED,
    /** Records are out of order (the expected record appears later). */
    REORDERED,
    /** A file ends in a partial record, or a file lost its last records (the next file's first record does not follow
     * on). */
    TRUNCATED,
    /** A file number is missing from the sequence of files. */
    FILE_MISSING,
    /** A file could not be read. */
    IO_ERROR
}
