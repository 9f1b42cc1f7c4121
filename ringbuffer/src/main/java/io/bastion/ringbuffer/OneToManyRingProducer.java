package io.bastion.ringbuffer;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;

/** STUB: replaced by the fanring branch. */
public final class OneToManyRingProducer implements RecordProducer, RingClaim.Owner
{
    /**
     * Stub.
     *
     * @param producerRegion p.
     * @param maxConsumers m.
     * @param policy p.
     * @param clock c.
     */
    public OneToManyRingProducer(
        final AtomicBuffer producerRegion, final int maxConsumers, final FanOutPolicy policy, final EpochClock clock)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param consumerRegion x.
     * @return x.
     */
    public int attach(final AtomicBuffer consumerRegion)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param slot x.
     * @return x.
     */
    public long joinPosition(final int slot)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param slot x.
     */
    public void detach(final int slot)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param slot x.
     * @return x.
     */
    public boolean isAttached(final int slot)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @return x.
     */
    public int consumerCount()
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param handler x.
     * @return x.
     */
    public int pollEvictions(final EvictionHandler handler)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @return x.
     */
    public long evictions()
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param slot x.
     * @return x.
     */
    public long consumerPosition(final int slot)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param typeId x.
     * @param src x.
     * @param offset x.
     * @param length x.
     * @return x.
     */
    public long write(final int typeId, final DirectBuffer src, final int offset, final int length)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param typeId x.
     * @param length x.
     * @param claim x.
     * @return x.
     */
    public long tryClaim(final int typeId, final int length, final RingClaim claim)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param claim x.
     * @return x.
     */
    public boolean commit(final RingClaim claim)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param claim x.
     */
    public void abort(final RingClaim claim)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     */
    public void producerHeartbeat()
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @param timeoutMs x.
     * @return x.
     */
    public boolean isConsumerAlive(final long timeoutMs)
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @return x.
     */
    public int maxPayloadLength()
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @return x.
     */
    public int capacity()
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @return x.
     */
    public long position()
    {
        throw new UnsupportedOperationException();
    }

    /**
     * Stub.
     * @return x.
     */
    public RingFault fault()
    {
        throw new UnsupportedOperationException();
    }
}
