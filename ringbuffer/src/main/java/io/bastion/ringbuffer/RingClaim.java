package io.bastion.ringbuffer;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A claimed record for zero-copy publishing: write the payload into {@link #buffer()} between
 * {@link #offset()} and {@code offset() + length()}, then {@link #commit()} or {@link #abort()}.
 * <p>
 * Reuse one instance per producing thread: {@code tryClaim} fills it in and commit or abort
 * empties it, so claiming allocates nothing. Not thread safe. A claim must be committed or
 * aborted promptly: a one-to-one producer can hold one claim at a time, and on a many-to-one ring
 * an open claim holds up the consumer (and is unblocked after the ring's timeout).
 */
public final class RingClaim
{
    /** The ring that handed out a claim and completes it. */
    interface Owner
    {
        boolean commit(RingClaim claim);

        void abort(RingClaim claim);
    }

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private Owner owner;
    private int recordIndex;
    private int length;
    private int typeId;
    private long position;
    private long unblockEpoch;

    /**
     * An empty claim, to hand to {@code tryClaim} again and again.
     */
    public RingClaim()
    {
    }

    /**
     * The buffer to write the payload into: a view covering exactly the claimed payload.
     *
     * @return the buffer; only valid until commit or abort.
     */
    public MutableDirectBuffer buffer()
    {
        return view;
    }

    /**
     * Where the payload starts in {@link #buffer()}: always 0, since the view covers only the payload.
     *
     * @return the payload offset.
     */
    public int offset()
    {
        return 0;
    }

    /**
     * The payload length that was claimed.
     *
     * @return the payload length in bytes.
     */
    public int length()
    {
        return length;
    }

    /**
     * Whether this claim is open (claimed and neither committed nor aborted).
     *
     * @return true while open.
     */
    public boolean isActive()
    {
        return null != owner;
    }

    /**
     * Publish the claimed record to the consumer.
     *
     * @return true if published; false only on a many-to-one ring whose consumer unblocked this
     *         claim first (the case a write reports as {@link RingStatus#UNBLOCKED}: the message is lost, send it
     *         again).
     * @throws IllegalStateException if the claim is not open.
     */
    public boolean commit()
    {
        return ownerOrThrow().commit(this);
    }

    /**
     * Give the claimed space up: the consumer skips it.
     *
     * @throws IllegalStateException if the claim is not open.
     */
    public void abort()
    {
        ownerOrThrow().abort(this);
    }

    private Owner ownerOrThrow()
    {
        final Owner owner = this.owner;
        if (null == owner)
        {
            throw new IllegalStateException("no open claim");
        }
        return owner;
    }

    void open(
        final Owner owner,
        final AtomicBuffer ringBuffer,
        final int recordIndex,
        final int payloadIndex,
        final int length,
        final int typeId,
        final long position)
    {
        view.wrap(ringBuffer, payloadIndex, length);
        this.owner = owner;
        this.recordIndex = recordIndex;
        this.length = length;
        this.typeId = typeId;
        this.position = position;
    }

    void close()
    {
        owner = null;
        view.wrap(0, 0);
    }

    Owner owner()
    {
        return owner;
    }

    int recordIndex()
    {
        return recordIndex;
    }

    int typeId()
    {
        return typeId;
    }

    long position()
    {
        return position;
    }

    /**
     * The many-to-one ring's unblock epoch when the claim was made (see {@link ManyToOneRing}).
     */
    long unblockEpoch()
    {
        return unblockEpoch;
    }

    void unblockEpoch(final long epoch)
    {
        this.unblockEpoch = epoch;
    }
}
