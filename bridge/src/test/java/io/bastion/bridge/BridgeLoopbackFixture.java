package io.bastion.bridge;

import io.bastion.security.token.IssuerKeys;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;

import static io.bastion.bridge.BridgeRig.TIMEOUT_MS;
import static io.bastion.bridge.BridgeRig.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the tests of two bridges on 127.0.0.1 in one JVM, each with its own embedded media driver, share: a folder,
 * two host identities, a checking frame handler and a sending loop.
 */
abstract class BridgeLoopbackFixture
{
    @TempDir
    Path temp;

    final KeyPair hostA = IssuerKeys.generate();
    final KeyPair hostB = IssuerKeys.generate();

    /**
     * Receives frames and checks each against the frame the producer sealed at that index (the first at
     * {@code firstIndex}). Written by one thread; the counts may be read from another.
     */
    static final class Checker implements BridgeFrameHandler
    {
        private final SealedFrames frames;
        private final long firstIndex;
        /** Frames of one DATA_BATCH datagram share its bridge sequence. */
        boolean batched;
        volatile long received;
        long lastSequence = -1;
        volatile String error;

        Checker(final SealedFrames frames)
        {
            this(frames, 0);
        }

        Checker(final SealedFrames frames, final long firstIndex)
        {
            this.frames = frames;
            this.firstIndex = firstIndex;
        }

        @Override
        public void onFrame(final DirectBuffer buffer, final int offset, final int length, final long sequence)
        {
            final String problem = frames.check(buffer, offset, length, firstIndex + received);
            if (null != problem && null == error)
            {
                error = problem;
            }
            if ((batched ? sequence < lastSequence : sequence <= lastSequence) && null == error)
            {
                error = "bridge sequence went back: " + sequence + " after " + lastSequence;
            }
            lastSequence = sequence;
            received++;
        }
    }

    /** Send {@code count} frames from a to b, polling b in between and at the end until all have arrived. */
    static void send(
        final Bridge a, final Bridge b, final SealedFrames producer, final Checker checker, final long count)
    {
        final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
        final long start = checker.received;
        for (long i = start; i < start + count; i++)
        {
            final int length = producer.build(i);
            long result;
            while ((result = a.sender().offer(producer.buffer(), 0, length)) < 0)
            {
                assertTrue(BridgeSender.BACK_PRESSURED == result || BridgeSender.ADMIN_ACTION == result,
                    "offer: " + result);
                if (0 == b.receiver().poll(checker, 64))
                {
                    Thread.yield();
                }
                assertTrue(System.nanoTime() - deadline < 0, "timed out sending");
            }
            b.receiver().poll(checker, 16);
        }
        await("every frame received", () -> checker.received == start + count || null != checker.error,
            () -> b.receiver().poll(checker, 256));
    }
}
