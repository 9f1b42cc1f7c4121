package io.bastion.client;

import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.RefusalDecoder;

import java.util.function.Consumer;

/**
 * A client's side of its control socket once the session is open: reads the broker's messages at most every
 * {@link ClientContext#controlPollIntervalNs()}, ends the session on the broker's Goodbye or Refusal, on a broken
 * socket or on a malformed message (answered with a PROTOCOL_VIOLATION refusal), and hands every other message to
 * its owner. Shared by {@link PublisherClient} and {@link SubscriberClient}; not thread safe, like them.
 */
final class ClientControl
{
    private static final int MESSAGES_PER_POLL = 16;

    private final ControlLink link;
    private final long pollIntervalNs;
    private final Consumer<ControlMessage> handler;
    private final Runnable onEnd;
    private long lastPollNs = System.nanoTime() - Long.MAX_VALUE / 2;
    private RejectReason closedFor;
    private boolean closed;

    ClientControl(
        final ControlLink link, final long pollIntervalNs, final Consumer<ControlMessage> handler, final Runnable onEnd)
    {
        this.link = link;
        this.pollIntervalNs = pollIntervalNs;
        this.handler = handler;
        this.onEnd = onEnd;
    }

    /**
     * Read and handle what the broker sent, if the poll interval has passed.
     *
     * @return the number of messages handled.
     */
    int poll()
    {
        if (closed)
        {
            return 0;
        }
        final long nowNs = System.nanoTime();
        if (nowNs - lastPollNs < pollIntervalNs)
        {
            return 0;
        }
        lastPollNs = nowNs;
        int work = 0;
        for (int i = 0; i < MESSAGES_PER_POLL && !closed; i++)
        {
            final int length = link.poll();
            if (ControlLink.NONE == length)
            {
                break;
            }
            work++;
            if (ControlLink.TOO_MANY_DESCRIPTORS == length)
            {
                violation();
                break;
            }
            if (length < 0)
            {
                end(RejectReason.CHANNEL_CLOSED);
                break;
            }
            onMessage(ControlMessages.parse(link.messageBuffer(), length));
        }
        if (!closed && !link.flush())
        {
            endAfterWhyIfSent();
        }
        return work;
    }

    /**
     * This side can no longer write (the broker closed the socket, typically): the broker may have said why just
     * before, so read what is left for a Refusal or a Goodbye, then end, with that reason if there was one.
     */
    private void endAfterWhyIfSent()
    {
        for (int i = 0; i < MESSAGES_PER_POLL && !closed; i++)
        {
            final int length = link.poll();
            if (length < 0 || ControlLink.NONE == length)
            {
                break;
            }
            final ControlMessage message = ControlMessages.parse(link.messageBuffer(), length);
            if (message.isValid() && (GoodbyeDecoder.TEMPLATE_ID == message.templateId() ||
                RefusalDecoder.TEMPLATE_ID == message.templateId()))
            {
                onMessage(message);
            }
        }
        end(RejectReason.CHANNEL_CLOSED);
    }

    private void onMessage(final ControlMessage message)
    {
        if (!message.isValid())
        {
            violation();
        }
        else if (GoodbyeDecoder.TEMPLATE_ID == message.templateId())
        {
            end(reasonFor(message.goodbyeReason));
        }
        else if (RefusalDecoder.TEMPLATE_ID == message.templateId())
        {
            end(null == message.refusalReason ? RejectReason.PROTOCOL_VIOLATION : message.refusalReason);
        }
        else
        {
            handler.accept(message);
        }
    }

    /**
     * Why a session ends, from the broker's Goodbye: a closed channel for a normal end or a shutdown, otherwise the
     * authority that ended.
     *
     * @param reason the Goodbye's reason.
     * @return the reason {@link #closedFor()} reports.
     */
    static RejectReason reasonFor(final GoodbyeReason reason)
    {
        if (null == reason)
        {
            return RejectReason.CHANNEL_CLOSED;
        }
        switch (reason)
        {
            case SESSION_EXPIRED:
                return RejectReason.EXPIRED_TOKEN;
            case TOKEN_REVOKED:
                return RejectReason.UNAUTHORIZED;
            case KEY_REVOKED:
                return RejectReason.REVOKED_KEY;
            case PROTOCOL_ERROR:
                return RejectReason.PROTOCOL_VIOLATION;
            case NORMAL:
            case SHUTDOWN:
            default:
                return RejectReason.CHANNEL_CLOSED;
        }
    }

    /**
     * The broker broke the protocol: refuse, then end the session.
     */
    void violation()
    {
        link.send(ControlMessages.refusal(RejectReason.PROTOCOL_VIOLATION));
        end(RejectReason.PROTOCOL_VIOLATION);
    }

    /**
     * Queue a message for the broker; it is written by the next {@link #poll()} once everything the broker sent by
     * then is read (a Refusal it sent just before closing is heard, not lost to a write that fails first).
     *
     * @param message the whole message.
     */
    void send(final byte[] message)
    {
        if (!closed && !link.queue(message))
        {
            end(RejectReason.CHANNEL_CLOSED);
        }
    }

    void end(final RejectReason reason)
    {
        if (!closed)
        {
            closed = true;
            closedFor = reason;
            onEnd.run();
        }
    }

    boolean isClosed()
    {
        return closed;
    }

    RejectReason closedFor()
    {
        return closedFor;
    }

    /**
     * Say goodbye unless the session already ended, then close the socket.
     */
    void close()
    {
        if (!closed)
        {
            link.send(ControlMessages.goodbye(GoodbyeReason.NORMAL));
        }
        end(null);
        link.close();
    }
}
