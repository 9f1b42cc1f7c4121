package io.bastion.ringbuffer;

import org.agrona.DirectBuffer;

/**
 * Receives records and decides, per record, how reading continues. Same buffer contract as
 * {@link RecordHandler}.
 */
@FunctionalInterface
public interface ControlledRecordHandler
{
    /**
     * What the ring does after a record was handed over.
     */
    enum Action
    {
        /** Leave this record unconsumed (it is delivered again on the next read) and stop. */
        ABORT,
        /** Consume this record and stop reading for now. */
        BREAK,
        /** Consume this record, publish the head at once, and continue. */
        COMMIT,
        /** Consume this record and continue. */
        CONTINUE
    }

    /**
     * Called once per record, on the consumer's thread.
     *
     * @param typeId the record's type (at least {@link RecordDescriptor#MIN_TYPE_ID}).
     * @param buffer the ring's buffer, read-only by contract.
     * @param offset where the payload starts in {@code buffer}.
     * @param length the payload length in bytes.
     * @return how to continue.
     */
    Action onRecord(int typeId, DirectBuffer buffer, int offset, int length);
}
