package io.bastion.ringbuffer;

/**
 * Why a ring stopped trusting its peer. Once a ring records a fault other than {@link #NONE} it
 * stays faulted: the producer refuses to write and the consumer refuses to read.
 */
public enum RingFault
{
    /** No fault. */
    NONE,
    /** The tail is further ahead of the head than the capacity, or behind the head. */
    TAIL_OUT_OF_RANGE,
    /** The tail is not a multiple of the record alignment. */
    TAIL_MISALIGNED,
    /** The tail moved backwards. */
    TAIL_BACKWARDS,
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
    /** The consumer's head moved backwards. */
    HEAD_BACKWARDS,
    /** The consumer's head is not a multiple of the record alignment. */
    HEAD_MISALIGNED
}
