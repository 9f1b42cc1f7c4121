package io.bastion.client;

import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.FrameClaim;
import io.bastion.channel.MappedRing;
import io.bastion.channel.Publisher;
import io.bastion.channel.RingFiles;
import io.bastion.channel.SealedRing;
import io.bastion.channel.SealingMode;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.ringbuffer.OneToManyRingProducer;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RecordProducer;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyLookup;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.keys.KeyStatus;
import io.bastion.security.token.Right;
import org.agrona.DirectBuffer;

import java.io.IOException;

/**
 * A publisher connected through a broker: it runs the handshake with {@link Right#PUBLISH}, maps the ring the broker
 * made for it, seals with its session key, and follows the broker's key rotations without stopping the flow.
 * <pre>
 * try (PublisherClient client = PublisherClient.connect(context, "prices"))
 * {
 *     while (running)
 *     {
 *         client.doWork();
 *         final long result = client.offer(buffer, 0, length, MSG_TYPE);
 *         // result &lt; 0: a ChannelStatus code; see Publisher#offer
 *     }
 * }
 * </pre>
 * Offers return {@link io.bastion.channel.ChannelStatus#NOT_CONNECTED} until a subscriber reads the ring (and again
 * once it stops), like every {@link Publisher}. {@link #doWork()} is the duty cycle: the publisher's own, plus the
 * control socket (key updates, the broker's goodbye). After the broker said goodbye or the control socket broke,
 * {@link #isClosed()} is true and offers return {@link io.bastion.channel.ChannelStatus#CLOSED}.
 * <p>
 * Threads: one thread calls {@link #doWork()}, the offers and {@link #close()}; none of them blocks. The hot path is
 * the {@link Publisher}'s: no allocation, no exception, no lock.
 */
public final class PublisherClient implements AutoCloseable
{
    private final Session session;
    private final MappedRing mapping;
    private final KeyRing keys;
    private final ClientCounters counters;
    private final Publisher publisher;
    private final RecordProducer producer;
    private final FanOutConsumers fanOut;
    private final KeyLookup lookup = new KeyLookup();
    private final ClientControl control;
    private final ControlLink link;
    private boolean released;

    private PublisherClient(
        final Session session,
        final ControlLink link,
        final MappedRing mapping,
        final KeyRing keys,
        final ClientCounters counters,
        final Publisher publisher,
        final RecordProducer producer,
        final long controlPollIntervalNs)
    {
        this.control = new ClientControl(link, controlPollIntervalNs, this::onMessage, this::onEnd);
        this.link = link;
        this.session = session;
        this.producer = producer;
        this.fanOut = producer instanceof OneToManyRingProducer ? new FanOutConsumers((OneToManyRingProducer)producer,
            session.channelId(), session.producerId(), control::send, counters.counters(), session.maxSubscribers()) :
            null;
        this.mapping = mapping;
        this.keys = keys;
        this.counters = counters;
        this.publisher = publisher;
    }

    /**
     * Connect to the broker and open a publication.
     *
     * @param context the client settings; concluded here.
     * @param channel the channel name, which the token must allow with {@link Right#PUBLISH}.
     * @return the connected publisher; the caller closes it.
     * @throws HandshakeException with the broker's typed reason when it refuses, or the client's.
     * @throws IOException        if the context's key file or the ring cannot be opened.
     */
    public static PublisherClient connect(final ClientContext context, final String channel)
            throws HandshakeException, IOException
    {
        context.conclude();
        final Session session = HandshakeClient.connect(context.socketPath(), context.token(), context.brokerKey(),
            channel, Right.PUBLISH, context.handshakeTimeout());
        MappedRing mapping = null;
        KeyRing keys = null;
        ClientCounters counters = null;
        try
        {
            final SealedRing sealedRing = session.rings().sealedRing();
            if ((null == session.publishRingPath() && null == sealedRing) || 0 == session.producerId())
            {
                throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false, "no ring in the Welcome");
            }
            if (null != sealedRing)
            {
                // Checked sealed and of its size before mapping; the descriptors are not needed once mapped.
                mapping = sealedRing.mapAsProducer();
                sealedRing.close();
            }
            else
            {
                mapping = new RingFiles(new OwnerOnlyFiles(context.filePolicy()))
                    .mapAsProducer(session.publishRingPath(), session.ringCapacity());
            }
            keys = new KeyRing(session.channelId(), KeyDirection.INITIATOR_TO_RESPONDER, context.epochClock());
            keys.rotateAndZero(session.keys().keyId(), session.keys().key(KeyDirection.INITIATOR_TO_RESPONDER), 0);
            counters = ClientCounters.open(context, session, "pub");
            // A fan-out ring starts with no consumer: each subscriber's own region comes as it joins.
            final RecordProducer producer = session.maxSubscribers() > 1 ?
                new OneToManyRingProducer(mapping.producerRegion(), session.maxSubscribers(), session.fanOut().policy(),
                context.epochClock()) :
                new OneToOneRingProducer(mapping.producerRegion(), mapping.consumerRegion(), context.epochClock());
            final Publisher publisher = new Publisher(producer, session.sealing().newSealer(keys), session.channelId(),
                session.producerId(), context.nanoClock(), counters.counters())
                .sealing(session.sealing())
                .batchLimits(context.batchMaxFrames(), context.batchMaxBytes(), context.batchLingerNs());
            final ControlLink link = new ControlLink(session.controlChannel(), true);
            final PublisherClient client = new PublisherClient(
                session, link, mapping, keys, counters, publisher, producer, context.controlPollIntervalNs());
            client.acknowledge(SourceAction.MAPPED, 0, 0);
            return client;
        }
        catch (final IOException | HandshakeException | RuntimeException ex)
        {
            if (null != counters)
            {
                counters.close();
            }
            if (null != keys)
            {
                keys.close();
            }
            if (null != mapping)
            {
                mapping.close();
            }
            session.close();
            throw ex;
        }
    }

    /**
     * The duty cycle: the publisher's ({@link Publisher#doWork()}) and the control socket's, which is read at most
     * every {@link ClientContext#controlPollIntervalNs()}.
     *
     * @return the work done, 0 when idle.
     */
    public int doWork()
    {
        return publisher.doWork() + control.poll() + (null == fanOut ? 0 : fanOut.poll());
    }

    private void onMessage(final ControlMessage message)
    {
        if (KeyUpdateDecoder.TEMPLATE_ID == message.templateId())
        {
            switchKey(message.keyId);
        }
        else if (null != fanOut && SourceUpdateDecoder.TEMPLATE_ID == message.templateId() &&
            message.channelId == session.channelId() && message.producerId == session.producerId())
        {
            onConsumerUpdate(message);
        }
        else
        {
            control.violation();
        }
    }

    private void onConsumerUpdate(final ControlMessage message)
    {
        if (SourceAction.CONSUMER_ADDED == message.action)
        {
            final int[] descriptor;
            try
            {
                descriptor = link.takeDescriptors(1);
            }
            catch (final HandshakeException ex)
            {
                control.violation();
                return;
            }
            if (!fanOut.onAdded(message.keyId, descriptor[0]))
            {
                control.violation();
            }
        }
        else if (SourceAction.CONSUMER_REMOVED == message.action)
        {
            fanOut.onRemoved(message.keyId);
        }
        else
        {
            control.violation();
        }
    }

    private void switchKey(final int newKeyId)
    {
        try
        {
            // No grace: from now on this side only seals; the subscriber keeps the old key for the grace period.
            keys.rotateAndZero(newKeyId, session.keys().key(KeyDirection.INITIATOR_TO_RESPONDER, newKeyId), 0);
        }
        catch (final IllegalArgumentException ex)
        {
            // A key id already used: a confused or hostile broker. Keep the current key and say so.
            control.violation();
            return;
        }
        // Every frame from this position on is sealed with the new key: the broker starts a joining subscriber here,
        // and a fan-out ring attaches the joining subscriber's region here too.
        if (null != fanOut && !fanOut.attachPending())
        {
            control.violation();
            return;
        }
        acknowledge(SourceAction.KEY_IN_USE, newKeyId, producer instanceof OneToManyRingProducer ?
            ((OneToManyRingProducer)producer).position() : ((OneToOneRingProducer)producer).position());
    }

    private void acknowledge(final SourceAction action, final int keyId, final long position)
    {
        control.send(ControlMessages.sourceUpdate(
            action, session.channelId(), session.producerId(), keyId, 0, position, "", null));
    }

    /**
     * The session ended (the broker's goodbye or refusal, a broken socket): offers fail from now on, and the keys go
     * at once, not when the application gets round to {@link #close()}: a session whose token expired or was revoked
     * must not keep what it needs to seal.
     */
    private void onEnd()
    {
        publisher.close();
        keys.close();
        session.keys().close();
    }

    /**
     * Offer a message; see {@link Publisher#offer}.
     *
     * @param buffer    the payload's buffer.
     * @param offset    where the payload starts.
     * @param length    the payload's length.
     * @param msgTypeId the application's message type.
     * @return the new position, or a negative {@link io.bastion.channel.ChannelStatus} code.
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length, final int msgTypeId)
    {
        return publisher.offer(buffer, offset, length, msgTypeId);
    }

    /**
     * Claim room for a message to write in place; see {@link Publisher#tryClaim}.
     *
     * @param length    the payload's length.
     * @param msgTypeId the application's message type.
     * @param claim     receives the claimed region; commit or abort it.
     * @return the new position, or a negative {@link io.bastion.channel.ChannelStatus} code.
     */
    public long tryClaim(final int length, final int msgTypeId, final FrameClaim claim)
    {
        return publisher.tryClaim(length, msgTypeId, claim);
    }

    /**
     * Commit the frames waiting in a batch, on a channel the broker seals by batch; see {@link Publisher#flush()}.
     *
     * @return the new position, or a negative {@link io.bastion.channel.ChannelStatus} code.
     */
    public long flush()
    {
        return publisher.flush();
    }

    /**
     * How the broker said this channel's frames are sealed.
     *
     * @return the mode.
     */
    public SealingMode sealing()
    {
        return publisher.sealing();
    }

    /**
     * The publisher, for what this class does not forward.
     *
     * @return the publisher, owned by this client.
     */
    public Publisher publisher()
    {
        return publisher;
    }

    /**
     * Whether a subscriber reads the ring (its heartbeat is recent).
     *
     * @return true if connected.
     */
    public boolean isConnected()
    {
        return publisher.isConnected();
    }

    /**
     * The key id frames are sealed with now.
     *
     * @return the key id, or -1 if there is none.
     */
    public int keyId()
    {
        return KeyStatus.ACCEPTED == keys.current(lookup) ? lookup.keyId() : -1;
    }

    /**
     * The producer id the broker assigned.
     *
     * @return the id.
     */
    public int producerId()
    {
        return session.producerId();
    }

    /**
     * The channel id the broker assigned.
     *
     * @return the id.
     */
    public int channelId()
    {
        return session.channelId();
    }

    /**
     * This endpoint's counters.
     *
     * @return the counters, owned by this client.
     */
    public ChannelCounters counters()
    {
        return counters.counters();
    }

    /**
     * Whether the session ended (the broker's goodbye, a refusal, a broken control socket, or {@link #close()}).
     *
     * @return true once ended.
     */
    public boolean isClosed()
    {
        return control.isClosed();
    }

    /**
     * Why the session ended.
     *
     * @return the reason, or null while open or after a plain {@link #close()}.
     */
    public RejectReason closedFor()
    {
        return control.closedFor();
    }

    /**
     * Commit the frames waiting in a batch (once: a full ring loses them), say goodbye to the broker, then release the
     * ring, the keys, the counters and the socket. Everything offered before stays in the ring for the subscriber to
     * drain. Idempotent; no other method may be called after it (the ring is unmapped).
     */
    @Override
    public void close()
    {
        if (released)
        {
            return;
        }
        released = true;
        if (!control.isClosed() && publisher.pendingFrames() > 0)
        {
            publisher.flush();
        }
        control.close();
        session.close();
        keys.close();
        if (null != fanOut)
        {
            fanOut.close();
        }
        mapping.close();
        counters.close();
    }
}
