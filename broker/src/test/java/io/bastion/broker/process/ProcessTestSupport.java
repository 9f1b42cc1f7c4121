package io.bastion.broker.process;

import io.bastion.channel.process.Wire;
import io.bastion.client.PublisherClient;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the cross-process tests of the broker share: waiting for a condition, offering the {@link Wire} frame of a
 * sequence, and reading an audit folder back.
 */
final class ProcessTestSupport
{
    private ProcessTestSupport()
    {
    }

    static void await(final BooleanSupplier condition, final String what, final long deadlineMs)
    {
        final long deadline = System.currentTimeMillis() + deadlineMs;
        while (!condition.getAsBoolean())
        {
            if (System.currentTimeMillis() > deadline)
            {
                fail("timed out waiting for " + what);
            }
            Thread.yield();
        }
    }

    /**
     * Offer the frame of {@code sequence[0]}, and move on to the next sequence if it was taken.
     */
    static long offer(final PublisherClient publisher, final UnsafeBuffer payload, final long[] sequence)
    {
        final int length = Wire.length(sequence[0]);
        Wire.fill(payload, 0, sequence[0], length);
        final long result = publisher.offer(payload, 0, length, Wire.messageType(sequence[0]));
        if (result > 0)
        {
            sequence[0]++;
        }
        return result;
    }
}
