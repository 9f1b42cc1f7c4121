package io.bastion.bridge;

import io.aeron.AeronCounters;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.protocol.DataHeaderFlyweight;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import io.bastion.security.aead.AeadAlgorithm;
import io.bastion.security.aead.FrameAead;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.replay.ReplayStatus;
import io.bastion.security.replay.SlidingWindowReplayGuard;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.util.Arrays;
import java.util.function.Consumer;

import static io.bastion.bridge.BridgeDescriptor.BODY_LENGTH_OFFSET;
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
import static io.bastion.bridge.BridgeDescriptor.INIT_FINISH_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.INIT_HELLO_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.KEEPALIVE_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.KEY_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.REKEY_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.REKEY_NEW_KEY_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.REKEY_PREVIOUS_KEY_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.RESERVED_INT_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.RESERVED_SHORT_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.RESP_HELLO_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.SEQUENCE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.SESSION_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.TAG_LENGTH;
import static io.bastion.bridge.BridgeDescriptor.TYPE_CHANNEL_KEY;
import static io.bastion.bridge.BridgeDescriptor.TYPE_DATA;
import static io.bastion.bridge.BridgeDescriptor.TYPE_INIT_FINISH;
import static io.bastion.bridge.BridgeDescriptor.TYPE_INIT_HELLO;
import static io.bastion.bridge.BridgeDescriptor.TYPE_KEEPALIVE;
import static io.bastion.bridge.BridgeDescriptor.TYPE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.TYPE_REKEY;
import static io.bastion.bridge.BridgeDescriptor.TYPE_DATA_BATCH;
import static io.bastion.bridge.BridgeDescriptor.BATCH_ENTRY_LENGTH_FIELD;
import static io.bastion.bridge.BridgeDescriptor.TYPE_RESP_HELLO;
import static io.bastion.bridge.BridgeDescriptor.VERSION;
import static io.bastion.bridge.BridgeDescriptor.VERSION_OFFSET;

/**
 * Takes datagrams from the bridge's Aeron subscription, checks each, and hands the inner sealed frames that pass to
 * a {@link BridgeFrameHandler}. It also runs this side's part of every handshake (handshake datagrams arrive on the
 * same subscription), installs the sessions they establish, and follows the peer's rekeys.
 * <p>
 * <b>Reassembly.</b> Only a DATA_BATCH may be longer than one Aeron frame ({@link BridgeContext#maxBatchLength()}):
 * Aeron fragments it and this receiver puts the fragments together again, per Aeron image (keyed by its session id,
 * since fragments of several images, an attacker's among them, interleave), in at most
 * {@value #MAX_PARTIAL_MESSAGES} buffers preallocated at launch, each {@code maxBatchLength} plus the bridge's header
 * and tag. A message longer than that ({@link BridgeRejectReason#FRAGMENT_TOO_LONG}), a middle or end fragment with
 * no begin, or a message cut short by a new begin of its image ({@link BridgeRejectReason#FRAGMENT_OUT_OF_ORDER}),
 * and a partial message evicted for another image's ({@link BridgeRejectReason#FRAGMENT_EVICTED}) are refused and
 * counted, once per message. A reassembled message of any other type is {@link BridgeRejectReason#FRAGMENTED}.
 * <p>
 * <b>Checks</b>, per whole message (one unfragmented Aeron frame, or a reassembled DATA_BATCH), in order: at most the
 * receive buffer; then the datagram is copied into private memory and every header field is read once from the copy:
 * version, reserved fields, exact length for the type; the session id is the established one; the key id is the
 * current, previous or next key; the sequence passes a pure check of the {@link SlidingWindowReplayGuard} (so forged
 * datagrams never move it); the AEAD opens (header as associated data); only then is the sequence committed to the
 * window, and a DATA body must pass the codec's {@link FrameValidator} before it is dispatched. Each refusal has a
 * {@link BridgeRejectReason} and bumps its counter; nothing refused is dispatched, and no datagram, however hostile,
 * makes {@link #poll} throw (an exception thrown by the application's handler does propagate, as Aeron's does).
 * <p>
 * <b>Liveness.</b> Every datagram of the current session that authenticates and passes the window (any sealed type,
 * a KEEPALIVE included) tells {@link Bridge#doWork(long)}'s watchdog that the peer is alive; a refused one, forged,
 * replayed or of another session, tells it nothing. A KEEPALIVE is counted ({@code keepalives received}) and
 * dispatches nothing. The watchdog only judges silence while this receiver keeps up: a poll that reads fewer
 * fragments than its limit has read everything the driver held.
 * <p>
 * <b>Counters</b>: sequences skipped as the window moves ({@code sequence gaps}), accepted datagrams below the
 * highest ({@code late arrivals}, i.e. reordered), duplicates and replays ({@code rejected DUPLICATE}), and the
 * driver's unread bytes ({@code lag bytes}, refreshed every {@value #LAG_REFRESH_POLLS} polls).
 * <p>
 * <b>Allocation.</b> None of its own for a DATA or DATA_BATCH datagram, reassembled or not; the JDK's AEAD allocates
 * when it is initialised per nonce. Handshakes, channel keys and rekeys allocate (control path).
 * <p>
 * Thread safety: none; one receiving thread, which must also be the thread that runs {@link Bridge#connect} and
 * {@link Bridge#doWork(long)}.
 */
public final class BridgeReceiver
{
    /** How many polls pass between refreshes of the lag counter. */
    public static final int LAG_REFRESH_POLLS = 1024;
    /**
     * The most fragmented messages reassembled at once, one per Aeron image (session id): a begin fragment of
     * another image when all are taken evicts the one least recently added to
     * ({@link BridgeRejectReason#FRAGMENT_EVICTED}).
     */
    public static final int MAX_PARTIAL_MESSAGES = 4;

    private final Bridge bridge;
    private final Subscription subscription;
    private final CountersReader driverCounters;
    private final BridgeCounters counters;
    private final BridgeAuditSink audit;
    private final BridgeHandshake handshake;
    private final ChannelKeyHandler channelKeyHandler;
    private final FrameValidator validator;
    private final AeadAlgorithm algorithm;
    private final int replayWindowWords;
    private final byte[] copy;
    private final UnsafeBuffer copyBuffer;
    private final FragmentReassembler reassembler;
    private final FragmentHandler fragmentHandler;
    private final Consumer<Image> lagAccumulator = this::accumulateLag;

    private BridgeFrameHandler handler;
    private BridgeSession session;
    private SlidingWindowReplayGuard guard;
    private FrameAead previous;
    private FrameAead current;
    private FrameAead next;
    private int currentKeyId;
    private int pollCount;
    private long lagSum;
    private long acceptedSequence;
    private boolean batchDatagram;
    private BridgeRejectReason lastHandshakeRefusal;
    private boolean heard;
    private boolean caughtUp;

    BridgeReceiver(
        final Bridge bridge,
        final Subscription subscription,
        final CountersReader driverCounters,
        final BridgeContext context,
        final BridgeCounters counters,
        final BridgeHandshake handshake)
    {
        this.bridge = bridge;
        this.subscription = subscription;
        this.driverCounters = driverCounters;
        this.counters = counters;
        this.audit = context.auditSink();
        this.handshake = handshake;
        this.channelKeyHandler = context.channelKeyHandler();
        this.validator = context.frameValidator();
        this.algorithm = context.aeadAlgorithm();
        this.replayWindowWords = context.replayWindowWords();
        final int maxMessage = Math.max(context.mtuLength() - DataHeaderFlyweight.HEADER_LENGTH,
            HEADER_LENGTH + context.maxBatchLength() + TAG_LENGTH);
        this.copy = new byte[maxMessage];
        this.copyBuffer = new UnsafeBuffer(copy);
        this.reassembler = new FragmentReassembler(MAX_PARTIAL_MESSAGES, maxMessage, counters, this::judge);
        this.fragmentHandler = reassembler::onFragment;
    }

    /**
     * Poll up to {@code fragmentLimit} Aeron fragments, handing each accepted inner frame to {@code handler}.
     *
     * @param handler       receives the accepted frames.
     * @param fragmentLimit the most fragments to read (accepted or not).
     * @return the number of fragments read.
     */
    public int poll(final BridgeFrameHandler handler, final int fragmentLimit)
    {
        this.handler = handler;
        final int fragments = subscription.poll(fragmentHandler, fragmentLimit);
        if (fragments < fragmentLimit)
        {
            caughtUp = true;
        }
        if (++pollCount >= LAG_REFRESH_POLLS)
        {
            pollCount = 0;
            refreshLag();
        }
        return fragments;
    }

    /**
     * Recompute the {@code lag bytes} counter now: for each image of the subscription, the driver's receiver
     * high-water mark less the position this receiver has read to.
     */
    public void refreshLag()
    {
        lagSum = 0;
        subscription.forEachImage(lagAccumulator);
        counters.lagBytes().setRelease(lagSum);
    }

    /**
     * The session id this receiver accepts datagrams for.
     *
     * @return the id, or 0 before the first session.
     */
    public long sessionId()
    {
        final BridgeSession session = this.session;
        return null == session ? 0 : session.sessionId();
    }

    /**
     * The key id the peer currently seals with, as far as this receiver has seen.
     *
     * @return the key id, or 0 before the first session.
     */
    public int keyId()
    {
        return currentKeyId;
    }

    /**
     * The last refusal of a handshake message, and forget it.
     *
     * @return the reason, or null if none since the last call.
     */
    BridgeRejectReason takeLastHandshakeRefusal()
    {
        final BridgeRejectReason reason = lastHandshakeRefusal;
        lastHandshakeRefusal = null;
        return reason;
    }

    /**
     * Whether the peer may be alive as far as this receiver can tell since the last call, and start again: true if a
     * datagram of the current session authenticated since, or if this receiver did not keep up with what arrived at
     * any poll since (it was not polled, or each poll read its full limit), so that silence cannot be judged.
     *
     * @return false only if the receiver read everything the driver held, at least once, and none of it was an
     *         authentic datagram of the session.
     */
    boolean takeLiveness()
    {
        final boolean live = heard || !caughtUp;
        heard = false;
        caughtUp = false;
        return live;
    }

    /**
     * Drop the current session (the watchdog timed it out): no datagram of it is accepted from now on, its openers
     * and its secret are zeroed, and the bridge has no session until the next handshake completes.
     *
     * @param expired the session to drop; nothing happens if another has replaced it.
     */
    void dropSession(final BridgeSession expired)
    {
        if (expired != session)
        {
            return;
        }
        closeOpeners();
        session = null;
        bridge.session(null);
        heard = false;
        expired.close();
    }

    private void accumulateLag(final Image image)
    {
        final int sessionId = image.sessionId();
        final int streamId = subscription.streamId();
        final DirectBuffer metaData = driverCounters.metaDataBuffer();
        for (int id = 0, max = driverCounters.maxCounterId(); id <= max; id++)
        {
            final int state = driverCounters.getCounterState(id);
            if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
            if (CountersReader.RECORD_ALLOCATED != state ||
                AeronCounters.DRIVER_RECEIVER_HWM_TYPE_ID != driverCounters.getCounterTypeId(id))
            {
                continue;
            }
            final int key = CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET;
            if (metaData.getLong(key + STREAM_COUNTER_REGISTRATION_ID_OFFSET) == image.correlationId() &&
                metaData.getInt(key + STREAM_COUNTER_SESSION_ID_OFFSET) == sessionId &&
                metaData.getInt(key + STREAM_COUNTER_STREAM_ID_OFFSET) == streamId)
            {
                lagSum += Math.max(0, driverCounters.getCounterValue(id) - image.position());
                return;
            }
        }
    }

    /** Key layout of the driver's stream counters (io.aeron.driver.status.StreamCounter). */
    private static final int STREAM_COUNTER_REGISTRATION_ID_OFFSET = 0;
    private static final int STREAM_COUNTER_SESSION_ID_OFFSET = 8;
    private static final int STREAM_COUNTER_STREAM_ID_OFFSET = 12;

    /** Check one whole message (one unfragmented Aeron frame, or a reassembled one) and dispatch what it carries. */
    private void judge(final DirectBuffer buffer, final int offset, final int length, final boolean reassembled)
    {
        long delivered;
        try
        {
            delivered = ingest(buffer, offset, length, reassembled);
        }
        catch (final RuntimeException ex)
        {
            // Every read is bounds checked before it happens; this is the last line, so that no datagram escapes.
            delivered = -1 - BridgeRejectReason.MALFORMED_HEADER.ordinal();
        }
        if (delivered < 0)
        {
            counters.rejected(REASONS[(int)(-1 - delivered)]);
            return;
        }
        if (delivered > 0)
        {
            final int bodyLength = (int)(delivered - 1);
            if (!batchDatagram)
            {
                BridgeCounters.bump(counters.framesDelivered(), 1);
                handler.onFrame(copyBuffer, BODY_OFFSET, bodyLength, acceptedSequence);
                return;
            }
            final int end = BODY_OFFSET + bodyLength;
            for (int entry = BODY_OFFSET; entry < end; )
            {
                final int frameLength = copyBuffer.getInt(entry, BYTE_ORDER);
                BridgeCounters.bump(counters.framesDelivered(), 1);
                handler.onFrame(copyBuffer, entry + BATCH_ENTRY_LENGTH_FIELD, frameLength, acceptedSequence);
                entry += BATCH_ENTRY_LENGTH_FIELD + frameLength;
            }
        }
    }

    private static long refusal(final BridgeRejectReason reason)
    {
        return -1 - reason.ordinal();
    }

    /**
     * Check one datagram.
     *
     * @return a negative {@link #refusal}, 0 if accepted with nothing to dispatch, or 1 + the inner frame's length
     * if a DATA frame waits in {@link #copy} at {@link BridgeDescriptor#BODY_OFFSET}.
     */
    private long ingest(final DirectBuffer buffer, final int offset, final int length, final boolean reassembled)
    {
        if (length > copy.length)
        {
            return refusal(BridgeRejectReason.TOO_LONG);
        }
        if (length < HEADER_LENGTH)
        {
            return refusal(BridgeRejectReason.TRUNCATED);
        }
        // Copy, then read every field once from the private copy.
        buffer.getBytes(offset, copy, 0, length);
        final int version = copyBuffer.getByte(VERSION_OFFSET) & 0xFF;
        final int type = copyBuffer.getByte(TYPE_OFFSET) & 0xFF;
        final int reservedShort = copyBuffer.getShort(RESERVED_SHORT_OFFSET, BYTE_ORDER);
        final int bodyLength = copyBuffer.getInt(BODY_LENGTH_OFFSET, BYTE_ORDER);
        final long sessionId = copyBuffer.getLong(SESSION_ID_OFFSET, BYTE_ORDER);
        final int keyId = copyBuffer.getInt(KEY_ID_OFFSET, BYTE_ORDER);
        final int reservedInt = copyBuffer.getInt(RESERVED_INT_OFFSET, BYTE_ORDER);
        final long sequence = copyBuffer.getLong(SEQUENCE_OFFSET, BYTE_ORDER);
        if (reassembled && TYPE_DATA_BATCH != type)
        {
            return refusal(BridgeRejectReason.FRAGMENTED);
        }
        if (VERSION != version || 0 != reservedShort || 0 != reservedInt || bodyLength < 0)
        {
            return refusal(BridgeRejectReason.MALFORMED_HEADER);
        }
        final int requiredBody = requiredBodyLength(type);
        if (REQUIRED_BODY_UNKNOWN_TYPE == requiredBody)
        {
            return refusal(BridgeRejectReason.UNEXPECTED_TYPE);
        }
        final int remaining = length - HEADER_LENGTH - (BridgeDescriptor.isSealed(type) ? TAG_LENGTH : 0);
        if (bodyLength > remaining)
        {
            return refusal(BridgeRejectReason.TRUNCATED);
        }
        if (bodyLength != remaining)
        {
            return refusal(BridgeRejectReason.MALFORMED_HEADER);
        }
        if (REQUIRED_BODY_ANY != requiredBody && requiredBody != bodyLength)
        {
            return refusal(BridgeRejectReason.MALFORMED_HEADER);
        }
        if (!BridgeDescriptor.isSealed(type))
        {
            return onHandshake(type, sessionId, keyId, sequence);
        }
        return onSealed(type, sessionId, keyId, sequence, bodyLength, length);
    }

    /** The refusal reasons by ordinal, copied once: {@code values()} clones its array on every call. */
    private static final BridgeRejectReason[] REASONS = BridgeRejectReason.values();
    private static final int REQUIRED_BODY_ANY = -1;
    private static final int REQUIRED_BODY_UNKNOWN_TYPE = -2;

    private static int requiredBodyLength(final int type)
    {
        switch (type)
        {
            case TYPE_INIT_HELLO:
                return INIT_HELLO_LENGTH;
            case TYPE_RESP_HELLO:
                return RESP_HELLO_LENGTH;
            case TYPE_INIT_FINISH:
                return INIT_FINISH_LENGTH;
            case TYPE_DATA:
            case TYPE_DATA_BATCH:
                return REQUIRED_BODY_ANY;
            case TYPE_CHANNEL_KEY:
                return CHANNEL_KEY_LENGTH;
            case TYPE_REKEY:
                return REKEY_LENGTH;
            case TYPE_KEEPALIVE:
                return KEEPALIVE_LENGTH;
            default:
                return REQUIRED_BODY_UNKNOWN_TYPE;
        }
    }

    private long onHandshake(final int type, final long sessionId, final int keyId, final long sequence)
    {
        if (0 != keyId || 0 != sequence || 0 == sessionId)
        {
            return refusal(BridgeRejectReason.MALFORMED_HEADER);
        }
        final BridgeRejectReason refused = handshake.onMessage(type, sessionId, copy);
        if (null != refused)
        {
            lastHandshakeRefusal = refused;
            return refusal(refused);
        }
        final BridgeSession established = handshake.takeEstablished();
        if (null != established)
        {
            install(established);
        }
        return 0;
    }

    private long onSealed(
        final int type, final long sessionId, final int keyId, final long sequence, final int bodyLength,
        final int length)
    {
        final BridgeSession session = this.session;
        if (null == session || sessionId != session.sessionId())
        {
            return refusal(BridgeRejectReason.UNKNOWN_SESSION);
        }
        final FrameAead opener = opener(keyId);
        if (null == opener)
        {
            return refusal(BridgeRejectReason.UNKNOWN_KEY);
        }
        final ReplayStatus verdict = guard.check(sequence);
        if (ReplayStatus.ACCEPTED != verdict)
        {
            return refusal(ReplayStatus.DUPLICATE == verdict ? BridgeRejectReason.DUPLICATE :
                ReplayStatus.STALE == verdict ? BridgeRejectReason.TOO_OLD : BridgeRejectReason.INVALID_SEQUENCE);
        }
        final int tagOffset = BODY_OFFSET + bodyLength;
        if (FrameAead.OK != opener.open(copy, 0, HEADER_LENGTH, BODY_OFFSET, bodyLength, tagOffset, sequence))
        {
            return refusal(BridgeRejectReason.AUTHENTICATION_FAILED);
        }
        final long highest = guard.highestAccepted();
        guard.commit(sequence);
        acceptedSequence = sequence;
        heard = true;
        if (sequence > highest)
        {
            BridgeCounters.bump(counters.sequenceGaps(), sequence - highest - 1);
        }
        else
        {
            BridgeCounters.bump(counters.lateArrivals(), 1);
        }
        BridgeCounters.bump(counters.datagramsIn(), 1);
        BridgeCounters.bump(counters.bytesIn(), length);
        if (opener == next)
        {
            promote();
        }
        if (TYPE_DATA == type)
        {
            if (RejectReason.NONE != validator.validate(copyBuffer, BODY_OFFSET, bodyLength))
            {
                return refusal(BridgeRejectReason.MALFORMED_FRAME);
            }
            batchDatagram = false;
            return 1L + bodyLength;
        }
        if (TYPE_DATA_BATCH == type)
        {
            // Every entry is checked before any is handed on: a batch is delivered whole or not at all.
            if (!isWellFormedBatch(bodyLength))
            {
                return refusal(BridgeRejectReason.MALFORMED_FRAME);
            }
            batchDatagram = true;
            return 1L + bodyLength;
        }
        if (TYPE_CHANNEL_KEY == type)
        {
            return onChannelKey();
        }
        if (TYPE_KEEPALIVE == type)
        {
            BridgeCounters.bump(counters.keepalivesReceived(), 1);
            return 0;
        }
        return onRekey(keyId);
    }

    private long onChannelKey()
    {
        try
        {
            final ChannelKeyAction action =
                ChannelKeyAction.fromCode(copyBuffer.getInt(BODY_OFFSET + CHANNEL_KEY_ACTION_OFFSET, BYTE_ORDER));
            final int start = BODY_OFFSET + CHANNEL_KEY_MATERIAL_OFFSET;
            if (null == action || (ChannelKeyAction.ADDED != action && !isZero(start, CHANNEL_KEY_MATERIAL_LENGTH)))
            {
                return refusal(BridgeRejectReason.MALFORMED_CONTROL);
            }
            final int channelId = copyBuffer.getInt(BODY_OFFSET + CHANNEL_KEY_CHANNEL_ID_OFFSET, BYTE_ORDER);
            final int producerId = copyBuffer.getInt(BODY_OFFSET + CHANNEL_KEY_PRODUCER_ID_OFFSET, BYTE_ORDER);
            final int channelKeyId = copyBuffer.getInt(BODY_OFFSET + CHANNEL_KEY_KEY_ID_OFFSET, BYTE_ORDER);
            BridgeCounters.bump(counters.channelKeysReceived(), 1);
            if (null != channelKeyHandler)
            {
                if (ChannelKeyAction.ADDED == action)
                {
                    channelKeyHandler.onChannelKey(channelId, producerId, channelKeyId,
                        Arrays.copyOfRange(copy, start, start + CHANNEL_KEY_MATERIAL_LENGTH));
                }
                else
                {
                    channelKeyHandler.onChannelKeyAction(channelId, producerId, channelKeyId, action);
                }
            }
            return 0;
        }
        finally
        {
            Arrays.fill(copy, BODY_OFFSET, BODY_OFFSET + CHANNEL_KEY_LENGTH, (byte)0);
        }
    }

    /**
     * Whether the opened DATA_BATCH body in the private copy is one or more entries that tile it exactly, each a
     * length then a frame the structural validator accepts.
     */
    private boolean isWellFormedBatch(final int bodyLength)
    {
        final int end = BODY_OFFSET + bodyLength;
        int entry = BODY_OFFSET;
        if (entry >= end)
        {
            return false;
        }
        while (entry < end)
        {
            if (end - entry < BATCH_ENTRY_LENGTH_FIELD)
            {
                return false;
            }
            final int frameLength = copyBuffer.getInt(entry, BYTE_ORDER);
            final int frame = entry + BATCH_ENTRY_LENGTH_FIELD;
            if (frameLength <= 0 || frameLength > end - frame ||
                RejectReason.NONE != validator.validate(copyBuffer, frame, frameLength))
            {
                return false;
            }
            entry = frame + frameLength;
        }
        return true;
    }

    private boolean isZero(final int from, final int length)
    {
        int bits = 0;
        for (int i = from; i < from + length; i++)
        {
            bits |= copy[i];
        }
        return 0 == bits;
    }

    private long onRekey(final int sealedUnder)
    {
        final int newKeyId = copyBuffer.getInt(BODY_OFFSET + REKEY_NEW_KEY_ID_OFFSET, BYTE_ORDER);
        final int previousKeyId = copyBuffer.getInt(BODY_OFFSET + REKEY_PREVIOUS_KEY_ID_OFFSET, BYTE_ORDER);
        if (newKeyId != sealedUnder || previousKeyId != sealedUnder - 1)
        {
            return refusal(BridgeRejectReason.MALFORMED_CONTROL);
        }
        BridgeCounters.bump(counters.rekeysReceived(), 1);
        return 0;
    }

    private FrameAead opener(final int keyId)
    {
        if (null != current && keyId == currentKeyId)
        {
            return current;
        }
        if (null != next && keyId == currentKeyId + 1)
        {
            return next;
        }
        if (null != previous && keyId == currentKeyId - 1)
        {
            return previous;
        }
        return null;
    }

    private void promote()
    {
        if (null != previous)
        {
            previous.close();
        }
        previous = current;
        current = next;
        currentKeyId++;
        next = Integer.MAX_VALUE == currentKeyId ? null : openerFor(session, currentKeyId + 1);
        audit.onEvent(AuditEventType.KEY_ROTATED, AuditOutcome.SUCCESS, session.peerFingerprint(),
            "bridge receive key " + (currentKeyId - 1) + " -> " + currentKeyId);
    }

    private FrameAead openerFor(final BridgeSession session, final int keyId)
    {
        final byte[] key = session.directionKey(session.role().receivingDirection(), keyId);
        if (null == key)
        {
            return null;
        }
        try
        {
            return FrameAead.forOpening(algorithm, key, keyId);
        }
        finally
        {
            Arrays.fill(key, (byte)0);
        }
    }

    private void install(final BridgeSession established)
    {
        final BridgeSession old = session;
        closeOpeners();
        guard = new SlidingWindowReplayGuard(replayWindowWords);
        currentKeyId = BridgeDescriptor.FIRST_KEY_ID;
        current = openerFor(established, currentKeyId);
        next = openerFor(established, currentKeyId + 1);
        session = established;
        bridge.session(established);
        BridgeCounters.bump(counters.handshakes(), 1);
        if (null != old)
        {
            old.close();
        }
    }

    private void closeOpeners()
    {
        for (final FrameAead aead : new FrameAead[]{previous, current, next})
        {
            if (null != aead)
            {
                aead.close();
            }
        }
        previous = null;
        current = null;
        next = null;
    }

    void close()
    {
        closeOpeners();
        Arrays.fill(copy, (byte)0);
        reassembler.close();
        if (null != session)
        {
            session.close();
        }
    }
}
