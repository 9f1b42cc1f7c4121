package io.bastion.ringbuffer;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Buffers, a fake clock, payload patterns and a recording handler shared by the ring tests.
 */
final class RingTestSupport
{
    private RingTestSupport()
    {
    }

    /**
     * A clock the test moves by hand.
     */
    static final class FakeClock implements EpochClock
    {
        long nowMs;

        FakeClock(final long nowMs)
        {
            this.nowMs = nowMs;
        }

        @Override
        public long time()
        {
            return nowMs;
        }
    }

    /**
     * One record as a handler saw it, copied out of the ring.
     */
    static final class Received
    {
        final int typeId;
        final byte[] payload;

        Received(final int typeId, final byte[] payload)
        {
            this.typeId = typeId;
            this.payload = payload;
        }

        @Override
        public String toString()
        {
            return "type=" + typeId + " length=" + payload.length;
        }
    }

    /**
     * A handler that copies every record it receives and checks it lies inside the records area.
     */
    static final class Recorder implements RecordHandler
    {
        final List<Received> records = new ArrayList<>();
        final int recordsCapacity;
        final int headerLength;

        Recorder(final int recordsCapacity, final int headerLength)
        {
            this.recordsCapacity = recordsCapacity;
            this.headerLength = headerLength;
        }

        @Override
        public void onRecord(final int typeId, final DirectBuffer buffer, final int offset, final int length)
        {
            checkBounds(typeId, offset, length, recordsCapacity, headerLength);
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            records.add(new Received(typeId, bytes));
        }
    }

    static void checkBounds(
        final int typeId, final int offset, final int length, final int recordsCapacity, final int headerLength)
    {
        if (typeId < RecordDescriptor.MIN_TYPE_ID || offset < headerLength || length < 0 ||
            (long)offset + length > recordsCapacity)
        {
            throw new AssertionError("record outside the records area: type=" + typeId + " offset=" + offset +
                " length=" + length + " capacity=" + recordsCapacity);
        }
    }

    static AtomicBuffer newBuffer(final int length)
    {
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(length, 64));
    }

    /**
     * The payload of message {@code seq}: deterministic bytes, different for every message.
     */
    static byte[] payload(final long seq, final int length)
    {
        final byte[] bytes = new byte[length];
        long x = seq * 0x9E3779B97F4A7C15L + length;
        for (int i = 0; i < length; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte)x;
        }
        return bytes;
    }

    static UnsafeBuffer wrap(final byte[] bytes)
    {
        return new UnsafeBuffer(bytes);
    }

    static boolean samePayload(final Received received, final long seq, final int typeId, final int length)
    {
        return received.typeId == typeId && Arrays.equals(received.payload, payload(seq, length));
    }
}
