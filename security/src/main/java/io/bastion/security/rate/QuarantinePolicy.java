package io.bastion.security.rate;

import java.util.Arrays;

import org.agrona.collections.Long2LongHashMap;

/**
 * Marks a peer as quarantined once it collects {@code threshold} rejections within {@code windowNs}; the quarantine
 * lasts {@code quarantineNs} (or until {@link #release(long)}).
 * <p>
 * Each tracked peer keeps the times of its last {@code threshold} rejections in a ring, so the count is exact over a
 * sliding window. Capacity is fixed: {@code maxPeers} slots, indexed by an Agrona {@link Long2LongHashMap} sized so
 * that it never grows; a peer's slot is freed when it is released, or reused when the table is full and the peer is
 * neither quarantined nor rejected within the window. When no slot can be found the result is
 * {@link QuarantineStatus#TABLE_FULL}, which callers treat as quarantined. Nothing allocates after construction.
 * <p>
 * Time: the caller passes {@code nowNs} from its clock; times are compared by difference. Thread safety: none; use it
 * from the thread that polls (or guard it externally).
 */
public final class QuarantinePolicy
{
    private static final long NO_SLOT = -1;

    private final int maxPeers;
    private final int threshold;
    private final long windowNs;
    private final long quarantineNs;
    private final Long2LongHashMap slotByPeer;
    private final long[] peerBySlot;
    private final long[] rejectionTimes;
    private final int[] rejectionCount;
    private final int[] ringHead;
    private final boolean[] quarantined;
    private final long[] quarantinedAtNs;
    private final int[] freeSlots;
    private int freeCount;

    /**
     * A policy with room for {@code maxPeers} peers.
     *
     * @param maxPeers     most peers tracked at once, 1 or more.
     * @param threshold    rejections within the window that quarantine a peer, 1 or more.
     * @param windowNs     length of the window, 1 ns or more.
     * @param quarantineNs how long a quarantine lasts; {@link Long#MAX_VALUE} for until released.
     */
    public QuarantinePolicy(final int maxPeers, final int threshold, final long windowNs, final long quarantineNs)
    {
        if (maxPeers < 1 || maxPeers > (1 << 20) || threshold < 1 || threshold > 1024 || windowNs < 1 ||
            quarantineNs < 1)
        {
            throw new IllegalArgumentException("bad quarantine policy");
        }
        this.maxPeers = maxPeers;
        this.threshold = threshold;
        this.windowNs = windowNs;
        this.quarantineNs = quarantineNs;
        // Twice the peers at load factor 0.6: the resize threshold stays above maxPeers, so the map never grows.
        slotByPeer = new Long2LongHashMap(maxPeers * 2, 0.6f, NO_SLOT);
        peerBySlot = new long[maxPeers];
        rejectionTimes = new long[maxPeers * threshold];
        rejectionCount = new int[maxPeers];
        ringHead = new int[maxPeers];
        quarantined = new boolean[maxPeers];
        quarantinedAtNs = new long[maxPeers];
        freeSlots = new int[maxPeers];
        for (int i = 0; i < maxPeers; i++)
        {
            freeSlots[i] = maxPeers - 1 - i;
        }
        freeCount = maxPeers;
    }

    /**
     * Record one rejection of a peer's frame (bad MAC, replay, unknown key, rate limit...).
     *
     * @param peerId peer whose frame was rejected.
     * @param nowNs  current time of the caller's clock.
     * @return what the rejection did to the peer.
     */
    public QuarantineStatus recordRejection(final long peerId, final long nowNs)
    {
        int slot = (int) slotByPeer.get(peerId);
        if (slot < 0)
        {
            slot = allocateSlot(nowNs);
            if (slot < 0)
            {
                return QuarantineStatus.TABLE_FULL;
            }
            slotByPeer.put(peerId, slot);
            peerBySlot[slot] = peerId;
        }

        if (quarantined[slot])
        {
            if (nowNs - quarantinedAtNs[slot] < quarantineNs)
            {
                return QuarantineStatus.QUARANTINED;
            }
            quarantined[slot] = false;
        }

        final int base = slot * threshold;
        final int head = ringHead[slot];
        rejectionTimes[base + head] = nowNs;
        final int next = head + 1 == threshold ? 0 : head + 1;
        ringHead[slot] = next;
        final int count = Math.min(rejectionCount[slot] + 1, threshold);
        rejectionCount[slot] = count;

        // After the write, the slot at 'next' holds the oldest of the last 'threshold' rejections.
        if (count == threshold && nowNs - rejectionTimes[base + next] < windowNs)
        {
            quarantined[slot] = true;
            quarantinedAtNs[slot] = nowNs;
            rejectionCount[slot] = 0;
            return QuarantineStatus.NEWLY_QUARANTINED;
        }
        return QuarantineStatus.COUNTED;
    }

    /**
     * Is the peer quarantined now? Pure; allocation-free.
     *
     * @param peerId peer to ask about.
     * @param nowNs  current time of the caller's clock.
     * @return true while the peer's quarantine lasts.
     */
    public boolean isQuarantined(final long peerId, final long nowNs)
    {
        final int slot = (int) slotByPeer.get(peerId);
        return slot >= 0 && quarantined[slot] && nowNs - quarantinedAtNs[slot] < quarantineNs;
    }

    /**
     * Lift a peer's quarantine and forget its rejections, freeing its slot.
     *
     * @param peerId peer to release.
     * @return true if the peer was tracked.
     */
    public boolean release(final long peerId)
    {
        final int slot = (int) slotByPeer.remove(peerId);
        if (slot < 0)
        {
            return false;
        }
        clearSlot(slot);
        freeSlots[freeCount++] = slot;
        return true;
    }

    /**
     * Number of peers tracked now.
     *
     * @return tracked peers, 0 to maxPeers.
     */
    public int trackedPeers()
    {
        return maxPeers - freeCount;
    }

    private int allocateSlot(final long nowNs)
    {
        if (freeCount > 0)
        {
            return freeSlots[--freeCount];
        }
        // Full: reuse the slot of a peer that can no longer be quarantined by its past rejections.
        for (int slot = 0; slot < maxPeers; slot++)
        {
            if (isReusable(slot, nowNs))
            {
                slotByPeer.remove(peerBySlot[slot]);
                clearSlot(slot);
                return slot;
            }
        }
        return -1;
    }

    private boolean isReusable(final int slot, final long nowNs)
    {
        if (quarantined[slot])
        {
            return nowNs - quarantinedAtNs[slot] >= quarantineNs;
        }
        final int count = rejectionCount[slot];
        if (count == 0)
        {
            return true;
        }
        final int head = ringHead[slot];
        final int newest = head == 0 ? threshold - 1 : head - 1;
        return nowNs - rejectionTimes[slot * threshold + newest] >= windowNs;
    }

    private void clearSlot(final int slot)
    {
        rejectionCount[slot] = 0;
        ringHead[slot] = 0;
        quarantined[slot] = false;
        quarantinedAtNs[slot] = 0;
        Arrays.fill(rejectionTimes, slot * threshold, (slot + 1) * threshold, 0L);
    }
}
