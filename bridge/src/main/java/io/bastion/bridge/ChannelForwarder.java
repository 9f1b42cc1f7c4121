package io.bastion.bridge;

import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.ClientContext;
import io.bastion.client.KeyObserver;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameReader;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The sending half of a bridge's broker side: subscribes to local channels through the local broker, like any
 * client, and forwards every verified frame, byte for byte with the origin's tag, and every key of every source, to
 * the peer bridge over {@link BridgeSender}. See {@code docs/bridge.md}, "Forwarding broker channels".
 * <p>
 * <b>Order.</b> One private FIFO of items (keys, key actions, frames) drained into the sender in order: a key is
 * observed ({@link KeyObserver}) in the subscriber's duty cycle before any frame under it can be polled, so it reaches
 * the peer first; a key's retirement or revocation follows the frames polled before it; a source's removal
 * ({@link ChannelKeyAction#SOURCE_REMOVED}) comes once the subscriber has dispatched the last of its frames.
 * <p>
 * <b>Back pressure.</b> While the sender refuses (back pressured, not connected, no session) the item waits at the
 * head of the queue and the subscribers are not polled, so the origin's rings fill and the origin publishers see back
 * pressure; nothing taken from a ring is dropped, except a frame longer than {@link BridgeSender#maxFrameLength()}
 * less {@link BridgeDescriptor#BATCH_ENTRY_LENGTH_FIELD} (the bridge's MTU less its headers), which is counted
 * ({@code dropped too long}) and dropped. Frames leave in DATA_BATCH datagrams ({@link BridgeSender#append}), flushed
 * at the end of every {@link #doWork()}: one AEAD seal for all the frames a cycle gathers, up to the MTU. The
 * subscribers' duty cycles keep running (heartbeats, key updates), and their key events queue behind the waiting item.
 * <p>
 * <b>Sessions.</b> When the bridge's session changes ({@link Bridge#sessionId()}: the first handshake, or the peer
 * restarted), the keys this forwarder holds are sent again, in rising key id order per source (a retired one followed
 * by its RETIRED), before any other item, so the peer's relays can verify what follows. To do that it keeps a copy of
 * each source's keys until the key is revoked, the source leaves, or it is the third newest retired key of its source;
 * every copy is zeroed when dropped and on {@link #close()}. While the bridge has no session (none yet, or its
 * watchdog dropped a silent one: {@link Bridge#doWork(long)}) every item waits in the queue, the appended batch in
 * the sender, and the subscribers are not polled: once the session is dropped nothing more is sent into it.
 * <p>
 * <b>Hot path.</b> Forwarding a frame allocates nothing, throws nothing, takes no lock and logs nothing: with an
 * empty queue it is offered straight from the subscriber's verified copy; otherwise it is copied into the queue,
 * whose memory is allocated up front for a poll's worth of the longest frames. Key events allocate (control path).
 * <p>
 * Thread safety: none; one thread runs {@link #doWork()} (and the bridge's sender), then {@link #close()}.
 */
public final class ChannelForwarder implements AutoCloseable
{
    /** Most frames taken from one subscriber per poll. */
    public static final int POLL_LIMIT = 16;
    /** Most queued items offered to the sender per {@link #doWork()}. */
    public static final int DRAIN_LIMIT = 64;

    private static final int ITEM_FRAME = 1;
    private static final int ITEM_KEY = 2;
    private static final int ITEM_ACTION = 3;
    private static final int TYPE_OFFSET = 0;
    private static final int FRAME_OFFSET = BitUtil.SIZE_OF_INT;
    private static final int CHANNEL_OFFSET = BitUtil.SIZE_OF_INT;
    private static final int PRODUCER_OFFSET = 2 * BitUtil.SIZE_OF_INT;
    private static final int KEY_ID_OFFSET = 3 * BitUtil.SIZE_OF_INT;
    private static final int ACTION_OFFSET = 4 * BitUtil.SIZE_OF_INT;
    private static final int CONTROL_ITEM_LENGTH = 5 * BitUtil.SIZE_OF_INT;
    private static final int MAX_QUEUE_BYTES = 64 << 20;
    private static final int RETIRED_KEYS_KEPT = 2;

    private final Bridge bridge;
    private final BridgeSender sender;
    private final ForwardingCounters counters;
    private final List<SubscriberClient> subscribers = new ArrayList<>();
    private final List<HeldKey> keys = new ArrayList<>();
    private final int maxFrameLength;
    private final ExpandableRingBuffer queue;
    private final UnsafeBuffer item;
    private final FrameHandler frameHandler = this::onFrame;
    private final ExpandableRingBuffer.MessageConsumer itemSender = this::sendItem;

    private long session;
    private int resendCursor = -1;
    private boolean resendRetiredPending;
    private boolean failed;

    private ChannelForwarder(final Bridge bridge, final ForwardingCounters counters)
    {
        this.bridge = bridge;
        this.sender = bridge.sender();
        this.counters = counters;
        // Frames travel in DATA_BATCH entries, each behind its length.
        this.maxFrameLength = sender.maxFrameLength() - BridgeDescriptor.BATCH_ENTRY_LENGTH_FIELD;
        final int record = BitUtil.align(ExpandableRingBuffer.HEADER_LENGTH + FRAME_OFFSET + maxFrameLength,
            ExpandableRingBuffer.HEADER_ALIGNMENT);
        final int initial = BitUtil.findNextPositivePowerOfTwo(2 * POLL_LIMIT * record);
        this.queue = new ExpandableRingBuffer(initial, Math.max(initial, MAX_QUEUE_BYTES), false);
        this.item = new UnsafeBuffer(new byte[FRAME_OFFSET + maxFrameLength]);
    }

    /**
     * Subscribe to each channel through the local broker and forward it over the bridge.
     *
     * @param bridge   the launched bridge whose sender this forwarder drives (connected or not yet).
     * @param context  the local broker's client settings; its token must grant SUBSCRIBE on every channel. Reused
     *                 for each channel's session, on this thread.
     * @param channels the local channels to forward; each takes the channel's subscriber slot (a one-subscriber
     *                 channel then refuses another subscriber, {@code CHANNEL_IN_USE}; make it fan-out to keep local
     *                 subscribers too).
     * @param counters where to count.
     * @return the forwarder; the caller closes it before the bridge.
     * @throws HandshakeException if the broker refuses a subscription (every one opened so far is closed).
     * @throws IOException        if the context's files cannot be read.
     */
    public static ChannelForwarder connect(
        final Bridge bridge,
        final ClientContext context,
        final List<String> channels,
        final ForwardingCounters counters)
            throws HandshakeException, IOException
    {
        final ChannelForwarder forwarder = new ChannelForwarder(bridge, counters);
        try
        {
            for (final String channel : channels)
            {
                final SubscriberClient subscriber = SubscriberClient.connect(context, channel, RejectionHandler.NONE);
                forwarder.subscribers.add(subscriber);
                final int channelId = subscriber.channelId();
                subscriber.keyObserver((producerId, keyId, action, keyBytes) ->
                    forwarder.onKey(channelId, producerId, keyId, action, keyBytes));
            }
        }
        catch (final HandshakeException | IOException | RuntimeException ex)
        {
            forwarder.close();
            throw ex;
        }
        return forwarder;
    }

    /**
     * The duty cycle: each subscriber's ({@link SubscriberClient#doWork()}: key events queue here), then the queue
     * into the sender (after a re-send of the keys if the session changed), then, only if the queue is empty and the
     * bridge has a session, up to {@link #POLL_LIMIT} frames of each subscriber, forwarded as they come.
     *
     * @return the work done, 0 when idle.
     */
    public int doWork()
    {
        int work = 0;
        final List<SubscriberClient> subscribers = this.subscribers;
        for (int i = 0, size = subscribers.size(); i < size; i++)
        {
            work += subscribers.get(i).doWork();
        }
        if (failed)
        {
            return work;
        }
        work += drain();
        if (queue.isEmpty() && resendCursor < 0 && 0 != session && session == bridge.sessionId())
        {
            for (int i = 0, size = subscribers.size(); i < size; i++)
            {
                work += subscribers.get(i).poll(frameHandler, POLL_LIMIT);
            }
            counters.queueBytes().setRelease(queue.size());
        }
        // What this cycle gathered leaves now, in as few datagrams as fit it: one AEAD for several frames. Refused
        // (back pressure, no session), the batch waits in the sender for the next cycle and nothing is lost.
        if (sender.pendingFrames() > 0)
        {
            final long flushed = sender.flush();
            if (flushed < 0)
            {
                onRefused(flushed);
            }
            else
            {
                work++;
            }
        }
        return work;
    }

    /**
     * Whether the bridge's publication is closed or used up ({@link BridgeSender#CLOSED},
     * {@link BridgeSender#MAX_POSITION_EXCEEDED}): nothing more is forwarded.
     *
     * @return true if so.
     */
    public boolean hasFailed()
    {
        return failed;
    }

    /**
     * Whether a subscriber's session with the local broker has ended (the broker stopped, or the token expired):
     * that channel is no longer forwarded.
     *
     * @return true if any has.
     */
    public boolean isAnySubscriberClosed()
    {
        for (final SubscriberClient subscriber : subscribers)
        {
            if (subscriber.isClosed())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Bytes waiting in the queue.
     *
     * @return the size.
     */
    public int queuedBytes()
    {
        return queue.size();
    }

    private void onFrame(final DirectBuffer payload, final int payloadOffset, final int payloadLength,
        final FrameReader frame)
    {
        final int length = frame.frameLength();
        if (length > maxFrameLength)
        {
            ForwardingCounters.bump(counters.droppedTooLong(), 1);
            return;
        }
        final DirectBuffer buffer = frame.buffer();
        final int offset = frame.offset();
        if (queue.isEmpty() && bridge.sessionId() == session)
        {
            final long result = sender.append(buffer, offset, length);
            if (result > 0)
            {
                forwarded(length);
                return;
            }
            onRefused(result);
        }
        final UnsafeBuffer item = this.item;
        item.putInt(TYPE_OFFSET, ITEM_FRAME);
        item.putBytes(FRAME_OFFSET, buffer, offset, length);
        append(item, FRAME_OFFSET + length);
    }

    private void forwarded(final int length)
    {
        ForwardingCounters.bump(counters.framesForwarded(), 1);
        ForwardingCounters.bump(counters.bytesForwarded(), length);
    }

    private void onRefused(final long result)
    {
        if (BridgeSender.CLOSED == result || BridgeSender.MAX_POSITION_EXCEEDED == result)
        {
            failed = true;
        }
        ForwardingCounters.bump(counters.forwardHeld(), 1);
    }

    private void append(final UnsafeBuffer source, final int length)
    {
        if (!queue.append(source, 0, length))
        {
            // Only a backlog of key events above MAX_QUEUE_BYTES while the bridge refuses everything: fail closed.
            failed = true;
        }
    }

    private int drain()
    {
        final long current = bridge.sessionId();
        if (0 == current)
        {
            return 0;
        }
        if (current != session)
        {
            session = current;
            resendCursor = 0;
            resendRetiredPending = false;
            ForwardingCounters.bump(counters.sessions(), 1);
        }
        if (resendCursor >= 0 && !resendKeys())
        {
            return 0;
        }
        final int consumed = queue.consume(itemSender, DRAIN_LIMIT);
        counters.queueBytes().setRelease(queue.size());
        return consumed;
    }

    /**
     * Send every held key again to a new session, oldest first; a retired one is followed by its RETIRED.
     *
     * @return true once all went out.
     */
    private boolean resendKeys()
    {
        final List<HeldKey> keys = this.keys;
        while (resendCursor < keys.size())
        {
            final HeldKey key = keys.get(resendCursor);
            if (!resendRetiredPending)
            {
                final long result = sender.offerChannelKey(key.channelId, key.producerId, key.keyId, key.bytes);
                if (result <= 0)
                {
                    onRefused(result);
                    return false;
                }
                key.sentInSession = session;
                ForwardingCounters.bump(counters.keysForwarded(), 1);
                ForwardingCounters.bump(counters.keysResent(), 1);
                resendRetiredPending = key.retired;
            }
            if (resendRetiredPending)
            {
                final long result = sender.offerChannelKeyAction(
                    key.channelId, key.producerId, key.keyId, ChannelKeyAction.RETIRED);
                if (result <= 0)
                {
                    onRefused(result);
                    return false;
                }
                ForwardingCounters.bump(counters.keyActionsForwarded(), 1);
                resendRetiredPending = false;
            }
            resendCursor++;
        }
        resendCursor = -1;
        return true;
    }

    private boolean sendItem(final MutableDirectBuffer buffer, final int offset, final int length, final int head)
    {
        if (failed || bridge.sessionId() != session)
        {
            return false;
        }
        final int type = buffer.getInt(offset + TYPE_OFFSET);
        final long result;
        if (ITEM_FRAME == type)
        {
            final int frameLength = length - FRAME_OFFSET;
            result = sender.append(buffer, offset + FRAME_OFFSET, frameLength);
            if (result > 0)
            {
                forwarded(frameLength);
            }
        }
        else
        {
            final int channelId = buffer.getInt(offset + CHANNEL_OFFSET);
            final int producerId = buffer.getInt(offset + PRODUCER_OFFSET);
            final int keyId = buffer.getInt(offset + KEY_ID_OFFSET);
            if (ITEM_KEY == type)
            {
                final HeldKey key = find(channelId, producerId, keyId);
                if (null == key || key.sentInSession == session)
                {
                    // Revoked or gone before it went out, or already sent to this session by the re-send.
                    return true;
                }
                result = sender.offerChannelKey(channelId, producerId, keyId, key.bytes);
                if (result > 0)
                {
                    key.sentInSession = session;
                    ForwardingCounters.bump(counters.keysForwarded(), 1);
                }
            }
            else
            {
                final ChannelKeyAction action = ChannelKeyAction.fromCode(buffer.getInt(offset + ACTION_OFFSET));
                result = sender.offerChannelKeyAction(channelId, producerId, keyId, action);
                if (result > 0)
                {
                    ForwardingCounters.bump(counters.keyActionsForwarded(), 1);
                }
            }
        }
        if (result > 0)
        {
            return true;
        }
        if (BridgeSender.TOO_LONG == result)
        {
            ForwardingCounters.bump(counters.droppedTooLong(), 1);
            return true;
        }
        onRefused(result);
        return false;
    }

    private void onKey(
        final int channelId, final int producerId, final int keyId, final KeyObserver.Action action,
        final DirectBuffer keyBytes)
    {
        switch (action)
        {
            case ADDED:
                if (null != find(channelId, producerId, keyId) || null == keyBytes ||
                    BridgeDescriptor.CHANNEL_KEY_MATERIAL_LENGTH != keyBytes.capacity())
                {
                    return;
                }
                final byte[] copy = new byte[keyBytes.capacity()];
                keyBytes.getBytes(0, copy);
                keys.add(new HeldKey(channelId, producerId, keyId, copy));
                queueControl(ITEM_KEY, channelId, producerId, keyId, ChannelKeyAction.ADDED);
                break;
            case RETIRED:
                final HeldKey retired = find(channelId, producerId, keyId);
                if (null != retired)
                {
                    retired.retired = true;
                    pruneRetired(channelId, producerId);
                }
                queueControl(ITEM_ACTION, channelId, producerId, keyId, ChannelKeyAction.RETIRED);
                break;
            case REVOKED:
                final HeldKey revoked = find(channelId, producerId, keyId);
                if (null != revoked)
                {
                    drop(revoked);
                }
                queueControl(ITEM_ACTION, channelId, producerId, keyId, ChannelKeyAction.REVOKED);
                break;
            case SOURCE_REMOVED:
                int lastKeyId = 0;
                for (int i = keys.size() - 1; i >= 0; i--)
                {
                    final HeldKey key = keys.get(i);
                    if (key.channelId == channelId && key.producerId == producerId)
                    {
                        lastKeyId = Math.max(lastKeyId, key.keyId);
                        drop(key);
                    }
                }
                queueControl(ITEM_ACTION, channelId, producerId, lastKeyId, ChannelKeyAction.SOURCE_REMOVED);
                break;
            default:
                break;
        }
    }

    private void pruneRetired(final int channelId, final int producerId)
    {
        int retired = 0;
        for (int i = keys.size() - 1; i >= 0; i--)
        {
            final HeldKey key = keys.get(i);
            if (key.channelId == channelId && key.producerId == producerId && key.retired &&
                ++retired > RETIRED_KEYS_KEPT)
            {
                drop(key);
            }
        }
    }

    private void drop(final HeldKey key)
    {
        final int index = keys.indexOf(key);
        keys.remove(index);
        key.close();
        if (resendCursor > index)
        {
            resendCursor--;
        }
        else if (resendCursor == index)
        {
            // Its RETIRED, if it was still to go, goes with it: the next key starts afresh.
            resendRetiredPending = false;
        }
    }

    private void queueControl(
        final int type, final int channelId, final int producerId, final int keyId, final ChannelKeyAction action)
    {
        final UnsafeBuffer control = new UnsafeBuffer(new byte[CONTROL_ITEM_LENGTH]);
        control.putInt(TYPE_OFFSET, type);
        control.putInt(CHANNEL_OFFSET, channelId);
        control.putInt(PRODUCER_OFFSET, producerId);
        control.putInt(KEY_ID_OFFSET, keyId);
        control.putInt(ACTION_OFFSET, action.code());
        append(control, CONTROL_ITEM_LENGTH);
    }

    private HeldKey find(final int channelId, final int producerId, final int keyId)
    {
        for (final HeldKey key : keys)
        {
            if (key.channelId == channelId && key.producerId == producerId && key.keyId == keyId)
            {
                return key;
            }
        }
        return null;
    }

    /**
     * Close the subscriptions (the local broker frees the channels' subscriber slots) and zero every key copy.
     * Idempotent. Call before closing the bridge.
     */
    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(subscribers);
        subscribers.clear();
        for (final HeldKey key : keys)
        {
            key.close();
        }
        keys.clear();
    }

    private static final class HeldKey
    {
        final int channelId;
        final int producerId;
        final int keyId;
        final byte[] bytes;
        boolean retired;
        long sentInSession;

        HeldKey(final int channelId, final int producerId, final int keyId, final byte[] bytes)
        {
            this.channelId = channelId;
            this.producerId = producerId;
            this.keyId = keyId;
            this.bytes = bytes;
        }

        void close()
        {
            Arrays.fill(bytes, (byte)0);
        }
    }
}
