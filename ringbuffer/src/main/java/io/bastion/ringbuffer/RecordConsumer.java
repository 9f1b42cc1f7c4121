package io.bastion.ringbuffer;

/**
 * The consuming calls both rings share, so that code above the rings (a channel's subscriber) can
 * work over either. One consumer thread.
 */
public interface RecordConsumer
{
    /**
     * Read up to {@code limit} records, handing each to {@code handler}.
     *
     * @param handler receives each record.
     * @param limit   the most records to read.
     * @return the number of records read, or {@link RingStatus#CORRUPT}.
     */
    int read(RecordHandler handler, int limit);

    /**
     * Publish a consumer heartbeat: the ring clock's time, with release semantics.
     */
    void consumerHeartbeat();

    /**
     * Whether a producer published a heartbeat within {@code timeoutMs} of now.
     *
     * @param timeoutMs how old a heartbeat may be.
     * @return true if a producer counts as alive.
     */
    boolean isProducerAlive(long timeoutMs);

    /**
     * Free the consumer from a producer that died holding a claim, once the head has not moved for
     * the ring's timeout. Call it once per duty cycle. Rings with a single producer have nothing to
     * unblock.
     *
     * @return true if a stuck region was skipped.
     */
    default boolean unblockIfStuck()
    {
        return false;
    }

    /**
     * Why the ring stopped trusting its peer, or {@link RingFault#NONE}.
     *
     * @return the fault.
     */
    RingFault fault();
}
