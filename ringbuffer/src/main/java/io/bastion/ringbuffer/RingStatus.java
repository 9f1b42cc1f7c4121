package io.bastion.ringbuffer;

/**
 * Return codes of the rings' producer and consumer operations, in the style of Aeron's
 * {@code Publication.offer}: a non-negative value is success, a negative value is one of these.
 */
public final class RingStatus
{
    /**
     * Not enough free space: the consumer has not caught up. Retry later (back pressure); nothing
     * was written.
     */
    public static final long BACK_PRESSURED = -1;

    /**
     * The peer's shared words hold values a correct peer never writes (a head beyond the tail, a
     * head running backwards, a tail out of range, a record length out of bounds). The ring is
     * faulted: every later call returns this code. {@code fault()} on the ring says which check
     * failed. Close the ring and treat the peer as hostile or broken.
     */
    public static final long CORRUPT = -2;

    /**
     * Many-to-one only: the claim was turned into padding by the consumer's {@code unblock} before
     * it was committed (this producer stalled past the unblock timeout). The message is lost;
     * send it again.
     */
    public static final long UNBLOCKED = -3;

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
        if (status == CORRUPT)
        {
            return "CORRUPT";
        }
        if (status == UNBLOCKED)
        {
            return "UNBLOCKED";
        }
        return "UNKNOWN(" + status + ")";
    }
}
