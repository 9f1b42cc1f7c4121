package io.bastion.channel;

import io.bastion.codec.RejectReason;

/**
 * Told about every frame a subscriber refused, and every source it quarantined. The application's
 * {@link FrameHandler} never sees a refused frame. Called on the polling thread; must not block.
 */
public interface RejectionHandler
{
    /**
     * A frame was refused.
     *
     * @param sourceId the subscriber's id for the ring it came from.
     * @param reason   why.
     */
    void onRejected(int sourceId, RejectReason reason);

    /**
     * A source crossed the quarantine threshold: its ring is no longer read.
     *
     * @param sourceId the subscriber's id for the ring.
     */
    void onQuarantined(int sourceId);

    /**
     * A handler that ignores everything (the counters still count).
     */
    RejectionHandler NONE = new RejectionHandler()
    {
        public void onRejected(final int sourceId, final RejectReason reason)
        {
        }

        public void onQuarantined(final int sourceId)
        {
        }
    };
}
