package io.bastion.broker;

import io.bastion.channel.SealedRing;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link RouterOutput} that records, in order, what a {@link ChannelMachine} did: each message (parsed back, as the
 * client would read it), each detach, close, unlink and audit record. It writes a transcript of one line per action
 * that a test compares whole, and keeps the sent messages for a test that opens the keys in them. A session can be
 * made to have a full control queue.
 * <p>
 * Not thread safe: one test thread drives the machine.
 */
final class RecordingOutput implements RouterOutput
{
    /**
     * A message the machine queued.
     *
     * @param to       the session id it was for.
     * @param message  the message, parsed.
     * @param withRing whether a ring's descriptors went with it.
     * @param queued   whether the session's queue took it.
     */
    record Sent(long to, ControlMessage message, boolean withRing, boolean queued)
    {
    }

    private final List<String> transcript = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private final List<Long> closed = new ArrayList<>();
    private final Set<Long> fullQueues = new HashSet<>();
    private boolean unlinkFails;

    /**
     * Make a session's control queue take nothing more, or take messages again.
     *
     * @param sessionId the session.
     * @param full      true for full.
     */
    void queueFull(final long sessionId, final boolean full)
    {
        if (full)
        {
            fullQueues.add(sessionId);
        }
        else
        {
            fullQueues.remove(sessionId);
        }
    }

    /**
     * Make unlinking fail.
     */
    void unlinkFails()
    {
        unlinkFails = true;
    }

    /**
     * The actions so far, one line each, and forget them.
     *
     * @return the lines.
     */
    List<String> take()
    {
        final List<String> lines = new ArrayList<>(transcript);
        transcript.clear();
        return lines;
    }

    /**
     * Every message queued so far, in order.
     *
     * @return the messages; a live view.
     */
    List<Sent> sent()
    {
        return sent;
    }

    /**
     * The sessions closed so far, in order.
     *
     * @return their ids; a live view.
     */
    List<Long> closed()
    {
        return closed;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean send(final RouterEndpoint to, final byte[] message, final SealedRing ring)
    {
        final ControlMessage parsed = ControlMessages.parse(message, message.length);
        final boolean queued = !fullQueues.contains(to.session.sessionId);
        sent.add(new Sent(to.session.sessionId, parsed, null != ring, queued));
        transcript.add("to " + to.session.sessionId + ": " + describe(parsed) + (queued ? "" : " (queue full)"));
        return queued;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean sendWithDescriptors(final RouterEndpoint to, final byte[] message, final int[] descriptors)
    {
        final ControlMessage parsed = ControlMessages.parse(message, message.length);
        final boolean queued = !fullQueues.contains(to.session.sessionId);
        sent.add(new Sent(to.session.sessionId, parsed, true, queued));
        transcript.add("to " + to.session.sessionId + ": " + describe(parsed) + " +" + descriptors.length + " fd" +
            (queued ? "" : " (queue full)"));
        return queued;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void detach(final RouterEndpoint endpoint)
    {
        transcript.add("detach " + endpoint.session.sessionId);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void close(final RouterEndpoint endpoint)
    {
        closed.add(endpoint.session.sessionId);
        transcript.add("close " + endpoint.session.sessionId);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean unlink(final Path ringPath)
    {
        transcript.add("unlink " + ringPath);
        return !unlinkFails;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void audit(
        final AuditEventType type, final AuditOutcome outcome, final String subject, final String channel,
        final String detail)
    {
        transcript.add("audit " + type + " " + outcome + ": " + detail);
    }

    /**
     * A message as one line: {@code ADDED producer=1 key=2 at=4096}, {@code KEY_RETIRED producer=1 key=2 grace=5000},
     * {@code KeyUpdate key=3},
     * {@code Goodbye KEY_REVOKED}, {@code Refusal TIMED_OUT}.
     *
     * @param message the message.
     * @return the line.
     */
    static String describe(final ControlMessage message)
    {
        return switch (message.templateId())
        {
            case SourceUpdateDecoder.TEMPLATE_ID -> message.action + " producer=" + message.producerId + " key=" +
                message.keyId + (SourceAction.KEY_RETIRED == message.action ? " grace=" : " at=") + message.graceMs;
            case KeyUpdateDecoder.TEMPLATE_ID -> "KeyUpdate key=" + message.keyId;
            case GoodbyeDecoder.TEMPLATE_ID -> "Goodbye " + message.goodbyeReason;
            case RefusalDecoder.TEMPLATE_ID -> "Refusal " + message.refusalReason;
            default -> "template " + message.templateId();
        };
    }
}
