package io.bastion.bench;

import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingConsumer;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.ringbuffer.OneToOneRingProducer;
import io.bastion.ringbuffer.RecordHandler;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * One ring under benchmark, Bastion's or Agrona's, behind the same two calls, so every
 * implementation runs the same loop.
 */
public abstract class BenchRing
{
    /** Message type id used by every benchmark record. */
    public static final int TYPE_ID = 1;

    /**
     * Copy a message in.
     *
     * @param src    payload.
     * @param length payload length.
     * @return true if written, false if back pressured.
     */
    public abstract boolean offer(DirectBuffer src, int length);

    /**
     * Read up to {@code limit} messages, summing each one's first long into {@link #checksum}.
     *
     * @param limit most messages to read.
     * @return messages read.
     */
    public abstract int poll(int limit);

    /**
     * Sum of the first long of every message read, so the JIT cannot skip reading payloads. It lives in its own
     * padded object: as a field beside the ring references the producer reads, every consumer update would cost the
     * producer a cache miss, for every implementation alike, and blur the comparison.
     */
    protected final PaddedLong checksum = new PaddedLong();

    /**
     * The checksum of everything read so far.
     *
     * @return the checksum.
     */
    public long checksum()
    {
        return checksum.value;
    }

    /**
     * A payload of {@code size} bytes counting up from 0, the one every ring benchmark offers.
     *
     * @param size bytes.
     * @return the payload.
     */
    public static UnsafeBuffer payload(final int size)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[size]);
        for (int i = 0; i < size; i++)
        {
            payload.putByte(i, (byte)i);
        }
        return payload;
    }

    /**
     * Build a ring by name over files in {@code files}.
     *
     * @param impl     one of {@code bastion-spsc}, {@code agrona-spsc}, {@code bastion-mpsc}, {@code agrona-mpsc}.
     * @param capacity of the records, a power of two.
     * @param files    where to map the ring's files.
     * @return the ring.
     */
    public static BenchRing create(final String impl, final int capacity, final ShmFiles files)
    {
        switch (impl)
        {
            case "bastion-spsc":
                return new BastionOneToOne(capacity, files);
            case "bastion-mpsc":
                return new BastionManyToOne(capacity, files);
            case "agrona-spsc":
                return new AgronaRing(new OneToOneRingBuffer(
                    files.map("agrona-spsc", capacity + RingBufferDescriptor.TRAILER_LENGTH)));
            case "agrona-mpsc":
                return new AgronaRing(new ManyToOneRingBuffer(
                    files.map("agrona-mpsc", capacity + RingBufferDescriptor.TRAILER_LENGTH)));
            default:
                throw new IllegalArgumentException("unknown ring: " + impl);
        }
    }

    static final class BastionOneToOne extends BenchRing implements RecordHandler
    {
        private final OneToOneRingProducer producer;
        private final OneToOneRingConsumer consumer;

        BastionOneToOne(final int capacity, final ShmFiles files)
        {
            final var producerRegion =
                files.map("spsc-producer", OneToOneRingDescriptor.producerRegionLength(capacity));
            final var consumerRegion = files.map("spsc-consumer", OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
            producer = new OneToOneRingProducer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE);
            consumer = new OneToOneRingConsumer(producerRegion, consumerRegion, SystemEpochClock.INSTANCE);
        }

        public boolean offer(final DirectBuffer src, final int length)
        {
            return producer.write(TYPE_ID, src, 0, length) > 0;
        }

        public int poll(final int limit)
        {
            return consumer.read(this, limit);
        }

        public void onRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            checksum.value += buffer.getLong(offset);
        }
    }

    static final class BastionManyToOne extends BenchRing implements RecordHandler
    {
        private final ManyToOneRing ring;

        BastionManyToOne(final int capacity, final ShmFiles files)
        {
            ring = new ManyToOneRing(
                files.map("mpsc", ManyToOneRingDescriptor.regionLength(capacity)), SystemEpochClock.INSTANCE, 10_000);
        }

        public boolean offer(final DirectBuffer src, final int length)
        {
            return ring.write(TYPE_ID, src, 0, length) > 0;
        }

        public int poll(final int limit)
        {
            return ring.read(this, limit);
        }

        public void onRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            checksum.value += buffer.getLong(offset);
        }
    }

    static final class AgronaRing extends BenchRing implements MessageHandler
    {
        private final RingBuffer ring;

        AgronaRing(final RingBuffer ring)
        {
            this.ring = ring;
        }

        public boolean offer(final DirectBuffer src, final int length)
        {
            return ring.write(TYPE_ID, src, 0, length);
        }

        public int poll(final int limit)
        {
            return ring.read(this, limit);
        }

        public void onMessage(
            final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index, final int length)
        {
            checksum.value += buffer.getLong(index);
        }
    }
}
