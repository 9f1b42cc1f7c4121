package io.bastion.ringbuffer;

/** STUB. */
@FunctionalInterface
public interface EvictionHandler
{
    /**
     * Stub.
     *
     * @param slot s.
     * @param reason r.
     * @param head h.
     * @param tail t.
     */
    void onEviction(int slot, EvictionReason reason, long head, long tail);
}
