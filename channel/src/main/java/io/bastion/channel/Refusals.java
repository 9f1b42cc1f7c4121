package io.bastion.channel;

import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.RingFault;
import io.bastion.security.keys.KeyStatus;
import io.bastion.security.mac.MacResult;
import io.bastion.security.replay.ReplayStatus;

/**
 * The one place where a verdict of a lower layer becomes the {@link RejectReason} the channel reports to the
 * {@link RejectionHandler}, the counters and whatever audits them. The layers below keep their own vocabularies (a
 * ring's {@link RingFault}, the key ring's {@link KeyStatus}, the MAC's {@link MacResult}, the replay guard's
 * {@link ReplayStatus}), and none imports another's; each refusal among them maps to exactly one reason here, and
 * every acceptance to {@link RejectReason#NONE}.
 * <p>
 * A ring fault keeps its name: {@code RejectReason} has one constant per fault, named as the fault. Lookups are
 * allocation-free (array and switch-table reads), for the polling thread's hot path.
 */
final class Refusals
{
    private static final RejectReason[] BY_RING_FAULT = new RejectReason[RingFault.values().length];

    static
    {
        for (final RingFault fault : RingFault.values())
        {
            // The same name on both layers; a fault without its reason fails here, at class initialisation.
            BY_RING_FAULT[fault.ordinal()] = RingFault.NONE == fault ? RejectReason.NONE : RejectReason.valueOf(
                fault.name());
        }
    }

    private Refusals()
    {
    }

    /**
     * The reason a ring fault is reported under: the one of the same name.
     *
     * @param fault the ring's {@code fault()}.
     * @return the reason, {@link RejectReason#NONE} for {@link RingFault#NONE}.
     */
    static RejectReason of(final RingFault fault)
    {
        return BY_RING_FAULT[fault.ordinal()];
    }

    /**
     * The reason a key lookup by a frame's key id is reported under.
     *
     * @param status the key ring's verdict.
     * @return {@link RejectReason#NONE} for {@link KeyStatus#ACCEPTED}, else {@link RejectReason#UNKNOWN_KEY},
     *         {@link RejectReason#REVOKED_KEY} or {@link RejectReason#EXPIRED_KEY}.
     */
    static RejectReason of(final KeyStatus status)
    {
        switch (status)
        {
            case ACCEPTED:
                return RejectReason.NONE;
            case REVOKED:
                return RejectReason.REVOKED_KEY;
            case EXPIRED:
                return RejectReason.EXPIRED_KEY;
            default:
                // UNKNOWN, and NO_CURRENT_KEY (which a lookup by id never returns): the subscriber holds no such key.
                return RejectReason.UNKNOWN_KEY;
        }
    }

    /**
     * The reason a tag check is reported under.
     *
     * @param result the MAC's verdict.
     * @return {@link RejectReason#NONE} for {@link MacResult#OK}; {@link RejectReason#UNKNOWN_KEY} for a key
     *         destroyed (dropped or revoked) between lookup and check, which the subscriber then no longer holds;
     *         {@link RejectReason#REGION_OUT_OF_BOUNDS} for a range outside the buffer; else
     *         {@link RejectReason#BAD_TAG}.
     */
    static RejectReason of(final MacResult result)
    {
        switch (result)
        {
            case OK:
                return RejectReason.NONE;
            case KEY_DESTROYED:
                return RejectReason.UNKNOWN_KEY;
            case OUT_OF_BOUNDS:
                return RejectReason.REGION_OUT_OF_BOUNDS;
            default:
                // TAG_MISMATCH, and NOT_STARTED (a digest that could not finish): the tag does not verify.
                return RejectReason.BAD_TAG;
        }
    }

    /**
     * The reason a replay guard's verdict is reported under.
     *
     * @param status the guard's verdict.
     * @return {@link RejectReason#NONE} for {@link ReplayStatus#ACCEPTED} and {@link ReplayStatus#GAP} (a gap is
     *         counted on its own, not refused); {@link RejectReason#REPLAY} for {@link ReplayStatus#DUPLICATE} and
     *         {@link ReplayStatus#STALE}; {@link RejectReason#INVALID_SEQUENCE} for {@link ReplayStatus#INVALID}.
     */
    static RejectReason of(final ReplayStatus status)
    {
        switch (status)
        {
            case ACCEPTED:
            case GAP:
                return RejectReason.NONE;
            case INVALID:
                return RejectReason.INVALID_SEQUENCE;
            default:
                return RejectReason.REPLAY;
        }
    }
}
