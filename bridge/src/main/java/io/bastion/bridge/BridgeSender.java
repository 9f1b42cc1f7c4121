package io.bastion.bridge;

import io.aeron.Publication;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.bastion.security.aead.AeadAlgorithm;
import io.bastion.security.aead.FrameAead;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static io.bastion.bridge.BridgeDescriptor.BODY_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.BYTE_ORDER;
import static io.bastion.bridge.BridgeDescriptor.CHANNEL_KEY_CHANNEL_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.CHANNEL_KEY_KEY_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.CHANNEL_KEY_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.CHANNEL_KEY_MATERIAL_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.CHANNEL_KEY_MATERIAL_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.CHANNEL_KEY_PRODUCER_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.CHANNEL_KEY_ACTION_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.HEADER_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.KEEPALIVE_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.REKEY_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.REKEY_NEW_KEY_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.REKEY_PREVIOUS_KEY_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.TAG_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.TYPE_CHANNEL_KEY;
import static io.bastion.bridge.BridgeDescriptor.TYPE_DATA;
import static io.bastion.bridge.BridgeDescriptor.TYPE_KEEPALIVE;
import static io.bastion.bridge.BridgeDescriptor.TYPE_REKEY;
import static io.bastion.bridge.BridgeDescriptor.TYPE_DATA_BATCH;
import static io.bastion.bridge.BridgeDescriptor.BATCH_ENTRY_LENGTH_FIELD;

/**
 * Sends inner sealed frames, and channel keys, to the peer bridge over the session: each becomes one datagram
 * (layout in {@link BridgeDescriptor}) encrypted under this direction's current key, the header as associated data,
 * the nonce built from key id and bridge sequence.
 * <p>
 * <b>Results.</b> {@link #offer} returns, as Aeron's {@code Publication.offer} does, the new stream position
 * (positive) or a negative code: {@link #NOT_CONNECTED} (no session yet, or no subscriber: retry later),
 * {@link #BACK_PRESSURED} (the receiver is behind: retry), {@link #ADMIN_ACTION} (retry),
 * {@link #CLOSED}, {@link #MAX_POSITION_EXCEEDED} (the publication is used up),
 * {@link #KEY_EXHAUSTED} (the current key has sealed its frame limit and automatic rekeying is off: call
 * {@link #rekey()}), {@link #TOO_LONG} (the frame does not fit one datagram: see {@link #maxFrameLength()}).
 * <p>
 * <b>Sequences.</b> The bridge sequence starts at 0 with each session and increases by one per sealed datagram,
 * across rekeys, so no (key id, sequence) nonce repeats. A datagram sealed and then refused by the publication (a
 * race for the publication's window after this class checked it) has used its sequence: the receiver counts it as a
 * gap; {@code sequences burned} counts it here.
 * <p>
 * <b>Rekey.</b> Key ids start at {@link BridgeDescriptor#FIRST_KEY_ID}; {@link #rekey()} moves to the next, derived
 * from the session secret, and announces it in-band with a REKEY datagram sealed under the new key. With
 * {@link BridgeContext#autoRekey(boolean) automatic rekeying} (the default) {@link #offer} does this itself when
 * the key's frame limit is reached.
 * <p>
 * <b>Keepalives.</b> {@link #doWork(long)}, called from the sending thread's duty cycle, sends a KEEPALIVE datagram
 * (sealed, empty) when this sender has sent nothing for {@link BridgeContext#keepaliveIntervalMs()}, so the peer's
 * watchdog ({@link Bridge#doWork(long)}) hears this side even when there is no traffic.
 * <p>
 * <b>Allocation.</b> None of its own on {@link #offer}, {@link #append}, {@link #flush} or {@link #doWork}; the
 * JDK's AES-GCM {@code Cipher} is re-initialised per nonce and allocates while doing so (about 1 KB per datagram, see
 * {@code BENCHMARKS.md}), and a new session or a rekey allocates a new key. Aeron's {@code offer} does not
 * allocate.
 * <p>
 * Thread safety: none; one sending thread. It may run beside the receiving thread: they share only the Aeron
 * publication (thread safe) and the session, published through a volatile field.
 */
public final class BridgeSender
{
    /** No session is established, or the publication has no subscriber: retry later. */
    public static final long NOT_CONNECTED = Publication.NOT_CONNECTED;
    /** The publication is back pressured: retry. */
    public static final long BACK_PRESSURED = Publication.BACK_PRESSURED;
    /** Aeron is busy with an administrative action: retry. */
    public static final long ADMIN_ACTION = Publication.ADMIN_ACTION;
    /** The publication (or the bridge) is closed. */
    public static final long CLOSED = Publication.CLOSED;
    /** The publication has reached its maximum position. */
    public static final long MAX_POSITION_EXCEEDED = Publication.MAX_POSITION_EXCEEDED;
    /** The current key has sealed its limit of frames: call {@link #rekey()}. Nothing sent. */
    public static final long KEY_EXHAUSTED = -10;
    /** The frame is longer than {@link #maxFrameLength()}. Nothing sent. */
    public static final long TOO_LONG = -11;

    private static final int MAX_PUBLISH_ATTEMPTS = 8;
    private static final int CONTROL_BODY_LENGTH = Math.max(CHANNEL_KEY_LENGTH, REKEY_LENGTH);

    private final Bridge bridge;
    private final Publication publication;
    private final BridgeCounters counters;
    private final BridgeAuditSink audit;
    private final AeadAlgorithm algorithm;
    private final long frameLimit;
    private final boolean autoRekey;
    private final long keepaliveIntervalNs;
    private final int maxFrameLength;
    private final int maxBatchLength;
    private final int maxPayloadLength;
    private final byte[] datagram;
    private final UnsafeBuffer datagramBuffer;
    private final byte[] batch;
    private final UnsafeBuffer batchBuffer;
    private final byte[] control = new byte[HEADER_LENGTH + CONTROL_BODY_LENGTH + TAG_LENGTH];
    private final UnsafeBuffer controlBuffer = new UnsafeBuffer(control);

    private BridgeSession session;
    private FrameAead sealer;
    private int keyId;
    private long nextSequence;
    private int batchLength;
    private int batchFrames;
    private BridgeSession batchSession;
    private boolean sentSinceCheck;
    private boolean keepaliveClockStarted;
    private long lastSendNs;

    BridgeSender(final Bridge bridge, final Publication publication, final BridgeContext context,
        final BridgeCounters counters)
    {
        this.bridge = bridge;
        this.publication = publication;
        this.counters = counters;
        this.audit = context.auditSink();
        this.algorithm = context.aeadAlgorithm();
        this.frameLimit = context.keyFrameLimit();
        this.autoRekey = context.autoRekey();
        this.keepaliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(context.keepaliveIntervalMs());
        final int maxDatagram = publication.maxPayloadLength();
        this.maxPayloadLength = maxDatagram;
        this.maxFrameLength = maxDatagram - HEADER_LENGTH - TAG_LENGTH;
        this.maxBatchLength = Math.max(maxFrameLength, context.maxBatchLength());
        final int maxMessage = HEADER_LENGTH + maxBatchLength + TAG_LENGTH;
        if (maxMessage > publication.maxMessageLength())
        {
            throw new IllegalArgumentException("maxBatchLength " + maxBatchLength +
                " exceeds the publication's largest message " + publication.maxMessageLength());
        }
        this.datagram = new byte[maxMessage];
        this.datagramBuffer = new UnsafeBuffer(datagram);
        this.batch = new byte[maxMessage];
        this.batchBuffer = new UnsafeBuffer(batch);
    }

    /**
     * The longest inner frame one datagram carries: the publication's largest unfragmented payload (its MTU less
     * Aeron's data header) less the bridge header and tag.
     *
     * @return the length in bytes.
     */
    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    /**
     * The most bytes of entries (each a 4-byte length and a frame) one DATA_BATCH carries
     * ({@link BridgeContext#maxBatchLength()}); a batch longer than {@link #maxFrameLength()} leaves as one Aeron
     * message fragmented over several datagrams.
     *
     * @return the length in bytes.
     */
    public int maxBatchLength()
    {
        return maxBatchLength;
    }

    /**
     * The key id this sender seals with.
     *
     * @return the key id, or 0 before the first session.
     */
    public int keyId()
    {
        return keyId;
    }

    /**
     * The bridge sequence the next datagram will carry.
     *
     * @return the sequence.
     */
    public long nextSequence()
    {
        return nextSequence;
    }

    /**
     * Send one inner sealed frame, byte-exact. The bytes are copied before this returns.
     *
     * @param buffer holds the frame.
     * @param offset where it starts.
     * @param length its length.
     * @return the new stream position (positive), or a negative code (see the class description).
     * @throws IllegalArgumentException if {@code length} is negative or the region is outside the buffer.
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 0 || offset < 0 || length > buffer.capacity() - offset)
        {
            throw new IllegalArgumentException("region outside the buffer: offset=" + offset + " length=" + length);
        }
        if (length > maxFrameLength)
        {
            return TOO_LONG;
        }
        final long flushed = flush();
        if (flushed < 0)
        {
            return flushed;
        }
        final long ready = ready(BridgeDescriptor.datagramLength(TYPE_DATA, length));
        if (ready < 0)
        {
            return ready;
        }
        final long rekeyed = rekeyIfDue();
        if (rekeyed < 0)
        {
            return rekeyed;
        }
        buffer.getBytes(offset, datagram, BODY_OFFSET, length);
        final long result = sealAndPublish(datagram, datagramBuffer, TYPE_DATA, length);
        if (result > 0)
        {
            BridgeCounters.bump(counters.framesOut(), 1);
            BridgeCounters.bump(counters.bytesOut(), length);
        }
        return result;
    }

    /**
     * Add one inner sealed frame, byte-exact, to the batch this sender is filling: frames appended together leave in
     * one DATA_BATCH datagram under one AEAD tag, which costs one seal here and one open at the receiver however many
     * frames it holds (the JDK's AES-GCM costs some hundreds of nanoseconds and a cipher initialisation per datagram,
     * the bridge's main cost per frame otherwise). A batch holds up to {@link #maxBatchLength()} bytes of entries;
     * beyond one datagram it leaves as one Aeron message that Aeron fragments over full datagrams, still under one
     * tag. The batch leaves when the next frame does not fit in it (this call sends it first), on {@link #flush()}, or
     * before anything sent with {@link #offer}, {@link #offerChannelKey} or {@link #offerChannelKeyAction} in the
     * session it was begun in, so the peer sees everything in the order it was given (after a new session the keys go
     * first: the peer learns them again before the frames that waited). Call {@link #flush()} when there is nothing
     * more at hand (at the end of each duty cycle), or frames wait. The bytes are copied before this returns.
     *
     * @param buffer holds the frame.
     * @param offset where it starts.
     * @param length its length, at most {@link #maxFrameLength()} less
     *               {@link BridgeDescriptor#BATCH_ENTRY_LENGTH_FIELD}.
     * @return a positive value if the frame is in the batch; or a negative code as for {@link #offer}, from sending
     *         the full batch first, and then this frame was not taken (offer it again).
     * @throws IllegalArgumentException if {@code length} is negative or the region is outside the buffer.
     */
    public long append(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < 0 || offset < 0 || length > buffer.capacity() - offset)
        {
            throw new IllegalArgumentException("region outside the buffer: offset=" + offset + " length=" + length);
        }
        final int entry = BATCH_ENTRY_LENGTH_FIELD + length;
        if (entry > maxFrameLength)
        {
            return TOO_LONG;
        }
        if (batchLength + entry > maxBatchLength)
        {
            final long flushed = flush();
            if (flushed < 0)
            {
                return flushed;
            }
        }
        if (0 == batchFrames)
        {
            batchSession = bridge.session();
        }
        batchBuffer.putInt(BODY_OFFSET + batchLength, length, BYTE_ORDER);
        buffer.getBytes(offset, batch, BODY_OFFSET + batchLength + BATCH_ENTRY_LENGTH_FIELD, length);
        batchLength += entry;
        batchFrames++;
        return 1;
    }

    /**
     * Send the frames {@link #append} gathered, if any, in one sealed DATA_BATCH datagram (one Aeron message, which
     * Aeron fragments if it is longer than one datagram's payload).
     *
     * @return 0 when there was nothing to send, the new stream position when sent, or a negative code as for
     *         {@link #offer}: the batch then stays whole, to be sent by a later call.
     */
    public long flush()
    {
        if (0 == batchFrames)
        {
            return 0;
        }
        final long ready = ready(BridgeDescriptor.datagramLength(TYPE_DATA_BATCH, batchLength));
        if (ready < 0)
        {
            return ready;
        }
        final long rekeyed = rekeyIfDue();
        if (rekeyed < 0)
        {
            return rekeyed;
        }
        // Sealed in the datagram buffer, not in place: if Aeron refuses it, the batch is still here in the clear, to
        // go again under the next sequence (the refused one is burned, as for offer).
        System.arraycopy(batch, BODY_OFFSET, datagram, BODY_OFFSET, batchLength);
        final long result = sealAndPublish(datagram, datagramBuffer, TYPE_DATA_BATCH, batchLength);
        if (result > 0)
        {
            BridgeCounters.bump(counters.framesOut(), batchFrames);
            BridgeCounters.bump(counters.bytesOut(), batchLength - (long)batchFrames * BATCH_ENTRY_LENGTH_FIELD);
            batchLength = 0;
            batchFrames = 0;
        }
        return result;
    }

    /**
     * How many appended frames wait for {@link #flush()}.
     *
     * @return the count.
     */
    public int pendingFrames()
    {
        return batchFrames;
    }

    /**
     * Send a channel key to the peer bridge, sealed under the session like data (so it is encrypted, authenticated
     * and replay-checked), for the receiver's {@link ChannelKeyHandler}. Control path: allocates nothing of its own.
     *
     * @param channelId  the origin channel's id.
     * @param producerId the producer the key seals for.
     * @param channelKeyId the key id the inner frames carry.
     * @param key        the 32-byte HMAC key; not retained (the caller still owns and zeroes it).
     * @return the new stream position, or a negative code as {@link #offer}.
     * @throws IllegalArgumentException if the key is not 32 bytes.
     */
    public long offerChannelKey(final int channelId, final int producerId, final int channelKeyId, final byte[] key)
    {
        if (null == key || CHANNEL_KEY_MATERIAL_LENGTH != key.length)
        {
            throw new IllegalArgumentException("a channel key is " + CHANNEL_KEY_MATERIAL_LENGTH + " bytes");
        }
        return offerKeyDatagram(channelId, producerId, channelKeyId, ChannelKeyAction.ADDED, key);
    }

    /**
     * Tell the peer bridge that an origin key was retired or revoked, or that its producer left, sealed under the
     * session as {@link #offerChannelKey} is, for the receiver's {@link ChannelKeyHandler#onChannelKeyAction}. It
     * carries no key material. Control path.
     *
     * @param channelId    the origin channel's id.
     * @param producerId   the producer.
     * @param channelKeyId the key id ({@link ChannelKeyAction#SOURCE_REMOVED}: the producer's last key id, or 0).
     * @param action       {@link ChannelKeyAction#RETIRED}, {@link ChannelKeyAction#REVOKED} or
     *                     {@link ChannelKeyAction#SOURCE_REMOVED}.
     * @return the new stream position, or a negative code as {@link #offer}.
     * @throws IllegalArgumentException for {@link ChannelKeyAction#ADDED}, which needs the key.
     */
    public long offerChannelKeyAction(
        final int channelId, final int producerId, final int channelKeyId, final ChannelKeyAction action)
    {
        if (null == action || ChannelKeyAction.ADDED == action)
        {
            throw new IllegalArgumentException("a key is added with offerChannelKey: " + action);
        }
        return offerKeyDatagram(channelId, producerId, channelKeyId, action, null);
    }

    private long offerKeyDatagram(
        final int channelId, final int producerId, final int channelKeyId, final ChannelKeyAction action,
        final byte[] key)
    {
        // Frames appended before the key go first, so the peer sees everything in the order it was given; but not
        // across sessions: a peer that restarted learns the keys again before the frames that wait for it.
        if (batchFrames > 0 && batchSession == bridge.session())
        {
            final long flushed = flush();
            if (flushed < 0)
            {
                return flushed;
            }
        }
        final long ready = ready(BridgeDescriptor.datagramLength(TYPE_CHANNEL_KEY, CHANNEL_KEY_LENGTH));
        if (ready < 0)
        {
            return ready;
        }
        final long rekeyed = rekeyIfDue();
        if (rekeyed < 0)
        {
            return rekeyed;
        }
        try
        {
            controlBuffer.putInt(BODY_OFFSET + CHANNEL_KEY_CHANNEL_ID_OFFSET, channelId, BYTE_ORDER);
            controlBuffer.putInt(BODY_OFFSET + CHANNEL_KEY_PRODUCER_ID_OFFSET, producerId, BYTE_ORDER);
            controlBuffer.putInt(BODY_OFFSET + CHANNEL_KEY_KEY_ID_OFFSET, channelKeyId, BYTE_ORDER);
            controlBuffer.putInt(BODY_OFFSET + CHANNEL_KEY_ACTION_OFFSET, action.code(), BYTE_ORDER);
            if (null == key)
            {
                controlBuffer.setMemory(
                    BODY_OFFSET + CHANNEL_KEY_MATERIAL_OFFSET, CHANNEL_KEY_MATERIAL_LENGTH, (byte)0);
            }
            else
            {
                controlBuffer.putBytes(BODY_OFFSET + CHANNEL_KEY_MATERIAL_OFFSET, key);
            }
            final long result = sealAndPublish(control, controlBuffer, TYPE_CHANNEL_KEY, CHANNEL_KEY_LENGTH);
            if (result > 0)
            {
                BridgeCounters.bump(counters.channelKeysSent(), 1);
            }
            return result;
        }
        finally
        {
            // Sealing encrypts in place; a refusal before it leaves the key in the clear here.
            Arrays.fill(control, (byte)0);
        }
    }

    /**
     * The sending thread's duty: send a KEEPALIVE datagram if this sender has sent nothing (no data, batch, key,
     * rekey or keepalive) for {@link BridgeContext#keepaliveIntervalMs()}, so that the peer's watchdog
     * ({@link Bridge#doWork(long)}) hears this side in a quiet session. Call it from the sending thread, every duty
     * cycle or at least several times per keepalive interval; {@link ChannelForwarding#doWork()} does. Without a
     * session it sends nothing; a keepalive the publication refuses (back pressure, no subscriber) is not retried
     * before the next interval (a back-pressured peer is behind, and its watchdog does not judge while it is).
     * Allocates nothing of its own.
     *
     * @param nowNs the time now, from {@link System#nanoTime()} (the clock the bridge's {@link Bridge#doWork(long)}
     *              uses too).
     * @return 1 if a keepalive was sent, else 0.
     */
    public int doWork(final long nowNs)
    {
        if (sentSinceCheck || !keepaliveClockStarted)
        {
            sentSinceCheck = false;
            keepaliveClockStarted = true;
            lastSendNs = nowNs;
            return 0;
        }
        if (nowNs - lastSendNs < keepaliveIntervalNs)
        {
            return 0;
        }
        lastSendNs = nowNs;
        if (null == bridge.session())
        {
            return 0;
        }
        final long result = offerKeepalive();
        sentSinceCheck = false;
        return result > 0 ? 1 : 0;
    }

    /**
     * Send one KEEPALIVE datagram now: sealed under the session like data, with a sequence of its own, and an empty
     * body. {@link #doWork(long)} calls this when the sender has been idle.
     *
     * @return the new stream position, or a negative code as {@link #offer}.
     */
    long offerKeepalive()
    {
        final long ready = ready(BridgeDescriptor.datagramLength(TYPE_KEEPALIVE, KEEPALIVE_LENGTH));
        if (ready < 0)
        {
            return ready;
        }
        final long rekeyed = rekeyIfDue();
        if (rekeyed < 0)
        {
            return rekeyed;
        }
        final long result = sealAndPublish(control, controlBuffer, TYPE_KEEPALIVE, KEEPALIVE_LENGTH);
        if (result > 0)
        {
            BridgeCounters.bump(counters.keepalivesSent(), 1);
        }
        return result;
    }

    /**
     * Move to the next key id: derive its key from the session secret, seal with it from now on, and announce it
     * with a REKEY datagram sealed under the new key. The receiver also accepts data under the next key id, so a
     * REKEY that does not get through loses nothing.
     *
     * @return the stream position of the announcement; or {@link #NOT_CONNECTED} (no session: nothing changed),
     * {@link #KEY_EXHAUSTED} (no key id left), or the negative code of a publication that refused the announcement
     * (the new key is in use all the same).
     */
    public long rekey()
    {
        final long ready = ready(BridgeDescriptor.datagramLength(TYPE_REKEY, REKEY_LENGTH));
        if (ready < 0 && BACK_PRESSURED != ready)
        {
            return ready;
        }
        if (Integer.MAX_VALUE == keyId)
        {
            BridgeCounters.bump(counters.keyExhausted(), 1);
            return KEY_EXHAUSTED;
        }
        final int previous = keyId;
        final int next = keyId + 1;
        final byte[] key = session.directionKey(session.role().sendingDirection(), next);
        if (null == key)
        {
            return NOT_CONNECTED;
        }
        final FrameAead old = sealer;
        try
        {
            sealer = FrameAead.forSealing(algorithm, key, next, frameLimit);
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
        old.close();
        keyId = next;
        BridgeCounters.bump(counters.rekeysSent(), 1);
        audit.onEvent(AuditEventType.KEY_ROTATED, AuditOutcome.SUCCESS, session.peerFingerprint(),
            "bridge send key " + previous + " -> " + next);
        controlBuffer.putInt(BODY_OFFSET + REKEY_NEW_KEY_ID_OFFSET, next, BYTE_ORDER);
        controlBuffer.putInt(BODY_OFFSET + REKEY_PREVIOUS_KEY_ID_OFFSET, previous, BYTE_ORDER);
        if (BACK_PRESSURED == ready)
        {
            return BACK_PRESSURED;
        }
        return sealAndPublish(control, controlBuffer, TYPE_REKEY, REKEY_LENGTH);
    }

    /**
     * Move to the next key when the current one has sealed its limit, if this sender may ({@code autoRekey}).
     *
     * @return 0 to go on sealing; {@link #KEY_EXHAUSTED} when the key is spent and rekeying is off; or the negative
     *         code of a rekey that could not happen (a back-pressured announcement does not count: the new key is in
     *         use all the same).
     */
    private long rekeyIfDue()
    {
        if (sealer.sealedFrames() < frameLimit)
        {
            return 0;
        }
        if (!autoRekey)
        {
            BridgeCounters.bump(counters.keyExhausted(), 1);
            return KEY_EXHAUSTED;
        }
        final long rekeyed = rekey();
        return rekeyed < 0 && rekeyed != BACK_PRESSURED && rekeyed != ADMIN_ACTION ? rekeyed : 0;
    }

    private long ready(final int datagramLength)
    {
        final BridgeSession current = bridge.session();
        if (null == current)
        {
            if (null != session)
            {
                // The session was dropped (timed out, or closed): its key goes now, not at the next session.
                release();
            }
            BridgeCounters.bump(counters.notConnected(), 1);
            return bridge.isClosed() ? CLOSED : NOT_CONNECTED;
        }
        if (current != session)
        {
            adopt(current);
        }
        if (null == sealer)
        {
            BridgeCounters.bump(counters.notConnected(), 1);
            return NOT_CONNECTED;
        }
        if (publication.isClosed())
        {
            return CLOSED;
        }
        if (!publication.isConnected())
        {
            BridgeCounters.bump(counters.notConnected(), 1);
            return NOT_CONNECTED;
        }
        if (publication.availableWindow() < framedLength(datagramLength, maxPayloadLength))
        {
            BridgeCounters.bump(counters.backPressure(), 1);
            return BACK_PRESSURED;
        }
        return 0;
    }

    /**
     * The term space an Aeron message of this length takes, as Aeron's term appenders compute it: every full
     * fragment of {@code maxPayloadLength} with its data header, and the last one with its header, aligned.
     *
     * @param messageLength    the message's length.
     * @param maxPayloadLength the publication's largest payload in one frame.
     * @return the length in bytes.
     */
    static int framedLength(final int messageLength, final int maxPayloadLength)
    {
        if (messageLength <= maxPayloadLength)
        {
            return BitUtil.align(messageLength + DataHeaderFlyweight.HEADER_LENGTH, FrameDescriptor.FRAME_ALIGNMENT);
        }
        final int fullFragments = messageLength / maxPayloadLength;
        final int remaining = messageLength - fullFragments * maxPayloadLength;
        final int last = 0 == remaining ? 0 :
            BitUtil.align(remaining + DataHeaderFlyweight.HEADER_LENGTH, FrameDescriptor.FRAME_ALIGNMENT);
        return fullFragments * (maxPayloadLength + DataHeaderFlyweight.HEADER_LENGTH) + last;
    }

    private void release()
    {
        if (null != sealer)
        {
            sealer.close();
            sealer = null;
        }
        session = null;
    }

    private void adopt(final BridgeSession current)
    {
        if (null != sealer)
        {
            sealer.close();
            sealer = null;
        }
        session = current;
        keyId = BridgeDescriptor.FIRST_KEY_ID;
        nextSequence = 0;
        final byte[] key = current.directionKey(current.role().sendingDirection(), keyId);
        if (null != key)
        {
            try
            {
                sealer = FrameAead.forSealing(algorithm, key, keyId, frameLimit);
            }
            finally
            {
                Arrays.fill(key, (byte)0);
            }
        }
    }

    private long sealAndPublish(final byte[] bytes, final UnsafeBuffer buffer, final int type, final int bodyLength)
    {
        final long sequence = nextSequence;
        BridgeDescriptor.writeHeader(buffer, type, bodyLength, session.sessionId(), keyId, sequence);
        final int sealed = sealer.seal(
            bytes, 0, HEADER_LENGTH, BODY_OFFSET, bodyLength, BODY_OFFSET + bodyLength, sequence);
        if (FrameAead.OK != sealed)
        {
            // SEQUENCE_SPACE_EXHAUSTED at the largest sequence; nothing else can happen to a checked region.
            BridgeCounters.bump(counters.keyExhausted(), 1);
            return KEY_EXHAUSTED;
        }
        nextSequence = sequence + 1;
        final int length = HEADER_LENGTH + bodyLength + TAG_LENGTH;
        for (int attempt = 1; ; attempt++)
        {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0)
            {
                sentSinceCheck = true;
                return result;
            }
            if ((BACK_PRESSURED == result || ADMIN_ACTION == result) && attempt < MAX_PUBLISH_ATTEMPTS)
            {
                continue;
            }
            BridgeCounters.bump(counters.sequencesBurned(), 1);
            if (BACK_PRESSURED == result)
            {
                BridgeCounters.bump(counters.backPressure(), 1);
            }
            else if (NOT_CONNECTED == result)
            {
                BridgeCounters.bump(counters.notConnected(), 1);
            }
            return result;
        }
    }

    void close()
    {
        if (null != sealer)
        {
            sealer.close();
            sealer = null;
        }
        Arrays.fill(datagram, (byte)0);
        Arrays.fill(batch, (byte)0);
    }
}
