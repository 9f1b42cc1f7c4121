package io.bastion.bridge;

import io.bastion.broker.ChannelIds;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.ClientContext;
import io.bastion.client.RelayPublisherClient;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameReader;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.RejectReason;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The receiving half of a bridge's broker side: takes the channel keys and frames the peer bridge forwards
 * ({@link ChannelForwarder}) and republishes them, unchanged, into relayed channels of the local broker, one
 * {@link RelayPublisherClient} per origin channel and producer, so the local subscribers verify the origin's tags.
 * Set it as the bridge's {@link BridgeContext#channelKeyHandler(ChannelKeyHandler)} and run {@link #doWork} on the
 * bridge's receiving thread. See {@code docs/bridge.md}, "Forwarding broker channels".
 * <p>
 * <b>Channels.</b> A channel id is mapped back to a name through {@link ChannelIds#of(String)} over the configured
 * relayed channel names (the local broker must declare each relayed); a key or frame of any other id is counted
 * ({@code dropped unknown channel}) and dropped.
 * <p>
 * <b>Keys.</b> The first key of a (channel, producer) opens its relay (a handshake with the local broker, on this
 * thread: rare). Each key is handed to the relay ({@link RelayPublisherClient#addKey}) without waiting for the
 * broker's confirmation, which a later {@link #doWork} picks up, so the duty cycle never blocks on it; a key at or
 * below one already handed over (a re-send to a new session) is ignored. A frame under a key still awaiting
 * confirmation waits (below). RETIRED is applied once a frame under a newer key has been republished (frames
 * under the retired key may still be on their way: the origin's broker retires a key while frames under it are in
 * the ring); REVOKED at once; SOURCE_REMOVED closes the relay, after every frame of it that came before.
 * <p>
 * <b>Back pressure.</b> A frame the ring refuses for now (back pressured, no subscriber yet, admin action, or its
 * key unconfirmed) is copied, with every frame after it from the same datagram (a DATA_BATCH carries several),
 * into a pending queue that holds one batch's frames (up to {@link BridgeContext#maxBatchLength()} bytes, which may
 * span several Aeron fragments), and the bridge's receiver is not polled until they went out, in order. The receiver
 * is polled one Aeron fragment at a time, and a message (a batch reassembled from its fragments) is delivered by the
 * poll that reads its last fragment, so at most one batch arrives per poll and none after a frame is held: the driver's
 * receive window fills and Aeron's flow control holds the sending bridge, which stops reading the origin's rings. So
 * nothing is lost; a relayed channel with no local subscriber holds the whole bridge until one comes. A frame the
 * relay's checks refuse ({@link ChannelStatus#REFUSED}) is counted by reason ({@code refused <REASON>}) and dropped; so
 * is one whose relay has ended ({@code dropped relay closed}).
 * <p>
 * <b>Hot path.</b> Republishing a frame allocates nothing, throws nothing, takes no lock and logs nothing. Key bytes
 * are zeroed as soon as the relay has its copy, and never logged.
 * <p>
 * Thread safety: none; the bridge's receiving thread calls everything.
 */
public final class ChannelRelay implements ChannelKeyHandler, BridgeFrameHandler, AutoCloseable
{
    /** Most bridge fragments read per {@link #doWork}. */
    public static final int POLL_LIMIT = 64;

    private final ClientContext context;
    private final ForwardingCounters counters;
    private final Int2ObjectHashMap<String> channels = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<Source> sources = new Long2ObjectHashMap<>();
    private final List<Source> sourceList = new ArrayList<>();
    private final FrameReader reader = new FrameReader(FrameValidator.strict());
    private final UnsafeBuffer pending;
    private final Source[] pendingSources;
    private final int[] pendingOffsets;
    private final int[] pendingLengths;
    private final int[] pendingKeyIds;
    private int pendingHead;
    private int pendingCount;
    private int pendingBytes;

    /**
     * A relay of the given channels.
     *
     * @param context        the local broker's client settings, whose token grants RELAY on every channel; reused
     *                       for each relay session, on this thread. May be null if {@code channels} is empty.
     * @param channels       the relayed channels of the local broker this bridge republishes into.
     * @param maxFrameLength the most frame bytes one bridge datagram delivers: its MTU, or the bridge's
     *                       {@link BridgeContext#maxBatchLength()} if that is larger.
     * @param counters       where to count.
     * @throws IllegalArgumentException if two channel names have the same channel id.
     */
    public ChannelRelay(
        final ClientContext context, final List<String> channels, final int maxFrameLength,
        final ForwardingCounters counters)
    {
        this.context = context;
        this.counters = counters;
        // One datagram's (or reassembled batch's) frames fit in its body, and no frame is shorter than the frame
        // header.
        this.pending = new UnsafeBuffer(new byte[maxFrameLength]);
        final int most = maxFrameLength / FrameDescriptor.MIN_FRAME_LENGTH + 1;
        this.pendingSources = new Source[most];
        this.pendingOffsets = new int[most];
        this.pendingLengths = new int[most];
        this.pendingKeyIds = new int[most];
        for (final String channel : channels)
        {
            final String previous = this.channels.put(ChannelIds.of(channel), channel);
            if (null != previous && !previous.equals(channel))
            {
                throw new IllegalArgumentException("channels " + previous + " and " + channel + " share an id");
            }
        }
        if (!channels.isEmpty() && null == context)
        {
            throw new IllegalArgumentException("relayed channels need a client context with a RELAY token");
        }
    }

    /**
     * The duty cycle: each relay's ({@link RelayPublisherClient#doWork()}, and keys confirmed or to hand over), the
     * pending frame, then, once nothing is pending, up to {@link #POLL_LIMIT} bridge fragments, one at a time, until
     * one is held.
     *
     * @param receiver the bridge's receiver.
     * @return the work done, 0 when idle.
     */
    public int doWork(final BridgeReceiver receiver)
    {
        int work = doRelayWork();
        if (hasPending())
        {
            return work;
        }
        for (int i = 0; i < POLL_LIMIT; i++)
        {
            final int fragments = receiver.poll(this, 1);
            if (0 == fragments)
            {
                break;
            }
            work += fragments;
            if (hasPending())
            {
                break;
            }
        }
        return work;
    }

    /**
     * The relays' duty cycles, their keys, and the pending frame; no polling.
     *
     * @return the work done.
     */
    int doRelayWork()
    {
        int work = 0;
        final List<Source> sourceList = this.sourceList;
        for (int i = 0, size = sourceList.size(); i < size; i++)
        {
            final Source source = sourceList.get(i);
            work += source.relay.doWork();
            work += progressKeys(source);
        }
        while (pendingHead < pendingCount)
        {
            final Source source = pendingSources[pendingHead];
            if (null != source &&
                !republish(source, pending, pendingOffsets[pendingHead], pendingLengths[pendingHead],
                pendingKeyIds[pendingHead]))
            {
                return work;
            }
            pendingSources[pendingHead] = null;
            pendingHead++;
            work++;
        }
        clearPending();
        return work;
    }

    /**
     * How many relays are open.
     *
     * @return the number.
     */
    public int relayCount()
    {
        return sourceList.size();
    }

    /**
     * Whether a frame waits for the local ring.
     *
     * @return true if one is pending.
     */
    public boolean hasPending()
    {
        return pendingHead < pendingCount;
    }

    @Override
    public void onFrame(final DirectBuffer buffer, final int offset, final int length, final long sequence)
    {
        final FrameReader reader = this.reader;
        final RejectReason structure = reader.wrapValidated(buffer, offset, length);
        if (RejectReason.NONE != structure)
        {
            counters.refused(structure);
            return;
        }
        final int channelId = reader.channelId();
        final Source source = sources.get(sourceKey(channelId, reader.producerId()));
        if (null == source)
        {
            ForwardingCounters.bump(null == channels.get(channelId) ?
                counters.droppedUnknownChannel() : counters.droppedUnknownSource(), 1);
            return;
        }
        final int keyId = reader.keyId();
        // Behind a frame that waits, the rest of its datagram waits too, in order.
        if (hasPending() || !republish(source, buffer, offset, length, keyId))
        {
            if (length > pending.capacity() - pendingBytes || pendingCount == pendingSources.length)
            {
                ForwardingCounters.bump(counters.droppedRelayClosed(), 1);
                return;
            }
            pending.putBytes(pendingBytes, buffer, offset, length);
            pendingSources[pendingCount] = source;
            pendingOffsets[pendingCount] = pendingBytes;
            pendingLengths[pendingCount] = length;
            pendingKeyIds[pendingCount] = keyId;
            pendingCount++;
            pendingBytes += length;
            ForwardingCounters.bump(counters.republishHeld(), 1);
        }
    }

    /**
     * Offer one frame to its relay.
     *
     * @return true if the frame is done with (written, or refused and counted); false if it must wait.
     */
    private boolean republish(
        final Source source, final DirectBuffer buffer, final int offset, final int length, final int keyId)
    {
        final RelayPublisherClient relay = source.relay;
        final long result = relay.offerSealed(buffer, offset, length);
        if (result > 0)
        {
            ForwardingCounters.bump(counters.framesRepublished(), 1);
            if (keyId > source.highestWrittenKeyId)
            {
                source.highestWrittenKeyId = keyId;
                if (!source.deferredRetires.isEmpty())
                {
                    applyDeferredRetires(source);
                }
            }
            return true;
        }
        if (ChannelStatus.BACK_PRESSURED == result || ChannelStatus.NOT_CONNECTED == result ||
            ChannelStatus.ADMIN_ACTION == result)
        {
            return false;
        }
        if (ChannelStatus.REFUSED == result)
        {
            final RejectReason reason = relay.lastRefusal();
            if (RejectReason.UNKNOWN_KEY == reason && source.isAwaitingKey() && !relay.isClosed())
            {
                return false;
            }
            counters.refused(reason);
            return true;
        }
        ForwardingCounters.bump(counters.droppedRelayClosed(), 1);
        return true;
    }

    @Override
    public void onChannelKey(final int channelId, final int producerId, final int keyId, final byte[] key)
    {
        boolean kept = false;
        try
        {
            final String channel = channels.get(channelId);
            if (null == channel)
            {
                ForwardingCounters.bump(counters.droppedUnknownChannel(), 1);
                return;
            }
            Source source = sources.get(sourceKey(channelId, producerId));
            if (null == source)
            {
                source = open(channel, channelId, producerId);
                if (null == source)
                {
                    return;
                }
            }
            if (keyId <= source.highestHanded)
            {
                // A re-send to a new bridge session: the relay has it already.
                return;
            }
            source.highestHanded = keyId;
            source.toAdd.add(new KeyToAdd(keyId, key));
            kept = true;
            progressKeys(source);
        }
        finally
        {
            if (!kept)
            {
                Arrays.fill(key, (byte)0);
            }
        }
    }

    @Override
    public void onChannelKeyAction(
        final int channelId, final int producerId, final int keyId, final ChannelKeyAction action)
    {
        final Source source = sources.get(sourceKey(channelId, producerId));
        if (null == source)
        {
            ForwardingCounters.bump(null == channels.get(channelId) ?
                counters.droppedUnknownChannel() : counters.droppedUnknownSource(), 1);
            return;
        }
        switch (action)
        {
            case RETIRED:
                if (source.highestWrittenKeyId > keyId)
                {
                    retire(source, keyId);
                }
                else if (!source.deferredRetires.containsInt(keyId))
                {
                    source.deferredRetires.addInt(keyId);
                }
                break;
            case REVOKED:
                revoke(source, keyId);
                break;
            case SOURCE_REMOVED:
                closeSource(source);
                break;
            default:
                break;
        }
    }

    private Source open(final String channel, final int channelId, final int producerId)
    {
        final RelayPublisherClient relay;
        try
        {
            relay = RelayPublisherClient.connect(context, channel, producerId);
        }
        catch (final HandshakeException | IOException | RuntimeException ex)
        {
            ForwardingCounters.bump(counters.relaysRefused(), 1);
            return null;
        }
        final Source source = new Source(relay);
        sources.put(sourceKey(channelId, producerId), source);
        sourceList.add(source);
        ForwardingCounters.bump(counters.relaysOpened(), 1);
        return source;
    }

    private int progressKeys(final Source source)
    {
        final RelayPublisherClient relay = source.relay;
        if (0 != source.awaitingKeyId)
        {
            if (relay.currentKeyId() < source.awaitingKeyId && !relay.isClosed())
            {
                return 0;
            }
            source.awaitingKeyId = 0;
            ForwardingCounters.bump(counters.keysAdded(), 1);
            applyDeferredRevocations(source);
        }
        int work = 0;
        while (!source.toAdd.isEmpty() && !relay.isClosed())
        {
            final KeyToAdd key = source.toAdd.poll();
            RejectReason result;
            try
            {
                result = relay.addKey(key.keyId, key.bytes, Duration.ZERO);
            }
            catch (final IllegalArgumentException | IllegalStateException ex)
            {
                result = RejectReason.PROTOCOL_VIOLATION;
            }
            finally
            {
                Arrays.fill(key.bytes, (byte)0);
            }
            work++;
            if (RejectReason.NONE == result)
            {
                ForwardingCounters.bump(counters.keysAdded(), 1);
                applyDeferredRevocations(source);
            }
            else if (RejectReason.TIMED_OUT == result)
            {
                // Confirmed by a later doWork: frames under it wait until then.
                source.awaitingKeyId = key.keyId;
                return work;
            }
        }
        return work;
    }

    private void applyDeferredRetires(final Source source)
    {
        final IntArrayList retires = source.deferredRetires;
        for (int i = retires.size() - 1; i >= 0; i--)
        {
            final int keyId = retires.getInt(i);
            if (keyId < source.highestWrittenKeyId)
            {
                retires.fastUnorderedRemove(i);
                retire(source, keyId);
            }
        }
    }

    private void retire(final Source source, final int keyId)
    {
        if (source.relay.retireKey(keyId))
        {
            ForwardingCounters.bump(counters.keysRetired(), 1);
        }
    }

    private void revoke(final Source source, final int keyId)
    {
        for (final KeyToAdd key : source.toAdd)
        {
            if (key.keyId == keyId)
            {
                // Never handed over: it goes no further. The relay knows no such key, so frames under it are refused.
                Arrays.fill(key.bytes, (byte)0);
                source.toAdd.remove(key);
                break;
            }
        }
        if (source.relay.revokeKey(keyId))
        {
            ForwardingCounters.bump(counters.keysRevoked(), 1);
        }
        else if (keyId == source.awaitingKeyId)
        {
            source.deferredRevocations.addInt(keyId);
        }
    }

    private void applyDeferredRevocations(final Source source)
    {
        final IntArrayList revocations = source.deferredRevocations;
        while (!revocations.isEmpty())
        {
            final int keyId = revocations.removeAt(revocations.size() - 1);
            if (source.relay.revokeKey(keyId))
            {
                ForwardingCounters.bump(counters.keysRevoked(), 1);
            }
        }
    }

    private void closeSource(final Source source)
    {
        sources.remove(sourceKey(source.relay.channelId(), source.relay.producerId()));
        sourceList.remove(source);
        for (int i = pendingHead; i < pendingCount; i++)
        {
            if (pendingSources[i] == source)
            {
                pendingSources[i] = null;
            }
        }
        source.close();
        ForwardingCounters.bump(counters.relaysClosed(), 1);
    }

    private static long sourceKey(final int channelId, final int producerId)
    {
        return ((long)channelId << 32) | (producerId & 0xFFFF_FFFFL);
    }

    /**
     * Close every relay (what each wrote stays in its ring for the subscribers to drain) and zero every key not yet
     * handed over. Idempotent. Call before closing the bridge.
     */
    @Override
    public void close()
    {
        for (final Source source : sourceList)
        {
            source.close();
        }
        sourceList.clear();
        sources.clear();
        clearPending();
    }

    private void clearPending()
    {
        Arrays.fill(pendingSources, null);
        pendingHead = 0;
        pendingCount = 0;
        pendingBytes = 0;
    }

    private static final class KeyToAdd
    {
        final int keyId;
        final byte[] bytes;

        KeyToAdd(final int keyId, final byte[] bytes)
        {
            this.keyId = keyId;
            this.bytes = bytes;
        }
    }

    private static final class Source
    {
        final RelayPublisherClient relay;
        final ArrayDeque<KeyToAdd> toAdd = new ArrayDeque<>();
        final IntArrayList deferredRetires = new IntArrayList();
        final IntArrayList deferredRevocations = new IntArrayList();
        int highestHanded;
        int awaitingKeyId;
        int highestWrittenKeyId;

        Source(final RelayPublisherClient relay)
        {
            this.relay = relay;
        }

        boolean isAwaitingKey()
        {
            return 0 != awaitingKeyId || !toAdd.isEmpty();
        }

        void close()
        {
            for (final KeyToAdd key : toAdd)
            {
                Arrays.fill(key.bytes, (byte)0);
            }
            toAdd.clear();
            relay.close();
        }
    }
}
