package io.bastion.ringbuffer;

/**
 * Why a ring stopped trusting its peer: one constant per check, named for what the check found. Once a ring records
 * a fault other than {@link #NONE} it stays faulted: the producer refuses to write and the consumer refuses to read,
 * both returning {@link RingStatus#CORRUPT}.
 * <p>
 * The channel reports each fault under a refusal reason of the same name ({@code RejectReason}), so the name a ring
 * gives is the name in the counters, the rejection handler and the audit log.
 */
public enum RingFault
{
    /** No fault. */
    NONE,
    /**
     * The tail is negative, or (seen by the consumer's unblock) behind the head or more than a lap ahead of it.
     */
    TAIL_OUT_OF_RANGE,
    /** The tail is not a multiple of the record alignment. */
    TAIL_MISALIGNED,
    /** A record length is below the header length, negative where that is not allowed, or runs past
     * the published tail, the end of the buffer, or (one-to-one) further past the head than a correct
     * producer can publish. */
    RECORD_LENGTH_OUT_OF_RANGE,
    /** A record carries a type that no producer writes (zero or a negative value other than padding). */
    RECORD_TYPE_INVALID,
    /** A padding record does not end exactly at the end of the buffer. */
    PADDING_INVALID,
    /** The consumer's head is beyond the producer's tail. */
    HEAD_BEYOND_TAIL,
    /**
     * The consumer's head is more than a lap (the capacity) behind the producer's tail: no producer claims past a
     * lap ahead of the head, so a correct consumer never falls that far behind.
     */
    HEAD_MORE_THAN_A_LAP_BEHIND,
    /**
     * The consumer's head moved back behind a head this producer read earlier (within a lap of the tail, or it
     * would be {@link #HEAD_MORE_THAN_A_LAP_BEHIND}). Only a producer that remembers the head it read can see
     * this: the one-to-one producer.
     */
    HEAD_BACKWARDS,
    /** The consumer's head is not a multiple of the record alignment. */
    HEAD_MISALIGNED
}
