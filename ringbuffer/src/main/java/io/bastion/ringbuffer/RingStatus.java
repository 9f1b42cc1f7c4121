package io.bastion.ringbuffer;

/**
 * The one vocabulary of the rings' return codes, in the style of Aeron's {@code Publication.offer}: a non-negative
 * value is success (a position, or a number of records read), a negative value is one of these. Why a ring became
 * {@link #CORRUPT} is a {@link RingFault}, told by the ring's {@code fault()}.
 * <p>
 * Each value means the same on every layer above: {@link #BACK_PRESSURED} is Aeron's and the channel's
 * {@code BACK_PRESSURED} (-2), {@link #UNBLOCKED} is the value the channel reports as Aeron's {@code ADMIN_ACTION}
 * (-3, try again), and {@link #CORRUPT} is the channel's {@code CORRUPT} (-8). No value is reused with another
 * meaning, and -1, -4 and -5 (Aeron's {@code NOT_CONNECTED}, {@code CLOSED} and {@code MAX_POSITION_EXCEEDED}) are
 * left to the layers where they mean something.
 */
public final class RingStatus
{
    /**
     * Not enough free space: the consumer has not caught up. Retry later (back pressure); nothing was written.
     */
    public static final long BACK_PRESSURED = -2;

    /**
     * Many-to-one only: the claim was turned into padding by the consumer's {@code unblock} before it was committed
     * (this producer stalled past the unblock timeout). The message is lost; send it again.
     */
    public static final long UNBLOCKED = -3;

    /**
     * The peer's shared words hold values a correct peer never writes (a head beyond the tail, a head running
     * backwards, a tail out of range, a record length out of bounds). The ring is faulted: every later call returns
     * this code. {@code fault()} on the ring names the check that failed. Close the ring and treat the peer as
     * hostile or broken.
     */
    public static final long CORRUPT = -8;

    private RingStatus()
    {
    }

    /**
     * A short name for a status code, for logs and tools (not for the hot path).
     *
     * @param status a value returned by a ring operation.
     * @return the constant's name, or {@code "OK"} for a non-negative value.
     */
    public static String describe(final long status)
    {
        if (status >= 0)
        {
            return "OK";
        }
        if (status == BACK_PRESSURED)
        {
            return "BACK_PRESSURED";
        }
        if (status == UNBLOCKED)
        {
            return "UNBLOCKED";
        }
        if (status == CORRUPT)
        {
            return "CORRUPT";
        }
        return "UNKNOWN(" + status + ")";
    }
}
