package io.bastion.bridge;

import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.security.token.IssuerKeys;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.bastion.bridge.BridgeRig.TIMEOUT_MS;
import static io.bastion.bridge.BridgeRig.await;
import static io.bastion.bridge.BridgeRig.context;
import static io.bastion.bridge.BridgeRig.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two bridges, each with its own embedded media driver, on 127.0.0.1 in one JVM.
 */
class BridgeLoopbackTest
{
    private static final int MILLION = 1_000_000;
    private static final long KEEPALIVE_MS = 50;
    private static final long SESSION_TIMEOUT_MS = 1_500;

    @TempDir
    Path temp;

    private final KeyPair hostA = IssuerKeys.generate();
    private final KeyPair hostB = IssuerKeys.generate();

    /**
     * Receives frames and checks each against the frame the producer sealed at that index (the first at
     * {@code firstIndex}). Written by one thread; the counts may be read from another.
     */
    private static final class Checker implements BridgeFrameHandler
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

    @Test
    void embeddedDriverFolderIsOwnerOnlyAndRemovedOnClose() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final Path folder;
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)))
        {
            folder = a.driverFolder();
            assertTrue(Files.isDirectory(folder));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
            assertTrue(a.aeronDirectoryName().startsWith(folder.toString()));
            assertFalse(a.isConnected());
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[100]);
            assertEquals(BridgeSender.NOT_CONNECTED, a.sender().offer(frame, 0, 100));
        }
        assertFalse(Files.exists(folder));
    }

    @Test
    void millionSealedFramesArriveByteExactAndVerifyWithTheWrappedChannelKey() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifying();
        final BridgeRig.RecordingAudit auditA = new BridgeRig.RecordingAudit();
        final BridgeRig.RecordingAudit auditB = new BridgeRig.RecordingAudit();
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)
                .auditSink(auditA));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)
                .auditSink(auditB).channelKeyHandler(consumer::install)))
        {
            BridgeRig.connect(a, b);
            assertEquals(a.sessionId(), b.sessionId());
            assertNotEquals(0, a.sessionId());
            assertTrue(auditA.contains("HANDSHAKE SUCCESS " + b.fingerprint()));
            assertTrue(auditB.contains("HANDSHAKE SUCCESS " + a.fingerprint()));

            final Checker checker = new Checker(consumer);
            final byte[] key = SealedFrames.channelKey();
            await("channel key sent", () -> a.sender().offerChannelKey(
                SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID, key) > 0, () -> { });
            await("channel key received", () -> b.counters().channelKeysReceived().get() == 1,
                () -> b.receiver().poll(checker, 10));

            send(a, b, producer, checker, MILLION);

            assertNull(checker.error);
            assertEquals(MILLION, checker.received);
            assertEquals(MILLION, b.counters().framesDelivered().get());
            assertEquals(0, b.counters().totalRejections());
            assertEquals(0, b.counters().sequenceGaps().get());
            assertEquals(0, b.counters().lateArrivals().get());
            assertEquals(MILLION, a.counters().framesOut().get());
            assertEquals(0, a.counters().sequencesBurned().get());
        }
    }

    /** Send {@code count} frames from a to b, polling b in between and at the end until all have arrived. */
    private static void send(
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

    @Test
    void appendedFramesShareDatagramsAndEveryOneArrivesVerified() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final int frames = 200_000;
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifying();
        consumer.install(SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID,
            SealedFrames.channelKey());
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)))
        {
            BridgeRig.connect(a, b);
            final Checker checker = new Checker(consumer);
            checker.batched = true;
            final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
            for (long i = 0; i < frames; i++)
            {
                final int length = producer.build(i);
                long result;
                while ((result = a.sender().append(producer.buffer(), 0, length)) < 0)
                {
                    assertTrue(BridgeSender.BACK_PRESSURED == result || BridgeSender.ADMIN_ACTION == result,
                        "append: " + result);
                    b.receiver().poll(checker, 64);
                    assertTrue(System.nanoTime() - deadline < 0, "timed out sending");
                }
                if (i % 50 == 49)
                {
                    await("flushed", () -> a.sender().flush() >= 0, () -> b.receiver().poll(checker, 64));
                    b.receiver().poll(checker, 64);
                }
            }
            await("flushed", () -> a.sender().flush() >= 0, () -> b.receiver().poll(checker, 64));
            assertEquals(0, a.sender().pendingFrames());
            await("every frame received", () -> checker.received == frames || null != checker.error,
                () -> b.receiver().poll(checker, 256));

            assertNull(checker.error);
            assertEquals(frames, checker.received);
            assertEquals(frames, b.counters().framesDelivered().get());
            assertEquals(frames, a.counters().framesOut().get());
            assertEquals(0, b.counters().totalRejections());
            // A 64-byte payload's frame is 140 bytes: several go in one datagram, so one seal and one open cover them.
            final long datagrams = b.counters().datagramsIn().get();
            assertTrue(datagrams * 4 <= frames, datagrams + " datagrams for " + frames + " frames");
        }
    }

    @Test
    void batchesLongerThanOneDatagramAreFragmentedReassembledAndFillEveryDatagram() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final int frames = 120_000;
        final int payload = 256;
        final int maxBatch = 16 * 1024;
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey(), payload);
        final SealedFrames consumer = SealedFrames.verifying(payload);
        consumer.install(SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID,
            SealedFrames.channelKey());
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)
                .maxBatchLength(maxBatch));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)
                .maxBatchLength(maxBatch)))
        {
            BridgeRig.connect(a, b);
            assertEquals(maxBatch, a.sender().maxBatchLength());
            final Checker checker = new Checker(consumer);
            checker.batched = true;
            // Every Aeron fragment b reads from here on is one UDP datagram of the session's data.
            final long[] fragments = new long[1];
            final Runnable poll = () -> fragments[0] += b.receiver().poll(checker, 64);
            final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
            int frameLength = 0;
            for (long i = 0; i < frames; i++)
            {
                frameLength = producer.build(i);
                long result;
                while ((result = a.sender().append(producer.buffer(), 0, frameLength)) < 0)
                {
                    assertTrue(BridgeSender.BACK_PRESSURED == result || BridgeSender.ADMIN_ACTION == result,
                        "append: " + result);
                    poll.run();
                    assertTrue(System.nanoTime() - deadline < 0, "timed out sending");
                }
                // A duty cycle's worth (as the forwarder flushes at the end of each), then flushed.
                if (i % 128 == 127)
                {
                    await("flushed", () -> a.sender().flush() >= 0, poll);
                    poll.run();
                }
            }
            await("flushed", () -> a.sender().flush() >= 0, poll);
            assertEquals(0, a.sender().pendingFrames());
            await("every frame received", () -> checker.received == frames || null != checker.error, poll);

            assertNull(checker.error);
            assertEquals(frames, checker.received);
            assertEquals(frames, b.counters().framesDelivered().get());
            assertEquals(frames, a.counters().framesOut().get());
            assertEquals(0, b.counters().totalRejections());
            assertEquals(0, a.counters().sequencesBurned().get());
            assertEquals(0, b.counters().sequenceGaps().get());
            // 340-byte frames, 344-byte entries: 47 to a 16 KiB batch, one seal and one open for them all, carried
            // in 12 full-sized Aeron fragments, where a batch of one datagram held 3 (raw Aeron's count too).
            assertEquals(340, frameLength);
            final long datagrams = b.counters().datagramsIn().get();
            assertTrue(datagrams * 40 <= frames, datagrams + " bridge datagrams for " + frames + " frames");
            assertTrue(fragments[0] * 3 < frames, fragments[0] + " Aeron fragments for " + frames + " frames");
            assertTrue(fragments[0] * 4 <= frames + frames / 10, fragments[0] + " fragments: not filled");
        }
    }

    @Test
    void aBatchWithOneBadEntryIsRefusedWholeAndAFrameOfferedAfterAnAppendKeepsItsPlace() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)))
        {
            BridgeRig.connect(a, b);
            final List<Long> seen = new ArrayList<>();
            final BridgeFrameHandler record = (buffer, offset, length, sequence) -> seen.add(
                new FrameReader().wrapValidated(buffer, offset, length) == RejectReason.NONE ? sequence : -1L);
            final UnsafeBuffer garbage = new UnsafeBuffer(new byte[100]);
            garbage.setMemory(0, garbage.capacity(), (byte)0x5A);
            final int good = producer.build(0);
            assertTrue(a.sender().append(producer.buffer(), 0, good) > 0);
            assertTrue(a.sender().append(garbage, 0, garbage.capacity()) > 0);
            await("bad batch sent", () -> a.sender().flush() > 0, () -> { });
            await("refused", () -> b.counters().rejections(BridgeRejectReason.MALFORMED_FRAME) == 1,
                () -> b.receiver().poll(record, 10));
            assertEquals(List.of(), seen, "nothing of a bad batch is handed on, not even its good frame");

            // An append, then an offer: the appended frame leaves first, in its own datagram, then the offered one.
            final int first = producer.build(1);
            assertTrue(a.sender().append(producer.buffer(), 0, first) > 0);
            final int second = producer.build(2);
            await("offered", () -> a.sender().offer(producer.buffer(), 0, second) > 0, () -> { });
            assertEquals(0, a.sender().pendingFrames());
            await("both received", () -> seen.size() == 2, () -> b.receiver().poll(record, 10));
            assertTrue(seen.get(0) > 0 && seen.get(1) == seen.get(0) + 1, seen.toString());
            assertEquals(2, b.counters().framesDelivered().get());
        }
    }

    @Test
    void keyRetirementsRevocationsAndDeparturesCrossInOrderWithoutKeyBytes() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final List<String> events = new ArrayList<>();
        final ChannelKeyHandler handler = new ChannelKeyHandler()
        {
            public void onChannelKey(final int channelId, final int producerId, final int keyId, final byte[] key)
            {
                events.add("ADDED " + channelId + "/" + producerId + "/" + keyId + " " + key.length);
                Arrays.fill(key, (byte)0);
            }

            public void onChannelKeyAction(
                final int channelId, final int producerId, final int keyId, final ChannelKeyAction action)
            {
                events.add(action + " " + channelId + "/" + producerId + "/" + keyId);
            }
        };
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)
                .channelKeyHandler(handler)))
        {
            BridgeRig.connect(a, b);
            assertThrows(IllegalArgumentException.class,
                () -> a.sender().offerChannelKeyAction(7, 3, 1, ChannelKeyAction.ADDED));
            final Checker checker = new Checker(SealedFrames.verifying());
            await("key 1", () -> a.sender().offerChannelKey(7, 3, 1, SealedFrames.channelKey()) > 0, () -> { });
            await("key 2", () -> a.sender().offerChannelKey(7, 3, 2, SealedFrames.channelKey()) > 0, () -> { });
            await("retired", () -> a.sender().offerChannelKeyAction(7, 3, 1, ChannelKeyAction.RETIRED) > 0, () -> { });
            await("revoked", () -> a.sender().offerChannelKeyAction(7, 3, 2, ChannelKeyAction.REVOKED) > 0, () -> { });
            await("removed",
                () -> a.sender().offerChannelKeyAction(7, 3, 2, ChannelKeyAction.SOURCE_REMOVED) > 0, () -> { });
            await("all received", () -> b.counters().channelKeysReceived().get() == 5,
                () -> b.receiver().poll(checker, 10));

            assertEquals(List.of("ADDED 7/3/1 32", "ADDED 7/3/2 32", "RETIRED 7/3/1", "REVOKED 7/3/2",
                "SOURCE_REMOVED 7/3/2"), events);
            assertEquals(0, b.counters().totalRejections());
            assertEquals(0, checker.received);
        }
    }

    @Test
    void anUnknownKeyActionIsNoAction()
    {
        assertNull(ChannelKeyAction.fromCode(4));
        assertNull(ChannelKeyAction.fromCode(-1));
        for (final ChannelKeyAction action : ChannelKeyAction.values())
        {
            assertEquals(action, ChannelKeyAction.fromCode(action.code()));
        }
    }

    @Test
    void rekeyMidStreamLosesAndReplaysNothing() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifying();
        consumer.install(SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID,
            SealedFrames.channelKey());
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)
                .keyFrameLimit(1_000));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)))
        {
            BridgeRig.connect(a, b);
            final Checker checker = new Checker(consumer);
            send(a, b, producer, checker, 50_000);

            assertNull(checker.error);
            assertEquals(50_000, checker.received);
            final long rekeys = a.counters().rekeysSent().get();
            assertTrue(rekeys >= 49, "rekeys " + rekeys);
            assertEquals(rekeys, b.counters().rekeysReceived().get());
            assertEquals(a.sender().keyId(), b.receiver().keyId());
            assertEquals(0, b.counters().totalRejections());
            assertEquals(0, b.counters().sequenceGaps().get());
        }
    }

    @Test
    void lagCountsWhatTheDriverHoldsAndTheReceiverHasNotPolled() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifying();
        consumer.install(SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID,
            SealedFrames.channelKey());
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)))
        {
            BridgeRig.connect(a, b);
            for (int i = 0; i < 100; i++)
            {
                final int length = producer.build(i);
                await("offered", () -> a.sender().offer(producer.buffer(), 0, length) > 0, () -> { });
            }
            await("lag seen", () -> b.counters().lagBytes().get() > 0, () -> b.receiver().refreshLag());
            final Checker checker = new Checker(consumer);
            await("all polled", () -> 100 == checker.received, () -> b.receiver().poll(checker, 10));
            b.receiver().refreshLag();
            assertEquals(0, b.counters().lagBytes().get());
            assertNull(checker.error);
        }
    }

    @Test
    void aRestartedInitiatorGetsANewSessionAndTheResponderFollowsIt() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifying();
        consumer.install(SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID,
            SealedFrames.channelKey());
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

    @Test
    void keyAtItsFrameLimitIsRefusedUntilRekeyed() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifying();
        consumer.install(SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID,
            SealedFrames.channelKey());
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)
                .keyFrameLimit(5).autoRekey(false));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)))
        {
            BridgeRig.connect(a, b);
            final Checker checker = new Checker(consumer);
            send(a, b, producer, checker, 5);
            assertEquals(BridgeDescriptor.FIRST_KEY_ID, a.sender().keyId());

            final int length = producer.build(5);
            assertEquals(BridgeSender.KEY_EXHAUSTED, a.sender().offer(producer.buffer(), 0, length));
            assertEquals(1, a.counters().keyExhausted().get());
            assertEquals(5, a.sender().nextSequence(), "a refused offer uses no sequence");

            assertTrue(a.sender().rekey() > 0);
            assertEquals(BridgeDescriptor.FIRST_KEY_ID + 1, a.sender().keyId());
            send(a, b, producer, checker, 4);

            assertNull(checker.error);
            assertEquals(9, checker.received);
            assertEquals(1, b.counters().rekeysReceived().get());
            assertEquals(BridgeDescriptor.FIRST_KEY_ID + 1, b.receiver().keyId());
            assertEquals(0, b.counters().totalRejections());

            // The new key's space holds the REKEY and four frames: full again.
            assertEquals(BridgeSender.KEY_EXHAUSTED, a.sender().offer(producer.buffer(), 0, producer.build(9)));
        }
    }

    @Test
    void anAuthenticFrameThatIsNotAFrameIsRefusedAndATooLongOneIsNotSent() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)))
        {
            BridgeRig.connect(a, b);
            final UnsafeBuffer garbage = new UnsafeBuffer(new byte[a.sender().maxFrameLength() + 1]);
            garbage.setMemory(0, garbage.capacity(), (byte)0x5A);
            assertEquals(BridgeSender.TOO_LONG, a.sender().offer(garbage, 0, garbage.capacity()));
            await("sent", () -> a.sender().offer(garbage, 0, 100) > 0, () -> { });
            final long[] delivered = new long[1];
            await("refused", () -> b.counters().rejections(BridgeRejectReason.MALFORMED_FRAME) == 1,
                () -> b.receiver().poll((buffer, offset, length, sequence) -> delivered[0]++, 10));
            assertEquals(0, delivered[0]);
            assertEquals(1, b.counters().datagramsIn().get());
        }
    }

    @Test
    void aResponderRefusesAnInitiatorWhoseIdentityIsNotPinned() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final KeyPair stranger = IssuerKeys.generate();
        final BridgeRig.RecordingAudit auditB = new BridgeRig.RecordingAudit();
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, stranger, hostB, portA, portB)
                .handshakeResendMs(200));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)
                .auditSink(auditB)))
        {
            final Throwable[] responderOutcome = new Throwable[1];
            final Thread responder = new Thread(() ->
            {
                try
                {
                    b.connect(3_000);
                }
                catch (final Throwable ex)
                {
                    responderOutcome[0] = ex;
                }
            });
            responder.start();
            final BridgeHandshakeException refused = assertThrows(BridgeHandshakeException.class,
                () -> a.connect(3_000));
            responder.join(TIMEOUT_MS);
            assertTrue(responderOutcome[0] instanceof BridgeHandshakeException, "responder: " + responderOutcome[0]);
            assertNull(refused.lastRefusal(), "the stranger got no answer at all");
            assertFalse(a.isConnected());
            assertFalse(b.isConnected());
            assertEquals(0, a.counters().rejections(BridgeRejectReason.HANDSHAKE_UNPINNED));
            assertTrue(b.counters().rejections(BridgeRejectReason.HANDSHAKE_UNPINNED) >= 1);
            assertTrue(b.counters().handshakesRefused().get() >= 1);
            assertTrue(auditB.contains("HANDSHAKE REFUSED " + BridgeRig.fingerprint(stranger) +
                " HANDSHAKE_UNPINNED"));
        }
    }

    @Test
    void anInitiatorRefusesAResponderWhoseIdentityIsNotPinned() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final KeyPair impostor = IssuerKeys.generate();
        final BridgeRig.RecordingAudit auditA = new BridgeRig.RecordingAudit();
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)
                .auditSink(auditA).handshakeResendMs(200));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, impostor, hostA, portB, portA)))
        {
            final Throwable[] responderOutcome = new Throwable[1];
            final Thread responder = new Thread(() ->
            {
                try
                {
                    b.connect(3_000);
                }
                catch (final Throwable ex)
                {
                    responderOutcome[0] = ex;
                }
            });
            responder.start();
            final BridgeHandshakeException refused = assertThrows(BridgeHandshakeException.class,
                () -> a.connect(3_000));
            responder.join(TIMEOUT_MS);
            assertTrue(responderOutcome[0] instanceof BridgeHandshakeException, "responder: " + responderOutcome[0]);
            assertEquals(BridgeRejectReason.HANDSHAKE_UNPINNED, refused.lastRefusal());
            assertFalse(a.isConnected());
            assertFalse(b.isConnected(), "the impostor never gets the initiator's signature");
            assertTrue(auditA.contains("HANDSHAKE REFUSED " + BridgeRig.fingerprint(impostor)));
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
        final SealedFrames consumer = SealedFrames.verifying();
        consumer.install(SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID,
            SealedFrames.channelKey());
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
