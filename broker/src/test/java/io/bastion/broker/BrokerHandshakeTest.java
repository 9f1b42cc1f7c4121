package io.bastion.broker;

import io.bastion.channel.RingFiles;
import io.bastion.channel.control.ControlChannel;
import io.bastion.channel.control.ControlMessage;
import io.bastion.channel.control.ControlMessages;
import io.bastion.channel.control.HandshakeException;
import io.bastion.channel.control.HelloCredentials;
import io.bastion.channel.control.Session;
import io.bastion.client.HandshakeClient;
import io.bastion.security.handshake.CredentialSeal;
import io.bastion.security.handshake.HandshakeCrypto;
import io.bastion.security.handshake.X25519;
import io.bastion.channel.MappedRing;
import io.bastion.channel.SealedRing;
import io.bastion.channel.shm.MappedRegion;
import io.bastion.channel.shm.SharedMemory;
import io.bastion.codec.RejectReason;
import io.bastion.codec.sbe.ChallengeDecoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.ringbuffer.OneToOneRingDescriptor;
import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.keys.KeyDirection;
import io.bastion.security.token.CapabilityToken;
import io.bastion.security.token.IssuerKeys;
import io.bastion.security.token.Right;
import io.bastion.security.token.RevocationList;
import io.bastion.security.token.TokenCodec;
import io.bastion.security.token.TokenIssuer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The handshake over real Unix-domain sockets against an in-process broker: the happy path, every typed refusal
 * with its audit record, a silent client, the connection limit, and malformed Hellos.
 */
class BrokerHandshakeTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    Path tempDir;

    private BrokerFixture fixture;

    @AfterEach
    void tearDown()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    private BrokerFixture start(final Consumer<BrokerContext> configure) throws IOException
    {
        // These tests check the named-file fallback's rings; sealedRingsTravelWithTheWelcome the sealed ones.
        fixture = new BrokerFixture(tempDir, (context) -> configure.accept(context.sealedRings(false)));
        return fixture;
    }

    @Test
    void sealedRingsTravelWithTheWelcomeAsDescriptors() throws Exception
    {
        assumeTrue(SealedRing.isSupported(), "sealed rings need Linux memfd");
        fixture = new BrokerFixture(tempDir, (context) -> context.sealedRings(true));
        try (Session client = connect(fixture.validToken(Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH))
        {
            final Session broker = fixture.brokerSessions.poll(10, TimeUnit.SECONDS);
            assertNotNull(broker, "broker session handed to the listener");
            try (broker)
            {
                assertNull(client.publishRingPath(), "a sealed ring has no name");
                assertNotNull(client.rings().sealedRing());
                final int[] subscriberSide = broker.rings().sealedRing().consumerSideDescriptors();
                try (MappedRing producer = client.rings().sealedRing().mapAsProducer();
                    MappedRegion records = SharedMemory.map(subscriberSide[0],
                        OneToOneRingDescriptor.producerRegionLength(BrokerFixture.RING_CAPACITY), false);
                    MappedRegion head = SharedMemory.map(subscriberSide[1],
                        OneToOneRingDescriptor.CONSUMER_REGION_LENGTH, true))
                {
                    producer.producerRegion().putLongVolatile(0, 0x5EA1EDL);
                    assertEquals(0x5EA1EDL, records.buffer().getLongVolatile(0), "one memory, two sides");
                    head.buffer().putLongVolatile(0, 42);
                    assertEquals(42, producer.consumerRegion().getLongVolatile(0));
                }
                assertThrows(IOException.class, () -> SharedMemory.map(subscriberSide[0],
                    OneToOneRingDescriptor.producerRegionLength(BrokerFixture.RING_CAPACITY), true),
                    "the subscriber's descriptor of the records is read-only");
            }
        }
        try (Stream<Path> listing = Files.list(fixture.directory))
        {
            assertTrue(listing.noneMatch((p) -> p.getFileName().toString().contains(".ring")));
        }
    }

    private Session connect(final byte[] token, final String channel, final Right right) throws HandshakeException
    {
        return HandshakeClient.connect(
            fixture.broker.socketPath(), token, fixture.broker.identityPublicKey(), channel, right, TIMEOUT);
    }

    @Test
    void happyPathDerivesEqualKeysPerDirectionAndCreatesOwnerOnlyRings() throws Exception
    {
        start((context) -> { });
        try (Session client = connect(fixture.validToken(Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH))
        {
            final Session broker = fixture.brokerSessions.poll(10, TimeUnit.SECONDS);
            assertNotNull(broker, "broker session handed to the listener");
            try (broker)
            {
                assertEquals(client.sessionId(), broker.sessionId());
                assertEquals(client.channelId(), broker.channelId());
                assertEquals(client.keys().keyId(), broker.keys().keyId());
                assertEquals(BrokerFixture.currentUser(), broker.subject());
                assertEquals(Right.PUBLISH, broker.right());

                final byte[] c2b = client.keys().key(KeyDirection.INITIATOR_TO_RESPONDER);
                final byte[] b2c = client.keys().key(KeyDirection.RESPONDER_TO_INITIATOR);
                assertEquals(32, c2b.length);
                assertArrayEquals(c2b, broker.keys().key(KeyDirection.INITIATOR_TO_RESPONDER));
                assertArrayEquals(b2c, broker.keys().key(KeyDirection.RESPONDER_TO_INITIATOR));
                assertFalse(java.util.Arrays.equals(c2b, b2c), "directions have different keys");

                assertEquals(client.publishRingPath(), broker.publishRingPath());
                assertNull(client.subscribeRingPath(), "a subscriber reads the publishers' rings");
                assertNull(broker.subscribeRingPath());
                assertEquals(1, client.producerId());
                assertEquals(BrokerFixture.RING_CAPACITY, client.ringCapacity());
                final long producerLength =
                    BrokerFixture.RING_CAPACITY + OneToOneRingDescriptor.PRODUCER_TRAILER_LENGTH;
                for (final Path ring : List.of(client.publishRingPath()))
                {
                    assertOwnerOnlyFile(ring, producerLength);
                    assertOwnerOnlyFile(RingFiles.consumerFile(ring),
                        OneToOneRingDescriptor.CONSUMER_REGION_LENGTH);
                }
                assertEquals(fixture.directory, client.publishRingPath().getParent());
            }
        }
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(has(audit, AuditEventType.PEER_CHECK, AuditOutcome.SUCCESS, null));
        assertTrue(has(audit, AuditEventType.TOKEN_CHECK, AuditOutcome.SUCCESS, "ACCEPTED"));
        assertTrue(has(audit, AuditEventType.HANDSHAKE, AuditOutcome.SUCCESS, "welcome"));
    }

    @Test
    void twoSessionsGetDifferentKeysAndRingsOnTheSameChannelId() throws Exception
    {
        start((context) -> { });
        try (Session first = connect(fixture.validToken(Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH);
            Session second = connect(fixture.validToken(Right.SUBSCRIBE), BrokerFixture.CHANNEL, Right.SUBSCRIBE))
        {
            assertEquals(first.channelId(), second.channelId());
            assertFalse(first.sessionId() == second.sessionId());
            assertNotNull(first.publishRingPath());
            assertNull(second.publishRingPath(), "a subscribing session writes no ring");
            assertFalse(java.util.Arrays.equals(first.keys().key(KeyDirection.INITIATOR_TO_RESPONDER),
                second.keys().key(KeyDirection.INITIATOR_TO_RESPONDER)));
        }
    }

    @Test
    void emptyTokenIsInvalid() throws Exception
    {
        start((context) -> { });
        assertRefusedRaw(new byte[0], RejectReason.INVALID_TOKEN, "MALFORMED");
    }

    @Test
    void garbledTokenIsInvalid() throws Exception
    {
        start((context) -> { });
        final byte[] garbled = new byte[120];
        new java.util.Random(7).nextBytes(garbled);
        assertRefusedRaw(garbled, RejectReason.INVALID_TOKEN, "MALFORMED");
    }

    @Test
    void versionOneTokenIsRefusedAsRetired() throws Exception
    {
        start((context) -> { });
        final byte[] v1 = new byte[TokenCodec.HEADER_LENGTH];
        v1[0] = TokenCodec.MAGIC_V1;
        final HandshakeException client = assertThrows(HandshakeException.class,
            () -> connect(v1, BrokerFixture.CHANNEL, Right.PUBLISH));
        assertTrue(client.getMessage().contains("RETIRED_VERSION"), client.getMessage());
        assertRefusedRaw(v1, RejectReason.INVALID_TOKEN, "MALFORMED");
    }

    @Test
    void forgedTokenWithAFlippedSignatureBitIsInvalid() throws Exception
    {
        start((context) -> { });
        final byte[] token = fixture.validToken(Right.PUBLISH);
        token[token.length - 1] ^= 0x01;
        assertRefused(token, BrokerFixture.CHANNEL, Right.PUBLISH, RejectReason.INVALID_TOKEN, "BAD_SIGNATURE");
    }

    @Test
    void tokenFromAnotherIssuerIsInvalid() throws Exception
    {
        start((context) -> { });
        final byte[] foreign = new TokenIssuer(IssuerKeys.generate().getPrivate()).issue(new CapabilityToken(
            BrokerFixture.currentUser(), "market.*", Right.mask(Right.PUBLISH), 0, Long.MAX_VALUE, 9,
            IssuerKeys.rawPublic(fixture.identity.getPublic()), false));
        assertRefused(foreign, BrokerFixture.CHANNEL, Right.PUBLISH, RejectReason.INVALID_TOKEN, "BAD_SIGNATURE");
    }

    @Test
    void expiredTokenIsRefused() throws Exception
    {
        start((context) -> { });
        final byte[] token = fixture.token(BrokerFixture.currentUser(), "market.*", 1_000, 5, Right.PUBLISH);
        assertRefused(token, BrokerFixture.CHANNEL, Right.PUBLISH, RejectReason.EXPIRED_TOKEN, "EXPIRED");
    }

    @Test
    void wrongChannelIsUnauthorized() throws Exception
    {
        start((context) -> { });
        assertRefused(fixture.validToken(Right.PUBLISH), "orders.in", Right.PUBLISH, RejectReason.UNAUTHORIZED,
            "WRONG_CHANNEL");
    }

    @Test
    void tokenForAnotherUserIsUnauthorized() throws Exception
    {
        start((context) -> { });
        final byte[] token = fixture.token("nobody", "market.*", Long.MAX_VALUE, 6, Right.PUBLISH);
        assertRefused(token, BrokerFixture.CHANNEL, Right.PUBLISH, RejectReason.UNAUTHORIZED, "WRONG_SUBJECT");
    }

    @Test
    void missingRightIsUnauthorized() throws Exception
    {
        start((context) -> { });
        assertRefused(fixture.validToken(Right.SUBSCRIBE), BrokerFixture.CHANNEL, Right.PUBLISH,
            RejectReason.UNAUTHORIZED, "MISSING_RIGHT");
    }

    @Test
    void revokedTokenIsUnauthorized() throws Exception
    {
        final RevocationList revocations = new RevocationList();
        start((context) -> context.revocationList(revocations));
        revocations.revoke(42);
        assertRefused(fixture.validToken(Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH,
            RejectReason.UNAUTHORIZED, "REVOKED");
    }

    @Test
    void clientExpectingAnotherBrokerKeyThanItsTokenNamesStopsBeforeConnecting() throws Exception
    {
        start((context) -> { });
        final PublicKey wrongKey = IssuerKeys.generate().getPublic();
        final HandshakeException failure = assertThrows(HandshakeException.class, () -> HandshakeClient.connect(
            fixture.broker.socketPath(), fixture.validToken(Right.PUBLISH), wrongKey, BrokerFixture.CHANNEL,
            Right.PUBLISH, TIMEOUT));
        assertEquals(RejectReason.INVALID_TOKEN, failure.reason());
        assertFalse(failure.refusedByPeer());
        assertFalse(fixture.closeAndReadAudit().stream().anyMatch((r) -> AuditEventType.PEER_CHECK == r.type()),
            "it never connected");
    }

    @Test
    void tokenIssuedForAnotherBrokerIsRefusedAndAudited() throws Exception
    {
        start((context) -> { });
        final byte[] forBrokerA = fixture.issuer.issue(new CapabilityToken(BrokerFixture.currentUser(), "market.*",
            Right.mask(Right.PUBLISH), 0, Long.MAX_VALUE, 77, IssuerKeys.rawPublic(IssuerKeys.generate().getPublic()),
            false));
        // The client pins broker A from its token: this broker (B) cannot prove A's key, so the token never leaves.
        final HandshakeException refused = assertThrows(HandshakeException.class, () -> HandshakeClient.connect(
            fixture.broker.socketPath(), forBrokerA, BrokerFixture.CHANNEL, Right.PUBLISH, TIMEOUT));
        assertEquals(RejectReason.BAD_SIGNATURE, refused.reason());
        assertFalse(refused.refusedByPeer());
        // A client that sends it anyway (by hand): broker B refuses a token for another broker.
        try (ControlChannel raw = rawConnection())
        {
            rawHandshake(raw, forBrokerA);
            assertRefusalThenClose(raw, RejectReason.UNAUTHORIZED);
        }
        assertTrue(fixture.brokerSessions.isEmpty());
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(has(audit, AuditEventType.TOKEN_CHECK, AuditOutcome.REFUSED, "WRONG_BROKER tokenId=77"),
            audit::toString);
    }

    @Test
    void singleUseTokenOpensOneSessionAndItsReplayIsRefusedAndAudited() throws Exception
    {
        start((context) -> { });
        final byte[] once = fixture.singleUseToken(0x5EED, Right.PUBLISH);
        try (Session first = connect(once, BrokerFixture.CHANNEL, Right.PUBLISH))
        {
            assertTrue(first.sessionId() != 0);
        }
        final HandshakeException replay = assertThrows(HandshakeException.class,
            () -> connect(once, BrokerFixture.CHANNEL, Right.PUBLISH));
        assertEquals(RejectReason.REPLAY, replay.reason());
        assertTrue(replay.refusedByPeer());
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        final String details = audit.stream().map(AuditRecord::detail).toList().toString();
        assertTrue(has(audit, AuditEventType.TOKEN_CHECK, AuditOutcome.SUCCESS,
            "tokenId=24301 right=PUBLISH singleUse"), details);
        assertTrue(has(audit, AuditEventType.TOKEN_CHECK, AuditOutcome.REFUSED,
            "REPLAYED replay of single-use tokenId=24301"), details);
    }

    @Test
    void whenTheSingleUseRegistryIsFullNewSingleUseTokensAreRefused() throws Exception
    {
        start((context) -> context.singleUseTokenCapacity(1));
        try (Session first = connect(fixture.singleUseToken(1, Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH))
        {
            assertTrue(first.sessionId() != 0);
        }
        final HandshakeException full = assertThrows(HandshakeException.class,
            () -> connect(fixture.singleUseToken(2, Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH));
        assertEquals(RejectReason.RATE_LIMITED, full.reason());
        // A reusable token is not held back by the registry.
        try (Session reusable = connect(fixture.validToken(Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH))
        {
            assertTrue(reusable.sessionId() != 0);
        }
        assertTrue(has(fixture.closeAndReadAudit(), AuditEventType.TOKEN_CHECK, AuditOutcome.REFUSED,
            "SINGLE_USE_FULL"));
    }

    @Test
    void garbageInsteadOfHelloIsAProtocolViolation() throws Exception
    {
        start((context) -> { });
        try (ControlChannel raw = rawConnection())
        {
            final byte[] garbage = new byte[40];
            new java.util.Random(3).nextBytes(garbage);
            raw.write(garbage, garbage.length, System.nanoTime() + WAIT_NS);
            assertRefusalThenClose(raw, RejectReason.PROTOCOL_VIOLATION);
        }
        assertAudited(AuditEventType.HANDSHAKE, "PROTOCOL_VIOLATION");
    }

    @Test
    void oversizedLengthPrefixIsRefusedWithoutReadingTheBody() throws Exception
    {
        start((context) -> { });
        try (ControlChannel raw = rawConnection())
        {
            final ByteBuffer prefix = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(1 << 30).flip();
            raw.channel().write(prefix);
            assertRefusalThenClose(raw, RejectReason.PROTOCOL_VIOLATION);
        }
        assertAudited(AuditEventType.HANDSHAKE, "message length");
    }

    @Test
    void helloWithoutCredentialsStructureIsAProtocolViolation() throws Exception
    {
        start((context) -> { });
        try (ControlChannel raw = rawConnection())
        {
            final byte[] hello = ControlMessages.hello(1, 1, new byte[32], X25519.rawPublic(
                X25519.generate().getPublic()), fixture.validToken(Right.PUBLISH));
            raw.write(hello, hello.length, System.nanoTime() + WAIT_NS);
            assertRefusalThenClose(raw, RejectReason.PROTOCOL_VIOLATION);
        }
        assertAudited(AuditEventType.HANDSHAKE, "malformed credentials");
    }

    @Test
    void helloWithNoCommonVersionIsUnsupported() throws Exception
    {
        start((context) -> { });
        try (ControlChannel raw = rawConnection())
        {
            final byte[] credentials = HelloCredentials.encode(
                fixture.validToken(Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH);
            final byte[] hello = ControlMessages.hello(7, 9, new byte[32], X25519.rawPublic(
                X25519.generate().getPublic()), credentials);
            raw.write(hello, hello.length, System.nanoTime() + WAIT_NS);
            assertRefusalThenClose(raw, RejectReason.UNSUPPORTED_VERSION);
        }
    }

    @Test
    void helloWithASmallOrderEphemeralKeyIsRefused() throws Exception
    {
        start((context) -> { });
        try (ControlChannel raw = rawConnection())
        {
            final byte[] credentials = HelloCredentials.encode(
                fixture.validToken(Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH);
            final byte[] hello = ControlMessages.hello(1, 1, new byte[32], new byte[32], credentials);
            raw.write(hello, hello.length, System.nanoTime() + WAIT_NS);
            assertRefusalThenClose(raw, RejectReason.PROTOCOL_VIOLATION);
        }
    }

    @Test
    void silentClientIsDroppedAfterTheTimeoutAndTheBrokerKeepsServing() throws Exception
    {
        start((context) -> context.handshakeTimeoutMs(200));
        try (ControlChannel silent = rawConnection())
        {
            assertRefusalThenClose(silent, RejectReason.TIMED_OUT);
        }
        try (Session session = connectWithinTimeout())
        {
            assertNotNull(session.publishRingPath());
        }
        assertAudited(AuditEventType.HANDSHAKE, "TIMED_OUT");
    }

    @Test
    void aClientRefusedAtOnceLearnsTheTypedReasonEvenIfItsHelloCannotBeWritten() throws Exception
    {
        start((context) -> context.maxPendingHandshakes(1).handshakeTimeoutMs(60_000));
        try (ControlChannel silent = rawConnection())
        {
            // The broker writes RATE_LIMITED and closes before reading anything; the client's Hello may meet a
            // closed socket. Repeated, so both orders of that race occur.
            for (int attempt = 0; attempt < 20; attempt++)
            {
                final HandshakeException refused = assertThrows(HandshakeException.class,
                    () -> connect(fixture.validToken(Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH));
                assertEquals(RejectReason.RATE_LIMITED, refused.reason(), refused.getMessage());
            }
            assertTrue(silent.channel().isOpen());
        }
    }

    @Test
    void connectionBeyondThePendingLimitIsRefusedAtOnce() throws Exception
    {
        start((context) -> context.maxPendingHandshakes(2).handshakeTimeoutMs(60_000));
        try (ControlChannel first = rawConnection();
            ControlChannel second = rawConnection();
            ControlChannel third = rawConnection())
        {
            assertRefusalThenClose(third, RejectReason.RATE_LIMITED);
            assertTrue(first.channel().isOpen() && second.channel().isOpen());
        }
        // The two silent connections are gone: their slots come back and a real client gets through.
        try (Session session = connectWithinTimeout())
        {
            assertNotNull(session.publishRingPath());
        }
        assertAudited(AuditEventType.HANDSHAKE, "RATE_LIMITED");
    }

    @Test
    void oneUsersSilentConnectionsHitThePerUidLimitWhileGlobalSlotsRemain() throws Exception
    {
        start((context) -> context.maxPendingHandshakes(16).maxPendingHandshakesPerUid(3).handshakeTimeoutMs(60_000));
        try (ControlChannel first = rawConnection();
            ControlChannel second = rawConnection();
            ControlChannel third = rawConnection();
            ControlChannel fourth = rawConnection())
        {
            assertRefusalThenClose(fourth, RejectReason.RATE_LIMITED);
            assertTrue(first.channel().isOpen() && second.channel().isOpen() && third.channel().isOpen());
            assertEquals(3, fixture.broker.pendingHandshakes(), "13 of the 16 global slots are still free");
            assertEquals(1, fixture.broker.rateLimitedConnections());
        }
        try (Session session = connectWithinTimeout())
        {
            assertNotNull(session.publishRingPath());
        }
        assertAudited(AuditEventType.HANDSHAKE, "already has 3 pending handshakes");
    }

    @Test
    void closingTheBrokerEndsPendingHandshakesAndRemovesTheSocket() throws Exception
    {
        start((context) -> context.handshakeTimeoutMs(60_000));
        try (ControlChannel silent = rawConnection())
        {
            final Path socket = fixture.broker.socketPath();
            fixture.close();
            // The handshake thread may get a refusal out before its socket is closed: at most one, then the end.
            HandshakeException end = null;
            for (int i = 0; i < 2 && null == end; i++)
            {
                try
                {
                    final int length = silent.read(System.nanoTime() + WAIT_NS);
                    assertEquals(RefusalDecoder.TEMPLATE_ID,
                        ControlMessages.parse(silent.messageBuffer(), length).templateId());
                }
                catch (final HandshakeException ex)
                {
                    end = ex;
                }
            }
            assertNotNull(end, "the connection ended");
            assertEquals(RejectReason.CHANNEL_CLOSED, end.reason());
            assertFalse(Files.exists(socket, LinkOption.NOFOLLOW_LINKS));
        }
    }

    private Session connectWithinTimeout() throws Exception
    {
        // The 200 ms broker timeout bounds the handshake; a slow machine may need a retry, bounded here.
        HandshakeException last = null;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            try
            {
                return connect(fixture.validToken(Right.PUBLISH), BrokerFixture.CHANNEL, Right.PUBLISH);
            }
            catch (final HandshakeException ex)
            {
                if (ex.reason() != RejectReason.TIMED_OUT && ex.reason() != RejectReason.RATE_LIMITED)
                {
                    throw ex;
                }
                last = ex;
                Thread.sleep(50);
            }
        }
        throw last;
    }

    private ControlChannel rawConnection() throws IOException
    {
        final SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        socket.connect(UnixDomainSocketAddress.of(fixture.broker.socketPath()));
        return new ControlChannel(socket);
    }

    private static void assertRefusalThenClose(final ControlChannel raw, final RejectReason expected)
            throws HandshakeException
    {
        final int length = raw.read(System.nanoTime() + WAIT_NS);
        final ControlMessage reply = ControlMessages.parse(raw.messageBuffer(), length);
        assertTrue(reply.isValid(), reply.toString());
        assertEquals(RefusalDecoder.TEMPLATE_ID, reply.templateId());
        assertEquals(expected, reply.refusalReason);
        final HandshakeException end = assertThrows(HandshakeException.class,
            () -> raw.read(System.nanoTime() + WAIT_NS));
        assertEquals(RejectReason.CHANNEL_CLOSED, end.reason(), "the broker closed the connection");
    }

    private void assertRefused(
        final byte[] token, final String channel, final Right right, final RejectReason expected,
        final String decision) throws IOException
    {
        final HandshakeException failure =
            assertThrows(HandshakeException.class, () -> connect(token, channel, right));
        assertEquals(expected, failure.reason());
        assertTrue(failure.refusedByPeer());
        assertTrue(fixture.brokerSessions.isEmpty(), "no session opened");
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(has(audit, AuditEventType.TOKEN_CHECK, AuditOutcome.REFUSED, decision), decision + " audited");
        assertTrue(has(audit, AuditEventType.HANDSHAKE, AuditOutcome.REFUSED, expected.name()),
            expected + " audited");
        for (final AuditRecord record : audit)
        {
            assertEquals(-1, record.detail().indexOf("=="), "no encoded bytes in audit details");
        }
    }

    /**
     * A token the client would not send (it names no broker to pin), sent in a raw Hello: the broker refuses it.
     */
    private void assertRefusedRaw(final byte[] token, final RejectReason expected, final String decision)
            throws Exception
    {
        final HandshakeException client = assertThrows(HandshakeException.class,
            () -> connect(token, BrokerFixture.CHANNEL, Right.PUBLISH));
        assertEquals(RejectReason.INVALID_TOKEN, client.reason());
        assertFalse(client.refusedByPeer(), "refused by the client before connecting");
        try (ControlChannel raw = rawConnection())
        {
            rawHandshake(raw, token);
            assertRefusalThenClose(raw, expected);
        }
        assertTrue(fixture.brokerSessions.isEmpty(), "no session opened");
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(has(audit, AuditEventType.TOKEN_CHECK, AuditOutcome.REFUSED, decision), decision + " audited");
    }

    /**
     * The client's half of the handshake by hand, up to the sealed token, without checking the broker: for tokens the
     * real client would never send.
     */
    private static void rawHandshake(final ControlChannel raw, final byte[] token) throws HandshakeException
    {
        final java.security.KeyPair ephemeral = X25519.generate();
        final byte[] hello = ControlMessages.hello(1, 1, new byte[32], X25519.rawPublic(ephemeral.getPublic()),
            HelloCredentials.encode(new byte[0], BrokerFixture.CHANNEL, Right.PUBLISH));
        raw.write(hello, hello.length, System.nanoTime() + WAIT_NS);
        final int length = raw.read(System.nanoTime() + WAIT_NS);
        final ControlMessage challenge = ControlMessages.parse(raw.messageBuffer(), length);
        assertEquals(ChallengeDecoder.TEMPLATE_ID, challenge.templateId());
        final byte[] transcript = HandshakeCrypto.transcript(hello, hello.length, challenge.nonce,
            challenge.ephemeralKey, challenge.minVersion, ProcessHandle.current().pid());
        final byte[] shared = X25519.sharedSecret(ephemeral.getPrivate(), challenge.ephemeralKey);
        final byte[] credentials = ControlMessages.credentials(
            CredentialSeal.seal(CredentialSeal.key(transcript, shared), transcript, token));
        raw.write(credentials, credentials.length, System.nanoTime() + WAIT_NS);
    }

    @Test
    void aTokenInTheHelloIsRefusedBeforeTheBrokerSpeaks() throws Exception
    {
        start((context) -> { });
        try (ControlChannel raw = rawConnection())
        {
            final byte[] hello = ControlMessages.hello(1, 1, new byte[32], X25519.rawPublic(
                X25519.generate().getPublic()), HelloCredentials.encode(fixture.validToken(Right.PUBLISH),
                BrokerFixture.CHANNEL, Right.PUBLISH));
            raw.write(hello, hello.length, System.nanoTime() + WAIT_NS);
            assertRefusalThenClose(raw, RejectReason.PROTOCOL_VIOLATION);
        }
        assertTrue(fixture.brokerSessions.isEmpty(), "no session opened");
    }

    @Test
    void aSealedTokenThatDoesNotOpenIsAProtocolViolation() throws Exception
    {
        start((context) -> { });
        try (ControlChannel raw = rawConnection())
        {
            final byte[] hello = ControlMessages.hello(1, 1, new byte[32], X25519.rawPublic(
                X25519.generate().getPublic()), HelloCredentials.encode(new byte[0], BrokerFixture.CHANNEL,
                Right.PUBLISH));
            raw.write(hello, hello.length, System.nanoTime() + WAIT_NS);
            raw.read(System.nanoTime() + WAIT_NS);
            // Sealed under a key this handshake does not have.
            final byte[] credentials = ControlMessages.credentials(
                CredentialSeal.seal(new byte[32], new byte[32], fixture.validToken(Right.PUBLISH)));
            raw.write(credentials, credentials.length, System.nanoTime() + WAIT_NS);
            assertRefusalThenClose(raw, RejectReason.PROTOCOL_VIOLATION);
        }
        assertTrue(fixture.brokerSessions.isEmpty(), "no session opened");
    }

    private void assertAudited(final AuditEventType type, final String detail) throws IOException
    {
        final List<AuditRecord> audit = fixture.closeAndReadAudit();
        assertTrue(has(audit, type, AuditOutcome.REFUSED, detail), detail + " audited in " + audit);
    }

    static boolean has(
        final List<AuditRecord> audit, final AuditEventType type, final AuditOutcome outcome, final String detail)
    {
        for (final AuditRecord record : audit)
        {
            if (record.type() == type && record.outcome() == outcome &&
                (null == detail || record.detail().contains(detail)))
            {
                return true;
            }
        }
        return false;
    }

    private static void assertOwnerOnlyFile(final Path file, final long size) throws IOException
    {
        assertTrue(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS), file + " is a regular file");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file,
            LinkOption.NOFOLLOW_LINKS)));
        assertEquals(BrokerFixture.currentUser(), Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName());
        assertEquals(size, Files.size(file));
        final byte[] bytes = Files.readAllBytes(file);
        for (final byte b : bytes)
        {
            assertEquals(0, b, "zero-filled");
        }
    }
}
