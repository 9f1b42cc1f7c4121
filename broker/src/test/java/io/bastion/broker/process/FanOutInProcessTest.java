package io.bastion.broker.process;

import io.bastion.channel.ChannelFanOut;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.process.StreamChecker;
import io.bastion.channel.process.Wire;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.FanOutPolicy;
import io.bastion.security.token.Right;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fan-out through a broker with every client in this process and one thread driving them all: every subscriber,
 * whenever it joined, reads every frame from its join on, verified and in order, and a subscriber that joins later
 * starts at the live position under a key made after it came.
 */
class FanOutInProcessTest extends EmbeddedBrokerTest
{
    private static final String CHANNEL = "ticks.fanout";
    private static final long DEADLINE_MS = 60_000;

    private final List<RejectReason> rejections = new ArrayList<>();
    private final RejectionHandler recorder = new RejectionHandler()
    {
        public void onRejected(final int sourceId, final RejectReason reason)
        {
            rejections.add(reason);
        }

        public void onQuarantined(final int sourceId)
        {
            rejections.add(RejectReason.QUARANTINED);
        }
    };

    @Test
    void everySubscriberReadsEveryFrameFromItsJoinOnAndALateOneStartsLive() throws Exception
    {
        launch((context) -> context.ringCapacity(16 * 1024)
            .channelFanOut(CHANNEL, new ChannelFanOut(3, FanOutPolicy.evicting(Long.MAX_VALUE, 30_000))));
        try (SubscriberClient first = subscriber("first");
            SubscriberClient second = subscriber("second");
            PublisherClient publisher = PublisherClient.connect(context("pub", Right.PUBLISH), CHANNEL))
        {
            final StreamChecker firstChecker = new StreamChecker();
            final StreamChecker secondChecker = new StreamChecker();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
            final long[] sequence = {1};
            ProcessTestSupport.await(() ->
            {
                first.doWork();
                second.doWork();
                publisher.doWork();
                if (sequence[0] <= 20_000)
                {
                    ProcessTestSupport.offer(publisher, payload, sequence);
                }
                first.poll(firstChecker, 64);
                second.poll(secondChecker, 64);
                return firstChecker.received(publisher.producerId()) == 20_000 &&
                    secondChecker.received(publisher.producerId()) == 20_000;
            }, "20000 frames at both subscribers", DEADLINE_MS);
            assertEquals(20_000, firstChecker.lastSequence(publisher.producerId()));
            assertEquals(20_000, secondChecker.lastSequence(publisher.producerId()));
            assertEquals(0, firstChecker.mismatches() + secondChecker.mismatches());

            try (SubscriberClient late = subscriber("late"))
            {
                final StreamChecker lateChecker = new StreamChecker();
                ProcessTestSupport.await(() ->
                {
                    first.doWork();
                    second.doWork();
                    late.doWork();
                    publisher.doWork();
                    if (sequence[0] <= 40_000)
                    {
                        ProcessTestSupport.offer(publisher, payload, sequence);
                    }
                    first.poll(firstChecker, 64);
                    second.poll(secondChecker, 64);
                    late.poll(lateChecker, 64);
                    return firstChecker.received(publisher.producerId()) == 40_000 &&
                        secondChecker.received(publisher.producerId()) == 40_000 &&
                        lateChecker.lastSequence(publisher.producerId()) == 40_000;
                }, "40000 frames at all three subscribers", DEADLINE_MS);
                final long lateReceived = lateChecker.received(publisher.producerId());
                assertTrue(lateReceived > 0 && lateReceived <= 20_000,
                    "the late one started at the live position, after frame 20000: " + lateReceived);
                assertEquals(1, lateChecker.mismatches(), "only its start is not sequence 1: none missing after it");
                assertEquals(40_000, lateChecker.lastSequence(publisher.producerId()));
            }
            assertTrue(rejections.isEmpty(), rejections::toString);
        }
    }

    @Test
    void aSubscriberWritingNonsenseHeadsIsEvictedAndTheOtherReadsOn() throws Exception
    {
        launch((context) -> context.ringCapacity(16 * 1024)
            .channelFanOut(CHANNEL, new ChannelFanOut(3, FanOutPolicy.evicting(Long.MAX_VALUE, 30_000))));
        try (SubscriberClient honest = subscriber("honest");
            SubscriberClient hostile = subscriber("hostile");
            PublisherClient publisher = PublisherClient.connect(context("pub", Right.PUBLISH), CHANNEL))
        {
            final StreamChecker checker = new StreamChecker();
            final StreamChecker hostileChecker = new StreamChecker();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
            final long[] sequence = {1};
            ProcessTestSupport.await(() ->
            {
                honest.doWork();
                hostile.doWork();
                publisher.doWork();
                if (sequence[0] <= 50_000)
                {
                    ProcessTestSupport.offer(publisher, payload, sequence);
                }
                honest.poll(checker, 64);
                if (hostileChecker.received(publisher.producerId()) < 1000)
                {
                    hostile.poll(hostileChecker, 64);
                }
                else
                {
                    BrokerClientMain.writeNonsenseHeads(hostile);
                }
                return checker.received(publisher.producerId()) == 50_000 && hostile.isClosed();
            }, "50000 frames at the honest subscriber, and the hostile one evicted", DEADLINE_MS);
            assertEquals(RejectReason.CONSUMER_HEAD_INVALID, hostile.closedFor());
            assertEquals(50_000, checker.lastSequence(publisher.producerId()));
            assertEquals(0, checker.mismatches());
            assertEquals(1, publisher.counters().evictions());
            assertEquals(1, hostile.counters().evictions());
        }
    }

    private SubscriberClient subscriber(final String name) throws IOException, Exception
    {
        return SubscriberClient.connect(context(name, Right.SUBSCRIBE), CHANNEL, recorder);
    }

    private ClientContext context(final String name, final Right right) throws IOException
    {
        return new ClientContext().directory(dir).token(Files.readAllBytes(token(name, CHANNEL, right)));
    }
}
