package io.bastion.broker;

import io.bastion.channel.RejectionHandler;
import io.bastion.channel.control.HandshakeException;
import io.bastion.client.ClientContext;
import io.bastion.client.PublisherClient;
import io.bastion.client.SubscriberClient;
import io.bastion.codec.RejectReason;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.token.Right;
import io.bastion.test.TestFolders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A channel's id is a function of its name, the same on every broker; a second name whose id is taken is refused,
 * never given the id again.
 */
class ChannelIdsTest
{
    @TempDir
    Path temp;

    @Test
    void theIdIsTheFirstFourBytesOfTheLabelledHashMaskedPositive() throws Exception
    {
        for (final String name : List.of("market.data", "a", "relay.prices", "orders.eu-1"))
        {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("bastion/channel-id/v1".getBytes(StandardCharsets.US_ASCII));
            final byte[] digest = sha.digest(name.getBytes(StandardCharsets.UTF_8));
            final int expected = ((digest[0] & 0x7F) << 24) | ((digest[1] & 0xFF) << 16) | ((digest[2] & 0xFF) << 8) |
                (digest[3] & 0xFF);
            assertEquals(0 == expected ? 1 : expected, ChannelIds.of(name), name);
            assertTrue(ChannelIds.of(name) > 0, name);
            assertEquals(ChannelIds.of(name), ChannelIds.of(new String(name.toCharArray())), "a function of the name");
        }
        assertEquals(ChannelIds.of("market.data"), ChannelIds.of("market.data"));
        assertTrue(ChannelIds.of("market.data") != ChannelIds.of("market.datb"));
    }

    @Test
    void twoBrokersGiveOneNameTheSameId() throws Exception
    {
        int first = 0;
        for (int broker = 0; broker < 2; broker++)
        {
            final Path dir = TestFolders.ownerOnly(temp, "bastion" + broker);
            try (Bastion bastion = Bastion.launchEmbedded(new BrokerContext().directory(dir)))
            {
                // Another channel first on the second broker: the id does not depend on the order channels come in.
                if (1 == broker)
                {
                    try (PublisherClient other = PublisherClient.connect(context(bastion, dir, "other", Right.PUBLISH),
                        "other"))
                    {
                        assertEquals(ChannelIds.of("other"), other.channelId());
                    }
                }
                try (SubscriberClient subscriber = SubscriberClient.connect(
                    context(bastion, dir, "market.data", Right.SUBSCRIBE), "market.data", RejectionHandler.NONE))
                {
                    if (0 == broker)
                    {
                        first = subscriber.channelId();
                    }
                    assertEquals(ChannelIds.of("market.data"), subscriber.channelId());
                    assertEquals(first, subscriber.channelId());
                }
            }
        }
    }

    @Test
    void theAllocatorRefusesASecondNameWhoseIdIsTakenAndNeverReusesIt() throws Exception
    {
        final OwnerOnlyRingAllocator allocator =
            new OwnerOnlyRingAllocator(temp.resolve("rings"), 4096, FilePolicy.ownerOnly(), false);
        allocator.channelIdFunction((name) -> name.startsWith("x") ? 77 : ChannelIds.of(name));
        assertEquals(77, allocator.allocate("alice", "x.one", Right.SUBSCRIBE, 1).channelId());
        final AllocationRefusedException refused = assertThrows(AllocationRefusedException.class,
            () -> allocator.allocate("alice", "x.two", Right.PUBLISH, 2));
        assertEquals(RejectReason.CHANNEL_ID_TAKEN, refused.reason());
        assertTrue(refused.getMessage().contains("x.one"), refused.getMessage());
        assertEquals(RejectReason.CHANNEL_ID_TAKEN, assertThrows(AllocationRefusedException.class,
            () -> allocator.allocateRelay("alice", "x.two", 3, 5)).reason());
        assertEquals(77, allocator.allocate("alice", "x.one", Right.SUBSCRIBE, 4).channelId(), "the first keeps it");
        assertEquals(ChannelIds.of("y"), allocator.allocate("alice", "y", Right.SUBSCRIBE, 5).channelId());
    }

    @Test
    void aClientOfACollidingChannelIsRefusedWithTheReasonAndItIsAudited() throws Exception
    {
        final Path dir = TestFolders.ownerOnly(temp, "bastion");
        final OwnerOnlyRingAllocator allocator =
            new OwnerOnlyRingAllocator(dir.resolve("rings"), 4096, FilePolicy.ownerOnly());
        allocator.channelIdFunction((name) -> 42);
        try (Bastion bastion = Bastion.launchEmbedded(new BrokerContext().directory(dir).ringAllocator(allocator)))
        {
            try (SubscriberClient first = SubscriberClient.connect(
                context(bastion, dir, "first", Right.SUBSCRIBE), "first", RejectionHandler.NONE))
            {
                assertEquals(42, first.channelId());
                final HandshakeException ex = assertThrows(HandshakeException.class,
                    () -> PublisherClient.connect(context(bastion, dir, "second", Right.PUBLISH), "second"));
                assertEquals(RejectReason.CHANNEL_ID_TAKEN, ex.reason());
            }
        }
        final List<AuditRecord> audit = AuditFiles.readAll(dir.resolve("audit"), "audit");
        assertTrue(audit.stream().anyMatch((r) -> AuditEventType.HANDSHAKE == r.type() &&
            AuditOutcome.REFUSED == r.outcome() && "second".equals(r.channel()) &&
            r.detail().contains("CHANNEL_ID_TAKEN")), audit::toString);
    }

    private static ClientContext context(final Bastion bastion, final Path dir, final String channel, final Right right)
            throws Exception
    {
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        return new ClientContext().directory(dir)
            .token(bastion.issueToken(user, channel, right.bit(), System.currentTimeMillis(), 3_600_000));
    }
}
