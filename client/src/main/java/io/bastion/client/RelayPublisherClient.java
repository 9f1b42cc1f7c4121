package io.bastion.client;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.channel.MappedRing;
import io.bastion.channel.Publisher;
import io.bastion.channel.RingFiles;
import io.bastion.channel.SealedRing;
import io.bastion.channel.SealingMode;
import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameReader;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.ringbuffer.OneToManyRingProducer;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RecordProducer;
import io.bastion.ringbuffer.RingClaim;
import io.bastion.ringbuffer.RingStatus;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.handshake.KeyWrap;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyLookup;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.keys.KeyStatus;
import io.bastion.security.token.Right;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;

/**
 * A relay connected through a broker: it republishes, byte for byte, frames sealed by a publisher on another host
 * (tag intact), so that this host's subscribers verify the origin's tag end to end. It runs the handshake with
 * {@link Right#RELAY} on a channel the broker declares relayed, naming the origin producer id it carries; the broker
 * gives it a ring as a publisher's, under that id. Its keys are the origin's: the relay hands each one to the broker
 * ({@link #addKey}), wrapped under this session's control key, the broker hands it to every subscriber and confirms,
 * and only then are frames under it written. The broker derives no key for a relay and never re-seals. See
 * {@code docs/relay.md}.
 * <pre>
 * try (RelayPublisherClient relay = RelayPublisherClient.connect(context, "prices", originProducerId))
 * {
 *     relay.addKey(keyId, keyBytes);               // each origin key, as the origin's subscriber learns it
 *     while (running)
 *     {
 *         relay.doWork();
 *         final long result = relay.offerSealed(frame, offset, length);
 *         // result &lt; 0: a ChannelStatus code; REFUSED: see lastRefusal()
 *     }
 * }
 * </pre>
 * {@link #offerSealed} checks each frame before a byte of it reaches the ring, in this order: its structure (the
 * codec's validator), channel id and producer id ({@link RejectReason#UNAUTHORIZED}), key id confirmed by the broker
 * ({@link RejectReason#UNKNOWN_KEY}, {@link RejectReason#REVOKED_KEY}), a sequence above the last one written
 * ({@link RejectReason#REPLAY}), and the tag under that key ({@link RejectReason#BAD_TAG}): defence in depth, since
 * every subscriber checks all of it again. A frame that fails is refused ({@link ChannelStatus#REFUSED}, its reason in
 * {@link #lastRefusal()} and counted) and nothing is written.
 * <p>
 * Threads: one thread calls everything. {@link #offerSealed} and {@link #doWork()} allocate nothing, throw nothing and
 * take no lock; {@link #addKey} blocks until the broker confirms (it runs the duty cycle meanwhile).
 */
public final class RelayPublisherClient implements AutoCloseable
{
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final Session session;
    private final MappedRing mapping;
    private final KeyRing keys;
    private final HmacFrameSealer verifier;
    private final ClientCounters counters;
    private final RecordProducer producer;
    private final FanOutConsumers fanOut;
    private final ClientControl control;
    private final ControlLink link;
    private final EpochClock clock;
    private final FrameReader reader = new FrameReader(FrameValidator.strict());
    private final UnsafeBuffer frame;
    private final RingClaim claim = new RingClaim();
    private final KeyLookup lookup = new KeyLookup();
    private final int channelId;
    private final int producerId;
    private final int maxFrameLength;
    private byte[] pendingKey;
    private int pendingKeyId;
    private int highestKeyId;
    private int confirmedKeyId;
    private long lastSequence;
    private long lastHeartbeatNs;
    private long stoppedStatus;
    private boolean connected;
    private RejectReason lastRefusal = RejectReason.NONE;
    private boolean released;

    private RelayPublisherClient(
        final Session session,
        final ControlLink link,
        final MappedRing mapping,
        final KeyRing keys,
        final ClientCounters counters,
        final RecordProducer producer,
        final ClientContext context)
    {
        this.session = session;
        this.link = link;
        this.mapping = mapping;
        this.keys = keys;
        this.verifier = new HmacFrameSealer(keys);
        this.counters = counters;
        this.producer = producer;
        this.clock = context.epochClock();
        this.channelId = session.channelId();
        this.producerId = session.producerId();
        this.control = new ClientControl(link, context.controlPollIntervalNs(), this::onMessage, this::onEnd);
        this.fanOut = producer instanceof OneToManyRingProducer ? new FanOutConsumers((OneToManyRingProducer)producer,
            channelId, producerId, control::send, counters.counters(), session.maxSubscribers()) : null;
        this.maxFrameLength = Math.min(producer.maxPayloadLength(),
            FrameDescriptor.frameLength(FrameDescriptor.MAX_PAYLOAD_LENGTH));
        this.frame = new UnsafeBuffer(new byte[maxFrameLength]);
        this.lastHeartbeatNs = System.nanoTime() - Publisher.DEFAULT_HEARTBEAT_INTERVAL_MS * NANOS_PER_MILLI;
    }

    /**
     * Connect to the broker as a relay of one origin publisher.
     *
     * @param context          the client settings; concluded here. Its token must grant {@link Right#RELAY} on the
     *                         channel.
     * @param channel          the channel name, which the broker must declare relayed.
     * @param originProducerId the producer id the origin publisher's frames carry, positive.
     * @return the connected relay; the caller closes it.
     * @throws HandshakeException with the broker's typed reason when it refuses ({@link RejectReason#NOT_RELAYED},
     *                            {@link RejectReason#PRODUCER_ID_IN_USE}, {@link RejectReason#UNAUTHORIZED} for a
     *                            token without the right), or the client's; {@link RejectReason#CHANNEL_CLOSED} when
     *                            the channel is not sealed per frame.
     * @throws IOException        if the context's key file or the ring cannot be opened.
     */
    public static RelayPublisherClient connect(
        final ClientContext context, final String channel, final int originProducerId)
            throws HandshakeException, IOException
    {
        context.conclude();
        final Session session = HandshakeClient.connectRelay(context.socketPath(), context.token(),
            context.brokerKey(), channel, originProducerId, context.handshakeTimeout());
        MappedRing mapping = null;
        KeyRing keys = null;
        ClientCounters counters = null;
        try
        {
            if (SealingMode.HMAC_PER_FRAME != session.sealing())
            {
                throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false,
                    "a relay carries frames sealed one by one; the channel is " + session.sealing());
            }
            final SealedRing sealedRing = session.rings().sealedRing();
            if (null != sealedRing)
            {
                mapping = sealedRing.mapAsProducer();
                sealedRing.close();
            }
            else
            {
                mapping = new RingFiles(new OwnerOnlyFiles(context.filePolicy()))
                    .mapAsProducer(session.publishRingPath(), session.ringCapacity());
            }
            // The session's own frame keys are never used: a relay's keys are the origin's, added one by one and
            // wrapped under the session's control key.
            keys = new KeyRing(session.channelId(), KeyDirection.INITIATOR_TO_RESPONDER, context.epochClock());
            counters = ClientCounters.open(context, session, "relay");
            final RecordProducer producer = session.maxSubscribers() > 1 ?
                new OneToManyRingProducer(mapping.producerRegion(), session.maxSubscribers(), session.fanOut().policy(),
                context.epochClock()) :
                new OneToOneRingProducer(mapping.producerRegion(), mapping.consumerRegion(), context.epochClock());
            final ControlLink link = new ControlLink(session.controlChannel(), true);
            final RelayPublisherClient client =
                new RelayPublisherClient(session, link, mapping, keys, counters, producer, context);
            client.control.send(ControlMessages.sourceUpdate(
                SourceAction.MAPPED, client.channelId, client.producerId, 0, 0, 0, "", null));
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
     * Hand the broker one of the origin's keys, and wait until it confirms that every subscriber of the channel holds
     * it: from then on frames under it pass {@link #offerSealed}. Key ids must rise (the origin's do). Runs the duty
     * cycle while it waits.
     *
     * @param keyId    the origin key id, above every one added before.
     * @param keyBytes the 32 key bytes (copied; the caller still owns and should zero its array).
     * @param timeout  how long to wait for the confirmation.
     * @return {@link RejectReason#NONE} once confirmed; {@link RejectReason#TIMED_OUT} if no confirmation came in time
     *         (the key may still be confirmed by a later {@link #doWork()}); {@link RejectReason#CHANNEL_CLOSED} if
     *         the session ended.
     * @throws IllegalArgumentException if the key id does not rise, or the key is not 32 bytes.
     * @throws IllegalStateException    if another key waits for its confirmation.
     */
    public RejectReason addKey(final int keyId, final byte[] keyBytes, final Duration timeout)
    {
        if (keyId <= highestKeyId)
        {
            throw new IllegalArgumentException("origin key id " + keyId + " not above " + highestKeyId);
        }
        if (null == keyBytes || 32 != keyBytes.length)
        {
            throw new IllegalArgumentException("an origin key is 32 bytes");
        }
        if (null != pendingKey)
        {
            throw new IllegalStateException("key " + pendingKeyId + " waits for its confirmation");
        }
        if (control.isClosed())
        {
            return RejectReason.CHANNEL_CLOSED;
        }
        final byte[] controlKey = session.keys().controlKey();
        final byte[] sealed;
        try
        {
            sealed = KeyWrap.seal(controlKey, channelId, producerId, keyId, keyBytes);
        }
        finally
        {
            Arrays.fill(controlKey, (byte)0);
        }
        pendingKey = keyBytes.clone();
        pendingKeyId = keyId;
        highestKeyId = keyId;
        control.send(ControlMessages.sourceUpdate(
            SourceAction.ORIGIN_KEY_ADDED, channelId, producerId, keyId, 0, 0, "", sealed));
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (null != pendingKey && !control.isClosed())
        {
            if (0 == doWork())
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    return RejectReason.TIMED_OUT;
                }
                Thread.onSpinWait();
            }
        }
        return control.isClosed() ? RejectReason.CHANNEL_CLOSED : RejectReason.NONE;
    }

    /**
     * The origin retired a key: frames under it are refused here from now on, and the broker retires it at every
     * subscriber, which still accepts it for the broker's grace (for frames already in the ring).
     *
     * @param keyId the key id, an earlier key than the current one.
     * @return true if the key was one this relay held.
     */
    public boolean retireKey(final int keyId)
    {
        if (keyId == currentKeyId() || !keys.retire(keyId, 0))
        {
            return false;
        }
        control.send(ControlMessages.sourceUpdate(
            SourceAction.ORIGIN_KEY_RETIRED, channelId, producerId, keyId, 0, 0, "", null));
        return true;
    }

    /**
     * The origin revoked a key: frames under it are refused here and at every subscriber from now on.
     *
     * @param keyId the key id, one added before.
     * @return true if the revocation was sent.
     */
    public boolean revokeKey(final int keyId)
    {
        if (keyId <= 0 || keyId > highestKeyId || keyId == pendingKeyId && null != pendingKey)
        {
            return false;
        }
        keys.revoke(keyId);
        control.send(ControlMessages.sourceUpdate(
            SourceAction.ORIGIN_KEY_REVOKED, channelId, producerId, keyId, 0, 0, "", null));
        return true;
    }

    /**
     * The duty cycle: the ring's heartbeats and the subscriber's liveness, the fan-out consumers, and the control
     * socket (confirmations, position requests, the broker's goodbye).
     *
     * @return the work done, 0 when idle.
     */
    public int doWork()
    {
        int work = control.poll() + (null == fanOut ? 0 : fanOut.poll());
        if (0 != stoppedStatus)
        {
            return work;
        }
        final long nowNs = System.nanoTime();
        try
        {
            if (nowNs - lastHeartbeatNs >= Publisher.DEFAULT_HEARTBEAT_INTERVAL_MS * NANOS_PER_MILLI)
            {
                lastHeartbeatNs = nowNs;
                producer.producerHeartbeat();
                counters.counters().onHeartbeat();
                work++;
            }
            connected = producer.isConsumerAlive(Publisher.DEFAULT_LIVENESS_TIMEOUT_MS);
        }
        catch (final InternalError ex)
        {
            onMappingFault();
        }
        return work;
    }

    /**
     * Republish one frame sealed elsewhere, unchanged, after the checks in the class description.
     *
     * @param buffer holding the frame.
     * @param offset where the frame starts.
     * @param length the frame's length.
     * @return the new position, or {@link ChannelStatus#REFUSED} (see {@link #lastRefusal()}),
     *         {@link ChannelStatus#NOT_CONNECTED}, {@link ChannelStatus#BACK_PRESSURED},
     *         {@link ChannelStatus#ADMIN_ACTION}, {@link ChannelStatus#MESSAGE_TOO_LARGE},
     *         {@link ChannelStatus#CLOSED}, {@link ChannelStatus#CORRUPT} or {@link ChannelStatus#MAPPING_FAULT};
     *         nothing is written unless the result is positive.
     */
    public long offerSealed(final DirectBuffer buffer, final int offset, final int length)
    {
        if (control.isClosed() || released)
        {
            return ChannelStatus.CLOSED;
        }
        if (0 != stoppedStatus)
        {
            return stoppedStatus;
        }
        if (length < 0 || length > maxFrameLength)
        {
            return ChannelStatus.MESSAGE_TOO_LARGE;
        }
        if (offset < 0 || length > buffer.capacity() - offset)
        {
            return refuse(RejectReason.REGION_OUT_OF_BOUNDS);
        }
        if (!connected)
        {
            return ChannelStatus.NOT_CONNECTED;
        }
        // Checked, verified and written from a private copy: the caller's buffer may change under us.
        final UnsafeBuffer frame = this.frame;
        frame.putBytes(0, buffer, offset, length);
        final FrameReader reader = this.reader;
        final RejectReason structure = reader.wrapValidated(frame, 0, length);
        if (RejectReason.NONE != structure)
        {
            return refuse(structure);
        }
        if (reader.channelId() != channelId || reader.producerId() != producerId)
        {
            return refuse(RejectReason.UNAUTHORIZED);
        }
        final int keyId = reader.keyId();
        final long nowMs = clock.time();
        final KeyStatus key = keys.lookup(keyId, nowMs, lookup);
        if (KeyStatus.ACCEPTED != key)
        {
            return refuse(KeyStatus.REVOKED == key ? RejectReason.REVOKED_KEY :
                KeyStatus.EXPIRED == key ? RejectReason.EXPIRED_KEY : RejectReason.UNKNOWN_KEY);
        }
        final long sequence = reader.sequence();
        if (sequence <= lastSequence)
        {
            return refuse(RejectReason.REPLAY);
        }
        final RejectReason tag = verifier.verify(frame, 0, length, keyId, nowMs);
        if (RejectReason.NONE != tag)
        {
            return refuse(tag);
        }
        final long position;
        try
        {
            position = producer.tryClaim(Publisher.FRAME_RECORD_TYPE, length, claim);
            if (position < 0)
            {
                return ringStatus(position);
            }
            claim.buffer().putBytes(claim.offset(), frame, 0, length);
            if (!claim.commit())
            {
                counters.counters().onUnblocked();
                return ChannelStatus.ADMIN_ACTION;
            }
        }
        catch (final InternalError ex)
        {
            return onMappingFault();
        }
        lastSequence = sequence;
        counters.counters().onFrameOut(length);
        return position;
    }

    /**
     * Why the last {@link ChannelStatus#REFUSED} offer was refused.
     *
     * @return the reason, or {@link RejectReason#NONE} if none was.
     */
    public RejectReason lastRefusal()
    {
        return lastRefusal;
    }

    /**
     * The latest origin key the broker confirmed.
     *
     * @return the key id, or 0 if none was confirmed.
     */
    public int currentKeyId()
    {
        return confirmedKeyId;
    }

    /**
     * Whether a subscriber reads the ring (its heartbeat is recent).
     *
     * @return true if connected.
     */
    public boolean isConnected()
    {
        return connected;
    }

    /**
     * The origin producer id this relay publishes under.
     *
     * @return the id.
     */
    public int producerId()
    {
        return producerId;
    }

    /**
     * The channel id: the same on every broker for the channel's name.
     *
     * @return the id.
     */
    public int channelId()
    {
        return channelId;
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
     * Say goodbye to the broker, then release the ring, the keys, the counters and the socket. What was written stays
     * in the ring for the subscribers to drain. Idempotent.
     */
    @Override
    public void close()
    {
        if (released)
        {
            return;
        }
        released = true;
        control.close();
        onEnd();
        session.close();
        if (null != fanOut)
        {
            fanOut.close();
        }
        mapping.close();
        counters.close();
    }

    private long refuse(final RejectReason reason)
    {
        lastRefusal = reason;
        counters.counters().onRejected(reason);
        return ChannelStatus.REFUSED;
    }

    private long ringStatus(final long status)
    {
        if (RingStatus.BACK_PRESSURED == status)
        {
            counters.counters().onBackPressure();
            return ChannelStatus.BACK_PRESSURED;
        }
        if (RingStatus.UNBLOCKED == status)
        {
            counters.counters().onUnblocked();
            return ChannelStatus.ADMIN_ACTION;
        }
        stoppedStatus = ChannelStatus.CORRUPT;
        return ChannelStatus.CORRUPT;
    }

    private long onMappingFault()
    {
        if (ChannelStatus.MAPPING_FAULT != stoppedStatus)
        {
            stoppedStatus = ChannelStatus.MAPPING_FAULT;
            connected = false;
            counters.counters().onRejected(RejectReason.MAPPING_FAULT);
        }
        return ChannelStatus.MAPPING_FAULT;
    }

    private void onMessage(final ControlMessage message)
    {
        if (KeyUpdateDecoder.TEMPLATE_ID == message.templateId())
        {
            reportPosition(message.keyId);
        }
        else if (SourceUpdateDecoder.TEMPLATE_ID == message.templateId() && message.channelId == channelId &&
            message.producerId == producerId)
        {
            onSourceUpdate(message);
        }
        else
        {
            control.violation();
        }
    }

    private void onSourceUpdate(final ControlMessage message)
    {
        if (SourceAction.ORIGIN_KEY_ADDED == message.action && null != pendingKey && message.keyId == pendingKeyId)
        {
            // Every subscriber holds the key: frames under it may be written from now on.
            keys.rotateAndZero(pendingKeyId, pendingKey, KeyRing.NO_EXPIRY);
            pendingKey = null;
            confirmedKeyId = pendingKeyId;
        }
        else if (null != fanOut && SourceAction.CONSUMER_ADDED == message.action)
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
        else if (null != fanOut && SourceAction.CONSUMER_REMOVED == message.action)
        {
            fanOut.onRemoved(message.keyId);
        }
        else
        {
            control.violation();
        }
    }

    /**
     * The broker asks where the ring stands, for subscribers joining: attach their regions here (fan-out), and say
     * where, so that they start exactly here.
     */
    private void reportPosition(final int keyId)
    {
        if (null != fanOut && !fanOut.attachPending())
        {
            control.violation();
            return;
        }
        final long position = producer instanceof OneToManyRingProducer ?
            ((OneToManyRingProducer)producer).position() : ((OneToOneRingProducer)producer).position();
        control.send(ControlMessages.sourceUpdate(
            SourceAction.KEY_IN_USE, channelId, producerId, keyId, 0, position, "", null));
    }

    private void onEnd()
    {
        if (null != pendingKey)
        {
            Arrays.fill(pendingKey, (byte)0);
            pendingKey = null;
        }
        keys.close();
        session.keys().close();
    }
}
