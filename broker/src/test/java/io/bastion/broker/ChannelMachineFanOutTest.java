package io.bastion.broker;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.control.ControlMessage;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.ringbuffer.FanOutPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.bastion.broker.MachineFixture.keyInUse;
import static io.bastion.broker.MachineFixture.source;
import static io.bastion.broker.MachineFixture.sourceUpdate;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fan-out channel's {@link ChannelMachine} (up to 4 subscribers), driven event by event: each subscriber gets a
 * consumer region of its own in the publisher's ring, handed to the publisher just before the key switch at which the
 * subscriber is announced; the publisher waits for every subscriber's copy of a new key before it switches; a
 * subscriber the publisher evicts is told why and leaves, and the others carry on. Sessions: publisher 11 (producer
 * 1); subscribers 21, 22 and 23 (consumer ids 1, 2 and 3 in joining order).
 */
class ChannelMachineFanOutTest
{
    private final MachineFixture fixture = new MachineFixture(false,
        new ChannelFanOut(4, FanOutPolicy.evicting(Long.MAX_VALUE, 1_000)));
    private final ChannelMachine machine = fixture.machine;
    private final RecordingOutput output = fixture.output;

    @AfterEach
    void everyRegionIsReleasedWithItsPair()
    {
        machine.shutdown();
        for (final var region : output.regions())
        {
            assertThrows(IllegalStateException.class, region::readOnlyDescriptor, "a region outlived its pair");
        }
    }

    @Test
    void eachJoiningSubscriberGetsItsOwnRegionAttachedWhereThePublisherSwitchesKeys()
    {
        final RouterPublisher publisher = fixture.publisher(11, 1);
        final RouterSubscriber first = fixture.subscriber(21);
        assertEquals(List.of(
            "to 11: CONSUMER_ADDED producer=1 consumer=1",
            "to 11: KeyUpdate key=2",
            "audit KEY_ROTATED INFO: subscriber joined: producer=1 rotates before it is announced consumer=1"),
            output.take(), "the region goes first, so the publisher attaches it at the switch");
        assertTrue(sentTo(11).get(0).withRing(), "the region travels as a descriptor");

        machine.onMessage(publisher, keyInUse(1, 2, 4096));
        assertEquals(List.of(
            "audit KEY_ROTATED SUCCESS: producer=1 keyId=2",
            "to 21: ADDED producer=1 key=2 at=4096",
            "audit CHANNEL_OPENED INFO: source added producer=1 keyId=2 position=4096 subscriberSession=15"),
            output.take());
        machine.onMessage(first, source(SourceAction.ADDED, 1, 2));
        output.take();

        fixture.subscriber(22);
        assertEquals(List.of(
            "to 21: KEY_ADDED producer=1 key=3 at=0",
            "audit KEY_ROTATED INFO: subscriber joined: producer=1 rotates before it is announced consumer=2"),
            output.take(), "the subscriber already there gets the new key before the publisher may use it");
        machine.onMessage(first, source(SourceAction.KEY_ADDED, 1, 3));
        assertEquals(List.of("to 11: CONSUMER_ADDED producer=1 consumer=2", "to 11: KeyUpdate key=3"),
            output.take());
        machine.onMessage(publisher, keyInUse(1, 3, 8192));
        assertEquals(List.of(
            "audit KEY_ROTATED SUCCESS: producer=1 keyId=3",
            "to 21: KEY_RETIRED producer=1 key=2 grace=5000",
            "to 22: ADDED producer=1 key=3 at=8192",
            "audit CHANNEL_OPENED INFO: source added producer=1 keyId=3 position=8192 subscriberSession=16"),
            output.take());
        assertArrayEquals(MachineFixture.frameKey(1, 3), MachineFixture.openKey(22, last(sentTo(22))));
        for (final RecordingOutput.Sent sent : sentTo(22))
        {
            assertTrue(sent.message().keyId >= 3, "the newcomer never gets a key sealed before it came");
        }
    }

    @Test
    void thePublisherSwitchesOnlyOnceEverySubscriberHoldsTheNewKey()
    {
        final RouterPublisher publisher = fixture.publisher(11, 1);
        final RouterSubscriber first = join(publisher, 21, 2, 4096);
        final RouterSubscriber second = join(publisher, 22, 3, 8192, first);

        machine.rotateKeys();
        assertEquals(List.of("to 21: KEY_ADDED producer=1 key=4 at=0", "to 22: KEY_ADDED producer=1 key=4 at=0"),
            output.take());
        machine.onMessage(second, source(SourceAction.KEY_ADDED, 1, 4));
        assertEquals(List.of(), output.take(), "subscriber 21 does not hold key 4 yet");
        machine.onMessage(first, source(SourceAction.KEY_ADDED, 1, 4));
        assertEquals(List.of("to 11: KeyUpdate key=4"), output.take());
    }

    @Test
    void anEvictedSubscriberIsToldWhyAndLeavesWhileTheOthersCarryOnUnderAFreshKey()
    {
        final RouterPublisher publisher = fixture.publisher(11, 1);
        final RouterSubscriber first = join(publisher, 21, 2, 4096);
        final RouterSubscriber second = join(publisher, 22, 3, 8192, first);

        machine.onMessage(publisher, sourceUpdate(SourceAction.EVICTED, 1, second.consumerId,
            RejectReason.CONSUMER_STALLED.code()));
        final List<String> transcript = output.take();
        assertEquals(List.of(
            "audit RATE_LIMITED REFUSED: CONSUMER_STALLED: subscriber session=16 consumer=2 evicted by producer=1",
            "to 22: Refusal CONSUMER_STALLED",
            "detach 22",
            "to 21: KEY_ADDED producer=1 key=4 at=0",
            "close 22",
            "audit CHANNEL_CLOSED INFO: subscriber left session=16"),
            transcript, "no CONSUMER_REMOVED: the publisher let go of the region when it evicted");
        assertEquals(1, fixture.counters.subscriberEvictions());
        assertFalse(first.dropped);
        machine.onMessage(first, source(SourceAction.KEY_ADDED, 1, 4));
        assertEquals(List.of("to 11: KeyUpdate key=4"), output.take(), "the evicted one held key 3: it retires");
    }

    @Test
    void aSubscriberThatLeavesHasItsRegionTakenBackFromThePublisher()
    {
        final RouterPublisher publisher = fixture.publisher(11, 1);
        final RouterSubscriber first = join(publisher, 21, 2, 4096);
        machine.onMessage(first, MachineFixture.goodbye());
        assertEquals(List.of(
            "detach 21",
            "to 11: CONSUMER_REMOVED producer=1 consumer=1",
            "to 11: KeyUpdate key=3",
            "close 21",
            "audit CHANNEL_CLOSED INFO: subscriber left session=15"),
            output.take());
    }

    @Test
    void aQuarantineByOneSubscriberDoesNotCutThePublisherOffFromTheOthers()
    {
        final RouterPublisher publisher = fixture.publisher(11, 1);
        final RouterSubscriber first = join(publisher, 21, 2, 4096);
        final RouterSubscriber second = join(publisher, 22, 3, 8192, first);
        machine.onMessage(second, sourceUpdate(SourceAction.QUARANTINED, 1, 0, RejectReason.BAD_TAG.code()));
        final List<String> transcript = output.take();
        assertTrue(transcript.contains("to 22: CUT_OFF producer=1 key=0 at=0"), "it lets go of ring and keys now");
        assertTrue(transcript.contains("to 11: CONSUMER_REMOVED producer=1 consumer=2"), transcript.toString());
        assertTrue(transcript.contains("to 21: KEY_ADDED producer=1 key=4 at=0"), transcript.toString());
        assertFalse(transcript.stream().anyMatch((line) -> line.startsWith("to 11: Refusal")), transcript.toString());
        assertFalse(publisher.dropped);
        assertFalse(second.dropped, "it may still read the channel's other publishers");
    }

    @Test
    void anAcknowledgementThatCrossedTheSubscribersOwnQuarantineIsIgnored()
    {
        final RouterPublisher publisher = fixture.publisher(11, 1);
        final RouterSubscriber first = join(publisher, 21, 2, 4096);
        final RouterSubscriber second = join(publisher, 22, 3, 8192, first);
        machine.onMessage(first, sourceUpdate(SourceAction.QUARANTINED, 1, 0, RejectReason.BAD_TAG.code()));
        assertTrue(output.take().contains("to 22: KEY_ADDED producer=1 key=4 at=0"));

        // The second quarantined the publisher too, before it read the new key, then acknowledged that key.
        machine.onMessage(second, sourceUpdate(SourceAction.QUARANTINED, 1, 0, RejectReason.BAD_TAG.code()));
        output.take();
        machine.onMessage(second, source(SourceAction.KEY_ADDED, 1, 4));

        assertEquals(List.of(), output.take());
        assertFalse(second.dropped, "its word about a publisher it let go of changes nothing");
        assertFalse(first.dropped);
        machine.onMessage(second, source(SourceAction.KEY_ADDED, 2, 4));
        assertTrue(second.dropped, "an acknowledgement about a publisher it never had is still a violation");
    }

    @Test
    void anEvictionWithAReasonNoRingGivesIsTheBrokersViolationByThePublisher()
    {
        final RouterPublisher publisher = fixture.publisher(11, 1);
        final RouterSubscriber first = join(publisher, 21, 2, 4096);
        machine.onMessage(publisher, sourceUpdate(SourceAction.EVICTED, 1, first.consumerId,
            RejectReason.BAD_TAG.code()));
        assertTrue(publisher.dropped);
        assertFalse(first.dropped, "a publisher's bad report evicts nobody");
    }

    @Test
    void anEvictionOfASubscriberThatAlreadyLeftIsIgnored()
    {
        final RouterPublisher publisher = fixture.publisher(11, 1);
        final RouterSubscriber first = join(publisher, 21, 2, 4096);
        machine.onMessage(first, MachineFixture.goodbye());
        output.take();
        machine.onMessage(publisher, sourceUpdate(SourceAction.EVICTED, 1, first.consumerId,
            RejectReason.CONSUMER_LAGGED.code()));
        assertEquals(List.of(), output.take());
        assertFalse(publisher.dropped);
        assertEquals(0, fixture.counters.subscriberEvictions());
    }

    @Test
    void aPublisherThatArrivesLaterAttachesEverySubscriberAtItsFirstSwitch()
    {
        fixture.subscriber(21);
        fixture.subscriber(22);
        final RouterPublisher publisher = fixture.publisher(11, 1);
        assertEquals(List.of(
            "to 11: CONSUMER_ADDED producer=1 consumer=1",
            "to 11: CONSUMER_ADDED producer=1 consumer=2",
            "to 11: KeyUpdate key=2",
            "audit KEY_ROTATED INFO: publisher joined: producer=1 rotates before it is announced to 2 subscribers"),
            output.take());
        machine.onMessage(publisher, keyInUse(1, 2, 0));
        assertEquals(List.of(
            "audit KEY_ROTATED SUCCESS: producer=1 keyId=2",
            "to 21: ADDED producer=1 key=2 at=0",
            "audit CHANNEL_OPENED INFO: source added producer=1 keyId=2 position=0 subscriberSession=15",
            "to 22: ADDED producer=1 key=2 at=0",
            "audit CHANNEL_OPENED INFO: source added producer=1 keyId=2 position=0 subscriberSession=16"),
            output.take());
    }

    @Test
    void aSubscriberWhoseRegionCannotBeMadeIsRefusedRatherThanHalfJoined()
    {
        fixture.publisher(11, 1);
        output.failConsumerRegions = true;
        final RouterSubscriber subscriber = fixture.subscriber(21);
        assertTrue(subscriber.dropped);
        assertTrue(output.take().contains("to 21: Refusal CHANNEL_CLOSED"));
    }

    private RouterSubscriber join(
        final RouterPublisher publisher, final long sessionId, final int keyId, final long position,
        final RouterSubscriber... already)
    {
        final RouterSubscriber subscriber = fixture.subscriber(sessionId);
        for (final RouterSubscriber each : already)
        {
            machine.onMessage(each, source(SourceAction.KEY_ADDED, 1, keyId));
        }
        machine.onMessage(publisher, keyInUse(1, keyId, position));
        machine.onMessage(subscriber, source(SourceAction.ADDED, 1, keyId));
        for (final RouterSubscriber each : already)
        {
            machine.onMessage(each, source(SourceAction.KEY_RETIRED, 1, keyId - 1));
        }
        output.take();
        return subscriber;
    }

    private List<RecordingOutput.Sent> sentTo(final long sessionId)
    {
        return output.sent().stream().filter((sent) -> sent.to() == sessionId).toList();
    }

    private static ControlMessage last(final List<RecordingOutput.Sent> sent)
    {
        return sent.get(sent.size() - 1).message();
    }
}
