package io.bastion.broker;

import io.bastion.channel.SealedRing;
import io.bastion.channel.control.ControlMessages;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.security.handshake.KeyWrap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The control messages of one channel's {@link ChannelMachine}: it encodes each, seals the keys it hands a subscriber
 * ({@link KeyWrap}, under the subscriber's control key), queues them through the {@link RouterOutput} and notes each
 * session whose control queue could not take one, so that the machine ends it after the step: a message is never
 * dropped silently.
 * <p>
 * Owned by the conductor thread, like its machine. Key bytes it derives are zeroed before it returns.
 */
final class ChannelSender
{
    private final RouterOutput output;
    private final int channelId;
    private final List<RouterEndpoint> overflowed = new ArrayList<>();

    ChannelSender(final RouterOutput output, final int channelId)
    {
        this.output = output;
        this.channelId = channelId;
    }

    /**
     * Hand the subscriber one of a publisher's keys, sealed under its control key. An ADDED carries the publisher's
     * ring: its path, and its descriptors when it is sealed memory (records read-only, head writable).
     *
     * @param subscriber        the subscriber.
     * @param action            ADDED or KEY_ADDED.
     * @param publisher         whose key.
     * @param keyId             which key.
     * @param graceMsOrPosition the start position for ADDED; 0 otherwise.
     */
    void key(
        final RouterSubscriber subscriber,
        final SourceAction action,
        final RouterPublisher publisher,
        final int keyId,
        final long graceMsOrPosition)
    {
        final SessionFacts source = publisher.session;
        if (SourceAction.ADDED == action && null != source.sharedRing)
        {
            sharedAdded(subscriber, publisher, keyId, graceMsOrPosition);
            return;
        }
        final byte[] key = source.frameKeys.apply(keyId);
        try
        {
            final byte[] sealed =
                KeyWrap.seal(subscriber.session.controlKey, channelId, publisher.producerId, keyId, key);
            final byte[] update = ControlMessages.sourceUpdate(action, channelId, publisher.producerId, keyId,
                source.ringCapacity, graceMsOrPosition, null == source.ringPath ? "" : source.ringPath.toString(),
                sealed);
            send(subscriber, update, SourceAction.ADDED == action ? source.sealedRing : null);
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    /**
     * Announce a concurrent publisher's ring: {@code SHARED_ADDED}, with its key sealed as for {@code ADDED} and its
     * many-to-one ring's one descriptor (read-write: the consumer zeroes what it reads). The subscriber acknowledges
     * it with {@code ADDED}, as any announcement.
     */
    private void sharedAdded(
        final RouterSubscriber subscriber, final RouterPublisher publisher, final int keyId, final long position)
    {
        final SessionFacts source = publisher.session;
        final byte[] key = source.frameKeys.apply(keyId);
        try
        {
            final byte[] sealed =
                KeyWrap.seal(subscriber.session.controlKey, channelId, publisher.producerId, keyId, key);
            final byte[] update = ControlMessages.sourceUpdate(SourceAction.SHARED_ADDED, channelId,
                publisher.producerId, keyId, source.ringCapacity, position, "", sealed);
            if (!output.sendWithDescriptors(subscriber, update, source.sharedRing.consumerSideDescriptors()) &&
                !subscriber.dropped && !subscriber.overflowed)
            {
                subscriber.overflowed = true;
                overflowed.add(subscriber);
            }
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    /**
     * Tell the subscriber something about a publisher that carries no key.
     *
     * @param subscriber the subscriber.
     * @param action     the action.
     * @param producerId the publisher's producer id.
     * @param keyId      the key id the action is about, or 0.
     * @param graceMs    the grace for KEY_RETIRED, or 0.
     */
    void source(
        final RouterSubscriber subscriber,
        final SourceAction action,
        final int producerId,
        final int keyId,
        final long graceMs)
    {
        send(subscriber, ControlMessages.sourceUpdate(action, channelId, producerId, keyId, 0, graceMs, "", null),
            null);
    }

    /**
     * Queue a message the session must receive; if its queue cannot take it, it is noted for ending.
     *
     * @param to      the session.
     * @param message the encoded message.
     */
    void send(final RouterEndpoint to, final byte[] message)
    {
        send(to, message, null);
    }

    /**
     * Queue a session's last word before it is dropped (a Goodbye, a Refusal): best effort, since the session ends
     * whether or not it fits.
     *
     * @param to      the session.
     * @param message the encoded message.
     */
    void lastWord(final RouterEndpoint to, final byte[] message)
    {
        output.send(to, message, null);
    }

    /**
     * The next session whose queue overflowed since the last call, latest first.
     *
     * @return the session, or null when none is left.
     */
    RouterEndpoint pollOverflowed()
    {
        return overflowed.isEmpty() ? null : overflowed.remove(overflowed.size() - 1);
    }

    private void send(final RouterEndpoint to, final byte[] message, final SealedRing ring)
    {
        if (!output.send(to, message, ring) && !to.dropped && !to.overflowed)
        {
            to.overflowed = true;
            overflowed.add(to);
        }
    }
}
