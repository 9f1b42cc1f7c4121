package io.bastion.channel;

import io.bastion.codec.FrameWriter;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.ManyToOneRing;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.ringbuffer.RecordProducer;
import io.bastion.ringbuffer.RingClaim;
import io.bastion.ringbuffer.RingFault;
import io.bastion.ringbuffer.RingStatus;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.keys.KeyRing;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One vocabulary per layer, and no value reused with another meaning across layers: the rings' {@link RingStatus},
 * the codec writer's codes, the publisher's {@link ChannelStatus} and the refusal codes of {@link RejectReason}.
 */
class StatusVocabularyTest
{
    /** The only values two layers share, each pair with one meaning: the publisher passes the ring's code on. */
    private static final Set<Set<String>> SAME_MEANING = Set.of(
        Set.of("RingStatus.BACK_PRESSURED", "ChannelStatus.BACK_PRESSURED"),
        Set.of("RingStatus.UNBLOCKED", "ChannelStatus.ADMIN_ACTION"),
        Set.of("RingStatus.CORRUPT", "ChannelStatus.CORRUPT"));

    @Test
    void thePublishersValuesAreAeronsWhereTheMeaningIsAerons()
    {
        assertEquals(-1, ChannelStatus.NOT_CONNECTED);
        assertEquals(-2, ChannelStatus.BACK_PRESSURED);
        assertEquals(-3, ChannelStatus.ADMIN_ACTION);
        assertEquals(-4, ChannelStatus.CLOSED);
        // Aeron's MAX_POSITION_EXCEEDED (-5) means nothing here, so nothing takes its value.
        assertFalse(constants(ChannelStatus.class).containsKey(-5L));
    }

    @Test
    void noValueIsReusedWithAnotherMeaningAcrossLayers()
    {
        final Map<Long, Set<String>> byValue = new TreeMap<>();
        for (final Class<?> type : List.of(RingStatus.class, FrameWriter.class, ChannelStatus.class))
        {
            final Map<Long, Set<String>> own = constants(type);
            for (final Map.Entry<Long, Set<String>> entry : own.entrySet())
            {
                assertEquals(1, entry.getValue().size(), "one value, two names in one layer: " + entry);
                assertTrue(entry.getKey() < 0, "a status code is negative: " + entry);
                byValue.computeIfAbsent(entry.getKey(), (value) -> new TreeSet<>()).addAll(entry.getValue());
            }
        }
        for (final RejectReason reason : RejectReason.values())
        {
            // Refusal codes are 0 and up: never one of the negative status codes.
            assertTrue(reason.code() >= 0, reason.name());
        }
        for (final Map.Entry<Long, Set<String>> entry : byValue.entrySet())
        {
            if (entry.getValue().size() > 1)
            {
                assertTrue(SAME_MEANING.contains(entry.getValue()), "value " + entry.getKey() +
                    " means different things: " + entry.getValue());
            }
        }
        assertEquals(3, byValue.values().stream().filter((names) -> names.size() > 1).count());
    }

    @Test
    void eachNameDescribesItself()
    {
        for (final Map.Entry<Long, Set<String>> entry : constants(ChannelStatus.class).entrySet())
        {
            assertEquals(entry.getValue().iterator().next(), "ChannelStatus." +
                ChannelStatus.describe(entry.getKey()));
        }
        for (final Map.Entry<Long, Set<String>> entry : constants(RingStatus.class).entrySet())
        {
            assertEquals(entry.getValue().iterator().next(), "RingStatus." + RingStatus.describe(entry.getKey()));
        }
    }

    @Test
    void thePublisherPassesEachRingStatusOnWithItsValue()
    {
        for (final long ringStatus : new long[]{RingStatus.BACK_PRESSURED, RingStatus.UNBLOCKED, RingStatus.CORRUPT})
        {
            final ChannelRig rig = new ChannelRig();
            final StubRing ring = new StubRing(ringStatus);
            final ChannelCounters counters = new ChannelCounters(rig.countersManager, "stub");
            final Publisher publisher = new Publisher(ring, new HmacFrameSealer(rig.sendKeys), ChannelRig.CHANNEL_ID,
                ChannelRig.PRODUCER_ID, () -> 1L, counters);
            publisher.doWork();
            final long status = publisher.offer(ChannelRig.payload(1, 8), 0, 8, 1);
            assertEquals(ringStatus, status, RingStatus.describe(ringStatus));
            assertEquals(RingStatus.BACK_PRESSURED == ringStatus ? 1 : 0, counters.backPressure());
            assertEquals(RingStatus.UNBLOCKED == ringStatus ? 1 : 0, counters.unblocked());
            assertEquals(RingStatus.CORRUPT == ringStatus ? 1 : 0, counters.rejected(RejectReason.HEAD_BEYOND_TAIL));
        }
    }

    @Test
    void onlyTheStatusesThatLeaveThePublisherOpenAreRetried()
    {
        for (long status = 1; status >= ChannelStatus.REFUSED; status--)
        {
            final boolean retry = ChannelStatus.BACK_PRESSURED == status || ChannelStatus.ADMIN_ACTION == status ||
                ChannelStatus.RATE_LIMITED == status;
            assertEquals(retry, ChannelStatus.isRetryable(status), ChannelStatus.describe(status));
        }
        assertFalse(ChannelStatus.isRetryable(ChannelStatus.NOT_CONNECTED), "not connected waits for a subscriber");
        assertFalse(ChannelStatus.isRetryable(ChannelStatus.CLOSED));
        assertFalse(ChannelStatus.isRetryable(ChannelStatus.NO_SENDING_KEY));
    }

    @Test
    void anUnblockedClaimIsAdminActionNotBackPressure()
    {
        final ChannelRig rig = new ChannelRig();
        final ManyToOneRing ring = new ManyToOneRing(
            ChannelRig.newBuffer(ManyToOneRingDescriptor.regionLength(64 * 1024)), rig.timeMs::get, 1_000);
        final ChannelCounters counters = new ChannelCounters(rig.countersManager, "shared/20");
        final Publisher publisher = new Publisher(ring, new HmacFrameSealer(rig.sendKeys), ChannelRig.CHANNEL_ID, 20,
            () -> 1L, counters);
        rig.subscriber.addSharedSource(ring, new int[]{20}, new HmacFrameSealer(rig.receiveKeys));
        publisher.doWork();

        final FrameClaim claim = new FrameClaim();
        assertTrue(publisher.tryClaim(16, 1, claim) > 0);
        // The consumer gives up on the claim as if this thread had stalled past the unblock timeout.
        assertTrue(ring.unblock());
        final long status = claim.commit();
        assertEquals(ChannelStatus.ADMIN_ACTION, status);
        assertTrue(ChannelStatus.isRetryable(status), "an unblocked claim is offered again, not given up");
        assertEquals(1, counters.unblocked());
        assertEquals(0, counters.backPressure());
        // Try again: the frame goes through, with the sequence the lost one had.
        assertTrue(publisher.offer(ChannelRig.payload(1, 16), 0, 16, 1) > 0);
        final List<Long> sequences = new ArrayList<>();
        rig.subscriber.poll((buffer, offset, length, frame) -> sequences.add(frame.sequence()), 10);
        assertEquals(List.of(1L), sequences);
        assertTrue(rig.rejections.isEmpty(), rig.rejections.toString());
    }

    @Test
    void noSendingKeyHasItsOwnNameAndStopsThePublisher()
    {
        final ChannelRig rig = new ChannelRig();
        final KeyRing empty = new KeyRing(ChannelRig.CHANNEL_ID, KeyDirection.INITIATOR_TO_RESPONDER, rig.timeMs::get);
        final Publisher publisher = new Publisher(rig.ringProducer, new HmacFrameSealer(empty), ChannelRig.CHANNEL_ID,
            ChannelRig.PRODUCER_ID, () -> 1L, new ChannelCounters(rig.countersManager, "keyless"));
        publisher.doWork();
        assertEquals(ChannelStatus.NO_SENDING_KEY, publisher.offer(ChannelRig.payload(1, 8), 0, 8, 1));
        empty.rotate(1, ChannelRig.KEY_1, 0);
        assertEquals(ChannelStatus.NO_SENDING_KEY, publisher.offer(ChannelRig.payload(1, 8), 0, 8, 1));
        assertFalse(publisher.isFaulted());
        publisher.close();
        assertEquals(ChannelStatus.CLOSED, publisher.offer(ChannelRig.payload(1, 8), 0, 8, 1));
    }

    /** Every {@code public static final} long or int of a type, by value. */
    private static Map<Long, Set<String>> constants(final Class<?> type)
    {
        final Map<Long, Set<String>> byValue = new TreeMap<>();
        for (final Field field : type.getFields())
        {
            final int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) &&
                (long.class == field.getType() || int.class == field.getType()))
            {
                try
                {
                    byValue.computeIfAbsent(((Number)field.get(null)).longValue(), (value) -> new TreeSet<>())
                        .add(type.getSimpleName() + "." + field.getName());
                }
                catch (final IllegalAccessException ex)
                {
                    throw new AssertionError(ex);
                }
            }
        }
        return byValue;
    }

    /** A ring whose every claim returns one status, faulted as a hostile head would fault it. */
    private static final class StubRing implements RecordProducer
    {
        private final long status;

        StubRing(final long status)
        {
            this.status = status;
        }

        @Override
        public long write(final int typeId, final DirectBuffer src, final int offset, final int length)
        {
            return status;
        }

        @Override
        public long tryClaim(final int typeId, final int length, final RingClaim claim)
        {
            return status;
        }

        @Override
        public void producerHeartbeat()
        {
        }

        @Override
        public boolean isConsumerAlive(final long timeoutMs)
        {
            return true;
        }

        @Override
        public RingFault fault()
        {
            return RingStatus.CORRUPT == status ? RingFault.HEAD_BEYOND_TAIL : RingFault.NONE;
        }

        @Override
        public int maxPayloadLength()
        {
            return 4096;
        }
    }
}
