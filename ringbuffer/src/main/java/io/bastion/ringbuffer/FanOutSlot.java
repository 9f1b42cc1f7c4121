package io.bastion.ringbuffer;

import org.agrona.concurrent.AtomicBuffer;

/**
 * What a fan-out producer knows of one consumer slot. Producer thread only; read and written on the slow path (a head
 * re-read, attach, detach, eviction), never on the fast path of a write.
 * <pre>
 *   FREE --attach--&gt; JOINING --first head read from the word--&gt; LIVE
 *                       |                                         |
 *                       +------------- evict ---&gt; EVICTED &lt;------+
 *   any --detach--&gt; FREE
 * </pre>
 */
final class FanOutSlot
{
    /** Not attached. */
    static final int FREE = 0;

    /** Attached; the consumer has not published a head yet, so a head word of 0 stands for the join position. */
    static final int JOINING = 1;

    /** Attached and publishing heads. */
    static final int LIVE = 2;

    /** Evicted: reserved until detached, its head no longer read. */
    static final int EVICTED = 3;

    /** The consumer's region, read only; null while free. */
    AtomicBuffer region;

    /** One of {@link #FREE}, {@link #JOINING}, {@link #LIVE}, {@link #EVICTED}. */
    int state = FREE;

    /** The last head accepted: the join position until the consumer publishes one. */
    long head = -1;

    /** The tail when the slot was attached: where the consumer must start. */
    long joinPosition = -1;

    /** The clock's time at attach, which counts as the consumer's first heartbeat. */
    long attachTimeMs;

    /** Why the slot was evicted, while {@link #EVICTED}. */
    EvictionReason reason;

    /** The head judged when the slot was evicted. */
    long evictedHead;

    /** The tail judged against when the slot was evicted. */
    long evictedTail;

    /** The check a corrupt head failed, or {@link RingFault#NONE}. */
    RingFault fault = RingFault.NONE;

    /** Whether the eviction was reported by {@code pollEvictions}. */
    boolean reported;

    boolean isConsuming()
    {
        return JOINING == state || LIVE == state;
    }

    void attach(final AtomicBuffer region, final long joinPosition, final long attachTimeMs)
    {
        this.region = region;
        this.state = JOINING;
        this.head = joinPosition;
        this.joinPosition = joinPosition;
        this.attachTimeMs = attachTimeMs;
        this.reason = null;
        this.fault = RingFault.NONE;
        this.reported = false;
    }

    void evict(final EvictionReason reason, final long head, final long tail)
    {
        this.state = EVICTED;
        this.reason = reason;
        this.evictedHead = head;
        this.evictedTail = tail;
        this.reported = false;
    }

    void free()
    {
        region = null;
        state = FREE;
        head = -1;
        joinPosition = -1;
        reason = null;
        fault = RingFault.NONE;
        reported = false;
    }
}
