package io.bastion.bridge;

import io.bastion.security.token.IssuerKeys;
import io.bastion.test.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.bastion.bridge.BridgeRig.TIMEOUT_MS;
import static io.bastion.bridge.BridgeRig.context;
import static io.bastion.bridge.BridgeRig.freePort;
import static io.bastion.bridge.UnpinnedPeerAttackerMain.CLAIMS_PINNED;
import static io.bastion.bridge.UnpinnedPeerAttackerMain.SEALED_FRAMES;
import static io.bastion.bridge.UnpinnedPeerAttackerMain.STRANGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Impersonating a bridge, by a real second process: a child JVM ({@link UnpinnedPeerAttackerMain}) runs a real
 * bridge that handshakes with the victim bridge in this JVM, as initiator against a responder victim and as
 * responder to an initiator victim, with either of two identities: a valid Ed25519 identity the victim has not
 * pinned, or the public key the victim did pin presented with another private key (the handshake carries the
 * identity key in clear, so presenting it is possible; signing for it is not).
 * <p>
 * What must hold in every case: the victim establishes no session (no handshake counted, not connected, nothing
 * delivered), counts each refusal under its reason (an unpinned identity {@code HANDSHAKE_UNPINNED}, a key the
 * presenter cannot sign for {@code HANDSHAKE_BAD_SIGNATURE}) and under no other, and audits the refusal with the
 * fingerprint that was presented. The attacker reports that it got no session, with one exception the protocol
 * allows: an initiator presenting the pinned key completes its own side (its INIT_FINISH is the last message and
 * nothing confirms it), so there the test also has it send datagrams sealed under that one-sided session and checks
 * that the victim refuses every one of them as {@code UNKNOWN_SESSION}.
 */
class CrossProcessUnpinnedPeerTest
{
    @TempDir
    Path temp;

    private final KeyPair victimIdentity = IssuerKeys.generate();
    /** The peer the victim pins. Its private key is never used and never leaves this JVM. */
    private final KeyPair pinnedPeer = IssuerKeys.generate();

    @Test
    void aResponderRefusesAnInitiatorProcessWhoseIdentityIsNotPinned() throws Exception
    {
        againstResponder(STRANGER, BridgeRejectReason.HANDSHAKE_UNPINNED);
    }

    @Test
    void aResponderRefusesAnInitiatorProcessThatPresentsThePinnedKeyButCannotSignForIt() throws Exception
    {
        againstResponder(CLAIMS_PINNED, BridgeRejectReason.HANDSHAKE_BAD_SIGNATURE);
    }

    @Test
    void anInitiatorRefusesAResponderProcessWhoseIdentityIsNotPinned() throws Exception
    {
        againstInitiator(STRANGER, BridgeRejectReason.HANDSHAKE_UNPINNED);
    }

    @Test
    void anInitiatorRefusesAResponderProcessThatPresentsThePinnedKeyButCannotSignForIt() throws Exception
    {
        againstInitiator(CLAIMS_PINNED, BridgeRejectReason.HANDSHAKE_BAD_SIGNATURE);
    }

    /** The victim is a responder polling for handshakes; the attacker initiates. */
    private void againstResponder(final String mode, final BridgeRejectReason reason) throws Exception
    {
        final int victimPort = freePort();
        final int attackerPort = freePort();
        final BridgeRig.RecordingAudit audit = new BridgeRig.RecordingAudit();
        final long[] delivered = new long[1];
        final BridgeFrameHandler handler = (buffer, offset, length, sequence) -> delivered[0]++;
        try (Bridge victim = Bridge.launch(context(temp.resolve("victim"), BridgeRole.RESPONDER, victimIdentity,
                pinnedPeer, victimPort, attackerPort).auditSink(audit));
            ChildJvm attacker = startAttacker(BridgeRole.INITIATOR, mode, attackerPort, victimPort, victim))
        {
            final String presented = presented(attacker, mode);
            final BridgeCounters counters = victim.counters();
            final String refusal = "HANDSHAKE REFUSED " + presented + " " + reason.name();
            final boolean claims = CLAIMS_PINNED.equals(mode);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            // The attacker's line "sealed <n>" comes once its side believes it has a session and has sealed n.
            boolean sealedAll = !claims;
            while (counters.rejections(reason) < 1 || !audit.contains(refusal) || !sealedAll ||
                (claims && counters.rejections(BridgeRejectReason.UNKNOWN_SESSION) < SEALED_FRAMES))
            {
                assertTrue(System.nanoTime() - deadline < 0, "timed out: " + audit.events + " " +
                    attacker.describe());
                assertFalse(victim.isConnected(), "the victim accepted the attacker: " + audit.events);
                sealedAll = sealedAll || attacker.pollLineQuietly("sealed " + SEALED_FRAMES);
                victim.receiver().poll(handler, 10);
                Thread.yield();
            }
            final String result = stop(attacker);
            if (claims)
            {
                assertFalse(result.startsWith("result session=0 "), "the initiator's own side completes: " + result);
                assertTrue(result.endsWith(" sealed=" + SEALED_FRAMES), result);
                assertEquals(1, counters.rejections(reason), "one INIT_FINISH, refused");
                assertEquals(SEALED_FRAMES, counters.rejections(BridgeRejectReason.UNKNOWN_SESSION));
                assertEquals(1 + SEALED_FRAMES, counters.totalRejections());
            }
            else
            {
                assertTrue(result.startsWith("result session=0 refusal=none "), "the stranger got no answer: " +
                    result);
                assertEquals(counters.rejections(reason), counters.totalRejections(), "refused for one reason only");
            }
            assertNoSession(victim, audit);
            assertEquals(0, delivered[0]);
            assertTrue(audit.contains(refusal), audit.events.toString());
        }
    }

    /** The victim is an initiator that tries to connect; the attacker responds. */
    private void againstInitiator(final String mode, final BridgeRejectReason reason) throws Exception
    {
        final int victimPort = freePort();
        final int attackerPort = freePort();
        final BridgeRig.RecordingAudit audit = new BridgeRig.RecordingAudit();
        try (Bridge victim = Bridge.launch(context(temp.resolve("victim"), BridgeRole.INITIATOR, victimIdentity,
                pinnedPeer, victimPort, attackerPort).auditSink(audit).handshakeResendMs(200));
            ChildJvm attacker = startAttacker(BridgeRole.RESPONDER, mode, attackerPort, victimPort, victim))
        {
            final String presented = presented(attacker, mode);
            final BridgeCounters counters = victim.counters();
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            // Each connect is a new attempt: an answer to an abandoned earlier one is HANDSHAKE_STALE, not an attack.
            final Set<BridgeRejectReason> lastRefusals = EnumSet.noneOf(BridgeRejectReason.class);
            while (counters.rejections(reason) < 1)
            {
                assertTrue(System.nanoTime() - deadline < 0, "timed out: " + attacker.describe());
                try
                {
                    victim.connect(UnpinnedPeerAttackerMain.CONNECT_SLICE_MS);
                    throw new AssertionError("the victim connected to the attacker: " + audit.events);
                }
                catch (final BridgeHandshakeException ex)
                {
                    if (null != ex.lastRefusal())
                    {
                        lastRefusals.add(ex.lastRefusal());
                    }
                }
            }
            assertTrue(lastRefusals.contains(reason), "connect reported " + lastRefusals);
            final String result = stop(attacker);
            assertTrue(result.startsWith("result session=0 refusal=none "),
                "the attacker never got the victim's INIT_FINISH: " + result);
            assertEquals(counters.rejections(reason) + counters.rejections(BridgeRejectReason.HANDSHAKE_STALE),
                counters.totalRejections(), "refused for that reason only");
            assertNoSession(victim, audit);
            assertTrue(audit.contains("HANDSHAKE REFUSED " + presented + " " + reason.name()),
                audit.events.toString());
        }
    }

    private ChildJvm startAttacker(
        final BridgeRole role, final String mode, final int attackerPort, final int victimPort, final Bridge victim)
            throws Exception
    {
        final ChildJvm attacker = ChildJvm.start(temp, "unpinned-" + role + "-" + mode,
            UnpinnedPeerAttackerMain.class, temp.resolve("attacker").toString(), role.name(),
            Integer.toString(attackerPort), Integer.toString(victimPort), victim.fingerprint(), mode);
        if (CLAIMS_PINNED.equals(mode))
        {
            // Public knowledge: the key behind the fingerprint the victim pins. Not its private half.
            attacker.send(HexFormat.of().formatHex(IssuerKeys.rawPublic(pinnedPeer.getPublic())));
        }
        return attacker;
    }

    /** The fingerprint the attacker presents: the pinned one when it claims it, a stranger's otherwise. */
    private String presented(final ChildJvm attacker, final String mode) throws Exception
    {
        final String presented = attacker.awaitLine("ready ", TIMEOUT_MS).substring("ready ".length());
        if (CLAIMS_PINNED.equals(mode))
        {
            assertEquals(BridgeRig.fingerprint(pinnedPeer), presented);
        }
        else
        {
            assertNotEquals(BridgeRig.fingerprint(pinnedPeer), presented);
        }
        return presented;
    }

    private static String stop(final ChildJvm attacker) throws Exception
    {
        attacker.send("stop");
        final String result = attacker.awaitLine("result ", TIMEOUT_MS);
        assertEquals(0, attacker.awaitExit(TIMEOUT_MS), attacker.describe());
        return result;
    }

    private static void assertNoSession(final Bridge victim, final BridgeRig.RecordingAudit audit)
    {
        assertFalse(victim.isConnected());
        assertEquals(0, victim.sessionId());
        assertEquals(0, victim.counters().handshakes().get());
        assertEquals(0, victim.counters().datagramsIn().get());
        assertEquals(0, victim.counters().framesDelivered().get());
        assertTrue(victim.counters().handshakesRefused().get() >= 1);
        assertFalse(audit.contains("HANDSHAKE SUCCESS"), audit.events.toString());
    }
}
