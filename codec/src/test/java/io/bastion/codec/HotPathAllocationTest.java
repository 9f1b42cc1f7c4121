package io.bastion.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Encode, validate and read allocate nothing: the bytes this thread allocates over many frames stay below what a
 * single allocation per frame would cost. Counts bytes, not time.
 */
class HotPathAllocationTest
{
    private static final int FRAMES = 200_000;

    @Test
    void encodeValidateAndReadAllocateNothing()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer view = new UnsafeBuffer(0, 0);
        final FrameWriter writer = new FrameWriter();
        final FrameReader reader = new FrameReader();
        final ControlMessageValidator control = ControlMessageValidator.strict();

        long sum = run(writer, reader, control, buffer, payload, out, view);
        final long before = threads.getCurrentThreadAllocatedBytes();
        sum += run(writer, reader, control, buffer, payload, out, view);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(allocated < FRAMES / 4, "allocated " + allocated + " bytes over " + FRAMES + " frames");
        assertEquals(0, sum);
    }

    private static long run(
        final FrameWriter writer,
        final FrameReader reader,
        final ControlMessageValidator control,
        final UnsafeBuffer buffer,
        final UnsafeBuffer payload,
        final UnsafeBuffer out,
        final UnsafeBuffer view)
    {
        long failures = 0;
        for (int i = 0; i < FRAMES; i++)
        {
            final int length = writer.wrap(buffer, 64, 4000, 256);
            writer.channelId(1).producerId(2).keyId(3).sequence(i).timestamp(i).messageTypeId(4).flags(5)
                .putPayload(payload, 0).putTag(payload, 0);
            failures += reader.wrapValidated(buffer, 64, length).code();
            failures += reader.sequence() == i ? 0 : 1;
            reader.getPayload(out, 0);
            reader.wrapPayload(view);
            final RejectReason trailing = reader.validator().validate(buffer, 64, length + 1);
            failures += trailing == RejectReason.TRAILING_BYTES ? 0 : 1;
            failures += reader.wrapValidated(buffer, 64, 10).isStructural() ? 0 : 1;
            failures += control.validate(buffer, 64, length) == RejectReason.UNKNOWN_TEMPLATE ? 0 : 1;
        }
        return failures;
    }
}
