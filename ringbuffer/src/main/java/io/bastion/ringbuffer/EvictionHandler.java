package io.bastion.ringbuffer;

/**
 * Receives the evictions of a fan-out producer, each once, from {@link OneToManyRingProducer#pollEvictions}. It runs
 * on the producer's thread, inside that call, and may call {@link OneToManyRingProducer#detach(int)} for the slot.
 */
@FunctionalInterface
public interface EvictionHandler
{
    /**
     * One eviction. The slot stays reserved until it is detached.
     *
     * @param slot   the evicted consumer's slot.
     * @param reason why it was evicted.
     * @param head   the head judged: for {@link EvictionReason#CORRUPT_HEAD} the word read from the consumer region,
     *               as read; otherwise the last head the producer accepted (the join position if it had none yet).
     * @param tail   the position judged against: for {@link EvictionReason#CORRUPT_HEAD} the producer's published
     *               tail; otherwise the tail the producer was about to publish, so {@code tail - head} is the lag
     *               that evicted the consumer.
     */
    void onEviction(int slot, EvictionReason reason, long head, long tail);
}
