package io.bastion.bridge;

import io.bastion.security.token.IssuerKeys;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;

import static io.bastion.bridge.BridgeRig.TIMEOUT_MS;
import static io.bastion.bridge.BridgeRig.context;
import static io.bastion.bridge.BridgeRig.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two bridges on 127.0.0.1: a peer whose identity is not pinned gets no session, in either role.
 */
class BridgePeerIdentityTest extends BridgeLoopbackFixture
{
    @Test
    void aResponderRefusesAnInitiatorWhoseIdentityIsNotPinned() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final KeyPair stranger = IssuerKeys.generate();
        final BridgeRig.RecordingAudit auditB = new BridgeRig.RecordingAudit();
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, stranger, hostB, portA, portB)
                .handshakeResendMs(200));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, hostB, hostA, portB, portA)
                .auditSink(auditB)))
        {
            final BridgeHandshakeException refused = bothRefuse(a, b);
            assertNull(refused.lastRefusal(), "the stranger got no answer at all");
            assertFalse(a.isConnected());
            assertFalse(b.isConnected());
            assertEquals(0, a.counters().rejections(BridgeRejectReason.HANDSHAKE_UNPINNED));
            assertTrue(b.counters().rejections(BridgeRejectReason.HANDSHAKE_UNPINNED) >= 1);
            assertTrue(b.counters().handshakesRefused().get() >= 1);
            assertTrue(auditB.contains("HANDSHAKE REFUSED " + BridgeRig.fingerprint(stranger) +
                " HANDSHAKE_UNPINNED"));
        }
    }

    @Test
    void anInitiatorRefusesAResponderWhoseIdentityIsNotPinned() throws Exception
    {
        final int portA = freePort();
        final int portB = freePort();
        final KeyPair impostor = IssuerKeys.generate();
        final BridgeRig.RecordingAudit auditA = new BridgeRig.RecordingAudit();
        try (Bridge a = Bridge.launch(context(temp.resolve("a"), BridgeRole.INITIATOR, hostA, hostB, portA, portB)
                .auditSink(auditA).handshakeResendMs(200));
            Bridge b = Bridge.launch(context(temp.resolve("b"), BridgeRole.RESPONDER, impostor, hostA, portB, portA)))
        {
            final BridgeHandshakeException refused = bothRefuse(a, b);
            assertEquals(BridgeRejectReason.HANDSHAKE_UNPINNED, refused.lastRefusal());
            assertFalse(a.isConnected());
            assertFalse(b.isConnected(), "the impostor never gets the initiator's signature");
            assertTrue(auditA.contains("HANDSHAKE REFUSED " + BridgeRig.fingerprint(impostor)));
        }
    }

    /**
     * Both sides try to connect at once, the responder on a thread of its own; both must give up.
     *
     * @return what the initiator was refused with.
     */
    private static BridgeHandshakeException bothRefuse(final Bridge a, final Bridge b) throws InterruptedException
    {
        final Throwable[] responderOutcome = new Throwable[1];
        final Thread responder = new Thread(() ->
        {
            try
            {
                b.connect(3_000);
            }
            catch (final Throwable ex)
            {
                responderOutcome[0] = ex;
            }
        });
        responder.start();
        final BridgeHandshakeException refused = assertThrows(BridgeHandshakeException.class, () -> a.connect(3_000));
        responder.join(TIMEOUT_MS);
        assertTrue(responderOutcome[0] instanceof BridgeHandshakeException, "responder: " + responderOutcome[0]);
        return refused;
    }
}
