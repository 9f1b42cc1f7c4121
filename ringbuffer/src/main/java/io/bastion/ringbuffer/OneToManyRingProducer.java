package io.bastion.ringbuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;

import java.util.Objects;

import static io.bastion.ringbuffer.OneToOneRingDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.HEAD_POSITION_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.PRODUCER_HEARTBEAT_OFFSET;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.PRODUCER_TRAILER_LENGTH;
import static io.bastion.ringbuffer.OneToOneRingDescriptor.TAIL_POSITION_OFFSET;
import static io.bastion.ringbuffer.RecordDescriptor.HEADER_LENGTH;

/**
 * The producing side of a fan-out ring: one producer region of the one-to-one layout
 * ({@link OneToOneRingDescriptor}), written once per record, read by up to {@code maxConsumers} consumers, each an
 * unchanged {@link OneToOneRingConsumer} with a consumer region of its own. The producer writes only the producer
 * region and only reads the consumer regions, which may be read-only mappings. The protocol, and why no live consumer
 * ever has an unread record overwritten, is in {@code docs/fan-out-ring.md}.
 * <p>
 * <b>Publishing</b> is the one-to-one protocol ({@code OneToOnePublication}): the payload, then a zero in the next
 * record's header word, then the header with release semantics. The producer leaves {@link RecordDescriptor#ALIGNMENT}
 * bytes free relative to the slowest live head, so that zero is never a record a live consumer has yet to read. With
 * no live consumer it never back-pressures: records go nowhere, as with an Aeron publication nobody subscribes to.
 * <p>
 * <b>Flow control</b> follows the slowest live consumer through one cached limit: the lowest head accepted from a
 * consuming slot plus the policy's window (a lap less one alignment unit, or the lag bound under
 * {@link FanOutPolicy.Mode#EVICT} if smaller). A record that ends within the limit is published after one comparison,
 * whatever the number of consumers. Otherwise the producer re-reads every consuming slot's head (each word once) and:
 * <ul>
 *     <li>judges it by {@code HeadCheck} against the head it accepted before (the join position while the slot is
 *     joining, when a head word of 0 stands for the join position): a misaligned head, one beyond the tail, more than
 *     a lap behind it or behind the head accepted before evicts that slot ({@link EvictionReason#CORRUPT_HEAD}). A
 *     consumer that writes nonsense into its own region hurts only itself: the producer never faults for it;</li>
 *     <li>under {@code EVICT} with a bound below a lap, evicts a slot that the record would leave more than the lag
 *     bound behind ({@link EvictionReason#LAGGED});</li>
 *     <li>if the record still does not fit, evicts the slots holding it back whose heartbeat (or, until their first
 *     beat, attachment) is older than the stall timeout ({@link EvictionReason#STALLED}) and tries once more, else
 *     returns {@link RingStatus#BACK_PRESSURED}. A stopped consumer therefore holds the producer back at most the
 *     stall timeout; under {@link FanOutPolicy.Mode#BLOCK} a live but slow one holds it back for as long as it is
 *     slow.</li>
 * </ul>
 * An evicted slot stops holding the producer back at once; its consumer may then read records the producer has
 * overwritten, which its own checks and the channel's MAC refuse. {@link #pollEvictions} reports each eviction once;
 * the slot stays reserved until {@link #detach(int)}.
 * <p>
 * <b>Joining.</b> {@link #attach} joins a consumer at the current tail, {@link #joinPosition(int)}, which the consumer
 * must be started at ({@link OneToOneRingConsumer}'s {@code startPosition} constructor). The word at that position is
 * the zero the last publication stored (or the zero of a fresh region), so the consumer waits there for the next
 * record. The consumer region must be fresh (its head word 0) or the consumer started already.
 * <p>
 * Not thread safe: one producing thread, which also attaches, detaches and polls evictions. {@code write},
 * {@code tryClaim} and commit allocate nothing, take no lock, log nothing and throw only on caller misuse (a bad
 * length or type id, a second open claim), also when they evict.
 */
public final class OneToManyRingProducer implements RecordProducer, RingClaim.Owner
{
    /** The most consumer slots a producer may have. */
    public static final int MAX_CONSUMERS = 1024;

    /** {@link #attach} found no free slot. */
    public static final int NO_SLOT = -1;

    /** The minimum head of no consuming slot at all. */
    private static final long NO_HEAD = Long.MAX_VALUE;

    private final AtomicBuffer buffer;
    private final EpochClock clock;
    private final FanOutPolicy policy;
    private final int capacity;
    private final int mask;
    private final int maxPayloadLength;
    private final int tailOffset;
    private final int heartbeatOffset;
    private final long maxUnread;
    private final long maxLag;
    private final long window;
    private final long stallTimeoutMs;
    private final FanOutSlot[] slots;
    private final OneToManyProducerState state;

    /**
     * Create or resume the producer of a fan-out ring, with no consumer attached. The tail is read once from the
     * producer region, so a producer can resume a ring it created earlier; a fresh, zeroed region starts at 0.
     *
     * @param producerRegion the records and producer trailer, writable; its length minus
     *                       {@link OneToOneRingDescriptor#PRODUCER_TRAILER_LENGTH} must be a power of two.
     * @param maxConsumers   how many consumer slots, from 1 to {@link #MAX_CONSUMERS}.
     * @param policy         the lag and stall bounds.
     * @param clock          source of the epoch-millisecond heartbeats and attach times.
     * @throws IllegalArgumentException if the region has the wrong size, alignment or a bad tail, or
     *                                  {@code maxConsumers} is out of range.
     * @throws NullPointerException     if the policy or the clock is null.
     */
    public OneToManyRingProducer(
        final AtomicBuffer producerRegion, final int maxConsumers, final FanOutPolicy policy, final EpochClock clock)
    {
        if (maxConsumers < 1 || maxConsumers > MAX_CONSUMERS)
        {
            throw new IllegalArgumentException(
                "maxConsumers must be in [1, " + MAX_CONSUMERS + "]: " + maxConsumers);
        }
        this.capacity = RingCapacity.capacityOf(producerRegion, PRODUCER_TRAILER_LENGTH);
        this.buffer = producerRegion;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.mask = capacity - 1;
        this.maxPayloadLength = RingCapacity.maxPayloadLength(capacity);
        this.tailOffset = capacity + TAIL_POSITION_OFFSET;
        this.heartbeatOffset = capacity + PRODUCER_HEARTBEAT_OFFSET;
        this.maxUnread = capacity - RecordDescriptor.ALIGNMENT;
        this.maxLag = FanOutPolicy.Mode.EVICT == policy.mode() ? policy.effectiveMaxLag(capacity) : Long.MAX_VALUE;
        this.window = Math.min(maxUnread, maxLag);
        this.stallTimeoutMs = policy.stallTimeoutMs();
        this.slots = new FanOutSlot[maxConsumers];
        for (int i = 0; i < maxConsumers; i++)
        {
            slots[i] = new FanOutSlot();
        }
        this.state = new OneToManyProducerState(OneToOnePublication.resumeTail(producerRegion, tailOffset));
    }

    /**
     * Copy a record into the ring and publish it to every live consumer.
     *
     * @param typeId a type id of at least {@link RecordDescriptor#MIN_TYPE_ID}.
     * @param src    the payload's buffer.
     * @param offset of the payload in {@code src}.
     * @param length of the payload, at most {@link #maxPayloadLength()}.
     * @return the new tail position (positive) on success, else {@link RingStatus#BACK_PRESSURED}; never
     *         {@link RingStatus#CORRUPT}.
     * @throws IllegalArgumentException if the type id or length is out of range.
     * @throws IllegalStateException    if a claim is open.
     */
    public long write(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        RecordDescriptor.checkTypeId(typeId);
        RingCapacity.checkPayloadLength(length, maxPayloadLength);
        checkNoOpenClaim();

        final int recordLength = length + HEADER_LENGTH;
        final int recordIndex = reserve(recordLength);
        if (recordIndex < 0)
        {
            return recordIndex;
        }

        buffer.putBytes(recordIndex + HEADER_LENGTH, src, offset, length);
        return publish(recordIndex, RecordDescriptor.header(recordLength, typeId));
    }

    /**
     * Claim space for a record to be written in place, then committed or aborted through the claim. Only one claim
     * may be open at a time.
     *
     * @param typeId a type id of at least {@link RecordDescriptor#MIN_TYPE_ID}.
     * @param length of the payload, at most {@link #maxPayloadLength()}.
     * @param claim  a reusable claim to fill in.
     * @return the tail position the record reaches once committed (positive), else
     *         {@link RingStatus#BACK_PRESSURED}; never {@link RingStatus#CORRUPT}.
     * @throws IllegalArgumentException if the type id or length is out of range.
     * @throws IllegalStateException    if a claim is already open, or {@code claim} is in use.
     */
    public long tryClaim(final int typeId, final int length, final RingClaim claim)
    {
        RecordDescriptor.checkTypeId(typeId);
        RingCapacity.checkPayloadLength(length, maxPayloadLength);
        checkNoOpenClaim();
        if (claim.isActive())
        {
            throw new IllegalStateException("claim object is already open");
        }

        final int recordLength = length + HEADER_LENGTH;
        final int recordIndex = reserve(recordLength);
        if (recordIndex < 0)
        {
            return recordIndex;
        }
        claim.open(this, buffer, recordIndex, recordIndex + HEADER_LENGTH, length, typeId, state.claimTail);
        return state.claimTail;
    }

    /**
     * Publish a claim this producer handed out; {@link RingClaim#commit()} calls it.
     *
     * @param claim the open claim.
     * @return true: a fan-out claim is never taken back.
     * @throws IllegalStateException if the claim is not open on this producer.
     */
    public boolean commit(final RingClaim claim)
    {
        checkOwnClaim(claim);
        final int recordIndex = claim.recordIndex();
        final long header = RecordDescriptor.header(claim.length() + HEADER_LENGTH, claim.typeId());
        claim.close();
        publish(recordIndex, header);
        return true;
    }

    /**
     * Give up a claim this producer handed out; {@link RingClaim#abort()} calls it. Nothing is published, not even
     * the header: the tail stays where it was and the space is reused.
     *
     * @param claim the open claim.
     * @throws IllegalStateException if the claim is not open on this producer.
     */
    public void abort(final RingClaim claim)
    {
        checkOwnClaim(claim);
        state.claimTail = OneToOneProducerState.NO_CLAIM;
        state.paddingIndex = OneToOneProducerState.NO_PADDING;
        claim.close();
    }

    /**
     * Join a consumer at the current tail. Start its {@link OneToOneRingConsumer} at {@link #joinPosition(int)} with
     * the {@code startPosition} constructor. Until the consumer publishes a head, a head word of 0 stands for the join
     * position, and the attach time for its first heartbeat.
     *
     * @param consumerRegion the consumer's region (head and consumer heartbeat), read only by this producer; fresh
     *                       (its head word 0) or already holding a head at or past the join position.
     * @return the consumer's slot, from 0 to {@code maxConsumers - 1}, or {@link #NO_SLOT} when every slot is
     *         taken (evicted slots stay taken until detached).
     * @throws IllegalStateException    if a claim is open: commit or abort it first.
     * @throws IllegalArgumentException if the region is shorter than
     *                                  {@link OneToOneRingDescriptor#CONSUMER_REGION_LENGTH} or misaligned.
     */
    public int attach(final AtomicBuffer consumerRegion)
    {
        checkNoOpenClaim();
        RingCapacity.checkConsumerRegion(consumerRegion);
        final FanOutSlot[] slots = this.slots;
        for (int i = 0; i < slots.length; i++)
        {
            final FanOutSlot slot = slots[i];
            if (FanOutSlot.FREE == slot.state)
            {
                final long tail = state.tail;
                slot.attach(consumerRegion, tail, clock.time());
                state.consumerCount++;
                state.limit = Math.min(state.limit, tail + window);
                return i;
            }
        }
        return NO_SLOT;
    }

    /**
     * The position a slot's consumer must start at: the tail when it was attached.
     *
     * @param slot a slot index.
     * @return the join position, or -1 if the slot is free.
     * @throws IllegalArgumentException if the slot index is out of range.
     */
    public long joinPosition(final int slot)
    {
        return slot(slot).joinPosition;
    }

    /**
     * Free a slot: for a consumer that left or died, or after its eviction was reported. The producer stops reading
     * its region at once. An eviction not yet reported is dropped. Idempotent: a free slot stays free. May be called
     * while a claim is open.
     *
     * @param slot a slot index.
     * @throws IllegalArgumentException if the slot index is out of range.
     */
    public void detach(final int slot)
    {
        final FanOutSlot fanOutSlot = slot(slot);
        final int slotState = fanOutSlot.state;
        if (FanOutSlot.FREE == slotState)
        {
            return;
        }
        if (fanOutSlot.isConsuming())
        {
            state.consumerCount--;
        }
        else if (!fanOutSlot.reported)
        {
            state.unreportedEvictions--;
        }
        fanOutSlot.free();
        state.limit = limitFor(lowestAcceptedHead());
    }

    /**
     * Whether a slot holds a consumer that is attached and not evicted.
     *
     * @param slot a slot index.
     * @return true if the slot's consumer holds the producer back.
     * @throws IllegalArgumentException if the slot index is out of range.
     */
    public boolean isAttached(final int slot)
    {
        return slot(slot).isConsuming();
    }

    /**
     * How many consumers are attached and not evicted.
     *
     * @return the count.
     */
    public int consumerCount()
    {
        return state.consumerCount;
    }

    /**
     * How many consumer slots this producer has.
     *
     * @return {@code maxConsumers} as constructed.
     */
    public int maxConsumers()
    {
        return slots.length;
    }

    /**
     * Report each eviction not reported yet, once, in slot order. The handler runs on this thread and may detach the
     * slot; a slot evicted but not detached stays reserved. Allocation-free.
     *
     * @param handler receives each eviction.
     * @return the number of evictions reported.
     */
    public int pollEvictions(final EvictionHandler handler)
    {
        if (0 == state.unreportedEvictions)
        {
            return 0;
        }
        final FanOutSlot[] slots = this.slots;
        int count = 0;
        for (int i = 0; i < slots.length; i++)
        {
            final FanOutSlot slot = slots[i];
            if (FanOutSlot.EVICTED == slot.state && !slot.reported)
            {
                slot.reported = true;
                state.unreportedEvictions--;
                count++;
                handler.onEviction(i, slot.reason, slot.evictedHead, slot.evictedTail);
            }
        }
        return count;
    }

    /**
     * Evictions since this producer was created, reported or not.
     *
     * @return the count.
     */
    public long evictions()
    {
        return state.evictions;
    }

    /**
     * The last head accepted from a slot, for statistics: the join position until its consumer published a head, and
     * the head it was evicted at once evicted. It lags the consumer's real head, since heads are only read when the
     * producer needs room (or on {@link #checkConsumers()}).
     *
     * @param slot a slot index.
     * @return the position, or -1 if the slot is free.
     * @throws IllegalArgumentException if the slot index is out of range.
     */
    public long consumerPosition(final int slot)
    {
        return slot(slot).head;
    }

    /**
     * Which check a head failed for a slot evicted with {@link EvictionReason#CORRUPT_HEAD}, for the audit log.
     *
     * @param slot a slot index.
     * @return the fault, or {@link RingFault#NONE} for a slot not evicted for a corrupt head.
     * @throws IllegalArgumentException if the slot index is out of range.
     */
    public RingFault evictionFault(final int slot)
    {
        return slot(slot).fault;
    }

    /**
     * Re-read every consuming slot's head now, as a write that needs room does, and judge it against the current
     * tail: a corrupt head is evicted ({@link EvictionReason#CORRUPT_HEAD}). No slot is evicted for a stall, since
     * no record waits, nor for lag, since every write already kept each consuming slot within the bound. For a duty
     * cycle that wants fresh {@link #consumerPosition(int)} figures, or a corrupt head found before the producer needs
     * room; writing never needs it. Allocation-free.
     *
     * @return the number of slots this call evicted.
     */
    public int checkConsumers()
    {
        final long before = state.evictions;
        final long tail = state.tail;
        state.limit = limitFor(scanHeads(tail, tail));
        return (int)(state.evictions - before);
    }

    /**
     * Publish a heartbeat: the clock's time, with release semantics.
     */
    public void producerHeartbeat()
    {
        buffer.putLongRelease(heartbeatOffset, clock.time());
    }

    /**
     * Whether any consumer attached and not evicted published a heartbeat within {@code timeoutMs} of now, its
     * attach time counting as its first heartbeat.
     *
     * @param timeoutMs how old a heartbeat may be.
     * @return true if at least one consumer counts as alive.
     */
    public boolean isConsumerAlive(final long timeoutMs)
    {
        final long nowMs = clock.time();
        for (final FanOutSlot slot : slots)
        {
            if (slot.isConsuming() && isAlive(slot, nowMs, timeoutMs))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Why the producer stopped trusting a consumer region: never, since a head a correct consumer never writes evicts
     * its slot instead ({@link #evictionFault(int)}).
     *
     * @return {@link RingFault#NONE}.
     */
    public RingFault fault()
    {
        return RingFault.NONE;
    }

    /**
     * The capacity of the records.
     *
     * @return capacity in bytes.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * The largest payload a record may carry.
     *
     * @return bytes.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * The producer's tail position: bytes published since the ring was created.
     *
     * @return the position.
     */
    public long position()
    {
        return state.tail;
    }

    /**
     * The policy this producer applies.
     *
     * @return the policy.
     */
    public FanOutPolicy policy()
    {
        return policy;
    }

    private long publish(final int recordIndex, final long header)
    {
        final OneToManyProducerState state = this.state;
        final long newTail = state.claimTail;
        final int paddingIndex = state.paddingIndex;
        state.paddingIndex = OneToOneProducerState.NO_PADDING;
        state.claimTail = OneToOneProducerState.NO_CLAIM;
        state.tail = newTail;
        OneToOnePublication.publish(buffer, capacity, mask, tailOffset, recordIndex, header, newTail, paddingIndex);
        return newTail;
    }

    /**
     * Find room for a record of {@code recordLength} bytes, leaving one alignment unit free after it relative to the
     * slowest live head, and noting where padding goes if the record wraps. One comparison against the cached limit
     * unless the record would pass it. Sets the state's claim tail to the tail once the record is published.
     *
     * @return the record's index, or {@link RingStatus#BACK_PRESSURED}.
     */
    private int reserve(final int recordLength)
    {
        final OneToManyProducerState state = this.state;
        final int capacity = this.capacity;
        final long tail = state.tail;
        final int alignedLength = RecordDescriptor.align(recordLength);
        final int tailIndex = (int)tail & mask;
        final int toEnd = capacity - tailIndex;
        final long newTail = tail + (alignedLength > toEnd ? alignedLength + toEnd : alignedLength);

        if (newTail > state.limit && !makeRoom(tail, newTail))
        {
            return (int)RingStatus.BACK_PRESSURED;
        }

        int recordIndex = tailIndex;
        if (alignedLength > toEnd)
        {
            state.paddingIndex = tailIndex;
            recordIndex = 0;
        }
        state.claimTail = newTail;
        return recordIndex;
    }

    /**
     * The slow path: re-read every consuming head, evict what the policy says to, and set the limit again.
     *
     * @return whether a record ending at {@code newTail} may now be published.
     */
    private boolean makeRoom(final long tail, final long newTail)
    {
        long lowestHead = scanHeads(tail, newTail);
        if (newTail - lowestHead > maxUnread)
        {
            lowestHead = evictStalled(newTail);
        }
        state.limit = limitFor(lowestHead);
        return newTail - lowestHead <= maxUnread;
    }

    /**
     * Read and judge each consuming slot's head once; evict corrupt heads and, under {@code EVICT}, heads more than
     * the lag bound behind {@code newTail}.
     *
     * @return the lowest head accepted from a slot still consuming, or {@link #NO_HEAD}.
     */
    private long scanHeads(final long tail, final long newTail)
    {
        long lowestHead = NO_HEAD;
        for (final FanOutSlot slot : slots)
        {
            if (!slot.isConsuming())
            {
                continue;
            }
            final long head = acceptHead(slot, tail);
            if (head < 0)
            {
                continue;
            }
            if (newTail - head > maxLag)
            {
                evict(slot, EvictionReason.LAGGED, head, newTail);
                continue;
            }
            lowestHead = Math.min(lowestHead, head);
        }
        return lowestHead;
    }

    /**
     * Read a slot's head word once and judge it: while the slot is joining, 0 stands for the join position; any
     * other value must pass {@link HeadCheck} against the head accepted before.
     *
     * @return the accepted head, or -1 after evicting the slot.
     */
    private long acceptHead(final FanOutSlot slot, final long tail)
    {
        final long word = slot.region.getLongVolatile(HEAD_POSITION_OFFSET);
        final long head = FanOutSlot.JOINING == slot.state && 0 == word ? slot.head : word;
        final RingFault fault = HeadCheck.check(head, tail, capacity, slot.head);
        if (RingFault.NONE != fault)
        {
            slot.fault = fault;
            evict(slot, EvictionReason.CORRUPT_HEAD, word, tail);
            return -1;
        }
        if (head == word)
        {
            slot.state = FanOutSlot.LIVE;
        }
        slot.head = head;
        return head;
    }

    /**
     * The record still does not fit: evict the slots holding it back that are stalled.
     *
     * @return the lowest head of the slots still consuming, or {@link #NO_HEAD}.
     */
    private long evictStalled(final long newTail)
    {
        final long nowMs = clock.time();
        long lowestHead = NO_HEAD;
        for (final FanOutSlot slot : slots)
        {
            if (!slot.isConsuming())
            {
                continue;
            }
            final long head = slot.head;
            if (newTail - head > maxUnread && !isAlive(slot, nowMs, stallTimeoutMs))
            {
                evict(slot, EvictionReason.STALLED, head, newTail);
                continue;
            }
            lowestHead = Math.min(lowestHead, head);
        }
        return lowestHead;
    }

    private boolean isAlive(final FanOutSlot slot, final long nowMs, final long timeoutMs)
    {
        return Heartbeats.isAlive(slot.region.getLongVolatile(CONSUMER_HEARTBEAT_OFFSET), nowMs, timeoutMs) ||
            Heartbeats.isAlive(slot.attachTimeMs, nowMs, timeoutMs);
    }

    private void evict(final FanOutSlot slot, final EvictionReason reason, final long head, final long tail)
    {
        slot.evict(reason, head, tail);
        final OneToManyProducerState state = this.state;
        state.consumerCount--;
        state.evictions++;
        state.unreportedEvictions++;
    }

    private long lowestAcceptedHead()
    {
        long lowestHead = NO_HEAD;
        for (final FanOutSlot slot : slots)
        {
            if (slot.isConsuming())
            {
                lowestHead = Math.min(lowestHead, slot.head);
            }
        }
        return lowestHead;
    }

    private long limitFor(final long lowestHead)
    {
        return NO_HEAD == lowestHead ? Long.MAX_VALUE : lowestHead + window;
    }

    private FanOutSlot slot(final int slot)
    {
        if (slot < 0 || slot >= slots.length)
        {
            throw new IllegalArgumentException("slot must be in [0, " + slots.length + "): " + slot);
        }
        return slots[slot];
    }

    private void checkNoOpenClaim()
    {
        if (OneToOneProducerState.NO_CLAIM != state.claimTail)
        {
            throw new IllegalStateException("a claim is open: commit or abort it first");
        }
    }

    private void checkOwnClaim(final RingClaim claim)
    {
        if (claim.owner() != this || OneToOneProducerState.NO_CLAIM == state.claimTail)
        {
            throw new IllegalStateException("claim is not open on this producer");
        }
    }
}
