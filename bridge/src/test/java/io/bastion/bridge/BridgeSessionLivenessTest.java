package io.bastion.bridge;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.bastion.bridge.BridgeRig.TIMEOUT_MS;
import static io.bastion.bridge.BridgeRig.await;
import static io.bastion.bridge.BridgeRig.context;
import static io.bastion.bridge.BridgeRig.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two bridges on 127.0.0.1 whose peers restart, vanish or fall silent: the watchdog's keepalives and session
 * timeouts, and new sessions after a restart.
 */
class BridgeSessionLivenessTest extends BridgeLoopbackFixture
{
    private static final long KEEPALIVE_MS = 50;
    private static final long SESSION_TIMEOUT_MS = 1_500;

    @Test
    void aRestartedInitiatorGetsANewSessionAndTheResponderFollowsIt() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifyingWithChannelKey();
        try (Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)))
        {
            final long first;
            try (Bridge a = Bridge.launch(
                context(temp.resolve("a1"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)))
            {
                BridgeRig.connect(a, b);
                first = a.sessionId();
                send(a, b, producer, new Checker(consumer), 1_000);
            }
            try (Bridge a = Bridge.launch(
                context(temp.resolve("a2"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)))
            {
                // The responder keeps polling; the restarted initiator's handshake arrives there.
                final Checker checker = new Checker(consumer);
                final Thread poller = new Thread(() -> await("new session", () -> b.sessionId() != first,
                    () -> b.receiver().poll(checker, 10)));
                poller.start();
                a.connect(TIMEOUT_MS);
                poller.join(TIMEOUT_MS);
                assertNotEquals(first, a.sessionId());
                assertEquals(a.sessionId(), b.sessionId());
                assertEquals(2, b.counters().handshakes().get());
                send(a, b, producer, checker, 1_000);
                assertNull(checker.error);
                assertEquals(1_000, checker.received);
                assertEquals(0, b.counters().totalRejections());
            }
        }
    }

    /** Short watchdog settings, so that a test sees several timeouts' worth quickly. */
    private static BridgeContext watched(final BridgeContext context)
    {
        return context.keepaliveIntervalMs(KEEPALIVE_MS).sessionTimeoutMs(SESSION_TIMEOUT_MS).handshakeResendMs(200);
    }

    @Test
    void aRestartedResponderIsNoticedAndTheInitiatorHandshakesAgainByItself() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifyingWithChannelKey();
        final BridgeRig.RecordingAudit auditA = new BridgeRig.RecordingAudit();
        try (Bridge a = Bridge.launch(watched(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA,
                portB)).auditSink(auditA));
            Duty dutyA = new Duty(a, IGNORE, producer))
        {
            final long first;
            final Checker before = new Checker(consumer);
            try (Bridge b = Bridge.launch(watched(context(temp.resolve("b1"), BridgeRole.RESPONDER, hostB, hostA,
                    portB, portA)));
                Duty dutyB = new Duty(b, before, null))
            {
                BridgeRig.connect(a, b);
                first = a.sessionId();
                dutyA.start();
                dutyB.start();
                dutyA.send(1_000);
                await("1,000 frames at the first responder", () -> before.received == 1_000 || null != before.error,
                    () -> pause(dutyA, dutyB));
            }
            assertNull(before.error);

            // The responder's host restarts it: a new process, the same identity and endpoint. Nobody calls connect.
            final Checker after = new Checker(consumer, 1_000);
            try (Bridge b = Bridge.launch(watched(context(temp.resolve("b2"), BridgeRole.RESPONDER, hostB, hostA,
                    portB, portA)));
                Duty dutyB = new Duty(b, after, null))
            {
                dutyB.start();
                await("a new session, found by the initiator's duty cycle", () -> a.isConnected() &&
                    a.sessionId() != first && a.sessionId() == b.sessionId(), () -> pause(dutyA, dutyB));
                assertTrue(a.counters().sessionTimeouts().get() >= 1, "the old session timed out");
                assertTrue(a.counters().handshakes().get() >= 2);
                assertTrue(auditA.contains("CHANNEL_CLOSED FAILURE " + b.fingerprint() + " session " +
                    Long.toHexString(first) + " timed out"), auditA.events::toString);

                dutyA.send(1_000);
                await("1,000 more frames at the restarted responder", () -> after.received == 1_000 ||
                    null != after.error, () -> pause(dutyA, dutyB));
                assertNull(after.error);
                assertEquals(1_000, b.counters().framesDelivered().get());
                assertEquals(0, b.counters().sessionTimeouts().get());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BridgeRole.class)
    void aVanishedPeerTimesTheSessionOutAndTheSenderHoldsItsFrames(final BridgeRole vanishing) throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final BridgeRig.RecordingAudit audit = new BridgeRig.RecordingAudit();
        try (Bridge a = Bridge.launch(watched(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA,
                portB)).auditSink(audit));
            Bridge b = Bridge.launch(watched(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB,
                portA)).auditSink(audit)))
        {
            BridgeRig.connect(a, b);
            final long session = a.sessionId();
            final Bridge gone = BridgeRole.INITIATOR == vanishing ? a : b;
            final Bridge survivor = gone == a ? b : a;
            try (Duty goneDuty = new Duty(gone, IGNORE, null);
                Duty survivorDuty = new Duty(survivor, IGNORE, null))
            {
                goneDuty.start();
                survivorDuty.start();
                await("keepalives both ways", () -> a.counters().keepalivesReceived().get() > 0 &&
                    b.counters().keepalivesReceived().get() > 0, () -> pause(goneDuty, survivorDuty));
                goneDuty.close();
                gone.close();
                await("the survivor drops the session", () -> !survivor.isConnected(), () -> pause(survivorDuty));
            }
            assertEquals(0, survivor.sessionId());
            assertTrue(survivor.counters().sessionTimeouts().get() >= 1);
            assertTrue(audit.contains("session " + Long.toHexString(session) + " timed out"), audit.events::toString);
            // Nothing goes into the void: the sender refuses, so a forwarder holds its frames.
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
            assertEquals(BridgeSender.NOT_CONNECTED, survivor.sender().offer(frame, 0, 100));
            assertTrue(survivor.sender().append(frame, 0, 100) > 0);
            assertEquals(BridgeSender.NOT_CONNECTED, survivor.sender().flush());
            assertEquals(1, survivor.sender().pendingFrames(), "the batch waits for the next session");
            assertEquals(1, survivor.counters().handshakes().get(), "no session with nobody");
        }
    }

    @Test
    void anIdleSessionIsKeptAliveByKeepalives() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        // Keepalives leave at most one per interval: this many received span two session timeouts.
        final long keepalives = 2 * SESSION_TIMEOUT_MS / KEEPALIVE_MS;
        try (Bridge a = Bridge.launch(watched(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA,
                portB)));
            Bridge b = Bridge.launch(watched(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB,
                portA)));
            Duty dutyA = new Duty(a, IGNORE, null);
            Duty dutyB = new Duty(b, IGNORE, null))
        {
            BridgeRig.connect(a, b);
            final long session = a.sessionId();
            dutyA.start();
            dutyB.start();
            await(keepalives + " keepalives each way", () -> a.counters().keepalivesReceived().get() >= keepalives &&
                b.counters().keepalivesReceived().get() >= keepalives, () -> pause(dutyA, dutyB));
            assertEquals(session, a.sessionId());
            assertEquals(session, b.sessionId());
            assertTrue(a.isConnected() && b.isConnected());
            assertEquals(0, a.counters().sessionTimeouts().get());
            assertEquals(0, b.counters().sessionTimeouts().get());
            assertEquals(1, a.counters().handshakes().get());
            assertEquals(1, b.counters().handshakes().get());
            assertTrue(a.counters().keepalivesSent().get() >= keepalives);
            assertEquals(0, a.counters().totalRejections());
            assertEquals(0, b.counters().totalRejections());
            assertEquals(0, b.counters().framesDelivered().get(), "a keepalive dispatches nothing");
        }
    }

    @Test
    void theWatchdogSettingsAreChecked()
    {
        assertThrows(IllegalArgumentException.class, () -> context(temp.resolve("a"), BridgeRole.INITIATOR, hostA,
            hostB, 1, 2).keepaliveIntervalMs(0).conclude());
        assertThrows(IllegalArgumentException.class, () -> context(temp.resolve("a"), BridgeRole.INITIATOR, hostA,
            hostB, 1, 2).keepaliveIntervalMs(500).sessionTimeoutMs(500).conclude());
    }

    private static final BridgeFrameHandler IGNORE = (buffer, offset, length, sequence) ->
    {
    };

    /** Between checks of a condition the duty threads make true: a failed duty ends the wait; then park a while. */
    private static void pause(final Duty... duties)
    {
        for (final Duty duty : duties)
        {
            duty.check();
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }

    /**
     * One bridge's duty cycle on a thread of its own, as a host runs it: poll the receiver, the watchdog
     * ({@link Bridge#doWork(long)}), frames to send if any, then a keepalive if the sender was idle
     * ({@link BridgeSender#doWork(long)}). Start it once the bridges have connected (connect polls the receivers);
     * close it before the bridge.
     */
    private static final class Duty implements AutoCloseable
    {
        private final Bridge bridge;
        private final BridgeFrameHandler handler;
        private final SealedFrames producer;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long target;
        private volatile Throwable failure;
        private long next;

        Duty(final Bridge bridge, final BridgeFrameHandler handler, final SealedFrames producer)
        {
            this.bridge = bridge;
            this.handler = handler;
            this.producer = producer;
            this.thread = new Thread(this::run, "duty-" + bridge.fingerprint());
        }

        void start()
        {
            thread.start();
        }

        /** Send {@code count} more frames, in index order, from the duty thread (each one retried until taken). */
        void send(final long count)
        {
            target += count;
        }

        private void run()
        {
            final IdleStrategy idle = new BackoffIdleStrategy(1, 10, 1_000, 100_000);
            try
            {
                while (running)
                {
                    final long now = System.nanoTime();
                    int work = bridge.receiver().poll(handler, 16);
                    work += bridge.doWork(now);
                    while (next < target && work < 64)
                    {
                        final int length = producer.build(next);
                        final long result = bridge.sender().offer(producer.buffer(), 0, length);
                        if (result < 0)
                        {
                            assertTrue(BridgeSender.NOT_CONNECTED == result || BridgeSender.BACK_PRESSURED == result ||
                                BridgeSender.ADMIN_ACTION == result, "offer: " + result);
                            break;
                        }
                        next++;
                        work++;
                    }
                    work += bridge.sender().doWork(now);
                    idle.idle(work);
                }
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
        }

        void check()
        {
            if (null != failure)
            {
                throw new AssertionError("duty cycle failed", failure);
            }
        }

        @Override
        public void close() throws InterruptedException
        {
            running = false;
            if (thread.isAlive())
            {
                thread.join(TIMEOUT_MS);
            }
            check();
        }
    }
}
