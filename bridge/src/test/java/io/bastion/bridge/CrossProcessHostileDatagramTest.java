package io.bastion.bridge;

import io.bastion.security.token.IssuerKeys;
import io.bastion.test.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.bastion.bridge.BridgeDescriptor.TYPE_DATA;
import static io.bastion.bridge.BridgeDescriptor.TYPE_INIT_FINISH;
import static io.bastion.bridge.BridgeDescriptor.TYPE_INIT_HELLO;
import static io.bastion.bridge.BridgeRig.TIMEOUT_MS;
import static io.bastion.bridge.BridgeRig.await;
import static io.bastion.bridge.BridgeRig.context;
import static io.bastion.bridge.BridgeRig.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A network attacker that is a real second process. Two bridges in this JVM hold a real session; a relay on the path
 * records every datagram of it (a tap on the wire) and then cuts the path, so that sealed datagrams exist which the
 * victim (the receiving bridge, here) has never seen. The recording, and nothing secret, goes to a child JVM
 * ({@link HostileDatagramAttackerMain}) through a file; from its own raw UDP socket and Aeron session it sends the
 * victim truncated, out-of-order fragment, altered, forged, replayed, duplicated, reordered and too-old datagrams, one
 * at a time, saying what it sent.
 * <p>
 * What must hold, for each datagram: a refused one is counted once, under its own reason and no other, and nothing
 * reaches the handler; a reordered datagram that is fresh (inside the replay window and never accepted) is accepted
 * once, with its own sequence. At the end the handler has seen exactly the frames the relay let through and the
 * fresh ones the attacker reordered, each byte-exact with a verifying inner tag; the rejection counters equal what
 * the attacker reported sending, reason by reason; the session is the one it was.
 */
class CrossProcessHostileDatagramTest
{
    /** Frames 0..19 reach the victim before the cut; 20..99 are only recorded. */
    private static final int DELIVERED = 20;
    private static final int RECORDED = 100;
    /** Two words: a window of 64 sequences, so that a recorded datagram can fall out of it. */
    private static final int WINDOW_WORDS = 2;

    @TempDir
    Path temp;

    private final KeyPair hostA = IssuerKeys.generate();
    private final KeyPair hostB = IssuerKeys.generate();

    /**
     * What one attack must do to the victim: refused for {@code reason}, or (reason null) accepted as frame
     * {@code sequence}.
     */
    private record Expected(String attack, BridgeRejectReason reason, long sequence)
    {
        static Expected refused(final String attack, final BridgeRejectReason reason)
        {
            return new Expected(attack, reason, -1);
        }

        static Expected accepted(final String attack, final long sequence)
        {
            return new Expected(attack, null, sequence);
        }
    }

    /** The attacker's plan as the victim must judge it, in the order the attacker sends it. */
    private static List<Expected> expectations()
    {
        final long last = RECORDED - 1;
        final long flipped = DELIVERED ^ (1L << HostileDatagramAttackerMain.SEQUENCE_BIT);
        return List.of(
            Expected.refused("truncated-header", BridgeRejectReason.TRUNCATED),
            Expected.refused("truncated-tag", BridgeRejectReason.TRUNCATED),
            Expected.refused("lone-middle-fragment", BridgeRejectReason.FRAGMENT_OUT_OF_ORDER),
            Expected.refused("altered-version", BridgeRejectReason.MALFORMED_HEADER),
            Expected.refused("altered-type", BridgeRejectReason.UNEXPECTED_TYPE),
            Expected.refused("altered-session", BridgeRejectReason.UNKNOWN_SESSION),
            Expected.refused("altered-key-id", BridgeRejectReason.UNKNOWN_KEY),
            Expected.refused("altered-sequence-sign", BridgeRejectReason.INVALID_SEQUENCE),
            new Expected("altered-header-aad", BridgeRejectReason.AUTHENTICATION_FAILED, flipped),
            Expected.refused("altered-ciphertext", BridgeRejectReason.AUTHENTICATION_FAILED),
            Expected.refused("altered-tag", BridgeRejectReason.AUTHENTICATION_FAILED),
            new Expected("forged", BridgeRejectReason.AUTHENTICATION_FAILED,
                last + HostileDatagramAttackerMain.FORGED_AHEAD),
            Expected.refused("replayed-delivered", BridgeRejectReason.DUPLICATE),
            Expected.refused("replayed-init-finish", BridgeRejectReason.HANDSHAKE_STALE),
            // Fresh and inside the window, in any order: each accepted once. The forged datagram's sequence, far
            // ahead, did not move the window, or the last of these would now be too old.
            Expected.accepted("reordered-fresh", DELIVERED + 4),
            Expected.accepted("reordered-fresh", DELIVERED + 2),
            Expected.accepted("reordered-fresh", DELIVERED + 3),
            Expected.accepted("reordered-fresh", DELIVERED),
            Expected.refused("duplicated", BridgeRejectReason.DUPLICATE),
            Expected.refused("duplicated", BridgeRejectReason.DUPLICATE),
            // An authentic datagram far ahead moves the window: 30 and the delivered 5 fall out of it, 90 does not.
            Expected.accepted("jump-ahead", last),
            Expected.refused("too-old", BridgeRejectReason.TOO_OLD),
            Expected.refused("replayed-too-old", BridgeRejectReason.TOO_OLD),
            Expected.accepted("reordered-fresh", last - 9),
            Expected.refused("duplicated", BridgeRejectReason.DUPLICATE));
    }

    @Test
    void everyHostileDatagramFromAnotherProcessIsRefusedByItsReasonAndOnlyFreshOnesAreDelivered() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final SealedFrames producer = SealedFrames.sealing(SealedFrames.channelKey());
        final SealedFrames consumer = SealedFrames.verifyingWithChannelKey();
        try (UdpRelay relay = new UdpRelay(portB);
            Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA,
                relay.port()));
            Bridge victim = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB,
                portA).replayWindowWords(WINDOW_WORDS)))
        {
            BridgeRig.connect(a, victim);
            final long session = victim.sessionId();
            final SequenceRecorder recorder = new SequenceRecorder(consumer);
            sendFrames(a, producer, 0, DELIVERED);
            await("delivered", () -> DELIVERED == recorder.sequences.size(),
                () -> victim.receiver().poll(recorder, 10));
            relay.cut();
            sendFrames(a, producer, DELIVERED, RECORDED - DELIVERED);
            await("recorded", () -> null != relay.captured(TYPE_DATA, RECORDED - 1), () -> { });
            for (int i = 0; i < 100; i++)
            {
                victim.receiver().poll(recorder, 10);
            }
            assertEquals(DELIVERED, recorder.sequences.size(), "the cut held");

            final Path capture = writeCapture(relay, temp.resolve("capture.hex"));
            final List<Expected> plan = expectations();
            final Map<BridgeRejectReason, Long> tally = new EnumMap<>(BridgeRejectReason.class);
            final List<Long> accepted = new ArrayList<>();
            try (ChildJvm attacker = ChildJvm.start(temp, "hostile-datagrams", HostileDatagramAttackerMain.class,
                capture.toString(), Integer.toString(portB), Integer.toString(BridgeContext.STREAM_ID_DEFAULT),
                Integer.toString(DELIVERED)))
            {
                assertEquals("ready " + plan.size(), attacker.awaitLine("ready ", TIMEOUT_MS), attacker.describe());
                long bytes = 0;
                for (final Expected expected : plan)
                {
                    final String[] sent = attacker.awaitLine("sent ", TIMEOUT_MS).split(" ");
                    assertEquals(expected.attack(), sent[1], attacker.describe());
                    bytes += Long.parseLong(sent[2]);
                    if (null == expected.reason())
                    {
                        assertEquals(expected.sequence(), Long.parseLong(sent[3]), expected.attack());
                        judgeAccepted(victim, recorder, expected);
                        accepted.add(expected.sequence());
                    }
                    else
                    {
                        if (expected.sequence() >= 0)
                        {
                            assertEquals(expected.sequence(), Long.parseLong(sent[3]), expected.attack());
                        }
                        judgeRefused(victim, recorder, expected);
                        tally.merge(expected.reason(), 1L, Long::sum);
                    }
                    attacker.send("next");
                }
                assertEquals("done " + plan.size() + " " + bytes, attacker.awaitLine("done ", TIMEOUT_MS));
                assertEquals(0, attacker.awaitExit(TIMEOUT_MS), attacker.describe());
            }

            // Nothing else arrives: poll a while longer and the picture stays the same.
            for (int i = 0; i < 100; i++)
            {
                victim.receiver().poll(recorder, 10);
            }
            assertNull(recorder.error);
            final List<Long> delivered = new ArrayList<>();
            for (long i = 0; i < DELIVERED; i++)
            {
                delivered.add(i);
            }
            delivered.addAll(accepted);
            assertEquals(delivered, recorder.sequences, "the handler saw exactly the accepted frames");
            assertEquals(List.of(24L, 22L, 23L, 20L, 99L, 90L), accepted);

            final BridgeCounters counters = victim.counters();
            for (final BridgeRejectReason reason : BridgeRejectReason.values())
            {
                assertEquals(tally.getOrDefault(reason, 0L), counters.rejections(reason), reason.name());
            }
            assertEquals(plan.size() - accepted.size(), counters.totalRejections());
            assertEquals(delivered.size(), counters.framesDelivered().get());
            assertEquals(delivered.size(), counters.datagramsIn().get());
            assertEquals(4, counters.lateArrivals().get(), "22, 23, 20 and 90 arrived after a higher sequence");
            assertEquals(1, counters.handshakesRefused().get());
            assertEquals(1, counters.handshakes().get());
            assertEquals(session, victim.sessionId(), "no attack moved the victim to another session");
        }
    }

    private static void judgeRefused(final Bridge victim, final SequenceRecorder recorder, final Expected expected)
    {
        final BridgeCounters counters = victim.counters();
        final BridgeRejectReason reason = expected.reason();
        final long before = counters.rejections(reason);
        final long total = counters.totalRejections();
        final int delivered = recorder.sequences.size();
        awaitJudged(victim, recorder, expected);
        assertEquals(delivered, recorder.sequences.size(), "nothing dispatched for " + expected.attack());
        assertEquals(before + 1, counters.rejections(reason), expected.attack() + " refused " + reason);
        assertEquals(total + 1, counters.totalRejections(), expected.attack() + " refused for one reason only");
    }

    private static void judgeAccepted(final Bridge victim, final SequenceRecorder recorder, final Expected expected)
    {
        final long total = victim.counters().totalRejections();
        final int delivered = recorder.sequences.size();
        awaitJudged(victim, recorder, expected);
        assertEquals(total, victim.counters().totalRejections(), expected.attack() + " accepted without a refusal");
        assertEquals(delivered + 1, recorder.sequences.size(), expected.attack() + " delivered once");
        assertEquals(expected.sequence(), recorder.sequences.get(delivered));
    }

    /** Poll the victim until it has refused or delivered something: the attacker's one datagram in flight. */
    private static void awaitJudged(final Bridge victim, final SequenceRecorder recorder, final Expected expected)
    {
        final long total = victim.counters().totalRejections();
        final int delivered = recorder.sequences.size();
        await(expected.attack() + " judged",
            () -> victim.counters().totalRejections() != total || recorder.sequences.size() != delivered,
            () -> victim.receiver().poll(recorder, 1));
    }

    /** Every datagram the relay recorded, one a line: type, sequence, hex. No key is in it; none was on the wire. */
    private static Path writeCapture(final UdpRelay relay, final Path file) throws Exception
    {
        final HexFormat hex = HexFormat.of();
        final List<String> lines = new ArrayList<>();
        for (final int type : new int[]{TYPE_INIT_HELLO, TYPE_INIT_FINISH})
        {
            final byte[] datagram = relay.captured(type, 0);
            assertNotNull(datagram, "handshake type " + type + " recorded");
            lines.add(type + " 0 " + hex.formatHex(datagram));
        }
        for (long sequence = 0; sequence < RECORDED; sequence++)
        {
            final byte[] datagram = relay.captured(TYPE_DATA, sequence);
            assertNotNull(datagram, "data " + sequence + " recorded");
            lines.add(TYPE_DATA + " " + sequence + " " + hex.formatHex(datagram));
        }
        return Files.write(file, lines, StandardCharsets.US_ASCII);
    }

    private static void sendFrames(final Bridge a, final SealedFrames producer, final long from, final int count)
    {
        for (long i = from; i < from + count; i++)
        {
            final int length = producer.build(i);
            await("frame " + i + " offered", () -> a.sender().offer(producer.buffer(), 0, length) > 0, () -> { });
        }
    }
}
