package io.bastion.broker;

import io.bastion.codec.sbe.GoodbyeReason;

/**
 * One session of a channel as its {@link ChannelMachine} sees it: the session's facts and where the machine is with
 * it. Nothing here touches a socket; the conductor keeps the socket beside it ({@link RouterConnection}).
 * <p>
 * Owned by the conductor thread, like the machine.
 */
abstract class RouterEndpoint
{
    final RouterChannel state;
    final SessionFacts session;
    /** The machine dropped it: nothing more is read from it; a publisher's ring may still be draining. */
    boolean dropped;
    /** A message did not fit its control queue during the current step: it is ended after the step. */
    boolean overflowed;
    /** Set by {@link SessionWatch}: why its authority ended, or null when it is evicted for an overdue ack. */
    GoodbyeReason endsFor;

    RouterEndpoint(final RouterChannel state, final SessionFacts session)
    {
        this.state = state;
        this.session = session;
    }

    /**
     * Whether it has owed the broker an acknowledgement for longer than allowed.
     *
     * @param nowMs epoch milliseconds.
     * @return true if overdue.
     */
    abstract boolean ackOverdue(long nowMs);
}
