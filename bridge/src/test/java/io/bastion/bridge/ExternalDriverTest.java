package io.bastion.bridge;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.bastion.bridge.BridgeRig.TIMEOUT_MS;
import static io.bastion.bridge.BridgeRig.await;
import static io.bastion.bridge.BridgeRig.context;
import static io.bastion.bridge.BridgeRig.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bridges on an external media driver ({@link BridgeContext#aeronDirectoryName(String)}), on 127.0.0.1 in one JVM:
 * the test launches the drivers itself, each in a folder of a temporary folder, and closes them (which deletes their
 * folders) at the end. Sealed frames cross and verify with the channel key the bridge carried; a closed bridge leaves
 * its driver running and the driver's folder in place, and a new bridge on that driver takes up the session again.
 */
class ExternalDriverTest extends BridgeLoopbackFixture
{
    private static final int FRAMES = 20_000;
    private static final long DRIVER_TIMEOUT_MS = 10_000;

    @Test
    void framesCrossBetweenTwoExternalDriversAndAClosedBridgeLeavesItsDriverRunning() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final Path aeronA = temp.resolve("driver-a");
        final Path aeronB = temp.resolve("driver-b");
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifying();
        try (MediaDriver driverA = launchDriver(aeronA);
            MediaDriver driverB = launchDriver(aeronB))
        {
            try (Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)
                .aeronDirectoryName(driverB.aeronDirectoryName()).channelKeyHandler(consumer::install)))
            {
                final long first;
                try (Bridge a = Bridge.launch(
                    context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)
                        .aeronDirectoryName(driverA.aeronDirectoryName())))
                {
                    assertEquals(driverA.aeronDirectoryName(), a.aeronDirectoryName());
                    assertNull(a.driverFolder(), "no embedded driver, so no folder of the bridge's own");
                    BridgeRig.connect(a, b);
                    first = a.sessionId();
                    assertEquals(first, b.sessionId());
                    final Checker checker = new Checker(consumer);
                    final byte[] key = SealedFrames.channelKey();
                    await("channel key sent", () -> a.sender().offerChannelKey(
                        SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID, key) > 0, () -> { });
                    await("channel key received", () -> b.counters().channelKeysReceived().get() == 1,
                        () -> b.receiver().poll(checker, 10));
                    send(a, b, producer, checker, FRAMES);

                    assertNull(checker.error);
                    assertEquals(FRAMES, checker.received);
                    assertEquals(FRAMES, b.counters().framesDelivered().get());
                    assertEquals(0, b.counters().totalRejections());
                    assertEquals(0, b.counters().sequenceGaps().get());
                }
                assertDriverRunning(aeronA);
                assertFalse(Files.exists(temp.resolve("a")), "with an external driver the bridge makes no folder");

                // A new initiator on the same driver: a new session, and frames cross again.
                try (Bridge a = Bridge.launch(
                    context(temp.resolve("a2"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)
                        .aeronDirectoryName(aeronA.toString())))
                {
                    final Checker checker = new Checker(consumer);
                    final Thread poller = new Thread(() -> await("new session", () -> b.sessionId() != first,
                        () -> b.receiver().poll(checker, 10)));
                    poller.start();
                    a.connect(TIMEOUT_MS);
                    poller.join(TIMEOUT_MS);
                    assertNotEquals(first, a.sessionId());
                    assertEquals(a.sessionId(), b.sessionId());
                    send(a, b, producer, checker, 1_000);
                    assertNull(checker.error);
                    assertEquals(1_000, checker.received);
                }
            }
            assertDriverRunning(aeronA);
            assertDriverRunning(aeronB);
        }
        finally
        {
            producer.close();
            consumer.close();
        }
        assertFalse(Files.exists(aeronA), "the test's own drivers delete their folders when closed");
        assertFalse(Files.exists(aeronB));
    }

    @Test
    void twoBridgesShareOneExternalDriver() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final Path aeron = temp.resolve("driver");
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifyingWithChannelKey();
        try (MediaDriver driver = launchDriver(aeron))
        {
            try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)
                    .aeronDirectoryName(driver.aeronDirectoryName()));
                Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)
                    .aeronDirectoryName(aeron.toString())))
            {
                BridgeRig.connect(a, b);
                final Checker checker = new Checker(consumer);
                send(a, b, producer, checker, FRAMES);

                assertNull(checker.error);
                assertEquals(FRAMES, checker.received);
                assertEquals(0, b.counters().totalRejections());
            }
            assertDriverRunning(aeron);
        }
        finally
        {
            producer.close();
            consumer.close();
        }
    }

    private static MediaDriver launchDriver(final Path folder)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(folder.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true));
    }

    private static void assertDriverRunning(final Path folder)
    {
        assertTrue(Files.isRegularFile(folder.resolve(CncFileDescriptor.CNC_FILE)),
            folder + ": the driver's folder stays");
        assertTrue(CommonContext.isDriverActive(folder.toFile(), DRIVER_TIMEOUT_MS, (message) -> { }),
            folder + ": the driver keeps running");
    }
}
