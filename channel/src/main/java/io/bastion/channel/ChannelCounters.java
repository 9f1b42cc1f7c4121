package io.bastion.channel;

import io.bastion.codec.RejectReason;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The live counters of one channel endpoint, allocated in a {@link CountersManager} (normally over
 * an owner-only counters file that {@code bastion stat} reads, the way AeronStat reads Aeron's):
 * frames and bytes in and out, back pressure, claims lost to an unblock, rate-limit drops,
 * quarantines, sequence gaps, heartbeats, a subscriber's position and lag and a fan-out eviction count, and one counter
 * per refusal reason, labelled
 * {@code "<endpoint>: rejected <REASON>"} with the reason's name: every {@link RejectReason} but
 * {@link RejectReason#NONE}, ring faults included, so each is counted, and shown by {@code bastion stat}, under its
 * own name. Never holds payload bytes or key material.
 * <p>
 * Each counter has one writer (the publisher's or the subscriber's thread; for a {@link ConcurrentPublisher}, the
 * thread holding its duty cycle, which adds up what its lanes counted), so updates are release stores, not atomic
 * adds. Counters are freed by {@link #close()}.
 */
public final class ChannelCounters implements AutoCloseable
{
    /** Type id of Bastion's channel counters in the counters file. */
    public static final int CHANNEL_COUNTER_TYPE_ID = 0xB0;

    /** What follows {@code "<endpoint>: "} in the label of a subscriber's position counter. */
    public static final String POSITION_LABEL = "position";

    /** What follows {@code "<endpoint>: "} in the label of a subscriber's lag counter. */
    public static final String LAG_LABEL = "lag bytes";

    /** What follows {@code "<endpoint>: "} in the label of the evictions counter. */
    public static final String EVICTIONS_LABEL = "evictions";

    /** Counters other than the per-reason ones. */
    private static final int FIXED_COUNTERS = 13;

    private final AtomicCounter framesOut;
    private final AtomicCounter bytesOut;
    private final AtomicCounter backPressure;
    private final AtomicCounter unblocked;
    private final AtomicCounter rateLimited;
    private final AtomicCounter framesIn;
    private final AtomicCounter bytesIn;
    private final AtomicCounter quarantines;
    private final AtomicCounter sequenceGaps;
    private final AtomicCounter heartbeats;
    private final AtomicCounter position;
    private final AtomicCounter lag;
    private final AtomicCounter evictions;
    private final AtomicCounter[] rejections;

    /**
     * How many counters one endpoint allocates, to size a counters file.
     *
     * @return the number of counters.
     */
    public static int countersPerEndpoint()
    {
        int refusals = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            refusals += reason.isRefusal() ? 1 : 0;
        }
        return FIXED_COUNTERS + refusals;
    }

    /**
     * Allocate the counters of one endpoint.
     *
     * @param manager where to allocate; not thread safe, so allocate from one thread.
     * @param label   names the channel and endpoint in every counter's label, e.g. {@code "prices/sub"}.
     */
    public ChannelCounters(final CountersManager manager, final String label)
    {
        framesOut = manager.newCounter(label + ": frames out", CHANNEL_COUNTER_TYPE_ID);
        bytesOut = manager.newCounter(label + ": bytes out", CHANNEL_COUNTER_TYPE_ID);
        backPressure = manager.newCounter(label + ": back pressure", CHANNEL_COUNTER_TYPE_ID);
        unblocked = manager.newCounter(label + ": claims unblocked", CHANNEL_COUNTER_TYPE_ID);
        rateLimited = manager.newCounter(label + ": rate-limit drops", CHANNEL_COUNTER_TYPE_ID);
        framesIn = manager.newCounter(label + ": frames in", CHANNEL_COUNTER_TYPE_ID);
        bytesIn = manager.newCounter(label + ": bytes in", CHANNEL_COUNTER_TYPE_ID);
        quarantines = manager.newCounter(label + ": quarantines", CHANNEL_COUNTER_TYPE_ID);
        sequenceGaps = manager.newCounter(label + ": sequence gaps", CHANNEL_COUNTER_TYPE_ID);
        heartbeats = manager.newCounter(label + ": heartbeats", CHANNEL_COUNTER_TYPE_ID);
        position = manager.newCounter(label + ": " + POSITION_LABEL, CHANNEL_COUNTER_TYPE_ID);
        lag = manager.newCounter(label + ": " + LAG_LABEL, CHANNEL_COUNTER_TYPE_ID);
        evictions = manager.newCounter(label + ": " + EVICTIONS_LABEL, CHANNEL_COUNTER_TYPE_ID);
        final RejectReason[] reasons = RejectReason.values();
        rejections = new AtomicCounter[RejectReason.maxCode() + 1];
        for (final RejectReason reason : reasons)
        {
            if (reason.isRefusal())
            {
                rejections[reason.code()] =
                    manager.newCounter(label + ": rejected " + reason.name(), CHANNEL_COUNTER_TYPE_ID);
            }
        }
    }

    /**
     * Count a frame written; for an endpoint outside this package that writes frames itself (a relay), from its one
     * writing thread.
     *
     * @param frameLength the frame's length in bytes.
     */
    public void onFrameOut(final int frameLength)
    {
        framesOut.incrementRelease();
        bytesOut.getAndAddRelease(frameLength);
    }

    void onFramesOut(final int frames, final int bytes)
    {
        framesOut.getAndAddRelease(frames);
        bytesOut.getAndAddRelease(bytes);
    }

    /**
     * Add what the lanes of a {@link ConcurrentPublisher} counted since the last call; called by the one thread that
     * holds the publisher's duty cycle, so each counter keeps one writer at a time.
     */
    void onPublished(final long frames, final long bytes, final long backPressures, final long unblocks)
    {
        if (0 != frames)
        {
            framesOut.getAndAddRelease(frames);
            bytesOut.getAndAddRelease(bytes);
        }
        if (0 != backPressures)
        {
            backPressure.getAndAddRelease(backPressures);
        }
        if (0 != unblocks)
        {
            unblocked.getAndAddRelease(unblocks);
        }
    }

    /**
     * Count an offer refused for a full ring.
     */
    public void onBackPressure()
    {
        backPressure.incrementRelease();
    }

    /**
     * Count a claim the consumer unblocked.
     */
    public void onUnblocked()
    {
        unblocked.incrementRelease();
    }

    void onRateLimited()
    {
        rateLimited.incrementRelease();
    }

    void onFrameIn(final int frameLength)
    {
        framesIn.incrementRelease();
        bytesIn.getAndAddRelease(frameLength);
    }

    /**
     * Count a refusal; {@code reason} is a refusal, never {@link RejectReason#NONE} (which has no counter).
     *
     * @param reason the refusal.
     */
    public void onRejected(final RejectReason reason)
    {
        rejections[reason.code()].incrementRelease();
    }

    void onQuarantine()
    {
        quarantines.incrementRelease();
    }

    void onSequenceGap()
    {
        sequenceGaps.incrementRelease();
    }

    /**
     * Count a heartbeat published.
     */
    public void onHeartbeat()
    {
        heartbeats.incrementRelease();
    }

    /**
     * A subscriber's progress, as its owner last measured it: the bytes it has read of its publishers' rings, and how
     * far the furthest of them is ahead of it. Called by the endpoint's thread only, off the hot path.
     *
     * @param readBytes  ring bytes read since the sources were added, summed over them.
     * @param behindBytes the most bytes any source's producer is ahead of this subscriber.
     */
    public void progress(final long readBytes, final long behindBytes)
    {
        position.setRelease(readBytes);
        lag.setRelease(behindBytes);
    }

    /**
     * Count an eviction: on a fan-out publisher, a subscriber it evicted; on a subscriber, its own eviction. Called by
     * the endpoint's thread only.
     */
    public void onEviction()
    {
        evictions.incrementRelease();
    }

    /**
     * A subscriber's position: ring bytes it read, summed over its sources.
     *
     * @return bytes.
     */
    public long position()
    {
        return position.get();
    }

    /**
     * A subscriber's lag: the most bytes one of its publishers is ahead of it, as last measured.
     *
     * @return bytes.
     */
    public long lag()
    {
        return lag.get();
    }

    /**
     * Evictions: by a fan-out publisher, the subscribers it evicted; by a subscriber, 1 once it was evicted.
     *
     * @return the count.
     */
    public long evictions()
    {
        return evictions.get();
    }

    /**
     * Frames published.
     *
     * @return the count.
     */
    public long framesOut()
    {
        return framesOut.get();
    }

    /**
     * Offers refused because the ring was full.
     *
     * @return the count.
     */
    public long backPressure()
    {
        return backPressure.get();
    }

    /**
     * Frames lost because the subscriber unblocked this publisher's claim, which had stalled past the ring's unblock
     * timeout (the offer returned {@link ChannelStatus#ADMIN_ACTION}).
     *
     * @return the count.
     */
    public long unblocked()
    {
        return unblocked.get();
    }

    /**
     * Offers refused by the rate limit.
     *
     * @return the count.
     */
    public long rateLimited()
    {
        return rateLimited.get();
    }

    /**
     * Frames verified and dispatched.
     *
     * @return the count.
     */
    public long framesIn()
    {
        return framesIn.get();
    }

    /**
     * Bytes of frames verified and dispatched.
     *
     * @return the count.
     */
    public long bytesIn()
    {
        return bytesIn.get();
    }

    /**
     * Frames, records or rings refused for one reason.
     *
     * @param reason the reason.
     * @return the count; always 0 for {@link RejectReason#NONE}, which is no refusal.
     */
    public long rejected(final RejectReason reason)
    {
        final AtomicCounter counter = rejections[reason.code()];
        return null == counter ? 0 : counter.get();
    }

    /**
     * Sources quarantined.
     *
     * @return the count.
     */
    public long quarantines()
    {
        return quarantines.get();
    }

    /**
     * Gaps seen in a producer's sequence (frames lost, not replayed).
     *
     * @return the count.
     */
    public long sequenceGaps()
    {
        return sequenceGaps.get();
    }

    /**
     * Heartbeats published.
     *
     * @return the count.
     */
    public long heartbeats()
    {
        return heartbeats.get();
    }

    /**
     * Free every counter.
     */
    public void close()
    {
        framesOut.close();
        bytesOut.close();
        backPressure.close();
        unblocked.close();
        rateLimited.close();
        framesIn.close();
        bytesIn.close();
        quarantines.close();
        sequenceGaps.close();
        heartbeats.close();
        position.close();
        lag.close();
        evictions.close();
        for (final AtomicCounter counter : rejections)
        {
            if (null != counter)
            {
                counter.close();
            }
        }
    }
}
