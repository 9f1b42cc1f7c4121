package io.bastion.bridge;

import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
 * Two bridges, each with its own embedded media driver, on 127.0.0.1 in one JVM: the data path, keys and lag.
 */
class BridgeLoopbackTest extends BridgeLoopbackFixture
{
    private static final int MILLION = 1_000_000;

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

    @Test
    void appendedFramesShareDatagramsAndEveryOneArrivesVerified() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final int frames = 200_000;
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifyingWithChannelKey();
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
        final SealedFrames consumer = SealedFrames.verifyingWithChannelKey();
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
        final SealedFrames consumer = SealedFrames.verifyingWithChannelKey();
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
    void keyAtItsFrameLimitIsRefusedUntilRekeyed() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifyingWithChannelKey();
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
}
