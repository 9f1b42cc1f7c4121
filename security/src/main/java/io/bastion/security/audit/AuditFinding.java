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
    IO_ERROR,
    /** A checkpoint record's signature does not verify under the given identity key (forged, signed by another key,
     * or its content altered and rehashed), or its content is malformed or contradicts the record it sits in. */
    BAD_CHECKPOINT,
    /** Records are missing before the first present one: the last checkpoint says the log keeps records from an
     * earlier index (from index 0, the genesis, unless retention retired older files), so the oldest file or files
     * were removed. */
    START_MISSING,
    /** An identity key was given but the log holds no checkpoint, so nothing signed vouches for it (a log written
     * without a checkpoint signer, or one rewritten without its checkpoints). */
    UNANCHORED,
    /** The chain head recorded out of band (the expected head) is not the hash of any record in the chain: records
     * were removed or rewritten since it was recorded, or retention retired them. */
    HEAD_MISMATCH,
    /** Not closed: the chain does not end with a close checkpoint. The writer may still be running or died, or its
     * tail (last records or newest file) was removed. Only reported for a log with checkpoints or when a key is
     * given; the least severe finding, reported only when nothing else is wrong. */
    NOT_CLOSED
}
