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
     * Hand a subscriber one of a publisher's keys, sealed under its control key. An ADDED carries the publisher's
     * ring: its path, and its descriptors when it is sealed memory (records read-only; the head writable: the ring's
     * own consumer region on a one-to-one channel, the subscriber's own on a fan-out channel).
     *
     * @param link              the pair of publisher and subscriber.
     * @param action            ADDED or KEY_ADDED.
     * @param keyId             which key.
     * @param graceMsOrPosition the start position for ADDED; 0 otherwise.
     */
    void key(final RouterLink link, final SourceAction action, final int keyId, final long graceMsOrPosition)
    {
        final RouterPublisher publisher = link.publisher;
        final SessionFacts source = publisher.session;
        if (SourceAction.ADDED == action && null != source.sharedRing)
        {
            sharedAdded(link.subscriber, publisher, keyId, graceMsOrPosition);
            return;
        }
        final byte[] key = publisher.frameKey(keyId);
        if (null == key)
        {
            return;
        }
        try
        {
            final byte[] sealed =
                KeyWrap.seal(link.subscriber.session.controlKey, channelId, publisher.producerId, keyId, key);
            final byte[] update = ControlMessages.sourceUpdate(action, channelId, publisher.producerId, keyId,
                source.ringCapacity, graceMsOrPosition, null == source.ringPath ? "" : source.ringPath.toString(),
                sealed);
            send(link.subscriber, update, SourceAction.ADDED == action ? consumerSide(link) : null);
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    /**
     * Hand a fan-out publisher a joining subscriber's consumer region, read-only, under the subscriber's consumer id;
     * the publisher attaches it when it next switches keys.
     *
     * @param publisher the publisher.
     * @param link      the pair, whose region is not null.
     */
    void consumerAdded(final RouterPublisher publisher, final RouterLink link)
    {
        send(publisher, ControlMessages.sourceUpdate(SourceAction.CONSUMER_ADDED, channelId, publisher.producerId,
            link.subscriber.consumerId, 0, 0, "", null), new int[]{link.region.readOnlyDescriptor()});
    }

    private static int[] consumerSide(final RouterLink link)
    {
        final SealedRing ring = link.publisher.session.sealedRing;
        if (null == ring)
        {
            return null;
        }
        final int[] ringSide = ring.consumerSideDescriptors();
        return null == link.region ? ringSide : new int[]{ringSide[0], link.region.readWriteDescriptor()};
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
        final byte[] key = publisher.frameKey(keyId);
        try
        {
            final byte[] sealed =
                KeyWrap.seal(subscriber.session.controlKey, channelId, publisher.producerId, keyId, key);
            final byte[] update = ControlMessages.sourceUpdate(SourceAction.SHARED_ADDED, channelId,
                publisher.producerId, keyId, source.ringCapacity, position, "", sealed);
            send(subscriber, update, source.sharedRing.consumerSideDescriptors());
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

    private void send(final RouterEndpoint to, final byte[] message, final int[] descriptors)
    {
        if (!output.send(to, message, descriptors) && !to.dropped && !to.overflowed)
        {
            to.overflowed = true;
            overflowed.add(to);
        }
    }
}
