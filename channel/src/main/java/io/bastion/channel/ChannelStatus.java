package io.bastion.channel;

/**
 * The one vocabulary of return codes of {@link Publisher#offer}, {@link Publisher#tryClaim},
 * {@link FrameClaim#commit()}, {@link Publisher#flush()} and {@link ConcurrentPublisher}'s offers and claims, in the
 * style of Aeron's {@code Publication}: a positive value is the new position, a negative value one of these.
 * <p>
 * Where the meaning is Aeron's, so is the value: {@link #NOT_CONNECTED} -1, {@link #BACK_PRESSURED} -2,
 * {@link #ADMIN_ACTION} -3, {@link #CLOSED} -4. Aeron's -5 ({@code MAX_POSITION_EXCEEDED}) is left unused: a ring's
 * position is a 64-bit count of bytes and never runs out. The rest take values of their own, from -6 down. A status
 * the publisher passes on from its ring keeps the ring's value ({@code RingStatus.BACK_PRESSURED} -2,
 * {@code RingStatus.UNBLOCKED} -3 as {@link #ADMIN_ACTION}, {@code RingStatus.CORRUPT} -8 as {@link #CORRUPT}), so
 * no value means one thing on one layer and another on the next.
 * <p>
 * What to do: retry {@link #BACK_PRESSURED}, {@link #ADMIN_ACTION} and {@link #RATE_LIMITED}; wait on
 * {@link #NOT_CONNECTED}; split a message that is {@link #MESSAGE_TOO_LARGE}; flush the explicit batch on
 * {@link #BATCH_FULL}; free a lane or retry later on {@link #NO_LANE} ({@link ConcurrentPublisher} only); close the
 * publisher on the others, which stop it for good; drop a frame that is {@link #REFUSED}.
 */
public final class ChannelStatus
{
    /**
     * The subscriber's heartbeat is older than the liveness timeout (it died or never started). Nothing was
     * written. Wait for it, or close the publisher. Aeron's value.
     */
    public static final long NOT_CONNECTED = -1;

    /**
     * The ring is full: nothing was written. Retry later; back off or drop, as the application prefers. Aeron's
     * value.
     */
    public static final long BACK_PRESSURED = -2;

    /**
     * Try again: the subscriber unblocked this publisher's claim, which had stalled past the ring's unblock timeout,
     * before it was committed (a many-to-one ring's {@code RingStatus.UNBLOCKED}). The frame was not published;
     * offer it again. Aeron's value, for Aeron's meaning ("an administrative action; retry").
     */
    public static final long ADMIN_ACTION = -3;

    /**
     * The publisher was closed. Nothing was written; create a new one. Aeron's value.
     */
    public static final long CLOSED = -4;

    /**
     * The publisher's rate limit refused this frame. Nothing was written. Retry later.
     */
    public static final long RATE_LIMITED = -6;

    /**
     * The payload is larger than the channel's maximum. Nothing was written; the call will never succeed with this
     * length. Split the message.
     */
    public static final long MESSAGE_TOO_LARGE = -7;

    /**
     * The ring holds values a correct subscriber never writes: the publisher stopped for good, and counted the
     * ring's fault under its own name ({@link ChannelCounters#rejected}). Close it and treat the peer as hostile or
     * broken. The ring's {@code RingStatus.CORRUPT}.
     */
    public static final long CORRUPT = -8;

    /**
     * The ring's shared memory faulted (its file was truncated, or its pages could not be backed): the publisher
     * stopped for good and touches the ring no more. Close it; the broker can hand over a new ring.
     */
    public static final long MAPPING_FAULT = -9;

    /**
     * The channel's key ring has no current sending key (none was added, the current one was revoked, or the key
     * ring was closed), or the key stamped into the frame was destroyed before it was sealed: the publisher stopped
     * for good, publishing nothing unsealed. Close it.
     */
    public static final long NO_SENDING_KEY = -10;

    /**
     * The explicit batch opened by {@code Publisher.beginBatch()} cannot take this frame within its bounds: nothing was
     * written. {@code Publisher.flush()} the batch, then offer again.
     */
    public static final long BATCH_FULL = -11;

    /**
     * Every lane of a {@link ConcurrentPublisher} is bound to a live thread, so this thread has none: nothing was
     * written. A lane comes free when its thread calls {@link ConcurrentPublisher#releaseLane()} or ends; retry later,
     * or open the publisher with more lanes.
     */
    public static final long NO_LANE = -12;

    /**
     * A frame handed over already sealed (a relay's {@code offerSealed}) failed one of the relay's checks: its
     * structure, channel, producer, key, sequence or tag. Nothing was written; the caller's {@code lastRefusal()}
     * names the reason, which is counted. Drop the frame; the next one may pass.
     */
    public static final long REFUSED = -13;

    private ChannelStatus()
    {
    }

    /**
     * Whether an offer that returned {@code status} may simply be tried again, as this class's summary says: true
     * for {@link #BACK_PRESSURED}, {@link #ADMIN_ACTION} and {@link #RATE_LIMITED}, which leave the publisher open.
     * {@link #NOT_CONNECTED} is not among them: wait for a subscriber instead. Allocation-free.
     *
     * @param status a value returned by the publisher.
     * @return true if offering the same message again is the right reaction.
     */
    public static boolean isRetryable(final long status)
    {
        return BACK_PRESSURED == status || ADMIN_ACTION == status || RATE_LIMITED == status;
    }

    /**
     * A short name for a status code, for logs and tools (not for the hot path).
     *
     * @param status a value returned by the publisher.
     * @return the constant's name, or {@code "OK"} for a non-negative value.
     */
    public static String describe(final long status)
    {
        if (status >= 0)
        {
            return "OK";
        }
        switch ((int)status)
        {
            case (int)NOT_CONNECTED:
                return "NOT_CONNECTED";
            case (int)BACK_PRESSURED:
                return "BACK_PRESSURED";
            case (int)ADMIN_ACTION:
                return "ADMIN_ACTION";
            case (int)CLOSED:
                return "CLOSED";
            case (int)RATE_LIMITED:
                return "RATE_LIMITED";
            case (int)MESSAGE_TOO_LARGE:
                return "MESSAGE_TOO_LARGE";
            case (int)CORRUPT:
                return "CORRUPT";
            case (int)MAPPING_FAULT:
                return "MAPPING_FAULT";
            case (int)NO_SENDING_KEY:
                return "NO_SENDING_KEY";
            case (int)BATCH_FULL:
                return "BATCH_FULL";
            case (int)NO_LANE:
                return "NO_LANE";
            case (int)REFUSED:
                return "REFUSED";
            default:
                return "UNKNOWN(" + status + ")";
        }
    }
}
