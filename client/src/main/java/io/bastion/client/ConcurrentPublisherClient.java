package io.bastion.client;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.ConcurrentPublisher;
import io.bastion.channel.FrameClaim;
import io.bastion.channel.SealedManyToOneRing;
import io.bastion.channel.SealingMode;
import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.channel.shm.MappedRegion;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.token.Right;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A publisher connected through a broker that several threads of this process may share: the concurrent counterpart
 * of {@link PublisherClient}, as Aeron's {@code Publication} is of its {@code ExclusivePublication}. It runs the
 * handshake with {@link Right#PUBLISH} asking for a concurrent session of {@code lanes} lanes, maps the many-to-one
 * ring the broker made for it (sealed anonymous memory, one descriptor), and publishes through a
 * {@link ConcurrentPublisher}: each calling thread binds to a lane of its own (its own producer id of the session's
 * block, its own private buffer, sealer and strict sequence) and claims records with a compare-and-set on the ring's
 * tail. Why a lane's frames cannot be replayed or reordered undetected, and how a rotation switches every lane, is in
 * {@link ConcurrentPublisher}.
 * <pre>
 * try (ConcurrentPublisherClient client = ConcurrentPublisherClient.connect(context, "prices", 4))
 * {
 *     // on each of up to 4 threads:
 *     while (running)
 *     {
 *         client.doWork();                    // any thread may; one at a time runs it, the others return 0
 *         final long result = client.offer(buffer, 0, length, MSG_TYPE);
 *         // result &lt; 0: a ChannelStatus code; see ConcurrentPublisher#offer
 *     }
 * }
 * </pre>
 * <b>Threads.</b> {@link #offer}, {@link #tryClaim}, {@link #releaseLane()}, {@link #doWork()}, {@link #close()} and
 * the getters from any thread. A claim is committed or aborted by the thread that made it. Offers and claims are the
 * {@link ConcurrentPublisher}'s hot path: no allocation once the thread has its lane, no exception but for misuse, no
 * lock, no logging. They return the new position or a {@link io.bastion.channel.ChannelStatus} code, as
 * {@link io.bastion.channel.Publisher#offer} does, plus {@link io.bastion.channel.ChannelStatus#NO_LANE} when every
 * lane is bound to a live thread.
 * <p>
 * <b>Duty cycle.</b> {@link #doWork()} runs the publisher's duty cycle and the control socket (the broker's key
 * updates and goodbye). Whichever thread wins a compare-and-set runs it and the others return 0 at once, so no lock is
 * held and no offer waits: every publishing thread may call it in its loop, or one agent thread may. A key update is
 * applied by that thread with {@link ConcurrentPublisher#switchKey}, which answers the position from which every lane
 * seals with the new key; the broker starts a joining subscriber there. Offers return
 * {@link io.bastion.channel.ChannelStatus#NOT_CONNECTED} until a subscriber reads the ring. After the broker said
 * goodbye or the control socket broke, {@link #isClosed()} is true and offers return
 * {@link io.bastion.channel.ChannelStatus#CLOSED}.
 * <p>
 * <b>Limits.</b> The broker grants at most its {@code bastion.broker.max.lanes.per.session} lanes (the Hello asks,
 * the handshake is refused with {@link RejectReason#RATE_LIMITED} beyond it). Concurrent sessions need sealed rings
 * (Linux {@code memfd}): a broker on the named-file fallback refuses them with {@link RejectReason#CHANNEL_CLOSED}, as
 * it does on a channel that encrypts ({@link SealingMode#AEAD_PER_FRAME}), whose nonces lanes sharing a key would
 * repeat. The subscriber maps this ring read-write (a many-to-one ring's consumer zeroes what it reads): see
 * {@code SECURITY.md} for what that allows it.
 */
public final class ConcurrentPublisherClient implements AutoCloseable
{
    /** How long {@link #close()} waits for threads still inside an offer or holding a claim before it unmaps. */
    public static final long CLOSE_TIMEOUT_MS = 1_000;

    private final Session session;
    private final MappedRegion mapping;
    private final KeyRing keys;
    private final ClientCounters counters;
    private final ConcurrentPublisher publisher;
    private final ClientControl control;
    private final AtomicBoolean duty = new AtomicBoolean();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile boolean ended;
    private volatile RejectReason closedFor;
    private volatile boolean mappingKept;

    private ConcurrentPublisherClient(
        final Session session,
        final ControlLink link,
        final MappedRegion mapping,
        final KeyRing keys,
        final ClientCounters counters,
        final ConcurrentPublisher publisher,
        final long controlPollIntervalNs)
    {
        this.control = new ClientControl(link, controlPollIntervalNs, this::onMessage, this::onEnd);
        this.session = session;
        this.mapping = mapping;
        this.keys = keys;
        this.counters = counters;
        this.publisher = publisher;
    }

    /**
     * Connect to the broker and open a publication that up to {@code lanes} threads may share.
     *
     * @param context the client settings; concluded here.
     * @param channel the channel name, which the token must allow with {@link Right#PUBLISH}.
     * @param lanes   how many threads may publish at once, 1 to {@link ConcurrentPublisher#MAX_LANES} (and at most
     *                the broker's limit).
     * @return the connected publisher; the caller closes it.
     * @throws HandshakeException with the broker's typed reason when it refuses, or the client's.
     * @throws IOException        if the ring or the counters file cannot be opened.
     * @throws IllegalArgumentException if {@code lanes} is out of range.
     */
    public static ConcurrentPublisherClient connect(final ClientContext context, final String channel, final int lanes)
            throws HandshakeException, IOException
    {
        if (lanes < 1 || lanes > ConcurrentPublisher.MAX_LANES)
        {
            throw new IllegalArgumentException("lanes must be 1 to " + ConcurrentPublisher.MAX_LANES + ": " + lanes);
        }
        context.conclude();
        final Session session = HandshakeClient.connect(context.socketPath(), context.token(), context.brokerKey(),
            channel, Right.PUBLISH, lanes, context.handshakeTimeout());
        MappedRegion mapping = null;
        KeyRing keys = null;
        ClientCounters counters = null;
        try
        {
            final SealedManyToOneRing sharedRing = session.rings().sharedRing();
            if (null == sharedRing || 0 == session.producerId())
            {
                throw new HandshakeException(RejectReason.PROTOCOL_VIOLATION, false, "no many-to-one ring");
            }
            if (SealingMode.AEAD_PER_FRAME == session.sealing())
            {
                throw new HandshakeException(RejectReason.CHANNEL_CLOSED, false,
                    "an encrypted channel takes no concurrent publisher");
            }
            // Checked sealed and of its size before mapping; the descriptor is not needed once mapped.
            mapping = sharedRing.map();
            sharedRing.close();
            keys = new KeyRing(session.channelId(), KeyDirection.INITIATOR_TO_RESPONDER, context.epochClock());
            keys.rotateAndZero(session.keys().keyId(), session.keys().key(KeyDirection.INITIATOR_TO_RESPONDER), 0);
            counters = ClientCounters.open(context, session, "pub");
            final ManyToOneRing ring =
                new ManyToOneRing(mapping.buffer(), context.epochClock(), context.unblockTimeoutMs());
            final ConcurrentPublisher publisher = new ConcurrentPublisher(ring, keys, session.sealing(),
                session.channelId(), session.producerId(), lanes, context.nanoClock(), counters.counters());
            final ControlLink link = new ControlLink(session.controlChannel(), true);
            final ConcurrentPublisherClient client = new ConcurrentPublisherClient(
                session, link, mapping, keys, counters, publisher, context.controlPollIntervalNs());
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
     * The duty cycle, from any thread: the publisher's ({@link ConcurrentPublisher#doWork()}) and the control
     * socket's, read at most every {@link ClientContext#controlPollIntervalNs()}. One thread at a time runs it; a call
     * while another thread does returns 0 at once.
     *
     * @return the work done, 0 when idle or when another thread holds the duty.
     */
    public int doWork()
    {
        final AtomicBoolean duty = this.duty;
        if (duty.get() || !duty.compareAndSet(false, true))
        {
            return 0;
        }
        try
        {
            if (released.get())
            {
                return 0;
            }
            return publisher.doWork() + control.poll();
        }
        finally
        {
            duty.set(false);
        }
    }

    private void onMessage(final ControlMessage message)
    {
        if (KeyUpdateDecoder.TEMPLATE_ID == message.templateId())
        {
            switchKey(message.keyId);
        }
        else
        {
            control.violation();
        }
    }

    private void switchKey(final int newKeyId)
    {
        final long keyStart;
        try
        {
            // No grace on this side: from now on lanes only seal. The subscriber keeps the old key for its grace.
            keyStart = publisher.switchKey(
                newKeyId, session.keys().key(KeyDirection.INITIATOR_TO_RESPONDER, newKeyId));
        }
        catch (final IllegalArgumentException ex)
        {
            // A key id already used: a confused or hostile broker. Keep the current key and say so.
            control.violation();
            return;
        }
        if (keyStart < 0)
        {
            control.end(RejectReason.MAPPING_FAULT);
            return;
        }
        // Every record from this position on carries the new key: the broker starts a joining subscriber here.
        acknowledge(SourceAction.KEY_IN_USE, newKeyId, keyStart);
    }

    private void acknowledge(final SourceAction action, final int keyId, final long position)
    {
        control.send(ControlMessages.sourceUpdate(
            action, session.channelId(), session.producerId(), keyId, 0, position, "", null));
    }

    /**
     * The session ended (the broker's goodbye or refusal, a broken socket): offers fail from now on, and the keys go
     * at once: a session whose token expired or was revoked must not keep what it needs to seal. A lane sealing at
     * that moment fails closed.
     */
    private void onEnd()
    {
        closedFor = control.closedFor();
        ended = true;
        publisher.close();
        keys.close();
        session.keys().close();
    }

    /**
     * Offer a message from the calling thread's lane; see {@link ConcurrentPublisher#offer}.
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
     * Claim room for a message to write in place, from the calling thread's lane; see
     * {@link ConcurrentPublisher#tryClaim}. Commit or abort it from this thread, promptly.
     *
     * @param length    the payload's length.
     * @param msgTypeId the application's message type.
     * @param claim     receives the claimed region; one per thread.
     * @return the new position, or a negative {@link io.bastion.channel.ChannelStatus} code.
     */
    public long tryClaim(final int length, final int msgTypeId, final FrameClaim claim)
    {
        return publisher.tryClaim(length, msgTypeId, claim);
    }

    /**
     * Give the calling thread's lane back; see {@link ConcurrentPublisher#releaseLane()}.
     */
    public void releaseLane()
    {
        publisher.releaseLane();
    }

    /**
     * The publisher, for what this class does not forward.
     *
     * @return the publisher, owned by this client.
     */
    public ConcurrentPublisher publisher()
    {
        return publisher;
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
     * Whether a subscriber reads the ring (its heartbeat is recent).
     *
     * @return true if connected.
     */
    public boolean isConnected()
    {
        return publisher.isConnected();
    }

    /**
     * The key id lanes seal with now.
     *
     * @return the key id, or -1 if there is none.
     */
    public int keyId()
    {
        return publisher.keyId();
    }

    /**
     * The first producer id of the session's block, as the broker assigned it: lane {@code i} stamps
     * {@code producerId() + i}. The broker and its audit name the publisher by this id.
     *
     * @return the id.
     */
    public int producerId()
    {
        return session.producerId();
    }

    /**
     * How many lanes the session has.
     *
     * @return the lanes.
     */
    public int lanes()
    {
        return publisher.lanes();
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
     * This endpoint's counters, which the duty cycle fills from every lane's counts.
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
        return ended || released.get();
    }

    /**
     * Why the session ended.
     *
     * @return the reason, or null while open or after a plain {@link #close()}.
     */
    public RejectReason closedFor()
    {
        return closedFor;
    }

    /**
     * Whether {@link #close()} kept the ring mapped because a live thread still held it (inside an offer, or holding
     * a claim) after {@link #CLOSE_TIMEOUT_MS}: unmapping it would have crashed that thread's JVM. The mapping then
     * goes with the process.
     *
     * @return true if the ring stayed mapped.
     */
    public boolean isMappingKept()
    {
        return mappingKept;
    }

    /**
     * From any thread: stop the offers (they return {@link io.bastion.channel.ChannelStatus#CLOSED}), say goodbye to
     * the broker, release the keys and the socket, wait (at most {@link #CLOSE_TIMEOUT_MS}) until no live thread is
     * inside an offer or holds a claim, then unmap the ring and release the counters. Everything committed stays in
     * the ring for the subscriber to drain. Idempotent.
     */
    @Override
    public void close()
    {
        if (!released.compareAndSet(false, true))
        {
            return;
        }
        publisher.close();
        // The control socket and the keys belong to whoever holds the duty: wait for a running duty cycle to end.
        while (!duty.compareAndSet(false, true))
        {
            Thread.onSpinWait();
        }
        try
        {
            control.close();
            session.close();
            keys.close();
        }
        finally
        {
            duty.set(false);
        }
        if (publisher.awaitQuiescence(CLOSE_TIMEOUT_MS))
        {
            mapping.close();
        }
        else
        {
            mappingKept = true;
        }
        counters.close();
    }
}
