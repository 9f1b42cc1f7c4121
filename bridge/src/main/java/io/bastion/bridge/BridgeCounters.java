package io.bastion.bridge;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The live counters of one bridge, allocated in a {@link CountersManager} (the project's owner-only counters file,
 * {@code io.bastion.channel.CountersFile}, when the context names one, so {@code bastion stat} can show them; else
 * memory of the bridge's own). Every label starts with {@code "<label>: "}, e.g. {@code "bridge: rejected
 * DUPLICATE"}; every counter has type id {@link #BRIDGE_COUNTER_TYPE_ID}.
 * <p>
 * Meaning:
 * <ul>
 *     <li>{@code datagrams in}, {@code bytes in}: datagrams that authenticated and passed the window.</li>
 *     <li>{@code frames delivered}: inner frames handed to the handler.</li>
 *     <li>{@code frames out}, {@code bytes out}: data datagrams the Aeron publication took.</li>
 *     <li>{@code back pressure}, {@code not connected}, {@code key exhausted}: offers refused for that reason.</li>
 *     <li>{@code sequences burned}: sealed datagrams the publication then refused; the receiver sees a gap.</li>
 *     <li>{@code sequence gaps}: sequences skipped when the window moved forward: lost, or still to come.</li>
 *     <li>{@code late arrivals}: accepted datagrams older than the highest accepted, i.e. reordered; so
 *     {@code sequence gaps - late arrivals} is the loss so far.</li>
 *     <li>{@code lag bytes}: bytes the media driver has received for the bridge's subscription that the receiver
 *     has not polled yet (refreshed every few polls).</li>
 *     <li>{@code handshakes}, {@code handshakes refused}, {@code rekeys sent}, {@code rekeys received},
 *     {@code channel keys sent}, {@code channel keys received}.</li>
 *     <li>{@code keepalives sent}, {@code keepalives received}: KEEPALIVE datagrams, sent when the sender had
 *     nothing else to send for a keepalive interval, and accepted (authentic, not a replay) by the receiver.</li>
 *     <li>{@code session timeouts}: sessions this bridge dropped because no authenticated datagram of the session
 *     came from the peer within the session timeout (the peer restarted or vanished, or the path broke).</li>
 *     <li>{@code rejected <REASON>}: one per {@link BridgeRejectReason}; duplicates and replays are
 *     {@code rejected DUPLICATE}.</li>
 * </ul>
 * Each counter has one writer thread (the sender's or the receiver's), so updates are ordered stores, not atomic
 * adds. Never holds payload bytes or key material. {@link #close()} frees them.
 */
public final class BridgeCounters implements AutoCloseable
{
    /** Type id of bridge counters in a counters file. */
    public static final int BRIDGE_COUNTER_TYPE_ID = 0xB8;

    private final AtomicCounter datagramsIn;
    private final AtomicCounter bytesIn;
    private final AtomicCounter framesDelivered;
    private final AtomicCounter framesOut;
    private final AtomicCounter bytesOut;
    private final AtomicCounter backPressure;
    private final AtomicCounter notConnected;
    private final AtomicCounter keyExhausted;
    private final AtomicCounter sequencesBurned;
    private final AtomicCounter sequenceGaps;
    private final AtomicCounter lateArrivals;
    private final AtomicCounter lagBytes;
    private final AtomicCounter handshakes;
    private final AtomicCounter handshakesRefused;
    private final AtomicCounter rekeysSent;
    private final AtomicCounter rekeysReceived;
    private final AtomicCounter channelKeysSent;
    private final AtomicCounter channelKeysReceived;
    private final AtomicCounter keepalivesSent;
    private final AtomicCounter keepalivesReceived;
    private final AtomicCounter sessionTimeouts;
    private final AtomicCounter[] rejections;

    /**
     * Allocate the counters.
     *
     * @param manager where; not thread safe, so allocate from one thread.
     * @param label   the prefix of every label.
     */
    public BridgeCounters(final CountersManager manager, final String label)
    {
        datagramsIn = counter(manager, label, "datagrams in");
        bytesIn = counter(manager, label, "bytes in");
        framesDelivered = counter(manager, label, "frames delivered");
        framesOut = counter(manager, label, "frames out");
        bytesOut = counter(manager, label, "bytes out");
        backPressure = counter(manager, label, "back pressure");
        notConnected = counter(manager, label, "not connected");
        keyExhausted = counter(manager, label, "key exhausted");
        sequencesBurned = counter(manager, label, "sequences burned");
        sequenceGaps = counter(manager, label, "sequence gaps");
        lateArrivals = counter(manager, label, "late arrivals");
        lagBytes = counter(manager, label, "lag bytes");
        handshakes = counter(manager, label, "handshakes");
        handshakesRefused = counter(manager, label, "handshakes refused");
        rekeysSent = counter(manager, label, "rekeys sent");
        rekeysReceived = counter(manager, label, "rekeys received");
        channelKeysSent = counter(manager, label, "channel keys sent");
        channelKeysReceived = counter(manager, label, "channel keys received");
        keepalivesSent = counter(manager, label, "keepalives sent");
        keepalivesReceived = counter(manager, label, "keepalives received");
        sessionTimeouts = counter(manager, label, "session timeouts");
        final BridgeRejectReason[] reasons = BridgeRejectReason.values();
        rejections = new AtomicCounter[reasons.length];
        for (final BridgeRejectReason reason : reasons)
        {
            rejections[reason.ordinal()] = counter(manager, label, "rejected " + reason.name());
        }
    }

    private static AtomicCounter counter(final CountersManager manager, final String label, final String name)
    {
        return manager.newCounter(label + ": " + name, BRIDGE_COUNTER_TYPE_ID);
    }

    /**
     * How many counters one bridge allocates, to size a counters file.
     *
     * @return the number.
     */
    public static int countersPerBridge()
    {
        return 21 + BridgeRejectReason.values().length;
    }

    void rejected(final BridgeRejectReason reason)
    {
        final AtomicCounter counter = rejections[reason.ordinal()];
        counter.setRelease(counter.getPlain() + 1);
        if (reason.ordinal() >= BridgeRejectReason.HANDSHAKE_UNPINNED.ordinal())
        {
            bump(handshakesRefused, 1);
        }
    }

    static void bump(final AtomicCounter counter, final long delta)
    {
        counter.setRelease(counter.getPlain() + delta);
    }

    /**
     * Datagrams refused for one reason.
     *
     * @param reason the reason.
     * @return the count.
     */
    public long rejections(final BridgeRejectReason reason)
    {
        return rejections[reason.ordinal()].get();
    }

    /**
     * Datagrams refused for any reason.
     *
     * @return the sum over every reason.
     */
    public long totalRejections()
    {
        long sum = 0;
        for (final AtomicCounter counter : rejections)
        {
            sum += counter.get();
        }
        return sum;
    }

    /**
     * The datagrams-in counter.
     *
     * @return the counter.
     */
    public AtomicCounter datagramsIn()
    {
        return datagramsIn;
    }

    /**
     * The bytes-in counter.
     *
     * @return the counter.
     */
    public AtomicCounter bytesIn()
    {
        return bytesIn;
    }

    /**
     * The frames-delivered counter.
     *
     * @return the counter.
     */
    public AtomicCounter framesDelivered()
    {
        return framesDelivered;
    }

    /**
     * The frames-out counter.
     *
     * @return the counter.
     */
    public AtomicCounter framesOut()
    {
        return framesOut;
    }

    /**
     * The bytes-out counter.
     *
     * @return the counter.
     */
    public AtomicCounter bytesOut()
    {
        return bytesOut;
    }

    /**
     * The back-pressure counter.
     *
     * @return the counter.
     */
    public AtomicCounter backPressure()
    {
        return backPressure;
    }

    /**
     * The not-connected counter.
     *
     * @return the counter.
     */
    public AtomicCounter notConnected()
    {
        return notConnected;
    }

    /**
     * The key-exhausted counter.
     *
     * @return the counter.
     */
    public AtomicCounter keyExhausted()
    {
        return keyExhausted;
    }

    /**
     * The sequences-burned counter.
     *
     * @return the counter.
     */
    public AtomicCounter sequencesBurned()
    {
        return sequencesBurned;
    }

    /**
     * The sequence-gaps counter.
     *
     * @return the counter.
     */
    public AtomicCounter sequenceGaps()
    {
        return sequenceGaps;
    }

    /**
     * The late-arrivals (reordered) counter.
     *
     * @return the counter.
     */
    public AtomicCounter lateArrivals()
    {
        return lateArrivals;
    }

    /**
     * The lag counter, in bytes.
     *
     * @return the counter.
     */
    public AtomicCounter lagBytes()
    {
        return lagBytes;
    }

    /**
     * The completed-handshakes counter.
     *
     * @return the counter.
     */
    public AtomicCounter handshakes()
    {
        return handshakes;
    }

    /**
     * The refused-handshakes counter (the sum of the {@code HANDSHAKE_} rejections).
     *
     * @return the counter.
     */
    public AtomicCounter handshakesRefused()
    {
        return handshakesRefused;
    }

    /**
     * The rekeys-sent counter.
     *
     * @return the counter.
     */
    public AtomicCounter rekeysSent()
    {
        return rekeysSent;
    }

    /**
     * The rekeys-received counter.
     *
     * @return the counter.
     */
    public AtomicCounter rekeysReceived()
    {
        return rekeysReceived;
    }

    /**
     * The channel-keys-sent counter.
     *
     * @return the counter.
     */
    public AtomicCounter channelKeysSent()
    {
        return channelKeysSent;
    }

    /**
     * The channel-keys-received counter.
     *
     * @return the counter.
     */
    public AtomicCounter channelKeysReceived()
    {
        return channelKeysReceived;
    }

    /**
     * The keepalives-sent counter (sending thread).
     *
     * @return the counter.
     */
    public AtomicCounter keepalivesSent()
    {
        return keepalivesSent;
    }

    /**
     * The keepalives-received counter: KEEPALIVE datagrams that authenticated and passed the replay window.
     *
     * @return the counter.
     */
    public AtomicCounter keepalivesReceived()
    {
        return keepalivesReceived;
    }

    /**
     * The session-timeouts counter: sessions dropped for want of an authenticated datagram from the peer
     * (receiving thread, in {@link Bridge#doWork(long)}).
     *
     * @return the counter.
     */
    public AtomicCounter sessionTimeouts()
    {
        return sessionTimeouts;
    }

    /**
     * Free every counter.
     */
    @Override
    public void close()
    {
        final AtomicCounter[] fixed = {datagramsIn, bytesIn, framesDelivered, framesOut, bytesOut, backPressure,
            notConnected, keyExhausted, sequencesBurned, sequenceGaps, lateArrivals, lagBytes, handshakes,
            handshakesRefused, rekeysSent, rekeysReceived, channelKeysSent, channelKeysReceived, keepalivesSent,
            keepalivesReceived, sessionTimeouts};
        for (final AtomicCounter counter : fixed)
        {
            counter.close();
        }
        for (final AtomicCounter counter : rejections)
        {
            counter.close();
        }
    }
}
