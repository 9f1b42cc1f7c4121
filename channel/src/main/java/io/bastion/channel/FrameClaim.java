package io.bastion.channel;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A claimed frame: write the payload into {@link #buffer()} between {@link #offset()} and
 * {@code offset() + length()}, then {@link #commit()} (which seals it and copies it into the ring) or
 * {@link #abort()}. The buffer is the publisher's private frame buffer, never the ring's shared memory: what another
 * process writes into the ring meanwhile cannot become part of what gets sealed. Reuse one instance per publishing
 * thread; not thread safe. A claim of a {@link ConcurrentPublisher} is committed or aborted by the thread that made
 * it: the buffer is that thread's lane's.
 */
public final class FrameClaim
{
    private final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    private Publisher publisher;
    private PublisherLane lane;
    private long position;

    /**
     * An empty claim, filled by {@link Publisher#tryClaim}.
     */
    public FrameClaim()
    {
    }

    /**
     * The buffer to write the payload into: a view over exactly the claimed payload, in the publisher's private memory.
     *
     * @return the buffer, valid until commit or abort.
     */
    public MutableDirectBuffer buffer()
    {
        return payload;
    }

    /**
     * Where the payload starts in {@link #buffer()}: always 0.
     *
     * @return the offset.
     */
    public int offset()
    {
        return 0;
    }

    /**
     * The payload length claimed.
     *
     * @return bytes.
     */
    public int length()
    {
        return payload.capacity();
    }

    /**
     * Seal and publish the frame.
     *
     * @return the new position (positive) or a {@link ChannelStatus} code.
     * @throws IllegalStateException if no claim is open, or (a {@link ConcurrentPublisher}'s claim) if called from
     *                               another thread than the one that claimed.
     */
    public long commit()
    {
        final PublisherLane lane = this.lane;
        if (null != lane)
        {
            // Another thread's call is refused before the claim is let go: its owner can still commit or abort it.
            lane.checkOwner();
            this.lane = null;
            return lane.commitClaim(position);
        }
        final Publisher publisher = publisherOrThrow();
        this.publisher = null;
        return publisher.commitClaim(position);
    }

    /**
     * Give the claimed frame up: the subscriber skips it.
     *
     * @throws IllegalStateException if no claim is open, or (a {@link ConcurrentPublisher}'s claim) if called from
     *                               another thread than the one that claimed.
     */
    public void abort()
    {
        final PublisherLane lane = this.lane;
        if (null != lane)
        {
            lane.checkOwner();
            this.lane = null;
            lane.abortClaim();
            return;
        }
        final Publisher publisher = publisherOrThrow();
        this.publisher = null;
        publisher.abortClaim();
    }

    void open(
        final Publisher publisher,
        final MutableDirectBuffer frameBuffer,
        final int payloadOffset,
        final int length,
        final long position)
    {
        payload.wrap(frameBuffer, payloadOffset, length);
        this.publisher = publisher;
        this.position = position;
    }

    void open(
        final PublisherLane lane,
        final MutableDirectBuffer frameBuffer,
        final int payloadOffset,
        final int length,
        final long position)
    {
        payload.wrap(frameBuffer, payloadOffset, length);
        this.lane = lane;
        this.position = position;
    }

    boolean isOpen()
    {
        return null != publisher || null != lane;
    }

    private Publisher publisherOrThrow()
    {
        if (null == publisher)
        {
            throw new IllegalStateException("no open claim");
        }
        return publisher;
    }
}
