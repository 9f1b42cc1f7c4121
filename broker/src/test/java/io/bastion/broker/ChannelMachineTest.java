package io.bastion.broker;

import io.bastion.channel.control.ControlMessage;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.bastion.broker.MachineFixture.goodbye;
import static io.bastion.broker.MachineFixture.keyInUse;
import static io.bastion.broker.MachineFixture.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One channel's {@link ChannelMachine}, driven event by event without sockets or threads: each test compares, in
 * order, what the machine told each session, what it closed and what it audited. Sessions: publishers 11 (producer 1,
 * {@code b} in the audit) and 12 (producer 2); subscribers 21 ({@code 15}) and 22 ({@code 16}).
 */
class ChannelMachineTest
{
    private static final String JOINED = "audit KEY_ROTATED INFO: subscriber joined: producer=1 rotates before it is " +
        "announced";
    private static final String SUBSCRIBER_LEFT = "audit CHANNEL_CLOSED INFO: subscriber left session=15";

    private final MachineFixture fixture = new MachineFixture(false);
    private final ChannelMachine machine = fixture.machine;
    private final RecordingOutput output = fixture.output;
    private RouterPublisher publisher;
    private RouterSubscriber subscriber;

    @Test
    void aJoiningSubscriberGetsOnlyAFreshKeyAndStartsWhereThePublisherSwitchedToIt()
    {
        publisher = fixture.publisher(11, 1);
        assertEquals(List.of(), output.take(), "nobody to tell");

        fixture.subscriber(21);
        assertEquals(List.of("to 11: KeyUpdate key=2", JOINED), output.take(), "not announced before the switch");

        machine.onMessage(publisher, keyInUse(1, 2, 4096));
        assertEquals(List.of(
            "audit KEY_ROTATED SUCCESS: producer=1 keyId=2",
            "to 21: ADDED producer=1 key=2 at=4096",
            "audit CHANNEL_OPENED INFO: source added producer=1 keyId=2 position=4096 subscriberSession=15"),
            output.take());
        final List<RecordingOutput.Sent> toSubscriber = sentTo(21);
        assertEquals(1, toSubscriber.size());
        assertArrayEquals(MachineFixture.frameKey(1, 2), MachineFixture.openKey(21, toSubscriber.get(0).message()));
        assertNeverHanded(21, 1, 1);
    }

    @Test
    void aPublisherThatArrivesWhileSubscribedIsAnnouncedAtOnceAtTheStartOfItsRing()
    {
        fixture.subscriber(21);
        fixture.publisher(11, 1);
        assertEquals(List.of(
            "to 21: ADDED producer=1 key=1 at=0",
            "audit CHANNEL_OPENED INFO: source added producer=1 keyId=1 position=0 subscriberSession=15"),
            output.take());
        assertArrayEquals(MachineFixture.frameKey(1, 1), MachineFixture.openKey(21, sentTo(21).get(0).message()));
    }

    @Test
    void aJoinDuringARotationWaitsForTheNextSoItNeverGetsAKeyItsPredecessorHeld()
    {
        connect();
        machine.rotateKeys();
        assertEquals(List.of("to 21: KEY_ADDED producer=1 key=3 at=0"), output.take());

        machine.onMessage(subscriber, goodbye());
        assertEquals(List.of("detach 21", "to 11: KeyUpdate key=3", "close 21", SUBSCRIBER_LEFT), output.take(),
            "nobody left to install key 3 first: the publisher switches at once");

        fixture.subscriber(22);
        assertEquals(List.of(JOINED), output.take(), "key 3 is under way and the previous subscriber holds it");
        machine.onMessage(publisher, keyInUse(1, 3, 8192));
        assertEquals(List.of("audit KEY_ROTATED SUCCESS: producer=1 keyId=3", "to 11: KeyUpdate key=4"),
            output.take());
        machine.onMessage(publisher, keyInUse(1, 4, 12288));
        assertEquals(List.of(
            "audit KEY_ROTATED SUCCESS: producer=1 keyId=4",
            "to 22: ADDED producer=1 key=4 at=12288",
            "audit CHANNEL_OPENED INFO: source added producer=1 keyId=4 position=12288 subscriberSession=16"),
            output.take());
        assertNeverHanded(22, 1, 3);
    }

    @Test
    void aRotationHandsTheSubscriberTheNewKeyFirstAndRetiresTheOldOneOnceThePublisherSwitched()
    {
        connect();
        machine.rotateKeys();
        assertEquals(List.of("to 21: KEY_ADDED producer=1 key=3 at=0"), output.take(), "the publisher waits");
        assertArrayEquals(MachineFixture.frameKey(1, 3), MachineFixture.openKey(21, last(sentTo(21))));

        machine.onMessage(subscriber, source(SourceAction.KEY_ADDED, 1, 3));
        assertEquals(List.of("to 11: KeyUpdate key=3"), output.take());
        machine.onMessage(publisher, keyInUse(1, 3, 8192));
        assertEquals(List.of(
            "audit KEY_ROTATED SUCCESS: producer=1 keyId=3",
            "to 21: KEY_RETIRED producer=1 key=2 grace=" + MachineFixture.GRACE_MS), output.take());
        machine.onMessage(subscriber, source(SourceAction.KEY_RETIRED, 1, 2));
        assertEquals(List.of(), output.take());
    }

    @Test
    void rotationsRequestedWhileOneIsUnderWayCoalesceIntoOneThatRunsAfterIt()
    {
        connect();
        machine.rotateKeys();
        machine.rotateKeys();
        machine.rotateKeys();
        assertEquals(List.of("to 21: KEY_ADDED producer=1 key=3 at=0"), output.take());

        machine.onMessage(subscriber, source(SourceAction.KEY_ADDED, 1, 3));
        machine.onMessage(publisher, keyInUse(1, 3, 8192));
        assertEquals(List.of(
            "to 11: KeyUpdate key=3",
            "audit KEY_ROTATED SUCCESS: producer=1 keyId=3",
            "to 21: KEY_RETIRED producer=1 key=2 grace=" + MachineFixture.GRACE_MS,
            "to 21: KEY_ADDED producer=1 key=4 at=0"), output.take());
        machine.onMessage(subscriber, source(SourceAction.KEY_ADDED, 1, 4));
        machine.onMessage(publisher, keyInUse(1, 4, 16384));
        assertEquals(List.of(
            "to 11: KeyUpdate key=4",
            "audit KEY_ROTATED SUCCESS: producer=1 keyId=4",
            "to 21: KEY_RETIRED producer=1 key=3 grace=" + MachineFixture.GRACE_MS), output.take(), "no third");
    }

    @Test
    void theSubscriberLeavingRotatesEveryPublisherSinceItHoldsTheirKeys()
    {
        final RouterPublisher first = fixture.publisher(11, 1);
        final RouterPublisher second = fixture.publisher(12, 2);
        subscriber = fixture.subscriber(21);
        machine.onMessage(first, keyInUse(1, 2, 0));
        machine.onMessage(second, keyInUse(2, 2, 0));
        output.take();

        machine.onMessage(subscriber, goodbye());
        assertEquals(List.of(
            "detach 21", "to 11: KeyUpdate key=3", "to 12: KeyUpdate key=3", "close 21", SUBSCRIBER_LEFT),
            output.take());
    }

    @Test
    void revokingAKeyOfAPublisherNotYetAnnouncedEndsItWithoutTellingTheSubscriber()
    {
        publisher = fixture.publisher(11, 1);
        subscriber = fixture.subscriber(21);
        assertEquals(List.of("to 11: KeyUpdate key=2", JOINED), output.take(), "announced only after the switch");

        machine.revokeKey(1, 1);
        final List<String> events = output.take();
        assertEquals("audit REVOKED SUCCESS: producer=1 keyId=1", events.get(0));
        assertTrue(events.contains("to 11: Goodbye KEY_REVOKED"), events.toString());
        assertTrue(events.stream().noneMatch((e) -> e.startsWith("to 21:")), events.toString());
        assertEquals(1, fixture.counters.revokedSessions());
    }

    @Test
    void revokingAKeyTellsTheSubscriberAndEndsThePublishersSessionWhichIsCutOff()
    {
        connect();
        machine.revokeKey(1, 2);
        assertEquals(List.of(
            "audit REVOKED SUCCESS: producer=1 keyId=2",
            "to 21: KEY_REVOKED producer=1 key=2 at=0",
            "audit REVOKED SUCCESS: session b ended: key 2 revoked (KEY_REVOKED)",
            "to 11: Goodbye KEY_REVOKED",
            "detach 11",
            "to 21: CUT_OFF producer=1 key=0 at=0"), output.take());
        assertEquals(1, fixture.counters.revokedSessions());

        machine.onMessage(publisher, keyInUse(1, 3, 0));
        machine.onMessage(subscriber, source(SourceAction.KEY_REVOKED, 1, 2));
        assertEquals(List.of(), output.take(), "a dropped publisher is not heard; the ring stays until let go of");
        machine.onMessage(subscriber, source(SourceAction.REMOVED, 1, 0));
        assertEquals(List.of("close 11", "audit CHANNEL_CLOSED INFO: source removed producer=1"), output.take());
    }

    @Test
    void aPublisherThatLeavesIsDrainedBeforeItsSessionAndRingAreClosed()
    {
        connect();
        machine.onMessage(publisher, goodbye());
        assertEquals(List.of("detach 11", "to 21: REMOVED producer=1 key=0 at=0"), output.take());
        machine.rotateKeys();
        assertEquals(List.of(), output.take(), "a leaving publisher does not rotate");

        machine.onMessage(subscriber, source(SourceAction.REMOVED, 1, 0));
        assertEquals(List.of("close 11", "audit CHANNEL_CLOSED INFO: source removed producer=1"), output.take());
        assertTrue(fixture.machine.state().publishers.isEmpty());
    }

    @Test
    void aPublisherNobodyWasToldAboutIsClosedAtOnceWhenItLeaves()
    {
        publisher = fixture.publisher(11, 1);
        machine.onMessage(publisher, goodbye());
        assertEquals(List.of("detach 11", "close 11", "audit CHANNEL_CLOSED INFO: source removed producer=1"),
            output.take());
    }

    @Test
    void aQuarantinedPublisherIsRefusedAndCutOff()
    {
        connect();
        machine.onMessage(subscriber, MachineFixture.sourceUpdate(SourceAction.QUARANTINED, 1, 0,
            RejectReason.BAD_TAG.code()));
        assertEquals(List.of(
            "audit QUARANTINED REFUSED: producer=1 quarantined by subscriber session=15 last refusal=BAD_TAG",
            "to 11: Refusal QUARANTINED",
            "detach 11",
            "to 21: CUT_OFF producer=1 key=0 at=0"), output.take());
    }

    @Test
    void aQuarantineReasonTheBrokerCannotNameIsAuditedAsUnnamed()
    {
        connect();
        machine.onMessage(subscriber, MachineFixture.sourceUpdate(SourceAction.QUARANTINED, 1, 0, Long.MAX_VALUE));
        assertEquals("audit QUARANTINED REFUSED: producer=1 quarantined by subscriber session=15 last refusal=unnamed",
            output.take().get(0));
    }

    @Test
    void anExpiredTokenAndARevokedTokenEachEndTheirSessionOnTheNextTick()
    {
        final long publisherNotAfterMs = MachineFixture.START_MS + 60_000;
        publisher = fixture.publisher(11, 1, MachineFixture.token(5, publisherNotAfterMs));
        subscriber = fixture.subscriber(21, MachineFixture.token(6, Long.MAX_VALUE));
        machine.onMessage(publisher, keyInUse(1, 2, 0));
        machine.onMessage(subscriber, source(SourceAction.ADDED, 1, 2));
        output.take();

        fixture.nowMs = publisherNotAfterMs - 1;
        machine.onTick(fixture.nowMs);
        assertEquals(List.of(), output.take());
        fixture.nowMs = publisherNotAfterMs;
        machine.onTick(fixture.nowMs);
        assertEquals(List.of(
            "audit CHANNEL_CLOSED SUCCESS: session b ended: token expired (SESSION_EXPIRED)",
            "to 11: Goodbye SESSION_EXPIRED",
            "detach 11",
            "to 21: CUT_OFF producer=1 key=0 at=0"), output.take());

        fixture.revocations.revoke(6);
        machine.onTick(fixture.nowMs);
        assertEquals(List.of(
            "audit REVOKED SUCCESS: session 15 ended: token revoked (TOKEN_REVOKED)",
            "to 21: Goodbye TOKEN_REVOKED",
            "detach 21",
            "close 11",
            "audit CHANNEL_CLOSED INFO: source removed producer=1",
            "close 21",
            SUBSCRIBER_LEFT), output.take());
        assertEquals(1, fixture.counters.expiredSessions());
        assertEquals(1, fixture.counters.revokedSessions());
    }

    @Test
    void aSubscriberThatOwesAnAcknowledgementTooLongIsEvicted()
    {
        publisher = fixture.publisher(11, 1);
        fixture.subscriber(21);
        machine.onMessage(publisher, keyInUse(1, 2, 0));
        output.take();

        fixture.nowMs += MachineFixture.ACK_TIMEOUT_MS;
        machine.onTick(fixture.nowMs);
        assertEquals(List.of(), output.take(), "owed for exactly the timeout is not yet overdue");
        fixture.nowMs++;
        machine.onTick(fixture.nowMs);
        assertEquals(List.of(
            "audit HANDSHAKE REFUSED: TIMED_OUT: no acknowledgement within 10000 ms, session 15 evicted",
            "to 21: Refusal TIMED_OUT",
            "detach 21",
            "to 11: KeyUpdate key=3",
            "close 21",
            SUBSCRIBER_LEFT), output.take());
        assertEquals(1, fixture.counters.ackTimeouts());
    }

    @Test
    void aPublisherThatNeverSwitchesKeysIsEvicted()
    {
        fixture.publisher(11, 1);
        fixture.subscriber(21);
        output.take();
        fixture.nowMs += MachineFixture.ACK_TIMEOUT_MS + 1;
        machine.onTick(fixture.nowMs);
        assertEquals(List.of(
            "audit HANDSHAKE REFUSED: TIMED_OUT: no acknowledgement within 10000 ms, session b evicted",
            "to 11: Refusal TIMED_OUT",
            "detach 11",
            "close 11",
            "audit CHANNEL_CLOSED INFO: source removed producer=1"), output.take());
        assertEquals(1, fixture.counters.ackTimeouts());
    }

    @Test
    void aKeyRevocationThatDoesNotFitTheSubscribersQueueEndsItsSessionSoRevocationNeverFailsOpen()
    {
        connect();
        output.queueFull(21, true);
        machine.revokeKey(1, 2);
        assertEquals(List.of(
            "audit REVOKED SUCCESS: producer=1 keyId=2",
            "to 21: KEY_REVOKED producer=1 key=2 at=0 (queue full)",
            "audit REVOKED SUCCESS: session b ended: key 2 revoked (KEY_REVOKED)",
            "to 11: Goodbye KEY_REVOKED",
            "detach 11",
            "to 21: CUT_OFF producer=1 key=0 at=0 (queue full)",
            "audit RATE_LIMITED REFUSED: control queue overflow: session 15 ended",
            "detach 21",
            "close 11",
            "audit CHANNEL_CLOSED INFO: source removed producer=1",
            "close 21",
            SUBSCRIBER_LEFT), output.take());
        assertEquals(1, fixture.counters.controlOverflows());
    }

    @Test
    void aSessionWhoseQueueOverflowsIsEndedAfterTheStepNotInTheMiddleOfIt()
    {
        final RouterPublisher first = fixture.publisher(11, 1);
        final RouterPublisher second = fixture.publisher(12, 2);
        subscriber = fixture.subscriber(21);
        machine.onMessage(first, keyInUse(1, 2, 0));
        machine.onMessage(second, keyInUse(2, 2, 0));
        machine.onMessage(subscriber, source(SourceAction.ADDED, 1, 2));
        machine.onMessage(subscriber, source(SourceAction.ADDED, 2, 2));
        output.take();

        output.queueFull(21, true);
        machine.rotateKeys();
        assertEquals(List.of(
            "to 21: KEY_ADDED producer=1 key=3 at=0 (queue full)",
            "to 21: KEY_ADDED producer=2 key=3 at=0 (queue full)",
            "audit RATE_LIMITED REFUSED: control queue overflow: session 15 ended",
            "detach 21",
            "to 11: KeyUpdate key=3",
            "to 12: KeyUpdate key=3",
            "close 21",
            SUBSCRIBER_LEFT), output.take());
        assertEquals(1, fixture.counters.controlOverflows());
    }

    @Test
    void anAcknowledgementOfSomethingNeverSentIsAProtocolViolation()
    {
        connect();
        machine.onMessage(subscriber, source(SourceAction.KEY_ADDED, 1, 9));
        assertEquals(List.of(
            "audit HANDSHAKE REFUSED: PROTOCOL_VIOLATION: unexpected acknowledgement KEY_ADDED",
            "to 21: Refusal PROTOCOL_VIOLATION",
            "detach 21",
            "to 11: KeyUpdate key=3",
            "close 21",
            SUBSCRIBER_LEFT), output.take());
    }

    @Test
    void aSubscriberNamingAPublisherItWasNeverToldAboutIsAProtocolViolation()
    {
        connect();
        machine.onMessage(subscriber, source(SourceAction.ADDED, 9, 1));
        assertEquals("audit HANDSHAKE REFUSED: PROTOCOL_VIOLATION: unexpected message " +
            SourceUpdateDecoder.TEMPLATE_ID, output.take().get(0));
    }

    @Test
    void aKeyStartPositionThatIsNegativeOrUnalignedDropsThePublisher()
    {
        for (final long position : new long[]{13, -8})
        {
            final MachineFixture each = new MachineFixture(false);
            final RouterPublisher lone = each.publisher(11, 1);
            each.subscriber(21);
            each.output.take();
            each.machine.onMessage(lone, keyInUse(1, 2, position));
            assertEquals(List.of(
                "audit HANDSHAKE REFUSED: PROTOCOL_VIOLATION: bad key start position " + position,
                "to 11: Refusal PROTOCOL_VIOLATION",
                "detach 11",
                "close 11",
                "audit CHANNEL_CLOSED INFO: source removed producer=1"), each.output.take());
        }
    }

    @Test
    void aKeySwitchTheBrokerNeverAskedForIsAProtocolViolation()
    {
        connect();
        machine.onMessage(publisher, keyInUse(1, 5, 0));
        assertEquals(List.of(
            "audit HANDSHAKE REFUSED: PROTOCOL_VIOLATION: unexpected acknowledgement KEY_IN_USE",
            "to 11: Refusal PROTOCOL_VIOLATION",
            "detach 11",
            "to 21: REMOVED producer=1 key=0 at=0"), output.take());
    }

    @Test
    void theRingIsUnlinkedOnceWhenBothSidesMappedIt()
    {
        final MachineFixture unlinking = new MachineFixture(true);
        final RouterPublisher writer = unlinking.publisher(11, 1);
        final RouterSubscriber reader = unlinking.subscriber(21);
        unlinking.machine.onMessage(writer, keyInUse(1, 2, 0));
        unlinking.machine.onMessage(writer, source(SourceAction.MAPPED, 1, 0));
        unlinking.output.take();
        unlinking.machine.onMessage(reader, source(SourceAction.ADDED, 1, 2));
        unlinking.machine.onMessage(writer, source(SourceAction.MAPPED, 1, 0));
        assertEquals(List.of("unlink " + MachineFixture.ringPath(1), "audit FILE_CHECK INFO: ring unlinked producer=1"),
            unlinking.output.take());

        connect();
        machine.onMessage(publisher, source(SourceAction.MAPPED, 1, 0));
        assertEquals(List.of(), output.take(), "not asked to unlink");
    }

    @Test
    void aShutdownSaysGoodbyeToEverySessionAndClosesIt()
    {
        connect();
        machine.shutdown();
        assertEquals(List.of("to 11: Goodbye SHUTDOWN", "close 11", "to 21: Goodbye SHUTDOWN", "close 21"),
            output.take());
    }

    /**
     * Publisher 11 (producer 1) announced to subscriber 21 on key 2 and acknowledged; the transcript is emptied.
     */
    private void connect()
    {
        publisher = fixture.publisher(11, 1);
        subscriber = fixture.subscriber(21);
        machine.onMessage(publisher, keyInUse(1, 2, 4096));
        machine.onMessage(subscriber, source(SourceAction.ADDED, 1, 2));
        output.take();
    }

    private List<RecordingOutput.Sent> sentTo(final long sessionId)
    {
        return output.sent().stream().filter((sent) -> sent.to() == sessionId).toList();
    }

    private static ControlMessage last(final List<RecordingOutput.Sent> sent)
    {
        return sent.get(sent.size() - 1).message();
    }

    /**
     * No message to the subscriber names a key of the producer up to {@code maxKeyId}, nor opens to one: it cannot
     * verify a frame sealed under such a key.
     */
    private void assertNeverHanded(final long subscriberId, final int producerId, final int maxKeyId)
    {
        for (final RecordingOutput.Sent sent : sentTo(subscriberId))
        {
            assertTrue(sent.message().keyId > maxKeyId, RecordingOutput.describe(sent.message()));
            final byte[] key = MachineFixture.openKey(subscriberId, sent.message());
            for (int keyId = 1; keyId <= maxKeyId; keyId++)
            {
                assertFalse(Arrays.equals(MachineFixture.frameKey(producerId, keyId), key));
            }
        }
    }
}
