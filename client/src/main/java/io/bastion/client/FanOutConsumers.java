package io.bastion.client;

import io.bastion.channel.ChannelCounters;
import io.bastion.channel.SealedConsumerRegion;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.shm.MappedRegion;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.ringbuffer.EvictionHandler;
import io.bastion.ringbuffer.EvictionReason;
import io.bastion.ringbuffer.OneToManyRingProducer;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A fan-out publisher's subscribers as its ring sees them: the consumer region of each, mapped read-only, attached to
 * the {@link OneToManyRingProducer} under the consumer id the broker gave it.
 * <p>
 * The broker hands over a joining subscriber's region ({@code CONSUMER_ADDED}) just before the key update that
 * announces it; the region waits here until {@link #attachPending()} runs at that key switch, so the subscriber's
 * start position is exactly where the new key starts. A region the broker takes back ({@code CONSUMER_REMOVED}) is
 * detached and unmapped. A subscriber the ring evicts is reported to the broker ({@code EVICTED} with the reason) and
 * let go of at once, so it holds nothing back while the report travels.
 * <p>
 * Not thread safe: the publisher's thread only, like the ring.
 */
final class FanOutConsumers implements AutoCloseable, EvictionHandler
{
    private static final int NONE = 0;

    private final OneToManyRingProducer producer;
    private final int channelId;
    private final int producerId;
    private final Consumer<byte[]> send;
    private final ChannelCounters counters;
    private final int[] pendingIds;
    private final MappedRegion[] pendingRegions;
    private final int[] slotIds;
    private final MappedRegion[] slotRegions;
    private int pending;

    /**
     * Consumers of one ring.
     *
     * @param producer   the ring's producer side, with as many slots as the channel takes subscribers.
     * @param channelId  the channel id, for the reports.
     * @param producerId this publisher's producer id, for the reports.
     * @param send       queues a control message for the broker.
     * @param counters   where evictions are counted.
     * @param slots      how many subscribers the channel takes.
     */
    FanOutConsumers(
        final OneToManyRingProducer producer,
        final int channelId,
        final int producerId,
        final Consumer<byte[]> send,
        final ChannelCounters counters,
        final int slots)
    {
        this.counters = counters;
        this.producer = producer;
        this.channelId = channelId;
        this.producerId = producerId;
        this.send = send;
        this.pendingIds = new int[slots];
        this.pendingRegions = new MappedRegion[slots];
        this.slotIds = new int[slots];
        this.slotRegions = new MappedRegion[slots];
    }

    /**
     * The broker handed over a joining subscriber's consumer region: check and map it, to be attached at the next key
     * switch.
     *
     * @param consumerId the subscriber's consumer id, not 0.
     * @param descriptor the region's read-only descriptor; taken over (closed here once mapped).
     * @return false if the broker broke the protocol (an id in use or 0, more regions than slots, a region that is
     *         not sealed or not of its size).
     */
    boolean onAdded(final int consumerId, final int descriptor)
    {
        final SealedConsumerRegion region = SealedConsumerRegion.received(descriptor);
        try
        {
            if (NONE == consumerId || isKnown(consumerId) || pending == pendingIds.length)
            {
                return false;
            }
            pendingRegions[pending] = region.mapReadOnly();
            pendingIds[pending++] = consumerId;
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
        finally
        {
            // The mapping outlives the descriptor.
            region.close();
        }
    }

    /**
     * Attach every region waiting, at the ring's current position: call it where the publisher switches keys.
     *
     * @return false if a region found no free slot (the broker announced more subscribers than the channel takes).
     */
    boolean attachPending()
    {
        boolean attachedAll = true;
        for (int i = 0; i < pending; i++)
        {
            final int slot = producer.attach(pendingRegions[i].buffer());
            if (slot < 0)
            {
                pendingRegions[i].close();
                attachedAll = false;
            }
            else
            {
                slotIds[slot] = pendingIds[i];
                slotRegions[slot] = pendingRegions[i];
            }
            pendingRegions[i] = null;
            pendingIds[i] = NONE;
        }
        pending = 0;
        return attachedAll;
    }

    /**
     * The broker took a subscriber's region back (it left, or the broker evicted it): detach and unmap it. An id this
     * side no longer knows (it evicted that subscriber itself) is ignored.
     *
     * @param consumerId the subscriber's consumer id.
     */
    void onRemoved(final int consumerId)
    {
        for (int i = 0; i < pending; i++)
        {
            if (pendingIds[i] == consumerId)
            {
                pendingRegions[i].close();
                System.arraycopy(pendingIds, i + 1, pendingIds, i, pending - i - 1);
                System.arraycopy(pendingRegions, i + 1, pendingRegions, i, pending - i - 1);
                pending--;
                pendingRegions[pending] = null;
                pendingIds[pending] = NONE;
                return;
            }
        }
        for (int slot = 0; slot < slotIds.length; slot++)
        {
            if (slotIds[slot] == consumerId)
            {
                release(slot);
                return;
            }
        }
    }

    /**
     * Report and let go of every subscriber the ring evicted since the last call.
     *
     * @return how many.
     */
    int poll()
    {
        return producer.pollEvictions(this);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void onEviction(final int slot, final EvictionReason reason, final long head, final long tail)
    {
        final int consumerId = slotIds[slot];
        release(slot);
        counters.onEviction();
        if (NONE != consumerId)
        {
            send.accept(ControlMessages.sourceUpdate(SourceAction.EVICTED, channelId, producerId, consumerId, 0,
                rejectReasonOf(reason).code(), "", null));
        }
    }

    /**
     * How many subscribers the ring reads for now.
     *
     * @return the count.
     */
    int attached()
    {
        return producer.consumerCount();
    }

    /**
     * The refusal that tells an evicted subscriber why.
     *
     * @param reason the ring's reason.
     * @return the refusal.
     */
    static RejectReason rejectReasonOf(final EvictionReason reason)
    {
        switch (reason)
        {
            case LAGGED:
                return RejectReason.CONSUMER_LAGGED;
            case STALLED:
                return RejectReason.CONSUMER_STALLED;
            case CORRUPT_HEAD:
            default:
                return RejectReason.CONSUMER_HEAD_INVALID;
        }
    }

    /**
     * Detach and unmap every region.
     */
    @Override
    public void close()
    {
        for (int slot = 0; slot < slotIds.length; slot++)
        {
            release(slot);
        }
        for (int i = 0; i < pending; i++)
        {
            CloseHelper.quietClose(pendingRegions[i]);
        }
        Arrays.fill(pendingRegions, null);
        pending = 0;
    }

    private boolean isKnown(final int consumerId)
    {
        for (int i = 0; i < pending; i++)
        {
            if (pendingIds[i] == consumerId)
            {
                return true;
            }
        }
        for (final int id : slotIds)
        {
            if (id == consumerId)
            {
                return true;
            }
        }
        return false;
    }

    private void release(final int slot)
    {
        if (null != slotRegions[slot])
        {
            // Detached first: the ring never reads a region after it is unmapped.
            producer.detach(slot);
            slotRegions[slot].close();
            slotRegions[slot] = null;
        }
        slotIds[slot] = NONE;
    }
}
