package io.bastion.channel;

/**
 * Return codes of {@link Publisher#offer} and {@link Publisher#tryClaim}, in the style of Aeron's
 * {@code Publication}: a positive value is the new position, a negative value one of these.
 */
public final class ChannelStatus
{
    /**
     * The subscriber's heartbeat is older than the liveness timeout (it died or never started).
     * Nothing was written. Wait for it, or close the publisher.
     */
    public static final long NOT_CONNECTED = -1;

    /**
     * The ring is full (or a stalled claim was unblocked): nothing was written. Retry later; back off
     * or drop, as the application prefers.
     */
    public static final long BACK_PRESSURED = -2;

    /**
     * The publisher's rate limit refused this frame. Nothing was written. Retry later.
     */
    public static final long RATE_LIMITED = -3;

    /**
     * The payload is larger than the channel's maximum. Nothing was written; the call will never
     * succeed with this length. Split the message.
     */
    public static final long MESSAGE_TOO_LARGE = -4;

    /**
     * The publisher was closed. Nothing was written; create a new one.
     */
    public static final long CLOSED = -5;

    /**
     * The ring holds values a correct subscriber never writes, or has no current sending key: the
     * publisher stopped. Close it and treat the peer as hostile or broken.
     */
    public static final long CORRUPTED = -6;

    /**
     * The ring's shared memory faulted (its file was truncated, or its pages could not be backed): the publisher
     * stopped for good and touches the ring no more. Close it; the broker can hand over a new ring.
     */
    public static final long MAPPING_FAULT = -7;

    private ChannelStatus()
    {
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
            case (int)RATE_LIMITED:
                return "RATE_LIMITED";
            case (int)MESSAGE_TOO_LARGE:
                return "MESSAGE_TOO_LARGE";
            case (int)CLOSED:
                return "CLOSED";
            case (int)CORRUPTED:
                return "CORRUPTED";
            case (int)MAPPING_FAULT:
                return "MAPPING_FAULT";
            default:
                return "UNKNOWN(" + status + ")";
        }
    }
}
