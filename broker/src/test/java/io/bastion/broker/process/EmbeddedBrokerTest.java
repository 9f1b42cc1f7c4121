package io.bastion.broker.process;

import io.bastion.test.TestFolders;
import io.bastion.broker.Bastion;
import io.bastion.broker.BrokerContext;
import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the cross-process tests of an embedded broker share: an owner-only broker folder in a temporary directory, the
 * broker ({@link Bastion#launchEmbedded}) closed after each test, and its audit log read back once it is closed.
 */
abstract class EmbeddedBrokerTest
{
    @TempDir
    Path temp;

    Bastion bastion;
    Path dir;

    @AfterEach
    void closeBroker()
    {
        if (null != bastion)
        {
            bastion.close();
        }
    }

    /**
     * Launch the broker in a fresh owner-only folder.
     *
     * @param settings adds to the context, whose folder is already set.
     */
    void launch(final UnaryOperator<BrokerContext> settings) throws IOException
    {
        dir = TestFolders.ownerOnly(temp, "bastion");
        bastion = Bastion.launchEmbedded(settings.apply(new BrokerContext().directory(dir)));
    }

    /**
     * Close the broker (which flushes and signs its audit log) and read every record.
     */
    List<AuditRecord> closeAndReadAudit() throws IOException
    {
        bastion.close();
        bastion = null;
        return AuditFiles.readAll(dir.resolve("audit"), "audit");
    }
}
