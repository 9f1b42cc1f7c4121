package io.bastion.security.audit;

/**
 * The outcome an audit record reports.
 */
public enum AuditOutcome
{
    /** The action succeeded or was allowed. */
    SUCCESS,
    /** The action was refused by policy or by a check. */
    REFUSED,
    /** The action failed for another reason (I/O, internal). */
    FAILURE,
    /** Informational. */
    INFO
}
