package io.bastion.broker.process;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.process.Wire;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.FanOutPolicy;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.token.Right;
import io.bastion.test.ChildJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fan-out through a broker, every party its own process: one publisher's frames, written and sealed once, reach every
 * subscriber of the channel verified and in order; a subscriber that dies, stops (SIGSTOP) or writes nonsense into
 * its own consumer region costs the others nothing, and one that is evicted is told why.
 */
class FanOutProcessTest extends EmbeddedBrokerTest
{
    private static final String CHANNEL = "market.fanout";
    private static final long DEADLINE_MS = 240_000;

    @Test
    void onePublisherFeedsFourSubscribersInOtherProcessesEveryFrameVerifiedAndInOrder() throws Exception
    {
        // A stall bound far above any scheduling pause on a loaded two-core machine: nobody is evicted here.
        final int frames = 1_000_000;
        launchFanOut(FanOutPolicy.evicting(Long.MAX_VALUE, 30_000), 1 << 20);
        final List<ChildJvm> subscribers = subscribers(4, frames);
        try (ChildJvm publisher = publisher(frames))
        {
            assertEquals(String.valueOf(frames), sent(publisher, subscribers));
            for (final ChildJvm subscriber : subscribers)
            {
                final Map<String, String> got = Wire.summary(subscriber.awaitLine(Wire.SUMMARY, DEADLINE_MS));
                assertEquals(String.valueOf(frames), got.get("received"), got.toString());
                assertEquals("0", got.get("mismatches"), "every frame verified, in order, byte for byte");
                assertEquals("0", got.get("rejections"), got.toString());
                assertEquals(0, subscriber.awaitExit(20_000), subscriber.describe());
            }
            publisher.closeStdin();
            assertEquals(0, publisher.awaitExit(20_000), publisher.describe());
        }
        finally
        {
            subscribers.forEach(ChildJvm::close);
        }
    }

    @Test
    void aSubscriberKilledMidStreamCostsTheOthersNothing() throws Exception
    {
        final int frames = 200_000;
        launchFanOut(FanOutPolicy.evicting(Long.MAX_VALUE, 2_000));
        final List<ChildJvm> subscribers = subscribers(3, frames);
        try (ChildJvm publisher = publisher(frames, "progress=50000"))
        {
            publisher.awaitLine("sent 50000", DEADLINE_MS);
            subscribers.get(2).kill();
            assertEquals(String.valueOf(frames), sent(publisher, subscribers));
            assertTheOthersGotEverything(subscribers.subList(0, 2), frames);
            publisher.closeStdin();
            assertEquals(0, publisher.awaitExit(20_000), publisher.describe());
        }
        finally
        {
            subscribers.forEach(ChildJvm::close);
        }
    }

    @Test
    void aStoppedSubscriberIsEvictedAfterTheBoundTheOthersGoOnAndItIsToldWhyWhenItResumes() throws Exception
    {
        final int frames = 200_000;
        launchFanOut(FanOutPolicy.evicting(Long.MAX_VALUE, 2_000));
        final List<ChildJvm> subscribers = subscribers(3, frames);
        final ChildJvm stopped = subscribers.get(2);
        try (ChildJvm publisher = publisher(frames, "progress=50000"))
        {
            publisher.awaitLine("sent 50000", DEADLINE_MS);
            stopped.signal("STOP");
            // Held back by the stopped one for at most the stall bound, then it is evicted and the stream goes on.
            assertEquals(String.valueOf(frames), sent(publisher, subscribers));
            assertTheOthersGotEverything(subscribers.subList(0, 2), frames);
            stopped.signal("CONT");
            final Map<String, String> told = Wire.summary(stopped.awaitLine(Wire.SUMMARY, DEADLINE_MS));
            assertEquals(RejectReason.CONSUMER_STALLED.name(), told.get("closed"), told.toString());
            publisher.closeStdin();
            assertEquals(0, publisher.awaitExit(20_000), publisher.describe());
        }
        finally
        {
            subscribers.forEach(ChildJvm::close);
        }
        assertEvictionAudited(RejectReason.CONSUMER_STALLED);
    }

    @Test
    void aSubscriberThatWritesNonsenseIntoItsOwnRegionHurtsOnlyItself() throws Exception
    {
        final int frames = 200_000;
        launchFanOut(FanOutPolicy.evicting(Long.MAX_VALUE, 30_000));
        final List<ChildJvm> subscribers = subscribers(2, frames);
        subscribers.add(subscriber("hostile", frames, "hostile-after=1000"));
        try (ChildJvm publisher = publisher(frames))
        {
            assertEquals(String.valueOf(frames), sent(publisher, subscribers));
            assertTheOthersGotEverything(subscribers.subList(0, 2), frames);
            final Map<String, String> told = Wire.summary(subscribers.get(2).awaitLine(Wire.SUMMARY, DEADLINE_MS));
            assertEquals(RejectReason.CONSUMER_HEAD_INVALID.name(), told.get("closed"), told.toString());
            publisher.closeStdin();
            assertEquals(0, publisher.awaitExit(20_000), publisher.describe());
        }
        finally
        {
            subscribers.forEach(ChildJvm::close);
        }
        assertEvictionAudited(RejectReason.CONSUMER_HEAD_INVALID);
    }

    @Test
    void aSubscriberCannotReopenTheRegionTheOthersReadForWriting() throws Exception
    {
        final int frames = 100_000;
        launchFanOut(FanOutPolicy.evicting(Long.MAX_VALUE, 30_000));
        final List<ChildJvm> subscribers = subscribers(2, frames);
        try (ChildJvm publisher = publisher(frames, "progress=10000");
            ChildJvm forger = ChildJvm.start(temp, "forger", RegionForgerMain.class, "dir=" + dir,
                "token=" + token("forger", CHANNEL, Right.SUBSCRIBE), "channel=" + CHANNEL,
                "deadline-ms=" + DEADLINE_MS))
        {
            final Map<String, String> attack = Wire.summary(forger.awaitLine(Wire.SUMMARY, DEADLINE_MS));
            // Its own process, its own user: it may reopen the descriptor, but the kernel refuses every way to write.
            assertEquals("ok", attack.get("reopen"), attack.toString());
            assertTrue(attack.get("map").contains("Operation-not-permitted"), attack.toString());
            assertTrue(attack.get("write").contains("Operation-not-permitted"), attack.toString());
            assertEquals(String.valueOf(frames), sent(publisher, subscribers));
            assertTheOthersGotEverything(subscribers, frames);
            publisher.closeStdin();
            assertEquals(0, publisher.awaitExit(20_000), publisher.describe());
            assertEquals(0, forger.awaitExit(20_000), forger.describe());
        }
        finally
        {
            subscribers.forEach(ChildJvm::close);
        }
    }

    /**
     * What the publisher says it sent; if it says nothing in time, the failure shows every subscriber's output too.
     */
    private static String sent(final ChildJvm publisher, final List<ChildJvm> subscribers) throws Exception
    {
        try
        {
            return Wire.summary(publisher.awaitLine(Wire.SUMMARY, DEADLINE_MS)).get("sent");
        }
        catch (final AssertionError ex)
        {
            final StringBuilder all = new StringBuilder(ex.getMessage());
            for (final ChildJvm subscriber : subscribers)
            {
                all.append(System.lineSeparator()).append(subscriber.describe());
            }
            throw new AssertionError(all.toString(), ex);
        }
    }

    private void launchFanOut(final FanOutPolicy policy) throws IOException
    {
        launchFanOut(policy, 64 * 1024);
    }

    private void launchFanOut(final FanOutPolicy policy, final int ringCapacity) throws IOException
    {
        launch((context) -> context.ringCapacity(ringCapacity).channelFanOut(CHANNEL, new ChannelFanOut(4, policy)));
    }

    private List<ChildJvm> subscribers(final int count, final long frames) throws Exception
    {
        final List<ChildJvm> subscribers = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            subscribers.add(subscriber("subscriber-" + i, frames));
        }
        return subscribers;
    }

    private ChildJvm subscriber(final String name, final long frames, final String... options) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("role=sub", "dir=" + dir,
            "token=" + token(name, CHANNEL, Right.SUBSCRIBE), "channel=" + CHANNEL, "expect=" + frames,
            "deadline-ms=" + DEADLINE_MS));
        args.addAll(List.of(options));
        final ChildJvm child = ChildJvm.start(temp, name, BrokerClientMain.class, args.toArray(new String[0]));
        child.awaitLine("ready", DEADLINE_MS);
        return child;
    }

    private ChildJvm publisher(final long frames, final String... options) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("role=pub", "dir=" + dir,
            "token=" + token("publisher", CHANNEL, Right.PUBLISH), "channel=" + CHANNEL, "count=" + frames,
            "hold=true", "deadline-ms=" + DEADLINE_MS));
        args.addAll(List.of(options));
        return ChildJvm.start(temp, "publisher", BrokerClientMain.class, args.toArray(new String[0]));
    }

    private static void assertTheOthersGotEverything(final List<ChildJvm> subscribers, final long frames)
            throws Exception
    {
        for (final ChildJvm subscriber : subscribers)
        {
            final Map<String, String> got = Wire.summary(subscriber.awaitLine(Wire.SUMMARY, DEADLINE_MS));
            assertEquals(String.valueOf(frames), got.get("received"), got.toString());
            assertEquals("0", got.get("mismatches"), got.toString());
            assertEquals("0", got.get("rejections"), got.toString());
        }
    }

    private void assertEvictionAudited(final RejectReason reason) throws IOException
    {
        final List<AuditRecord> audit = closeAndReadAudit();
        assertEquals(1, audit.stream().filter((record) -> AuditEventType.RATE_LIMITED == record.type() &&
            CHANNEL.equals(record.channel()) && record.detail().startsWith(reason + ": subscriber session="))
            .count(), "the eviction is audited once, with its reason");
    }
}
