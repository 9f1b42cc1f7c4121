package io.bastion.bridge;

import io.aeron.protocol.DataHeaderFlyweight;
import io.bastion.security.token.IssuerKeys;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.bastion.bridge.BridgeDescriptor.BODY_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.BYTE_ORDER;
import static io.bastion.bridge.BridgeDescriptor.KEY_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.SEQUENCE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.SESSION_ID_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.TYPE_DATA;
import static io.bastion.bridge.BridgeDescriptor.TYPE_INIT_FINISH;
import static io.bastion.bridge.BridgeDescriptor.TYPE_KEEPALIVE;
import static io.bastion.bridge.BridgeDescriptor.TYPE_OFFSET;
import static io.bastion.bridge.BridgeDescriptor.VERSION_OFFSET;
import static io.bastion.bridge.BridgeRig.await;
import static io.bastion.bridge.BridgeRig.context;
import static io.bastion.bridge.BridgeRig.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A network attacker between two bridges. A relay on the path records every datagram (as a tap on the wire would)
 * and then cuts the path, so that datagrams exist which the receiver has not seen yet; a raw UDP socket then speaks
 * just enough Aeron to hand the receiver any bytes it likes (see {@link AeronInjector}): truncated, fragmented,
 * altered, forged, replayed, duplicated, reordered and too-old datagrams. Each refusal must carry its reason and its
 * counter, and nothing refused may reach the handler.
 * <p>
 * Why not replay Aeron's own datagrams verbatim: Aeron drops a frame at a term position it already holds, so a
 * verbatim copy never reaches the bridge; an attacker who wants the bridge to see old bytes re-frames them, which is
 * what the injector does.
 */
class HostileDatagramTest
{
    @TempDir
    Path temp;

    private final KeyPair hostA = IssuerKeys.generate();
    private final KeyPair hostB = IssuerKeys.generate();

    @Test
    void everyHostileDatagramIsRefusedByItsReasonAndNothingRefusedIsDispatched() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifyingWithChannelKey();
        try (UdpRelay relay = new UdpRelay(portB);
            Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA,
                relay.port()));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)
                .replayWindowWords(2));
            AeronInjector attacker = new AeronInjector(portB, BridgeContext.STREAM_ID_DEFAULT))
        {
            BridgeRig.connect(a, b);
            final SequenceRecorder recorder = new SequenceRecorder(consumer);
            sendFrames(a, producer, 0, 20);
            await("20 delivered", () -> 20 == recorder.sequences.size(), () -> b.receiver().poll(recorder, 10));

            // Frames 20..219 are sealed and sent, recorded on the wire, but never reach the receiver.
            relay.cut();
            sendFrames(a, producer, 20, 200);
            await("200 recorded", () -> null != relay.captured(TYPE_DATA, 219), () -> { });
            for (int i = 0; i < 100; i++)
            {
                b.receiver().poll(recorder, 10);
            }
            assertEquals(20, recorder.sequences.size());

            attacker.setup();
            final Probe probe = new Probe(b, recorder, attacker);
            final byte[] d20 = relay.captured(TYPE_DATA, 20);
            assertNotNull(d20);

            probe.refused(Arrays.copyOf(d20, 20), BridgeRejectReason.TRUNCATED);
            probe.refused(Arrays.copyOf(d20, d20.length - 5), BridgeRejectReason.TRUNCATED);
            refuseHostileFragments(probe, attacker, d20);
            probe.refused(withByte(d20, VERSION_OFFSET, 2), BridgeRejectReason.MALFORMED_HEADER);
            probe.refused(withByte(d20, TYPE_OFFSET, 99), BridgeRejectReason.UNEXPECTED_TYPE);
            probe.refused(withLong(d20, SESSION_ID_OFFSET, b.sessionId() + 1), BridgeRejectReason.UNKNOWN_SESSION);
            probe.refused(withInt(d20, KEY_ID_OFFSET, 9), BridgeRejectReason.UNKNOWN_KEY);
            probe.refused(withLong(d20, SEQUENCE_OFFSET, -5), BridgeRejectReason.INVALID_SEQUENCE);

            // Altered ciphertext; an altered header (the associated data); a datagram forged from nothing.
            probe.refused(withByte(d20, BODY_OFFSET + 10, d20[BODY_OFFSET + 10] ^ 1),
                BridgeRejectReason.AUTHENTICATION_FAILED);
            probe.refused(withLong(d20, SEQUENCE_OFFSET, 150), BridgeRejectReason.AUTHENTICATION_FAILED);
            final byte[] forged = d20.clone();
            Arrays.fill(forged, BODY_OFFSET, forged.length, (byte)0x33);
            probe.refused(withLong(forged, SEQUENCE_OFFSET, 21), BridgeRejectReason.AUTHENTICATION_FAILED);

            // Replays of what the receiver already accepted: a data datagram, and the handshake's last message.
            probe.refused(relay.captured(TYPE_DATA, 5), BridgeRejectReason.DUPLICATE);
            probe.refused(relay.captured(TYPE_INIT_FINISH, 0), BridgeRejectReason.HANDSHAKE_STALE);

            // Reordered within the window: each accepted once, in the order it arrives, counted as late.
            probe.accepted(relay.captured(TYPE_DATA, 24));
            probe.accepted(relay.captured(TYPE_DATA, 22));
            probe.accepted(relay.captured(TYPE_DATA, 23));
            probe.accepted(d20);
            assertEquals(List.of(24L, 22L, 23L, 20L), recorder.sequences.subList(20, 24));
            assertEquals(3, b.counters().lateArrivals().get());

            // Duplicated.
            probe.refused(relay.captured(TYPE_DATA, 22), BridgeRejectReason.DUPLICATE);
            probe.refused(d20, BridgeRejectReason.DUPLICATE);

            // Reordered beyond the window (63 x 64 sequences would be the default; this receiver keeps 64).
            probe.accepted(relay.captured(TYPE_DATA, 219));
            probe.refused(relay.captured(TYPE_DATA, 100), BridgeRejectReason.TOO_OLD);
            probe.accepted(relay.captured(TYPE_DATA, 200));

            assertNull(recorder.error);
            assertEquals(List.of(24L, 22L, 23L, 20L, 219L, 200L), recorder.sequences.subList(20, 26));
            assertEquals(26, b.counters().framesDelivered().get());
            assertEquals(22, b.counters().totalRejections());
            assertEquals(2, b.counters().rejections(BridgeRejectReason.TRUNCATED));
            assertEquals(5, b.counters().rejections(BridgeRejectReason.AUTHENTICATION_FAILED));
            assertEquals(3, b.counters().rejections(BridgeRejectReason.FRAGMENT_OUT_OF_ORDER));
            assertEquals(1, b.counters().rejections(BridgeRejectReason.FRAGMENT_TOO_LONG));
            assertEquals(1, b.counters().rejections(BridgeRejectReason.FRAGMENTED));
            assertEquals(3, b.counters().rejections(BridgeRejectReason.DUPLICATE));
            assertEquals(1, b.counters().rejections(BridgeRejectReason.TOO_OLD));
            assertEquals(1, b.counters().handshakesRefused().get());
        }
    }

    @Test
    void fragmentsOfEachImageAreReassembledApartAndPartialMessagesAreBounded() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final int payload = 256;
        final int perBatch = 40;
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey(), payload);
        final SealedFrames consumer = SealedFrames.verifying(payload);
        consumer.install(SealedFrames.CHANNEL_ID, SealedFrames.PRODUCER_ID, SealedFrames.KEY_ID,
            SealedFrames.channelKey());
        final AeronInjector[] attackers = new AeronInjector[BridgeReceiver.MAX_PARTIAL_MESSAGES + 1];
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)))
        {
            BridgeRig.connect(a, b);
            for (int i = 0; i < attackers.length; i++)
            {
                attackers[i] = new AeronInjector(portB, BridgeContext.STREAM_ID_DEFAULT);
                attackers[i].setup();
            }
            final List<String> errors = new ArrayList<>();
            final long[] received = new long[1];
            final BridgeFrameHandler check = (buffer, offset, length, sequence) ->
            {
                final String problem = consumer.check(buffer, offset, length, received[0]++);
                if (null != problem)
                {
                    errors.add(problem);
                }
            };
            final BridgeCounters counters = b.counters();
            final byte[] forgedBatch = forgedBatch(new byte[BODY_OFFSET], 3_000, 7);
            new UnsafeBuffer(forgedBatch).putLong(SESSION_ID_OFFSET, b.sessionId(), BYTE_ORDER);
            new UnsafeBuffer(forgedBatch).putInt(KEY_ID_OFFSET, BridgeDescriptor.FIRST_KEY_ID, BYTE_ORDER);
            final List<Fragment> pieces = fragments(forgedBatch, FULL_FRAGMENT);

            // The attacker begins a message; the bridge's own batch (several fragments) arrives whole meanwhile,
            // and the attacker's partial message is still there to end after it, in its own image.
            attackers[0].inject(pieces.get(0).bytes, pieces.get(0).flags);
            attackers[0].inject(pieces.get(1).bytes, pieces.get(1).flags);
            sendBatch(a, producer, 0, perBatch);
            await("a batch delivered", () -> perBatch == received[0], () -> b.receiver().poll(check, 1));
            assertEquals(0, counters.totalRejections());
            attackers[0].inject(pieces.get(2).bytes, pieces.get(2).flags);
            await("the attacker's message judged",
                () -> 1 == counters.rejections(BridgeRejectReason.AUTHENTICATION_FAILED),
                () -> b.receiver().poll(check, 1));

            // One partial message per image, at most MAX_PARTIAL_MESSAGES of them: one more evicts the oldest.
            for (final AeronInjector attacker : attackers)
            {
                attacker.inject(pieces.get(0).bytes, pieces.get(0).flags);
            }
            await("one evicted", () -> 1 == counters.rejections(BridgeRejectReason.FRAGMENT_EVICTED),
                () -> b.receiver().poll(check, 10));
            // The bridge's next batch needs a place too, and takes the least recently used.
            sendBatch(a, producer, perBatch, perBatch);
            await("the next batch delivered", () -> 2 * perBatch == received[0], () -> b.receiver().poll(check, 10));
            assertEquals(2, counters.rejections(BridgeRejectReason.FRAGMENT_EVICTED));
            assertEquals(3, counters.totalRejections());
            assertEquals(List.of(), errors);
            assertEquals(2 * perBatch, counters.framesDelivered().get());
            assertEquals(2, counters.datagramsIn().get());
        }
        finally
        {
            for (final AeronInjector attacker : attackers)
            {
                if (null != attacker)
                {
                    attacker.close();
                }
            }
        }
    }

    @Test
    void aReplayedOrForgedKeepaliveDoesNotKeepADeadSessionAlive() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final long timeoutMs = 500;
        final long stepNs = TimeUnit.MILLISECONDS.toNanos(100);
        try (UdpRelay relay = new UdpRelay(portB);
            Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA,
                relay.port()).keepaliveIntervalMs(50).sessionTimeoutMs(timeoutMs));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)
                .keepaliveIntervalMs(50).sessionTimeoutMs(timeoutMs));
            AeronInjector attacker = new AeronInjector(portB, BridgeContext.STREAM_ID_DEFAULT))
        {
            BridgeRig.connect(a, b);
            final SequenceRecorder recorder = new SequenceRecorder(SealedFrames.verifying());
            // The watchdog runs on a clock of the test's own: the verdicts depend on what arrived, not on scheduling.
            long now = 0;
            assertEquals(0, b.doWork(now), "a new session is timed from now");

            // Genuine keepalives keep the session alive well past the timeout.
            for (int i = 1; i <= 3; i++)
            {
                final long sent = i;
                await("keepalive " + i + " sent", () -> a.sender().offerKeepalive() > 0, () -> { });
                await("keepalive " + i + " received", () -> b.counters().keepalivesReceived().get() == sent,
                    () -> b.receiver().poll(recorder, 10));
                now += 3 * stepNs;
                assertEquals(0, b.doWork(now));
                assertTrue(b.isConnected());
            }
            final byte[] keepalive = relay.captured(TYPE_KEEPALIVE, 0);
            assertNotNull(keepalive);
            assertEquals(BridgeDescriptor.datagramLength(TYPE_KEEPALIVE, 0), keepalive.length);

            // The initiator falls silent; the attacker replays its keepalive and forges others, over and over.
            relay.cut();
            attacker.setup();
            final Probe probe = new Probe(b, recorder, attacker);
            int steps = 0;
            while (b.isConnected())
            {
                probe.refused(keepalive, BridgeRejectReason.DUPLICATE);
                // The captured one moved to a fresh sequence (the header is the associated data), and one forged
                // from nothing at another.
                probe.refused(withLong(keepalive, SEQUENCE_OFFSET, 1_000 + steps),
                    BridgeRejectReason.AUTHENTICATION_FAILED);
                final byte[] forged = withLong(keepalive, SEQUENCE_OFFSET, 2_000 + steps);
                Arrays.fill(forged, BODY_OFFSET, forged.length, (byte)0x33);
                probe.refused(forged, BridgeRejectReason.AUTHENTICATION_FAILED);
                now += stepNs;
                b.doWork(now);
                steps++;
                assertTrue(steps <= 10, "the replays kept the session alive");
            }
            assertEquals(6, steps, "timed out at the first check past 500 ms of silence, as if nothing had come");
            assertEquals(3, b.counters().keepalivesReceived().get(), "no replayed or forged keepalive counted");
            assertEquals(1, b.counters().sessionTimeouts().get());
            assertEquals(0, b.sessionId());
            assertEquals(6, b.counters().rejections(BridgeRejectReason.DUPLICATE));
            assertEquals(12, b.counters().rejections(BridgeRejectReason.AUTHENTICATION_FAILED));

            // Once the session is gone, the same replay is not even of a known session.
            probe.refused(keepalive, BridgeRejectReason.UNKNOWN_SESSION);
            assertEquals(List.of(), recorder.sequences);
        }
    }

    /** Fragments: refusals by reason, 7 in all (3 out of order, 2 forged, 1 too long, 1 fragmented). */
    private static void refuseHostileFragments(final Probe probe, final AeronInjector attacker, final byte[] d20)
            throws Exception
    {
        // Fragments. A lone middle or end fragment: no message of this image was begun.
        probe.refused(Arrays.copyOf(d20, 100), (short)0, BridgeRejectReason.FRAGMENT_OUT_OF_ORDER);
        probe.refused(Arrays.copyOf(d20, 100), DataHeaderFlyweight.END_FLAG,
            BridgeRejectReason.FRAGMENT_OUT_OF_ORDER);
        // An authentic DATA in two fragments: reassembled, but only a DATA_BATCH may span fragments.
        probe.refusedFragments(fragments(d20, 100), BridgeRejectReason.FRAGMENTED);
        // A DATA_BATCH forged from nothing, 3,000 bytes in three fragments: reassembled, then the tag fails.
        final byte[] forgedBatch = forgedBatch(d20, 3_000, 21);
        probe.refusedFragments(fragments(forgedBatch, FULL_FRAGMENT), BridgeRejectReason.AUTHENTICATION_FAILED);
        // Longer than the reassembly buffer (16 KiB of entries, the header and the tag): refused once, the rest
        // of its fragments dropped unread.
        probe.refusedFragments(fragments(forgedBatch(d20, 13 * FULL_FRAGMENT, 21), FULL_FRAGMENT),
            BridgeRejectReason.FRAGMENT_TOO_LONG);
        // A message cut short by a new begin of the same image: the partial one refused, the new one judged.
        attacker.inject(Arrays.copyOf(forgedBatch, FULL_FRAGMENT), DataHeaderFlyweight.BEGIN_FLAG);
        probe.refusedFragments(fragments(forgedBatch, FULL_FRAGMENT), BridgeRejectReason.FRAGMENT_OUT_OF_ORDER,
            BridgeRejectReason.AUTHENTICATION_FAILED);
    }

    /** Injects one datagram and waits until the receiver has judged it. */
    private static final class Probe
    {
        private final Bridge receiver;
        private final SequenceRecorder recorder;
        private final AeronInjector attacker;

        Probe(final Bridge receiver, final SequenceRecorder recorder, final AeronInjector attacker)
        {
            this.receiver = receiver;
            this.recorder = recorder;
            this.attacker = attacker;
        }

        void refused(final byte[] datagram, final BridgeRejectReason reason) throws Exception
        {
            refused(datagram, DataHeaderFlyweight.BEGIN_AND_END_FLAGS, reason);
        }

        void refused(final byte[] datagram, final short flags, final BridgeRejectReason reason) throws Exception
        {
            final BridgeCounters counters = receiver.counters();
            final long before = counters.rejections(reason);
            final long total = counters.totalRejections();
            final int delivered = recorder.sequences.size();
            attacker.inject(datagram, flags);
            await(reason + " counted", () -> counters.rejections(reason) == before + 1,
                () -> receiver.receiver().poll(recorder, 10));
            assertEquals(total + 1, counters.totalRejections(), "refused for one reason only: " + reason);
            assertEquals(delivered, recorder.sequences.size(), "nothing dispatched for " + reason);
        }

        void refusedFragments(final List<Fragment> fragments, final BridgeRejectReason... reasons) throws Exception
        {
            final BridgeCounters counters = receiver.counters();
            final long[] expected = new long[BridgeRejectReason.values().length];
            for (final BridgeRejectReason reason : reasons)
            {
                expected[reason.ordinal()]++;
            }
            final long[] before = new long[expected.length];
            for (final BridgeRejectReason reason : BridgeRejectReason.values())
            {
                before[reason.ordinal()] = counters.rejections(reason);
            }
            final long total = counters.totalRejections();
            final int delivered = recorder.sequences.size();
            for (final Fragment fragment : fragments)
            {
                attacker.inject(fragment.bytes, fragment.flags);
            }
            for (final BridgeRejectReason reason : reasons)
            {
                final long want = before[reason.ordinal()] + expected[reason.ordinal()];
                await(reason + " counted", () -> counters.rejections(reason) == want,
                    () -> receiver.receiver().poll(recorder, 10));
            }
            assertEquals(total + reasons.length, counters.totalRejections(),
                "refused for these reasons only: " + Arrays.toString(reasons));
            assertEquals(delivered, recorder.sequences.size(), "nothing dispatched");
        }

        void accepted(final byte[] datagram) throws Exception
        {
            final long total = receiver.counters().totalRejections();
            final int delivered = recorder.sequences.size();
            attacker.inject(datagram);
            await("delivery", () -> recorder.sequences.size() == delivered + 1,
                () -> receiver.receiver().poll(recorder, 10));
            assertEquals(total, receiver.counters().totalRejections());
        }
    }

    /** The payload of a full Aeron fragment at the default MTU. */
    private static final int FULL_FRAGMENT = BridgeContext.MTU_DEFAULT - DataHeaderFlyweight.HEADER_LENGTH;

    /** One Aeron fragment to inject: its bytes and flags. */
    private static final class Fragment
    {
        final byte[] bytes;
        final short flags;

        Fragment(final byte[] bytes, final short flags)
        {
            this.bytes = bytes;
            this.flags = flags;
        }
    }

    /** A message cut into fragments of {@code piece} bytes (the last shorter), flagged as Aeron flags them. */
    private static List<Fragment> fragments(final byte[] message, final int piece)
    {
        final List<Fragment> fragments = new ArrayList<>();
        for (int from = 0; from < message.length; from += piece)
        {
            final int to = Math.min(message.length, from + piece);
            short flags = 0;
            if (0 == from)
            {
                flags |= DataHeaderFlyweight.BEGIN_FLAG;
            }
            if (to == message.length)
            {
                flags |= DataHeaderFlyweight.END_FLAG;
            }
            fragments.add(new Fragment(Arrays.copyOfRange(message, from, to), flags));
        }
        return fragments;
    }

    /**
     * A DATA_BATCH of {@code length} bytes forged from nothing: the header of {@code model} (its session and key
     * id), the type, body length and sequence set, the body and tag filled with 0x33.
     */
    private static byte[] forgedBatch(final byte[] model, final int length, final long sequence)
    {
        final byte[] batch = new byte[length];
        System.arraycopy(model, 0, batch, 0, BODY_OFFSET);
        Arrays.fill(batch, BODY_OFFSET, length, (byte)0x33);
        final UnsafeBuffer buffer = new UnsafeBuffer(batch);
        buffer.putByte(VERSION_OFFSET, (byte)BridgeDescriptor.VERSION);
        buffer.putByte(TYPE_OFFSET, (byte)BridgeDescriptor.TYPE_DATA_BATCH);
        buffer.putInt(BridgeDescriptor.BODY_LENGTH_OFFSET, length - BODY_OFFSET - BridgeDescriptor.TAG_LENGTH,
            BYTE_ORDER);
        buffer.putLong(SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        return batch;
    }

    /** Append {@code count} frames to one batch and flush it. */
    private static void sendBatch(final Bridge a, final SealedFrames producer, final long from, final int count)
    {
        for (long i = from; i < from + count; i++)
        {
            final int length = producer.build(i);
            assertTrue(a.sender().append(producer.buffer(), 0, length) > 0, "appended " + i);
        }
        await("batch sent", () -> a.sender().flush() > 0, () -> { });
    }

    private static void sendFrames(final Bridge a, final SealedFrames producer, final long from, final int count)
    {
        for (long i = from; i < from + count; i++)
        {
            final int length = producer.build(i);
            await("frame " + i + " offered", () -> a.sender().offer(producer.buffer(), 0, length) > 0, () -> { });
        }
    }

    private static byte[] withByte(final byte[] datagram, final int offset, final int value)
    {
        final byte[] copy = datagram.clone();
        copy[offset] = (byte)value;
        return copy;
    }

    private static byte[] withInt(final byte[] datagram, final int offset, final int value)
    {
        final byte[] copy = datagram.clone();
        new UnsafeBuffer(copy).putInt(offset, value, BYTE_ORDER);
        return copy;
    }

    private static byte[] withLong(final byte[] datagram, final int offset, final long value)
    {
        final byte[] copy = datagram.clone();
        new UnsafeBuffer(copy).putLong(offset, value, BYTE_ORDER);
        return copy;
    }
}
