package io.bastion.broker;

import io.bastion.channel.control.HandshakeException;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.channel.ChannelStatus;
import io.bastion.channel.FrameHandler;
import io.bastion.channel.RejectionHandler;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.token.Right;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A session lives only as long as its authority, and no client can take what the others need: token expiry and
 * revocation end live sessions on both sides, and the limits (sessions per principal, rings per channel, the time a
 * client may owe an acknowledgement, the control queue) are enforced, audited and counted.
 */
class BrokerAuthorityTest
{
    private static final long DEADLINE_MS = 20_000;

    @TempDir
    Path temp;

    private BrokerFixture fixture;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final List<Long> received = new ArrayList<>();
    private final List<RejectReason> rejected = new ArrayList<>();
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
    private final FrameHandler handler = (buffer, offset, length, frame) -> received.add(frame.sequence());
    private long nextTokenId = 100;

    @AfterEach
    void tearDown() throws Exception
    {
        for (final AutoCloseable client : clients)
        {
            client.close();
        }
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void anExpiredTokenEndsBothSessionsAndThePublisherLosesItsKeys() throws Exception
    {
        start((context) -> { });
        final long notAfterMs = System.currentTimeMillis() + 2_000;
        final SubscriberClient subscriber = subscriber(token(notAfterMs, Right.SUBSCRIBE));
        final PublisherClient publisher = publisher(token(notAfterMs, Right.PUBLISH));
        awaitAnnounced(subscriber, publisher);
        publish(publisher, subscriber, 50);
        assertEquals(50, received.size());

        await(() ->
        {
            pump(subscriber, publisher);
            return publisher.isClosed() && subscriber.isClosed() && 0 == subscriber.sourceCount();
        }, "both sessions ended at expiry");
        assertEquals(RejectReason.EXPIRED_TOKEN, publisher.closedFor());
        assertEquals(RejectReason.EXPIRED_TOKEN, subscriber.closedFor());
        assertEquals(-1, publisher.keyId(), "the publisher holds no key");
        assertEquals(ChannelStatus.CLOSED, publisher.offer(payload, 0, 8, 1));
        assertEquals(2, fixture.broker.router().counters().expiredSessions());
        assertTrue(rejected.isEmpty(), rejected.toString());
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertEquals(2, audit.stream().filter((r) -> r.detail().contains("token expired")).count());
    }

    @Test
    void aRevokedTokenEndsItsSessionAndTheSubscriberStopsReadingThatPublisher() throws Exception
    {
        start((context) -> { });
        final SubscriberClient subscriber = subscriber(token(Long.MAX_VALUE, Right.SUBSCRIBE));
        final long publisherTokenId = nextTokenId;
        final PublisherClient publisher = publisher(token(Long.MAX_VALUE, Right.PUBLISH));
        awaitAnnounced(subscriber, publisher);
        publish(publisher, subscriber, 50);

        fixture.context.revocationList().revoke(publisherTokenId);
        await(() ->
        {
            pump(subscriber, publisher);
            return publisher.isClosed() && 0 == subscriber.sourceCount();
        }, "the publisher cut off");
        assertEquals(RejectReason.UNAUTHORIZED, publisher.closedFor(), "told why: its token was revoked");
        assertEquals(-1, publisher.keyId());
        assertFalse(subscriber.isClosed(), "the subscriber's own token is still good");
        assertEquals(50, received.size());
        assertEquals(1, fixture.broker.router().counters().revokedSessions());
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((r) -> AuditEventType.REVOKED == r.type() &&
            r.detail().contains("token revoked")));
    }

    @Test
    void sessionsPerPrincipalAreLimitedAndTheSlotComesBackWhenOneCloses() throws Exception
    {
        start((context) -> context.limits(BrokerLimits.defaults().withMaxSessionsPerPrincipal(2)));
        final PublisherClient first = publisher(token(Long.MAX_VALUE, Right.PUBLISH));
        publisher(token(Long.MAX_VALUE, Right.PUBLISH));
        final HandshakeException refused =
            assertThrows(HandshakeException.class, () -> publisher(token(Long.MAX_VALUE, Right.PUBLISH)));
        assertEquals(RejectReason.RATE_LIMITED, refused.reason());
        assertEquals(1, fixture.broker.router().counters().sessionLimitRefusals());

        clients.remove(first);
        first.close();
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (true)
        {
            try
            {
                publisher(token(Long.MAX_VALUE, Right.PUBLISH));
                break;
            }
            catch (final HandshakeException ex)
            {
                // The slot comes back once the broker sees the goodbye.
                assertEquals(RejectReason.RATE_LIMITED, ex.reason());
                assertTrue(System.currentTimeMillis() < deadline, "the slot never came back");
                Thread.sleep(10);
            }
        }
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((r) -> r.detail().contains("sessions per principal limit 2 reached")));
    }

    @Test
    void ringsPerChannelAreLimited() throws Exception
    {
        start((context) -> context.limits(BrokerLimits.defaults().withMaxRingsPerChannel(1)));
        final PublisherClient publisher = publisher(token(Long.MAX_VALUE, Right.PUBLISH));
        final HandshakeException refused =
            assertThrows(HandshakeException.class, () -> publisher(token(Long.MAX_VALUE, Right.PUBLISH)));
        assertEquals(RejectReason.RATE_LIMITED, refused.reason());
        assertEquals(1, fixture.broker.router().counters().ringLimitRefusals());
        // A subscriber holds no publisher ring: still welcome.
        final SubscriberClient subscriber = subscriber(token(Long.MAX_VALUE, Right.SUBSCRIBE));
        awaitAnnounced(subscriber, publisher);
    }

    @Test
    void aSubscriberThatNeverAcknowledgesAKeyIsEvictedAndRotationGoesOn() throws Exception
    {
        start((context) -> context.limits(BrokerLimits.defaults().withKeyAckTimeoutMs(300)));
        final SubscriberClient subscriber = subscriber(token(Long.MAX_VALUE, Right.SUBSCRIBE));
        final PublisherClient publisher = publisher(token(Long.MAX_VALUE, Right.PUBLISH));
        awaitAnnounced(subscriber, publisher);
        assertEquals(1, publisher.keyId());

        // From now on the subscriber never reads its control socket: the new key is never acknowledged.
        fixture.broker.router().rotateKeys(BrokerFixture.CHANNEL);
        await(() ->
        {
            publisher.doWork();
            return publisher.keyId() > 1;
        }, "the rotation completes without the subscriber");
        assertEquals(1, fixture.broker.router().counters().ackTimeouts());
        await(() ->
        {
            subscriber.doWork();
            return subscriber.isClosed();
        }, "the evicted subscriber learns it");
        assertEquals(RejectReason.TIMED_OUT, subscriber.closedFor());
        assertEquals(0, subscriber.sourceCount());
    }

    @Test
    void aControlQueueOverflowEndsTheSessionInsteadOfDroppingARevocation() throws Exception
    {
        start((context) -> { });
        final SubscriberClient subscriber = subscriber(token(Long.MAX_VALUE, Right.SUBSCRIBE));
        final PublisherClient publisher = publisher(token(Long.MAX_VALUE, Right.PUBLISH));
        awaitAnnounced(subscriber, publisher);
        publish(publisher, subscriber, 10);

        // The subscriber stops reading its control socket while revocations pile up for it.
        for (int i = 0; i < 5_000; i++)
        {
            fixture.broker.router().revokeKey(BrokerFixture.CHANNEL, 999, i + 1);
        }
        await(() -> fixture.broker.router().counters().controlOverflows() > 0, "the overflow is seen");
        final int dispatched = received.size();
        await(() ->
        {
            pump(subscriber, publisher);
            publisher.offer(payload, 0, 8, 1);
            return subscriber.isClosed() && 0 == subscriber.sourceCount();
        }, "the overflowed subscriber's session ended");
        for (int i = 0; i < 10; i++)
        {
            publisher.offer(payload, 0, 8, 1);
            pump(subscriber, publisher);
        }
        assertEquals(dispatched, received.size(), "nothing read once its session is gone");
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(audit.stream().anyMatch((r) -> r.detail().contains("control queue overflow")));
    }

    private void start(final Consumer<BrokerContext> configure) throws IOException
    {
        fixture = new BrokerFixture(temp, (context) ->
        {
            context.sessionListener(null);
            configure.accept(context);
        });
    }

    private byte[] token(final long notAfterMs, final Right right) throws IOException
    {
        return fixture.token(BrokerFixture.currentUser(), "market.*", notAfterMs, nextTokenId++, right);
    }

    private SubscriberClient subscriber(final byte[] token) throws Exception
    {
        final SubscriberClient client = SubscriberClient.connect(
            new ClientContext().directory(fixture.directory).token(token), BrokerFixture.CHANNEL,
            new RejectionHandler()
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
            });
        clients.add(client);
        return client;
    }

    private PublisherClient publisher(final byte[] token) throws Exception
    {
        final PublisherClient client = PublisherClient.connect(
            new ClientContext().directory(fixture.directory).token(token), BrokerFixture.CHANNEL);
        clients.add(client);
        return client;
    }

    private void awaitAnnounced(final SubscriberClient subscriber, final PublisherClient publisher)
    {
        await(() ->
        {
            pump(subscriber, publisher);
            return 1 == subscriber.sourceCount() && publisher.isConnected();
        }, "the publisher announced and connected");
    }

    private void publish(final PublisherClient publisher, final SubscriberClient subscriber, final int count)
    {
        final int target = received.size() + count;
        int offered = 0;
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (received.size() < target)
        {
            pump(subscriber, publisher);
            if (offered < count && publisher.offer(payload, 0, 8, 1) > 0)
            {
                offered++;
            }
            assertTrue(System.currentTimeMillis() < deadline, "frames did not arrive");
        }
    }

    private void pump(final SubscriberClient subscriber, final PublisherClient publisher)
    {
        subscriber.doWork();
        publisher.doWork();
        subscriber.poll(handler, 64);
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (!condition.getAsBoolean())
        {
            if (System.currentTimeMillis() > deadline)
            {
                fail("timed out waiting for " + what);
            }
            Thread.yield();
        }
    }
}
