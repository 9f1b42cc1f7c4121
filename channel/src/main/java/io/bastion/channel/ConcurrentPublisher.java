package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.security.keys.KeyLookup;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.keys.KeyStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochNanoClock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A publisher that any number of threads of one process may share, over a many-to-one ring: Bastion's counterpart of
 * Aeron's concurrent {@code Publication}, as {@link Publisher} is of its {@code ExclusivePublication}. Frames are built
 * and sealed in memory private to the calling thread and only then copied into a record it claimed with a
 * compare-and-set on the ring's tail, so threads never wait for each other and never share a buffer.
 * <p>
 * <b>Lanes.</b> The publisher owns a block of {@link #MAX_LANES} consecutive producer ids from
 * {@code firstProducerId}, of which it uses the first {@code lanes}. Each calling thread binds to a lane on its first
 * offer (a {@link ThreadLocal}; allocation-free from then on) and keeps it: the lane's producer id, a private frame
 * buffer, a sealer of its own (a MAC engine holds state) and a strict sequence from {@link Publisher#FIRST_SEQUENCE}.
 * A thread that finds every lane bound to a live thread gets {@link ChannelStatus#NO_LANE}. A lane comes free when its
 * thread calls {@link #releaseLane()}; the next owner carries its sequence on. A lane whose thread ended is taken over
 * by a thread that finds no free lane, even from a thread that died holding a claim (whose record the subscriber's
 * unblock turns into padding), and its sequence goes on one further (the dead thread may have published a frame it
 * did not count); the subscriber counts that gap.
 * <p>
 * <b>Why a frame cannot be replayed or reordered undetected.</b> Sequencing is per lane, not per frame at claim time
 * under a sliding window. A lane's frames are written by one thread, one after the other, and every one of them claims
 * its ring record after the previous one committed or gave up: so they lie in the ring, and reach the subscriber, in
 * the lane's sequence order. The subscriber keeps one strict replay guard per lane producer id (see
 * {@link Subscriber#addLaneSource}), and the producer id, the sequence and the key id are under each frame's tag. A
 * frame seen again, or a lane's frame moved behind a later one of the same lane, is {@link RejectReason#REPLAY}; a
 * frame moved to another lane fails its tag; a gap (a frame lost to an unblock, a lane taken over) is counted, never
 * filled later. A sliding window would accept any order within its width, so a writer of the ring could reorder
 * frames undetected; it is only needed where transport reorders, which a ring does not. Frames of different lanes
 * have no order between them: they come from different threads.
 * <p>
 * <b>Keys.</b> All lanes seal with the session's keys, one {@link KeyRing} shared by their sealers (its lookups are
 * lock-free and see a rotation at once). {@link #switchKey} makes a new key current and returns the ring position from
 * which every record carries it or a later one: every lane chooses its key <i>after</i> its tail compare-and-set
 * succeeded, and {@code switchKey} reads the tail <i>after</i> it published the key. So a record at or beyond the
 * returned position was claimed by a compare-and-set that followed that read, and its thread then read the new key.
 * Records before it may carry either key; a subscriber that joins at that position never reads them, and one that
 * already reads the ring keeps the old key for the broker's grace period. A lane that seals with the old key so late
 * that the broker's grace is over has its frame refused with {@link RejectReason#EXPIRED_KEY}, never dispatched. A
 * key destroyed between a lane's claim and its seal (pruned by a later rotation) aborts that record and the offer
 * returns {@link ChannelStatus#ADMIN_ACTION}: offer again, under the current key.
 * <p>
 * <b>Sealing modes.</b> {@link SealingMode#HMAC_PER_FRAME}; and {@link SealingMode#HMAC_BATCH}, where each frame is
 * committed as a batch record of one frame (the subscriber of such a channel accepts nothing else), so a concurrent
 * publisher gains nothing from batching. {@link SealingMode#AEAD_PER_FRAME} is refused: its nonce is the key id and
 * the sequence, and lanes share the key while each counts from 1, so two lanes would encrypt under the same nonce.
 * <p>
 * <b>Thread safety.</b> {@link #offer}, {@link #tryClaim}, {@link #releaseLane()}, {@link #doWork()},
 * {@link #switchKey}, {@link #close()} and the getters from any thread. A claim is committed or aborted by the thread
 * that made it. The setters ({@link #livenessTimeoutMs}, {@link #heartbeatIntervalMs}) before the publisher is shared.
 * {@link #offer}, {@link #tryClaim} and {@link FrameClaim#commit()} allocate nothing once the thread is bound, take no
 * lock, log nothing and throw nothing but for misuse (a claim already open); they return a position or a
 * {@link ChannelStatus} code, as {@link Publisher#offer} does, plus {@link ChannelStatus#NO_LANE}. Rate limits are not
 * offered here.
 * <p>
 * <b>Duty cycle.</b> {@link #doWork()} caches the clock for frame timestamps, publishes the producer heartbeat, checks
 * the subscriber's, and adds up the lanes' counts into the {@link ChannelCounters}. Whichever thread wins a
 * compare-and-set runs it; a concurrent call returns 0 at once, so every publishing thread may call it in its loop, or
 * one thread (an agent) may. Offers never touch it: they read the duty's results through volatile fields.
 * <p>
 * <b>Closing.</b> {@link #close()} stops the publisher: offers return {@link ChannelStatus#CLOSED}. The ring is the
 * caller's; before it unmaps it, {@link #awaitQuiescence} waits until no live thread is inside an offer or holds a
 * claim (each lane raises a busy flag before it reads the publisher's state and lowers it once it is done with the
 * ring, and the wait starts with a linger of {@link #CLOSE_LINGER_MS} ms so that a flag raised just before the close
 * is seen). A mapping fault, a corrupt ring or a missing sending key stop it for good, as for {@link Publisher}.
 * <p>
 * The design, its proofs and its limits are in {@code docs/concurrent-publisher.md}.
 */
public final class ConcurrentPublisher implements AutoCloseable
{
    /**
     * Producer ids in a concurrent publisher's block, and so its most lanes: the broker reserves the block
     * {@code [firstProducerId, firstProducerId + MAX_LANES)} for one session, and its subscriber keeps a replay guard
     * for each id of it.
     */
    public static final int MAX_LANES = 64;

    /** How long {@link #awaitQuiescence} waits before it first looks at the lanes' busy flags. */
    public static final long CLOSE_LINGER_MS = 10;

    static final long ADMITTED = 0;
    private static final long RUNNING = 0;
    private static final long NANOS_PER_MILLI = 1_000_000;
    private static final VarHandle STATUS;

    static
    {
        try
        {
            STATUS = MethodHandles.lookup().findVarHandle(ConcurrentPublisher.class, "status", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final ManyToOneRing ring;
    final KeyRing keys;
    final SealingMode sealing;
    final int recordType;
    final int frameFlags;
    final boolean batchOfOne;
    final int channelId;
    final int maxFrameLength;
    private final int firstProducerId;
    private final int laneCount;
    private final EpochNanoClock clock;
    private final ChannelCounters counters;
    private final int maxPayloadLength;
    private final AtomicReferenceArray<PublisherLane> lanes;
    private final ThreadLocal<PublisherLane> bound = new ThreadLocal<>();
    private final AtomicBoolean duty = new AtomicBoolean();
    /** What the duty cycle last added to the counters, per lane: frames, bytes, back pressure, unblocks. */
    private final long[] reported;
    private long livenessTimeoutMs = Publisher.DEFAULT_LIVENESS_TIMEOUT_MS;
    private long heartbeatIntervalNs = Publisher.DEFAULT_HEARTBEAT_INTERVAL_MS * NANOS_PER_MILLI;
    private long lastHeartbeatNs = Long.MIN_VALUE / 2;

    private volatile long cachedTimeNs;
    private volatile boolean connected;
    /** {@link #RUNNING}, or the status every offer returns from now on; accessed through {@link #STATUS}. */
    private volatile long status = RUNNING;

    /**
     * A publisher over a many-to-one ring.
     *
     * @param ring            the ring's producer side, which this publisher's lanes share.
     * @param keys            the session's sending keys; its current key seals every lane's frames.
     * @param sealing         the channel's sealing mode: {@link SealingMode#HMAC_PER_FRAME} or
     *                        {@link SealingMode#HMAC_BATCH}.
     * @param channelId       stamped into every frame.
     * @param firstProducerId the first producer id of the session's block of {@link #MAX_LANES}; lane {@code i}
     *                        stamps {@code firstProducerId + i}.
     * @param lanes           how many threads may publish at once, 1 to {@link #MAX_LANES}.
     * @param clock           epoch nanoseconds, read once per {@link #doWork()}.
     * @param counters        this endpoint's counters, written by the duty cycle.
     * @throws IllegalArgumentException for an AEAD channel, a lane count or producer id block out of range, or a ring
     *                                  too small for a frame.
     */
    public ConcurrentPublisher(
        final ManyToOneRing ring,
        final KeyRing keys,
        final SealingMode sealing,
        final int channelId,
        final int firstProducerId,
        final int lanes,
        final EpochNanoClock clock,
        final ChannelCounters counters)
    {
        if (SealingMode.AEAD_PER_FRAME == sealing)
        {
            throw new IllegalArgumentException("a concurrent publisher cannot encrypt: its lanes share a key, and " +
                "AES-GCM's nonce is the key id and the sequence");
        }
        if (lanes < 1 || lanes > MAX_LANES)
        {
            throw new IllegalArgumentException("lanes must be 1 to " + MAX_LANES + ": " + lanes);
        }
        if (firstProducerId < 1 || firstProducerId > Integer.MAX_VALUE - (MAX_LANES - 1))
        {
            throw new IllegalArgumentException("no block of " + MAX_LANES + " producer ids from " + firstProducerId);
        }
        this.ring = ring;
        this.keys = keys;
        this.sealing = sealing;
        this.batchOfOne = SealingMode.HMAC_BATCH == sealing;
        this.recordType = sealing.recordType();
        this.frameFlags = batchOfOne ? FrameDescriptor.FLAG_BATCH : 0;
        this.channelId = channelId;
        this.firstProducerId = firstProducerId;
        this.laneCount = lanes;
        this.clock = clock;
        this.counters = counters;
        this.maxPayloadLength = Math.min(
            FrameDescriptor.MAX_PAYLOAD_LENGTH, ring.maxPayloadLength() - FrameDescriptor.MIN_FRAME_LENGTH);
        if (maxPayloadLength < 0)
        {
            throw new IllegalArgumentException("ring too small for a frame: " + ring.maxPayloadLength());
        }
        this.maxFrameLength = FrameDescriptor.frameLength(maxPayloadLength);
        this.lanes = new AtomicReferenceArray<>(lanes);
        this.reported = new long[4 * lanes];
        this.cachedTimeNs = clock.nanoTime();
    }

    /**
     * Set how old the subscriber's heartbeat may be before offers return {@link ChannelStatus#NOT_CONNECTED}. Before
     * the publisher is shared.
     *
     * @param timeoutMs the timeout in milliseconds.
     * @return this.
     */
    public ConcurrentPublisher livenessTimeoutMs(final long timeoutMs)
    {
        this.livenessTimeoutMs = timeoutMs;
        return this;
    }

    /**
     * Set how often {@link #doWork()} publishes the producer heartbeat. Before the publisher is shared.
     *
     * @param intervalMs the interval in milliseconds.
     * @return this.
     */
    public ConcurrentPublisher heartbeatIntervalMs(final long intervalMs)
    {
        this.heartbeatIntervalNs = intervalMs * NANOS_PER_MILLI;
        return this;
    }

    /**
     * The duty cycle, run by whichever thread wins it: cache the time, publish a heartbeat when due, check the
     * subscriber's, and add up the lanes' counts. A call while another thread runs it returns 0 at once.
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
            final long nowNs = clock.nanoTime();
            cachedTimeNs = nowNs;
            int work = collectCounts();
            if (ChannelStatus.MAPPING_FAULT == status)
            {
                return work;
            }
            try
            {
                if (nowNs - lastHeartbeatNs >= heartbeatIntervalNs)
                {
                    lastHeartbeatNs = nowNs;
                    ring.producerHeartbeat();
                    counters.onHeartbeat();
                    work++;
                }
                final boolean alive = ring.isConsumerAlive(livenessTimeoutMs);
                if (alive != connected)
                {
                    connected = alive;
                }
            }
            catch (final InternalError ex)
            {
                onMappingFault();
            }
            return work;
        }
        finally
        {
            duty.set(false);
        }
    }

    /**
     * Seal and publish a message from the calling thread's lane, binding the thread to a free lane first if it has
     * none.
     *
     * @param buffer    holding the payload.
     * @param offset    of the payload in {@code buffer}.
     * @param length    of the payload.
     * @param msgTypeId the application's message type.
     * @return the new position (positive) or a {@link ChannelStatus} code, with nothing written:
     *         {@link ChannelStatus#NO_LANE} when every lane is bound to a live thread, and otherwise the codes of
     *         {@link Publisher#offer} ({@link ChannelStatus#ADMIN_ACTION} also when a rotation destroyed the key the
     *         frame was stamped with: offer again).
     * @throws IllegalStateException if this thread holds an open claim of this publisher.
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length, final int msgTypeId)
    {
        final PublisherLane lane = lane();
        if (null == lane)
        {
            return ChannelStatus.NO_LANE;
        }
        return lane.offer(buffer, offset, length, msgTypeId);
    }

    /**
     * Claim a frame whose payload the calling thread writes into the claim's buffer (its lane's private frame
     * buffer), then seals and publishes with {@link FrameClaim#commit()} or gives up with {@link FrameClaim#abort()},
     * both from this thread. The ring record is claimed now, so the subscriber waits at it until then: commit
     * promptly. A thread that ends holding the claim leaves the record to the subscriber's unblock.
     *
     * @param length    of the payload.
     * @param msgTypeId the application's message type.
     * @param claim     a reusable claim, one per thread.
     * @return the position the frame will reach (positive) or a {@link ChannelStatus} code, as for {@link #offer}.
     * @throws IllegalStateException if this thread already holds an open claim, or {@code claim} is open.
     */
    public long tryClaim(final int length, final int msgTypeId, final FrameClaim claim)
    {
        final PublisherLane lane = lane();
        if (null == lane)
        {
            return ChannelStatus.NO_LANE;
        }
        return lane.tryClaim(length, msgTypeId, claim);
    }

    /**
     * Give the calling thread's lane back, for a thread that publishes no more (a pool thread going back to other
     * work); its next offer binds a lane again. The lane's sequence carries on with its next owner. Nothing happens
     * for a thread without a lane.
     *
     * @throws IllegalStateException if this thread holds an open claim.
     */
    public void releaseLane()
    {
        final PublisherLane lane = bound.get();
        if (null != lane)
        {
            lane.release();
            bound.remove();
        }
    }

    /**
     * Make a new key current for every lane and say from where in the ring every record carries it: call it from the
     * thread that follows the broker's rotations, then announce the position ({@code KEY_IN_USE}). The previous key
     * is kept, not current, until the key ring prunes it; a lane still sealing with it then retries.
     *
     * @param keyId    the new key's id; not used before in this key ring.
     * @param keyBytes its material, copied and then zeroed.
     * @return the ring position from which every record is sealed with this key or a later one, or
     *         {@link ChannelStatus#MAPPING_FAULT} if the ring's memory faulted.
     * @throws IllegalArgumentException if the key id was used before.
     * @throws IllegalStateException    if the key ring is closed.
     */
    public long switchKey(final int keyId, final byte[] keyBytes)
    {
        // A volatile publication of the key ring's snapshot, then a volatile read of the tail: see the class's
        // description for why no record at or past the tail read here can carry an older key.
        keys.rotateAndZero(keyId, keyBytes, 0);
        try
        {
            return ring.producerPosition();
        }
        catch (final InternalError ex)
        {
            return onMappingFault();
        }
    }

    /**
     * The ring's tail: bytes claimed by every lane since the ring was made.
     *
     * @return the position.
     */
    public long position()
    {
        return ring.producerPosition();
    }

    /**
     * The producer id of the calling thread's lane, without binding one.
     *
     * @return the producer id, or -1 if this thread has no lane.
     */
    public int laneProducerId()
    {
        final PublisherLane lane = bound.get();
        return null == lane ? -1 : lane.producerId;
    }

    /**
     * The sequence the calling thread's next frame will carry, without binding a lane.
     *
     * @return the sequence, or -1 if this thread has no lane.
     */
    public long nextSequence()
    {
        final PublisherLane lane = bound.get();
        return null == lane ? -1 : lane.nextSequence();
    }

    /**
     * How many lanes are bound to a thread that is alive.
     *
     * @return from 0 to {@link #lanes()}.
     */
    public int boundLanes()
    {
        int count = 0;
        for (int i = 0; i < laneCount; i++)
        {
            final PublisherLane lane = lanes.get(i);
            final Thread owner = null == lane ? null : lane.owner();
            if (null != owner && owner.isAlive())
            {
                count++;
            }
        }
        return count;
    }

    /**
     * How many threads may publish at once.
     *
     * @return the lanes, 1 to {@link #MAX_LANES}.
     */
    public int lanes()
    {
        return laneCount;
    }

    /**
     * The first producer id of this publisher's block: lane {@code i} stamps {@code firstProducerId() + i}.
     *
     * @return the producer id.
     */
    public int firstProducerId()
    {
        return firstProducerId;
    }

    /**
     * How the channel's frames are sealed.
     *
     * @return the mode.
     */
    public SealingMode sealing()
    {
        return sealing;
    }

    /**
     * The largest payload one frame may carry on this ring.
     *
     * @return bytes.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * Whether the last {@link #doWork()} saw a live subscriber.
     *
     * @return true if connected.
     */
    public boolean isConnected()
    {
        return connected;
    }

    /**
     * The key id lanes seal with now.
     *
     * @return the key id, or -1 if there is none.
     */
    public int keyId()
    {
        final KeyLookup lookup = new KeyLookup();
        return KeyStatus.ACCEPTED == keys.current(lookup) ? lookup.keyId() : -1;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed.
     */
    public boolean isClosed()
    {
        return ChannelStatus.CLOSED == status;
    }

    /**
     * Whether the ring's shared memory faulted, which stopped this publisher for good.
     *
     * @return true after a {@link ChannelStatus#MAPPING_FAULT}.
     */
    public boolean isFaulted()
    {
        return ChannelStatus.MAPPING_FAULT == status;
    }

    /**
     * Stop publishing, from any thread: from now on offers return {@link ChannelStatus#CLOSED}. Claims already open
     * may still be committed or aborted; see {@link #awaitQuiescence} before unmapping the ring.
     */
    @Override
    public void close()
    {
        status = ChannelStatus.CLOSED;
    }

    /**
     * After {@link #close()}: wait until no live thread is inside an offer or holds a claim, so that the ring may be
     * unmapped, then add up the lanes' last counts. It first waits {@link #CLOSE_LINGER_MS} ms, so that a lane that
     * raised its busy flag just before the close (and may not yet have seen it) is seen busy. A lane whose thread died
     * is not waited for.
     *
     * @param timeoutMs how long to wait at most.
     * @return true if every lane is idle: the ring may go; false if a live thread still holds it after the timeout:
     *         keep the ring mapped (unmapping it would crash that thread's JVM).
     * @throws IllegalStateException if the publisher is not closed.
     */
    public boolean awaitQuiescence(final long timeoutMs)
    {
        if (ChannelStatus.CLOSED != status)
        {
            throw new IllegalStateException("not closed");
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(CLOSE_LINGER_MS));
        while (!isQuiescent())
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        while (!duty.compareAndSet(false, true))
        {
            Thread.onSpinWait();
        }
        try
        {
            collectCounts();
        }
        finally
        {
            duty.set(false);
        }
        return true;
    }

    long admit(final int length)
    {
        final long status = this.status;
        if (RUNNING != status)
        {
            return status;
        }
        if (length < 0 || length > maxPayloadLength)
        {
            return ChannelStatus.MESSAGE_TOO_LARGE;
        }
        if (!connected)
        {
            return ChannelStatus.NOT_CONNECTED;
        }
        return ADMITTED;
    }

    long cachedTimeNs()
    {
        return cachedTimeNs;
    }

    /**
     * The key a lane stamped was destroyed before it sealed (a later rotation pruned it): retry under the current
     * key, unless the publisher stopped or no key is current any more.
     *
     * @param keyCurrent whether the lane's sealer still finds a current key.
     */
    long onSealFailed(final boolean keyCurrent)
    {
        final long status = this.status;
        if (RUNNING != status)
        {
            return status;
        }
        return keyCurrent ? ChannelStatus.ADMIN_ACTION : stop(ChannelStatus.NO_SENDING_KEY);
    }

    long onNoSendingKey()
    {
        final long status = this.status;
        return RUNNING != status ? status : stop(ChannelStatus.NO_SENDING_KEY);
    }

    /**
     * The ring holds values a correct subscriber never writes: stop for good; the lane whose stop wins counts the
     * ring's fault under its name.
     */
    long onRingFault()
    {
        if (STATUS.compareAndSet(this, RUNNING, ChannelStatus.CORRUPT))
        {
            final RejectReason fault = Refusals.of(ring.fault());
            if (fault.isRefusal())
            {
                counters.onRejected(fault);
            }
            return ChannelStatus.CORRUPT;
        }
        return status;
    }

    long onMappingFault()
    {
        // The ring's memory is gone: it overrides any stop but a close, so that nothing touches the ring again.
        while (true)
        {
            final long current = status;
            if (ChannelStatus.CLOSED == current || ChannelStatus.MAPPING_FAULT == current)
            {
                return current;
            }
            if (STATUS.compareAndSet(this, current, ChannelStatus.MAPPING_FAULT))
            {
                connected = false;
                counters.onRejected(RejectReason.MAPPING_FAULT);
                return ChannelStatus.MAPPING_FAULT;
            }
        }
    }

    /**
     * Stop for good with {@code stopStatus}, unless already stopped or closed; every later offer returns the status
     * that won.
     */
    private long stop(final long stopStatus)
    {
        return STATUS.compareAndSet(this, RUNNING, stopStatus) ? stopStatus : status;
    }

    private PublisherLane lane()
    {
        final PublisherLane lane = bound.get();
        return null != lane ? lane : bind();
    }

    /**
     * Bind the calling thread to the first free lane, else to the first whose thread ended (taken over only when no
     * lane is free, so a dead thread's lane is left as it was for as long as possible); null when every lane belongs
     * to a live thread.
     */
    private PublisherLane bind()
    {
        final Thread me = Thread.currentThread();
        for (int pass = 0; pass < 2; pass++)
        {
            final boolean takeOver = 1 == pass;
            for (int i = 0; i < laneCount; i++)
            {
                PublisherLane lane = lanes.get(i);
                if (null == lane)
                {
                    final PublisherLane created = new PublisherLane(this, i, firstProducerId + i);
                    final PublisherLane existing = lanes.compareAndExchange(i, null, created);
                    lane = null == existing ? created : existing;
                }
                if (lane.tryTake(me, takeOver))
                {
                    bound.set(lane);
                    return lane;
                }
            }
        }
        return null;
    }

    private boolean isQuiescent()
    {
        for (int i = 0; i < laneCount; i++)
        {
            final PublisherLane lane = lanes.get(i);
            final Thread owner = null == lane ? null : lane.owner();
            if (null != owner && owner.isAlive() && lane.isBusy())
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Add what the lanes counted since the last call to the counters. Duty holder only.
     */
    private int collectCounts()
    {
        final long[] reported = this.reported;
        long frames = 0;
        long bytes = 0;
        long backPressures = 0;
        long unblocks = 0;
        for (int i = 0; i < laneCount; i++)
        {
            final PublisherLane lane = lanes.get(i);
            if (null == lane)
            {
                continue;
            }
            final int at = 4 * i;
            final long laneFrames = lane.framesOut();
            final long laneBytes = lane.bytesOut();
            final long laneBackPressures = lane.backPressures();
            final long laneUnblocks = lane.unblocks();
            frames += laneFrames - reported[at];
            bytes += laneBytes - reported[at + 1];
            backPressures += laneBackPressures - reported[at + 2];
            unblocks += laneUnblocks - reported[at + 3];
            reported[at] = laneFrames;
            reported[at + 1] = laneBytes;
            reported[at + 2] = laneBackPressures;
            reported[at + 3] = laneUnblocks;
        }
        if (0 == frames && 0 == backPressures && 0 == unblocks)
        {
            return 0;
        }
        counters.onPublished(frames, bytes, backPressures, unblocks);
        return 1;
    }
}
