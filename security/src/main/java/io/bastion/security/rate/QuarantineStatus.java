package io.bastion.security.rate;

/**
 * Outcome of recording a rejection with {@link QuarantinePolicy#recordRejection(long, long)}: not a refusal of its
 * own but what the earlier refusals add up to. See {@code MacResult} for why the security layer keeps one verdict
 * type per component.
 */
public enum QuarantineStatus
{
    /** Counted; the peer is below the threshold. */
    COUNTED,
    /** This rejection reached the threshold: the peer is now quarantined. */
    NEWLY_QUARANTINED,
    /** The peer was already quarantined; nothing changed. */
    QUARANTINED,
    /**
     * Every slot holds a peer that is quarantined or recently rejected, so this peer cannot be tracked. Fail safe:
     * treat the peer as quarantined.
     */
    TABLE_FULL
}
