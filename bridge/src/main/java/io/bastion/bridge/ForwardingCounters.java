package io.bastion.bridge;

import io.bastion.codec.RejectReason;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The live counters of the broker side of one bridge: what a {@link ChannelForwarder} took from the local channels
 * and forwarded, and what a {@link ChannelRelay} republished into the local relayed channels, refused or dropped.
 * Allocated in a {@link CountersManager} (a {@code CountersFile}'s, for {@code bastion stat}), or in memory of their
 * own; type id {@link #FORWARDING_COUNTER_TYPE_ID}, labels {@code "<label>: <name>"}.
 * <p>
 * Sending side: {@code frames forwarded}, {@code bytes forwarded}, {@code keys forwarded}, {@code key actions
 * forwarded}, {@code keys re-sent} (to a new bridge session), {@code sessions} (bridge sessions seen),
 * {@code dropped too long} (frames above {@link BridgeSender#maxFrameLength()}), {@code forward held} (times the
 * bridge refused an item, which then waited at the head of the queue), {@code queue bytes} (what waits now).
 * <p>
 * Receiving side: {@code frames republished}, {@code relays opened}, {@code relays closed}, {@code relays refused}
 * (the local broker refused the relay session), {@code keys added}, {@code keys retired}, {@code keys revoked},
 * {@code republish held} (times the local ring refused a frame, which then waited), {@code dropped unknown channel}
 * (a channel id that names no configured relayed channel), {@code dropped unknown source} (no relay for the
 * channel and producer: no key came first, or its relay was refused), {@code dropped relay closed}, and {@code refused
 * <REASON>}, one per {@link RejectReason}, for the frames the relay's checks refused.
 * <p>
 * Each counter has one writer thread (the duty cycle's), so updates are ordered stores. Never holds payload bytes or
 * key material. {@link #close()} frees them.
 */
public final class ForwardingCounters implements AutoCloseable
{
    /** Type id of forwarding counters in a counters file. */
    public static final int FORWARDING_COUNTER_TYPE_ID = 0xB9;

    private static final int FIXED_COUNTERS = 21;

    private final AtomicCounter framesForwarded;
    private final AtomicCounter bytesForwarded;
    private final AtomicCounter keysForwarded;
    private final AtomicCounter keyActionsForwarded;
    private final AtomicCounter keysResent;
    private final AtomicCounter sessions;
    private final AtomicCounter droppedTooLong;
    private final AtomicCounter forwardHeld;
    private final AtomicCounter queueBytes;
    private final AtomicCounter framesRepublished;
    private final AtomicCounter relaysOpened;
    private final AtomicCounter relaysClosed;
    private final AtomicCounter relaysRefused;
    private final AtomicCounter keysAdded;
    private final AtomicCounter keysRetired;
    private final AtomicCounter keysRevoked;
    private final AtomicCounter republishHeld;
    private final AtomicCounter droppedUnknownChannel;
    private final AtomicCounter droppedUnknownSource;
    private final AtomicCounter droppedRelayClosed;
    private final AtomicCounter refusedTotal;
    private final AtomicCounter[] refused;

    /**
     * Allocate the counters.
     *
     * @param manager where; not thread safe, so allocate from one thread.
     * @param label   the prefix of every label.
     */
    public ForwardingCounters(final CountersManager manager, final String label)
    {
        framesForwarded = counter(manager, label, "frames forwarded");
        bytesForwarded = counter(manager, label, "bytes forwarded");
        keysForwarded = counter(manager, label, "keys forwarded");
        keyActionsForwarded = counter(manager, label, "key actions forwarded");
        keysResent = counter(manager, label, "keys re-sent");
        sessions = counter(manager, label, "sessions");
        droppedTooLong = counter(manager, label, "dropped too long");
        forwardHeld = counter(manager, label, "forward held");
        queueBytes = counter(manager, label, "queue bytes");
        framesRepublished = counter(manager, label, "frames republished");
        relaysOpened = counter(manager, label, "relays opened");
        relaysClosed = counter(manager, label, "relays closed");
        relaysRefused = counter(manager, label, "relays refused");
        keysAdded = counter(manager, label, "keys added");
        keysRetired = counter(manager, label, "keys retired");
        keysRevoked = counter(manager, label, "keys revoked");
        republishHeld = counter(manager, label, "republish held");
        droppedUnknownChannel = counter(manager, label, "dropped unknown channel");
        droppedUnknownSource = counter(manager, label, "dropped unknown source");
        droppedRelayClosed = counter(manager, label, "dropped relay closed");
        refusedTotal = counter(manager, label, "refused");
        final RejectReason[] reasons = RejectReason.values();
        refused = new AtomicCounter[reasons.length];
        for (final RejectReason reason : reasons)
        {
            refused[reason.ordinal()] = counter(manager, label, "refused " + reason.name());
        }
    }

    /**
     * Counters in memory of their own.
     *
     * @param label the prefix of every label.
     * @return the counters.
     */
    public static ForwardingCounters inMemory(final String label)
    {
        final int count = countersPerBridge();
        final int line = BitUtil.CACHE_LINE_LENGTH;
        return new ForwardingCounters(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(count * CountersManager.METADATA_LENGTH, line)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(count * CountersManager.COUNTER_LENGTH, line))), label);
    }

    /**
     * How many counters one set allocates, to size a counters file.
     *
     * @return the number.
     */
    public static int countersPerBridge()
    {
        return FIXED_COUNTERS + RejectReason.values().length;
    }

    private static AtomicCounter counter(final CountersManager manager, final String label, final String name)
    {
        return manager.newCounter(label + ": " + name, FORWARDING_COUNTER_TYPE_ID);
    }

    static void bump(final AtomicCounter counter, final long delta)
    {
        counter.setRelease(counter.getPlain() + delta);
    }

    void refused(final RejectReason reason)
    {
        bump(refused[reason.ordinal()], 1);
        bump(refusedTotal, 1);
    }

    /**
     * Frames the relay's checks refused for one reason.
     *
     * @param reason the reason.
     * @return the count.
     */
    public long refusals(final RejectReason reason)
    {
        return refused[reason.ordinal()].get();
    }

    /**
     * Frames forwarded to the peer bridge.
     *
     * @return the counter.
     */
    public AtomicCounter framesForwarded()
    {
        return framesForwarded;
    }

    /**
     * Bytes of the frames forwarded.
     *
     * @return the counter.
     */
    public AtomicCounter bytesForwarded()
    {
        return bytesForwarded;
    }

    /**
     * Channel keys forwarded (each once per session; re-sends counted in {@link #keysResent()} too).
     *
     * @return the counter.
     */
    public AtomicCounter keysForwarded()
    {
        return keysForwarded;
    }

    /**
     * RETIRED, REVOKED and SOURCE_REMOVED actions forwarded.
     *
     * @return the counter.
     */
    public AtomicCounter keyActionsForwarded()
    {
        return keyActionsForwarded;
    }

    /**
     * Keys sent again because a new bridge session began.
     *
     * @return the counter.
     */
    public AtomicCounter keysResent()
    {
        return keysResent;
    }

    /**
     * Bridge sessions the forwarder has seen begin.
     *
     * @return the counter.
     */
    public AtomicCounter sessions()
    {
        return sessions;
    }

    /**
     * Frames dropped because they do not fit one bridge datagram.
     *
     * @return the counter.
     */
    public AtomicCounter droppedTooLong()
    {
        return droppedTooLong;
    }

    /**
     * Times the bridge refused an item for now (back pressure, not connected), which then waited.
     *
     * @return the counter.
     */
    public AtomicCounter forwardHeld()
    {
        return forwardHeld;
    }

    /**
     * Bytes waiting in the forwarder's queue.
     *
     * @return the counter.
     */
    public AtomicCounter queueBytes()
    {
        return queueBytes;
    }

    /**
     * Frames republished into local relayed channels.
     *
     * @return the counter.
     */
    public AtomicCounter framesRepublished()
    {
        return framesRepublished;
    }

    /**
     * Relay sessions opened with the local broker.
     *
     * @return the counter.
     */
    public AtomicCounter relaysOpened()
    {
        return relaysOpened;
    }

    /**
     * Relay sessions closed.
     *
     * @return the counter.
     */
    public AtomicCounter relaysClosed()
    {
        return relaysClosed;
    }

    /**
     * Relay sessions the local broker refused.
     *
     * @return the counter.
     */
    public AtomicCounter relaysRefused()
    {
        return relaysRefused;
    }

    /**
     * Origin keys handed to the local broker.
     *
     * @return the counter.
     */
    public AtomicCounter keysAdded()
    {
        return keysAdded;
    }

    /**
     * Origin keys retired at the local broker.
     *
     * @return the counter.
     */
    public AtomicCounter keysRetired()
    {
        return keysRetired;
    }

    /**
     * Origin keys revoked at the local broker.
     *
     * @return the counter.
     */
    public AtomicCounter keysRevoked()
    {
        return keysRevoked;
    }

    /**
     * Times the local ring refused a frame for now, which then waited.
     *
     * @return the counter.
     */
    public AtomicCounter republishHeld()
    {
        return republishHeld;
    }

    /**
     * Frames or keys dropped for a channel id that names no configured relayed channel.
     *
     * @return the counter.
     */
    public AtomicCounter droppedUnknownChannel()
    {
        return droppedUnknownChannel;
    }

    /**
     * Frames dropped for want of a relay of their channel and producer.
     *
     * @return the counter.
     */
    public AtomicCounter droppedUnknownSource()
    {
        return droppedUnknownSource;
    }

    /**
     * Frames dropped because their relay's session had ended.
     *
     * @return the counter.
     */
    public AtomicCounter droppedRelayClosed()
    {
        return droppedRelayClosed;
    }

    /**
     * Frames the relay's checks refused, for any reason.
     *
     * @return the counter.
     */
    public AtomicCounter refusedTotal()
    {
        return refusedTotal;
    }

    /**
     * Free the counters.
     */
    @Override
    public void close()
    {
        closeAll(framesForwarded, bytesForwarded, keysForwarded, keyActionsForwarded, keysResent, sessions,
            droppedTooLong, forwardHeld, queueBytes, framesRepublished, relaysOpened, relaysClosed, relaysRefused,
            keysAdded, keysRetired, keysRevoked, republishHeld, droppedUnknownChannel, droppedUnknownSource,
            droppedRelayClosed, refusedTotal);
        closeAll(refused);
    }

    private static void closeAll(final AtomicCounter... counters)
    {
        for (final AtomicCounter counter : counters)
        {
            counter.close();
        }
    }
}
