package io.bastion.broker.process;

import io.bastion.channel.process.ConsumerHeadMain;
import io.bastion.channel.process.Wire;
import io.bastion.test.ChildJvm;
import io.bastion.channel.RejectionHandler;
import io.bastion.channel.RingFiles;
import io.bastion.client.ClientContext;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.FrameReader;
import io.bastion.codec.RejectReason;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.token.Right;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attack 2 of the issue on the broker's authority: replay to a new subscriber. On the named-file fallback a ring's
 * consumer region is a file in the folder that any process of the same user can write. A subscriber that took its
 * start from the head word there would, after another process wrote 0 into it, dispatch every frame of the ring
 * again; so would a subscriber that followed one killed between dispatch and head publication.
 * <p>
 * Here the first subscriber is a child JVM killed mid-stream, the attacker a second child JVM that rewrites the head
 * to 0, and the next subscriber must dispatch only frames sealed after it joined: the broker starts it at the live
 * position, under a key made after the join, so nothing from before can pass (and none is even read: no rejection).
 */
class ReplayIntoNewSubscriberProcessTest extends EmbeddedBrokerTest
{
    private static final String CHANNEL = "exchange.prices";
    private static final long DEADLINE_MS = 60_000;

    @Test
    void aRewrittenConsumerHeadDoesNotReplayEarlierFramesToTheNextSubscriber() throws Exception
    {
        launch((context) -> context.ringCapacity(64 * 1024).sealedRings(false).unlinkRings(false));
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[Wire.MAX_PAYLOAD]);
        try (PublisherClient publisher = PublisherClient.connect(clientContext(Right.PUBLISH), CHANNEL))
        {
            publisher.publisher().livenessTimeoutMs(500);
            final long[] sequence = {1};
            try (ChildJvm first = ChildJvm.start(temp, "first-subscriber", BrokerClientMain.class,
                "role=sub", "dir=" + dir, "token=" + tokenFile("first", Right.SUBSCRIBE), "channel=" + CHANNEL,
                "expect=" + Long.MAX_VALUE, "deadline-ms=" + DEADLINE_MS))
            {
                first.awaitLine("ready", 30_000);
                ProcessTestSupport.await(() ->
                {
                    publisher.doWork();
                    ProcessTestSupport.offer(publisher, payload, sequence);
                    return sequence[0] > 500;
                }, "500 frames offered to the first subscriber", DEADLINE_MS);
                first.kill();
            }
            ProcessTestSupport.await(() ->
            {
                publisher.doWork();
                return !publisher.isConnected();
            }, "the killed subscriber's heartbeat goes stale", DEADLINE_MS);

            final Path consumerFile = RingFiles.consumerFile(onlyRing());
            try (ChildJvm attacker = ChildJvm.start(temp, "attacker", ConsumerHeadMain.class,
                consumerFile.toString(), "0"))
            {
                final String line = attacker.awaitLine("head", 30_000);
                assertTrue(line.matches("head was [1-9][0-9]* now 0"), "the attack ran: " + line);
                assertEquals(0, attacker.awaitExit(30_000), attacker.describe());
            }

            final long offeredBeforeJoin = sequence[0] - 1;
            final List<Long> dispatched = new ArrayList<>();
            final List<RejectReason> rejected = new ArrayList<>();
            final RejectionHandler rejections = new RejectionHandler()
            {
                @Override
                public void onRejected(final int sourceId, final RejectReason reason)
                {
                    rejected.add(reason);
                }

                @Override
                public void onQuarantined(final int sourceId)
                {
                    rejected.add(RejectReason.QUARANTINED);
                }
            };
            try (SubscriberClient next = awaitSubscriber(rejections))
            {
                ProcessTestSupport.await(() ->
                {
                    next.doWork();
                    publisher.doWork();
                    ProcessTestSupport.offer(publisher, payload, sequence);
                    next.poll((final DirectBuffer buffer, final int offset, final int length,
                        final FrameReader frame) -> dispatched.add(frame.sequence()), 256);
                    return dispatched.size() >= 200;
                }, "the next subscriber reads 200 frames", DEADLINE_MS);
            }
            assertTrue(offeredBeforeJoin >= 500, "frames existed before the join: " + offeredBeforeJoin);
            assertTrue(dispatched.get(0) > offeredBeforeJoin,
                "first frame dispatched " + dispatched.get(0) + " was sealed before the join (last " +
                offeredBeforeJoin + ")");
            for (int i = 1; i < dispatched.size(); i++)
            {
                assertEquals(dispatched.get(i - 1) + 1, dispatched.get(i), "in order, from the join on");
            }
            assertEquals(List.of(), rejected, "nothing from before the join was even read");
        }
    }

    private Path onlyRing() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            final List<Path> rings = files.filter((p) -> p.getFileName().toString().endsWith(".ring")).toList();
            assertEquals(1, rings.size(), rings.toString());
            return rings.get(0);
        }
    }

    private Path tokenFile(final String name, final Right right) throws IOException
    {
        final byte[] token = token(right);
        final Path file = dir.getParent().resolve(name + ".token");
        Files.deleteIfExists(file);
        new OwnerOnlyFiles(FilePolicy.ownerOnly()).publish(file, token);
        return file;
    }

    private byte[] token(final Right right) throws IOException
    {
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        return bastion.issueToken(user, CHANNEL, right.bit(), System.currentTimeMillis(), 3_600_000);
    }

    private ClientContext clientContext(final Right right) throws IOException
    {
        return new ClientContext().directory(dir).token(token(right));
    }

    private SubscriberClient awaitSubscriber(final RejectionHandler rejections) throws Exception
    {
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (true)
        {
            try
            {
                return SubscriberClient.connect(clientContext(Right.SUBSCRIBE), CHANNEL, rejections);
            }
            catch (final HandshakeException ex)
            {
                // The killed subscriber's slot is freed once the broker sees its socket close.
                if (System.currentTimeMillis() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(10);
            }
        }
    }
}
