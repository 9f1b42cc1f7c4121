package io.bastion.broker;

import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditFinding;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditLogConfig;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.audit.AuditVerification;
import io.bastion.security.audit.AuditVerifier;
import io.bastion.security.token.IssuerKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit log a broker context opens itself is anchored by checkpoints its identity key signs.
 */
class BrokerAuditAnchorTest
{
    @TempDir
    Path tempDir;

    @AfterEach
    void clearProperty()
    {
        System.clearProperty(BrokerContext.AUDIT_CHECKPOINT_INTERVAL_PROP);
    }

    @Test
    void ownAuditLogIsSignedByTheIdentityEveryIntervalAndAtClose() throws Exception
    {
        System.setProperty(BrokerContext.AUDIT_CHECKPOINT_INTERVAL_PROP, "2");
        final KeyPair identity = IssuerKeys.generate();
        final BrokerContext context = new BrokerContext().directory(tempDir.resolve("b"))
            .issuerPublicKey(IssuerKeys.generate().getPublic()).identity(identity);
        assertEquals(2, context.auditCheckpointInterval());
        try
        {
            context.conclude();
            for (int i = 0; i < 3; i++)
            {
                assertTrue(
                    context.auditLog().log(AuditEventType.PEER_CHECK, AuditOutcome.SUCCESS, "alice", null, null));
            }
        }
        finally
        {
            context.auditLog().close();
        }

        final AuditVerification result =
            AuditVerifier.verifyDirectory(context.auditDirectory(), "audit", identity.getPublic(), null);

        assertEquals(AuditFinding.OK, result.finding(), result.toString());
        assertEquals(2, result.checkpoints(), "one after two records, one at close");
        assertEquals(4, result.lastCheckpointSeq());
        assertTrue(result.closed());
    }

    @Test
    void givenAuditLogIsLeftAsItIsAndTheIntervalMustBePositive() throws Exception
    {
        final BrokerContext context = new BrokerContext().directory(tempDir.resolve("c"))
            .issuerPublicKey(IssuerKeys.generate().getPublic()).auditCheckpointInterval(0);
        assertEquals(0, context.auditCheckpointInterval());
        assertThrows(IllegalStateException.class, context::conclude);

        try (AuditLog given = AuditLog.open(new AuditLogConfig().directory(tempDir.resolve("d"))))
        {
            final BrokerContext withLog = new BrokerContext().directory(tempDir.resolve("e"))
                .issuerPublicKey(IssuerKeys.generate().getPublic()).auditLog(given).auditCheckpointInterval(0);
            withLog.conclude();
            assertEquals(given, withLog.auditLog());
        }
    }
}
