package io.bastion.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A publishing session of a channel: its key schedule's progress, what it owes, and, one {@link RouterLink} per
 * subscriber, what each subscriber was told about it and owes about it.
 * <p>
 * Owned by the conductor thread.
 */
final class RouterPublisher extends RouterEndpoint
{
    /** {@link RouterLink#joinKeyId} when the join waits for the rotation after the one under way. */
    static final int JOIN_ON_NEXT_ROTATION = -1;

    final int producerId;
    final List<RouterLink> links = new ArrayList<>();
    /** The key it seals with, as far as the broker knows. */
    int keyId;
    /** The key of the rotation under way; 0 for none. */
    int pendingKeyId;
    boolean rotationQueued;
    /** The publisher was sent its KeyUpdate for {@link #pendingKeyId}. */
    boolean keyInstallSent;
    boolean mapped;
    boolean unlinked;
    /** It left, or was dropped: its subscribers are draining or letting go of its ring. */
    boolean closing;
    /** Its authority ended: the subscribers stop reading its ring at once, without draining. */
    boolean cutOff;
    long publisherAckDueMs;
    /** A relay: its keys are the origin's, in {@link #originKeys}; null for a publisher. */
    final Map<Integer, byte[]> originKeys;
    /** A relay: the highest origin key id it handed over; a new one must be above it. */
    int highestOriginKeyId;
    /** A relay was asked where its ring stands (a KeyUpdate naming {@link #requestedKeyId}) and owes the answer. */
    boolean positionRequested;
    int requestedKeyId;

    RouterPublisher(final RouterChannel state, final SessionFacts session)
    {
        super(state, session);
        this.producerId = session.producerId;
        this.keyId = session.firstKeyId;
        this.originKeys = session.relay ? new LinkedHashMap<>() : null;
    }

    /**
     * Whether this is a relay, whose keys are the origin's.
     *
     * @return true for a relay.
     */
    boolean isRelay()
    {
        return null != originKeys;
    }

    /**
     * One of its frame keys: a publisher's as its schedule derives it, a relay's as the relay handed it over.
     *
     * @param id the key id.
     * @return a fresh array the caller zeroes, or null for a relay key it does not hold.
     */
    byte[] frameKey(final int id)
    {
        if (null == originKeys)
        {
            return session.frameKeys.apply(id);
        }
        final byte[] key = originKeys.get(id);
        return null == key ? null : key.clone();
    }

    /**
     * A relay leaves: zero the origin keys and its control key.
     */
    void zeroRelayKeys()
    {
        if (null == originKeys)
        {
            return;
        }
        for (final byte[] key : originKeys.values())
        {
            Arrays.fill(key, (byte)0);
        }
        originKeys.clear();
        if (null != session.controlKey)
        {
            Arrays.fill(session.controlKey, (byte)0);
        }
    }

    /**
     * What a subscriber was told about this publisher.
     *
     * @param subscriber the subscriber.
     * @return the pair, or null when the subscriber has none with this publisher.
     */
    RouterLink link(final RouterSubscriber subscriber)
    {
        for (int i = 0, size = links.size(); i < size; i++)
        {
            final RouterLink link = links.get(i);
            if (link.subscriber == subscriber)
            {
                return link;
            }
        }
        return null;
    }

    /**
     * The pair of a fan-out subscriber, by the consumer id this publisher knows it by.
     *
     * @param consumerId the id.
     * @return the pair, or null.
     */
    RouterLink linkOfConsumer(final int consumerId)
    {
        for (int i = 0, size = links.size(); i < size; i++)
        {
            final RouterLink link = links.get(i);
            if (link.subscriber.consumerId == consumerId)
            {
                return link;
            }
        }
        return null;
    }

    /**
     * Whether any subscriber was told about this publisher (and not told it left).
     *
     * @return true if one was.
     */
    boolean announcedToAny()
    {
        for (int i = 0, size = links.size(); i < size; i++)
        {
            if (links.get(i).announced)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a subscriber still owes its acknowledgement of the pending key.
     *
     * @return true if one does.
     */
    boolean keyAddsOwed()
    {
        for (int i = 0, size = links.size(); i < size; i++)
        {
            if (links.get(i).keyAddOwed)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a subscriber still drains what this leaving publisher committed.
     *
     * @return true if one does.
     */
    boolean draining()
    {
        for (int i = 0, size = links.size(); i < size; i++)
        {
            if (links.get(i).draining)
            {
                return true;
            }
        }
        return false;
    }

    void owePublisherAck(final long nowMs, final long timeoutMs)
    {
        publisherAckDueMs = nowMs + timeoutMs;
    }

    @Override
    boolean ackOverdue(final long nowMs)
    {
        return 0 != publisherAckDueMs && nowMs > publisherAckDueMs;
    }
}
