package io.bastion.tools.demo;

import io.bastion.channel.MappedRing;
import io.bastion.channel.RingFiles;
import io.bastion.channel.SealedConsumerRegion;
import io.bastion.channel.SealedRing;
import io.bastion.channel.control.ControlLink;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.Session;
import io.bastion.channel.shm.MappedRegion;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.ringbuffer.OneToManyRingProducer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.security.files.OwnerOnlyFiles;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemEpochClock;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo hostile's own ring, written raw, and as much of a publisher's side of the control protocol as it takes for
 * the subscribers to read that ring. On a one-to-one channel that is little: the broker announces a new publisher's
 * ring to the subscriber at once (a key update, should one come, is answered as below). On a fan-out channel the
 * broker hands over each subscriber's consumer region ({@code CONSUMER_ADDED}) and then a key update, and tells the
 * subscribers of the ring only once the publisher says where the new key starts ({@code KEY_IN_USE}), so this class
 * attaches the regions there and says so, as {@code PublisherClient} does; it takes regions back
 * ({@code CONSUMER_REMOVED}, when a subscriber quarantined it) and answers every later rotation the same way. It never
 * reports an eviction: the demo's hostile attacks the frames, not the other subscribers. Not thread safe: the
 * hostile's one thread.
 */
final class DemoHostileRing implements AutoCloseable
{
    private static final int MESSAGES_PER_POLL = 16;

    private final Session session;
    private final MappedRing mapping;
    private final OneToOneRingProducer oneToOne;
    private final OneToManyRingProducer fanOut;
    private final ControlLink link;
    private final List<Integer> pendingIds = new ArrayList<>();
    private final List<MappedRegion> pendingRegions = new ArrayList<>();
    private final int[] slotIds;
    private final MappedRegion[] slotRegions;
    private int keyId;
    private int switches;
    private boolean ended;

    private DemoHostileRing(final Session session, final MappedRing mapping, final ControlLink link)
    {
        this.session = session;
        this.mapping = mapping;
        this.link = link;
        this.keyId = session.keys().keyId();
        this.slotIds = new int[session.maxSubscribers()];
        this.slotRegions = new MappedRegion[session.maxSubscribers()];
        if (session.maxSubscribers() > 1)
        {
            this.fanOut = new OneToManyRingProducer(mapping.producerRegion(), session.maxSubscribers(),
                session.fanOut().policy(), SystemEpochClock.INSTANCE);
            this.oneToOne = null;
        }
        else
        {
            this.oneToOne = new OneToOneRingProducer(mapping.producerRegion(), mapping.consumerRegion(),
                SystemEpochClock.INSTANCE);
            this.fanOut = null;
        }
    }

    /**
     * Map the ring the broker made for a publisher's session and take over its control socket.
     *
     * @param files   checks a ring file the way the library does (the named-file fallback).
     * @param session the hostile's publisher session.
     * @return the ring; close it before the session.
     * @throws IOException if the ring cannot be mapped or the socket set up.
     */
    static DemoHostileRing open(final OwnerOnlyFiles files, final Session session) throws IOException
    {
        // The hostile is a party to its own ring: the broker handed it the ring, sealed or as a file.
        final SealedRing sealed = session.rings().sealedRing();
        final MappedRing mapping;
        if (null != sealed)
        {
            mapping = sealed.mapAsProducer();
            sealed.close();
        }
        else
        {
            mapping = new RingFiles(files).mapAsProducer(session.publishRingPath(), session.ringCapacity());
        }
        try
        {
            final DemoHostileRing ring = new DemoHostileRing(session, mapping,
                new ControlLink(session.controlChannel(), true));
            ring.send(SourceAction.MAPPED, 0, 0);
            return ring;
        }
        catch (final IOException | RuntimeException ex)
        {
            mapping.close();
            throw ex;
        }
    }

    /**
     * Whether the subscribers can read the ring: on a one-to-one channel at once; on a fan-out channel once the first
     * key switch attached the regions of the subscribers there were.
     *
     * @return true once readable.
     */
    boolean isReadable()
    {
        return null == fanOut || (switches > 0 && fanOut.consumerCount() > 0);
    }

    /**
     * The key id the subscribers expect this ring's frames under now.
     *
     * @return the key id.
     */
    int keyId()
    {
        return keyId;
    }

    /**
     * Read and answer what the broker sent; write what is queued for it.
     *
     * @return the messages handled.
     */
    int poll()
    {
        if (ended)
        {
            return 0;
        }
        int work = 0;
        for (int i = 0; i < MESSAGES_PER_POLL && !ended; i++)
        {
            final int length = link.poll();
            if (ControlLink.NONE == length)
            {
                break;
            }
            work++;
            if (length < 0)
            {
                ended = true;
                break;
            }
            onMessage(ControlMessages.parse(link.messageBuffer(), length));
        }
        if (!ended && !link.flush())
        {
            ended = true;
        }
        return work;
    }

    private void onMessage(final ControlMessage message)
    {
        if (!message.isValid() || GoodbyeDecoder.TEMPLATE_ID == message.templateId() ||
            RefusalDecoder.TEMPLATE_ID == message.templateId())
        {
            ended = true;
        }
        else if (KeyUpdateDecoder.TEMPLATE_ID == message.templateId())
        {
            switchKey(message.keyId);
        }
        else if (null != fanOut && SourceUpdateDecoder.TEMPLATE_ID == message.templateId())
        {
            if (SourceAction.CONSUMER_ADDED == message.action)
            {
                onConsumerAdded(message.keyId);
            }
            else if (SourceAction.CONSUMER_REMOVED == message.action)
            {
                onConsumerRemoved(message.keyId);
            }
        }
    }

    private void onConsumerAdded(final int consumerId)
    {
        try
        {
            final int[] descriptor = link.takeDescriptors(1);
            try (SealedConsumerRegion region = SealedConsumerRegion.received(descriptor[0]))
            {
                pendingRegions.add(region.mapReadOnly());
                pendingIds.add(consumerId);
            }
        }
        catch (final HandshakeException | IOException ex)
        {
            // Without the region this subscriber never reads the ring: the attack goes to the others.
        }
    }

    private void onConsumerRemoved(final int consumerId)
    {
        final int pending = pendingIds.indexOf(consumerId);
        if (pending >= 0)
        {
            pendingIds.remove(pending);
            pendingRegions.remove(pending).close();
        }
        for (int slot = 0; slot < slotIds.length; slot++)
        {
            if (null != slotRegions[slot] && slotIds[slot] == consumerId)
            {
                fanOut.detach(slot);
                slotRegions[slot].close();
                slotRegions[slot] = null;
            }
        }
    }

    private void switchKey(final int newKeyId)
    {
        keyId = newKeyId;
        switches++;
        if (null != fanOut)
        {
            // Where the new key starts, as PublisherClient attaches: the subscribers start reading here.
            for (int i = 0; i < pendingIds.size(); i++)
            {
                final MappedRegion region = pendingRegions.get(i);
                final int slot = fanOut.attach(region.buffer());
                if (slot >= 0)
                {
                    slotIds[slot] = pendingIds.get(i);
                    slotRegions[slot] = region;
                }
                else
                {
                    region.close();
                }
            }
            pendingIds.clear();
            pendingRegions.clear();
        }
        send(SourceAction.KEY_IN_USE, newKeyId, position());
    }

    private void send(final SourceAction action, final int keyId, final long position)
    {
        if (!link.queue(ControlMessages.sourceUpdate(action, session.channelId(), session.producerId(), keyId, 0,
            position, "", null)))
        {
            ended = true;
        }
    }

    /**
     * Write a raw record.
     *
     * @param typeId the record type.
     * @param buffer the record's bytes.
     * @param offset where they start.
     * @param length how many.
     * @return the new position, or a negative ring status (full).
     */
    long write(final int typeId, final DirectBuffer buffer, final int offset, final int length)
    {
        return null == fanOut ? oneToOne.write(typeId, buffer, offset, length) :
            fanOut.write(typeId, buffer, offset, length);
    }

    /**
     * The ring's tail.
     *
     * @return bytes written since the ring was made.
     */
    long position()
    {
        return null == fanOut ? oneToOne.position() : fanOut.position();
    }

    /**
     * What the readers have read, in one number that moves whenever any of them reads: the sum of their heads.
     *
     * @return the sum of the heads of the consumers this ring has now.
     */
    long heads()
    {
        if (null == fanOut)
        {
            return mapping.consumerRegion().getLongVolatile(OneToOneRingDescriptor.HEAD_POSITION_OFFSET);
        }
        long sum = 0;
        for (final MappedRegion region : slotRegions)
        {
            sum += null == region ? 0 : region.buffer().getLongVolatile(OneToOneRingDescriptor.HEAD_POSITION_OFFSET);
        }
        return sum;
    }

    /**
     * Whether anyone may read the ring now: on a fan-out channel, whether a subscriber's region is still attached
     * (the broker takes back the region of each subscriber that quarantined it).
     *
     * @return false once no subscriber reads it any more.
     */
    boolean hasReaders()
    {
        if (null == fanOut)
        {
            return true;
        }
        for (final MappedRegion region : slotRegions)
        {
            if (null != region)
            {
                return true;
            }
        }
        return !pendingRegions.isEmpty();
    }

    /**
     * Whether every reader this ring has now is behind its tail (with none, true once anything was written).
     *
     * @return true if some of what was written is unread by each.
     */
    boolean isBehind()
    {
        final long position = position();
        if (null == fanOut)
        {
            return position > heads();
        }
        for (final MappedRegion region : slotRegions)
        {
            if (null != region &&
                region.buffer().getLongVolatile(OneToOneRingDescriptor.HEAD_POSITION_OFFSET) >= position)
            {
                return false;
            }
        }
        return position > 0;
    }

    /**
     * Unmap the ring and the regions, and close the control socket with any descriptor still unread.
     */
    @Override
    public void close()
    {
        link.close();
        for (final MappedRegion region : pendingRegions)
        {
            region.close();
        }
        for (final MappedRegion region : slotRegions)
        {
            if (null != region)
            {
                region.close();
            }
        }
        mapping.close();
    }
}
