package io.bastion.broker;

import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.Session;
import io.bastion.codec.sbe.GoodbyeReason;

/**
 * One session's control socket as the conductor sees it.
 */
abstract class RouterEndpoint
{
    final ChannelRouter router;
    final RouterChannel state;
    final Session session;
    final ControlLink link;
    boolean dropped;
    boolean overflowed;
    GoodbyeReason endsFor;

    RouterEndpoint(final ChannelRouter router, final RouterChannel state, final Session session, final ControlLink link)
    {
        this.router = router;
        this.state = state;
        this.session = session;
        this.link = link;
    }

    abstract boolean ackOverdue(long nowMs, long timeoutMs);

    void onReadable()
    {
        // A few messages per wake-up at most, so one chatty client cannot starve the others.
        for (int i = 0; i < 16 && !dropped; i++)
        {
            final int length = link.poll();
            if (ControlLink.NONE == length)
            {
                link.flush();
                return;
            }
            if (length < 0)
            {
                drop(ControlLink.BAD_LENGTH == length ? "bad message length" :
                    ControlLink.TOO_MANY_DESCRIPTORS == length ? "too many descriptors" : null);
                return;
            }
            final ControlMessage message = ControlMessages.parse(link.messageBuffer(), length);
            if (!message.isValid())
            {
                drop("malformed message: " + message.detail());
                return;
            }
            onMessage(message);
        }
    }

    abstract void onMessage(ControlMessage message);

    abstract void onGone();

    void drop(final String violation)
    {
        if (dropped)
        {
            return;
        }
        dropped = true;
        router.onDrop(this, violation);
        onGone();
    }
}

