package io.bastion.ringbuffer;

import org.agrona.DirectBuffer;

/**
 * Receives the records a ring reads. The buffer may be a read-only mapping: never write to it.
 * The offset and length always lie inside the record; the bytes are valid only during the call.
 */
@FunctionalInterface
public interface RecordHandler
{
    /**
     * Called once per record, on the consumer's thread.
     *
     * @param typeId the record's type (at least {@link RecordDescriptor#MIN_TYPE_ID}).
     * @param buffer the ring's buffer, read-only by contract.
     * @param offset where the payload starts in {@code buffer}.
     * @param length the payload length in bytes.
     */
    void onRecord(int typeId, DirectBuffer buffer, int offset, int length);
}
