package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.FrameWriter;
import io.bastion.ringbuffer.RingClaim;
import io.bastion.ringbuffer.RingStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One lane of a {@link ConcurrentPublisher}: a producer id of the session's block, and what one publishing thread
 * needs to publish under it without sharing anything with the other threads but the ring and the key ring: a private
 * frame buffer and writer, its own sealer (a MAC engine holds state), its own ring claim and its own strict sequence.
 * <p>
 * Threads: the owner thread alone calls {@link #offer}, {@link #tryClaim}, {@link #commitClaim} and
 * {@link #abortClaim}. Ownership moves with {@link #tryTake} and {@link #release()}: a compare-and-set of
 * {@link #owner}, which orders everything the previous owner wrote before everything the next one reads (through the
 * release store of {@link #release()}, or, for an owner that died, through {@link Thread#isAlive()} returning false).
 * The counters and the busy flag are written by the owner with release stores and read by other threads (the duty
 * cycle, {@link ConcurrentPublisher#close()}) with acquire loads.
 * <p>
 * Created lazily, by the first thread that binds to it, so that its objects sit in that thread's allocation buffer,
 * apart from the other lanes' hot fields.
 */
final class PublisherLane
{
    private static final VarHandle OWNER;
    private static final VarHandle BUSY;
    private static final VarHandle FRAMES_OUT;
    private static final VarHandle BYTES_OUT;
    private static final VarHandle BACK_PRESSURES;
    private static final VarHandle UNBLOCKS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            OWNER = lookup.findVarHandle(PublisherLane.class, "owner", Thread.class);
            BUSY = lookup.findVarHandle(PublisherLane.class, "busy", int.class);
            FRAMES_OUT = lookup.findVarHandle(PublisherLane.class, "framesOut", long.class);
            BYTES_OUT = lookup.findVarHandle(PublisherLane.class, "bytesOut", long.class);
            BACK_PRESSURES = lookup.findVarHandle(PublisherLane.class, "backPressures", long.class);
            UNBLOCKS = lookup.findVarHandle(PublisherLane.class, "unblocks", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    final int index;
    final int producerId;
    private final ConcurrentPublisher publisher;

    private FrameWriter writer;
    private UnsafeBuffer frameBuffer;
    private RingClaim ringClaim;
    private FrameSealer sealer;
    private long nextSequence = Publisher.FIRST_SEQUENCE;
    private boolean claimOpen;

    /** The thread that owns the lane, or null when free; accessed through {@link #OWNER}. */
    private volatile Thread owner;
    /** 1 while the owner may touch the ring (inside an offer, or holding a claim); read through {@link #BUSY}. */
    private int busy;
    private long framesOut;
    private long bytesOut;
    private long backPressures;
    private long unblocks;

    PublisherLane(final ConcurrentPublisher publisher, final int index, final int producerId)
    {
        this.publisher = publisher;
        this.index = index;
        this.producerId = producerId;
    }

    /**
     * Take this lane for {@code taker} if it is free, or, when {@code takeOver}, if its owner ended: a lane whose
     * thread died, even holding a claim, is taken over, the claim left to the ring's unblock, and its sequence moves
     * on by one, since the dead thread may have published its last frame without counting it.
     *
     * @param taker    the calling thread.
     * @param takeOver whether a lane whose thread ended may be taken over.
     * @return true if the lane is now {@code taker}'s.
     */
    boolean tryTake(final Thread taker, final boolean takeOver)
    {
        final Thread current = owner;
        if (null == current)
        {
            if (OWNER.compareAndSet(this, null, taker))
            {
                prepare();
                return true;
            }
            return false;
        }
        if (current == taker)
        {
            return true;
        }
        if (takeOver && !current.isAlive() && OWNER.compareAndSet(this, current, taker))
        {
            prepare();
            if (ringClaim.isActive())
            {
                // The dead thread's record stays claimed in the ring until the subscriber unblocks it.
                ringClaim = new RingClaim();
            }
            claimOpen = false;
            nextSequence++;
            BUSY.setRelease(this, 0);
            return true;
        }
        return false;
    }

    /**
     * Give the lane up; the next owner carries on with its sequence.
     *
     * @throws IllegalStateException if a claim is open.
     */
    void release()
    {
        if (claimOpen)
        {
            throw new IllegalStateException("a frame claim is open");
        }
        OWNER.setRelease(this, null);
    }

    Thread owner()
    {
        return owner;
    }

    boolean isBusy()
    {
        return 0 != (int)BUSY.getAcquire(this);
    }

    long framesOut()
    {
        return (long)FRAMES_OUT.getAcquire(this);
    }

    long bytesOut()
    {
        return (long)BYTES_OUT.getAcquire(this);
    }

    long backPressures()
    {
        return (long)BACK_PRESSURES.getAcquire(this);
    }

    long unblocks()
    {
        return (long)UNBLOCKS.getAcquire(this);
    }

    /**
     * The sequence the lane's next frame will carry. Owner thread.
     *
     * @return the sequence.
     */
    long nextSequence()
    {
        return nextSequence;
    }

    long offer(final DirectBuffer buffer, final int offset, final int length, final int msgTypeId)
    {
        checkNoClaim();
        // Before the publisher's state is read: close() waits for a lane it sees busy before it lets the ring go.
        busy = 1;
        try
        {
            final long position = claimFrame(length, msgTypeId);
            if (position < 0)
            {
                return position;
            }
            writer.putPayload(buffer, offset);
            return sealAndCommit(position);
        }
        finally
        {
            BUSY.setRelease(this, 0);
        }
    }

    long tryClaim(final int length, final int msgTypeId, final FrameClaim claim)
    {
        checkNoClaim();
        if (claim.isOpen())
        {
            throw new IllegalStateException("claim object is already open");
        }
        busy = 1;
        final long position;
        try
        {
            position = claimFrame(length, msgTypeId);
        }
        catch (final RuntimeException | Error ex)
        {
            BUSY.setRelease(this, 0);
            throw ex;
        }
        if (position < 0)
        {
            BUSY.setRelease(this, 0);
            return position;
        }
        // The lane stays busy until the claim is committed or aborted: the ring record is this thread's until then.
        claimOpen = true;
        claim.open(this, frameBuffer, writer.payloadOffset(), length, position);
        return position;
    }

    long commitClaim(final long position)
    {
        checkOwner();
        claimOpen = false;
        try
        {
            return sealAndCommit(position);
        }
        finally
        {
            BUSY.setRelease(this, 0);
        }
    }

    void abortClaim()
    {
        checkOwner();
        claimOpen = false;
        try
        {
            ringClaim.abort();
        }
        catch (final InternalError ex)
        {
            publisher.onMappingFault();
        }
        finally
        {
            BUSY.setRelease(this, 0);
        }
    }

    /**
     * The checks every offer passes, the ring claim, then the key and the header. The key is chosen after the claim,
     * never before: that order is what lets {@link ConcurrentPublisher#switchKey} name a position from which every
     * record carries the new key (see {@link ConcurrentPublisher}).
     */
    private long claimFrame(final int length, final int msgTypeId)
    {
        final ConcurrentPublisher publisher = this.publisher;
        final long admitted = publisher.admit(length);
        if (ConcurrentPublisher.ADMITTED != admitted)
        {
            return admitted;
        }
        final int frameLength = FrameDescriptor.frameLength(length);
        final long position;
        try
        {
            position = publisher.ring.tryClaim(publisher.recordType, frameLength, ringClaim);
        }
        catch (final InternalError ex)
        {
            return publisher.onMappingFault();
        }
        if (position < 0)
        {
            return onRingStatus(position);
        }
        final int keyId = sealer.sendingKeyId();
        if (keyId < 0)
        {
            abortRingClaim();
            return publisher.onNoSendingKey();
        }
        final FrameWriter writer = this.writer;
        writer.wrap(frameBuffer, 0, frameLength, length);
        writer.channelId(publisher.channelId)
            .producerId(producerId)
            .keyId(keyId)
            .sequence(nextSequence)
            .timestamp(publisher.cachedTimeNs())
            .messageTypeId(msgTypeId)
            .flags(publisher.frameFlags);
        return position;
    }

    private long sealAndCommit(final long position)
    {
        final int frameLength = writer.frameLength();
        final UnsafeBuffer frame = frameBuffer;
        final RingClaim ringClaim = this.ringClaim;
        try
        {
            final boolean sealed = publisher.batchOfOne ?
                sealer.sealBatch(frame, 0, frameLength) : sealer.seal(frame, 0, frameLength);
            if (!sealed)
            {
                ringClaim.abort();
                return publisher.onSealFailed(sealer.sendingKeyId() >= 0);
            }
            ringClaim.buffer().putBytes(ringClaim.offset(), frame, 0, frameLength);
            if (!ringClaim.commit())
            {
                // The subscriber unblocked the claim (this thread stalled past the ring's timeout): try again; the
                // frame was never read, so the next one takes the same sequence.
                UNBLOCKS.setRelease(this, unblocks + 1);
                return ChannelStatus.ADMIN_ACTION;
            }
        }
        catch (final InternalError ex)
        {
            return publisher.onMappingFault();
        }
        nextSequence++;
        FRAMES_OUT.setRelease(this, framesOut + 1);
        BYTES_OUT.setRelease(this, bytesOut + frameLength);
        return position;
    }

    private long onRingStatus(final long status)
    {
        if (RingStatus.BACK_PRESSURED == status)
        {
            BACK_PRESSURES.setRelease(this, backPressures + 1);
            return ChannelStatus.BACK_PRESSURED;
        }
        if (RingStatus.UNBLOCKED == status)
        {
            UNBLOCKS.setRelease(this, unblocks + 1);
            return ChannelStatus.ADMIN_ACTION;
        }
        return publisher.onRingFault();
    }

    private void abortRingClaim()
    {
        try
        {
            ringClaim.abort();
        }
        catch (final InternalError ex)
        {
            publisher.onMappingFault();
        }
    }

    /**
     * Make the lane's private objects, the first time a thread binds to it; a later owner reuses them.
     */
    private void prepare()
    {
        if (null == writer)
        {
            writer = new FrameWriter();
            // A heap array: the MAC then reads the frame straight from it.
            frameBuffer = new UnsafeBuffer(new byte[publisher.maxFrameLength]);
            ringClaim = new RingClaim();
            sealer = publisher.sealing.newSealer(publisher.keys);
        }
    }

    private void checkNoClaim()
    {
        if (claimOpen)
        {
            throw new IllegalStateException("a frame claim is open");
        }
    }

    void checkOwner()
    {
        if (Thread.currentThread() != owner)
        {
            throw new IllegalStateException("a claim is committed or aborted by the thread that made it");
        }
    }
}
