package io.bastion.ringbuffer;

import org.agrona.DirectBuffer;

/**
 * The producing calls both rings share, so that code above the rings (a channel's publisher) can
 * work over either. See the implementations for their thread-safety contracts.
 */
public interface RecordProducer
{
    /**
     * Copy a record into the ring and publish it.
     *
     * @param typeId a type id of at least {@link RecordDescriptor#MIN_TYPE_ID} (a many-to-one ring takes at most
     *               {@link ManyToOneRecordDescriptor#MAX_TYPE_ID}).
     * @param src    the payload's buffer.
     * @param offset of the payload in {@code src}.
     * @param length of the payload, at most {@link #maxPayloadLength()}.
     * @return a positive position on success, else a negative {@link RingStatus} code.
     */
    long write(int typeId, DirectBuffer src, int offset, int length);

    /**
     * Claim space for a record to be written in place, then committed or aborted through the claim.
     *
     * @param typeId a type id of at least {@link RecordDescriptor#MIN_TYPE_ID} (a many-to-one ring takes at most
     *               {@link ManyToOneRecordDescriptor#MAX_TYPE_ID}).
     * @param length of the payload, at most {@link #maxPayloadLength()}.
     * @param claim  a reusable claim to fill in.
     * @return a positive position on success, else a negative {@link RingStatus} code.
     */
    long tryClaim(int typeId, int length, RingClaim claim);

    /**
     * Publish a producer heartbeat: the ring clock's time, with release semantics.
     */
    void producerHeartbeat();

    /**
     * Whether the consumer published a heartbeat within {@code timeoutMs} of now.
     *
     * @param timeoutMs how old a heartbeat may be.
     * @return true if the consumer counts as alive.
     */
    boolean isConsumerAlive(long timeoutMs);

    /**
     * Why the ring stopped trusting its peer, or {@link RingFault#NONE}.
     *
     * @return the fault.
     */
    RingFault fault();

    /**
     * The largest payload a record may carry.
     *
     * @return bytes.
     */
    int maxPayloadLength();
}
