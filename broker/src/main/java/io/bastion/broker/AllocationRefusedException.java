package io.bastion.broker;

import io.bastion.codec.RejectReason;

import java.io.IOException;

/**
 * Thrown by a {@link RingAllocator} that refuses a session for a reason the client should learn, such as
 * {@link RejectReason#CHANNEL_IN_USE}; the broker sends that reason in its Refusal. Any other exception from an
 * allocator is refused as {@link RejectReason#CHANNEL_CLOSED}.
 */
public final class AllocationRefusedException extends IOException
{
    private static final long serialVersionUID = 1L;

    /** The reason sent to the client. */
    private final RejectReason reason;

    /**
     * A refusal.
     *
     * @param reason  the reason sent to the client.
     * @param message the audit detail.
     */
    public AllocationRefusedException(final RejectReason reason, final String message)
    {
        super(message);
        this.reason = reason;
    }

    /**
     * The reason sent to the client.
     *
     * @return the reason.
     */
    public RejectReason reason()
    {
        return reason;
    }
}
