package io.bastion.broker;

import io.bastion.channel.SealedManyToOneRing;
import io.bastion.channel.SealedRing;
import io.bastion.codec.sbe.SourceAction;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static io.bastion.broker.MachineFixture.keyInUse;
import static io.bastion.broker.MachineFixture.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A concurrent publisher is a publisher like any other to its channel's machine (rotations, live joins, drains), named
 * by its first lane id; only its announcement differs: {@code SHARED_ADDED} with its many-to-one ring's one
 * descriptor, which the subscriber acknowledges with {@code ADDED}.
 */
class SharedSourceAnnouncementTest
{
    private final MachineFixture fixture = new MachineFixture(false);

    @Test
    void aConcurrentPublisherIsAnnouncedAsASharedSourceAtTheLivePositionAndRotatesAsAnyOther() throws IOException
    {
        assumeTrue(SealedRing.isSupported(), "sealed rings need memfd (Linux)");
        try (SealedManyToOneRing ring = SealedManyToOneRing.create(4096))
        {
            final RouterPublisher publisher = fixture.machine.onPublisherJoined(new SessionFacts(11, "alice", null, 65,
                1, (keyId) -> MachineFixture.frameKey(65, keyId), null, 4096, null, null).sharedRing(ring));
            final RouterSubscriber subscriber = fixture.subscriber(21);
            assertEquals(List.of("to 11: KeyUpdate key=2",
                "audit KEY_ROTATED INFO: subscriber joined: producer=65 rotates before it is announced"),
                fixture.output.take());

            fixture.machine.onMessage(publisher, keyInUse(65, 2, 8192));
            assertEquals(List.of(
                "audit KEY_ROTATED SUCCESS: producer=65 keyId=2",
                "to 21: SHARED_ADDED producer=65 key=2 at=8192",
                "audit CHANNEL_OPENED INFO: source added producer=65 keyId=2 position=8192 subscriberSession=15"),
                fixture.output.take());
            final RecordingOutput.Sent added = fixture.output.sent().get(fixture.output.sent().size() - 1);
            assertTrue(added.withRing());
            assertArrayEquals(MachineFixture.frameKey(65, 2), MachineFixture.openKey(21, added.message()));

            // Acknowledged as any announced ring; the next rotation goes as for any publisher.
            fixture.machine.onMessage(subscriber, source(SourceAction.ADDED, 65, 2));
            fixture.machine.rotateKeys();
            assertEquals(List.of("to 21: KEY_ADDED producer=65 key=3 at=0"), fixture.output.take());
            fixture.machine.onMessage(subscriber, source(SourceAction.KEY_ADDED, 65, 3));
            assertEquals(List.of("to 11: KeyUpdate key=3"), fixture.output.take());
            fixture.machine.onMessage(publisher, keyInUse(65, 3, 16384));
            assertEquals(List.of("audit KEY_ROTATED SUCCESS: producer=65 keyId=3",
                "to 21: KEY_RETIRED producer=65 key=2 grace=" + MachineFixture.GRACE_MS), fixture.output.take());
        }
    }
}
