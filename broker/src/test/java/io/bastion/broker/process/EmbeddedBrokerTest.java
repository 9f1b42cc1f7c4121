package io.bastion.broker.process;

import io.bastion.test.TestFolders;
import io.bastion.broker.Bastion;
import io.bastion.broker.BrokerContext;
import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditRecord;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.token.Right;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
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
     * A token the broker issues to the current user for one right on a channel, published owner-only beside the
     * broker folder, for a child process to read.
     *
     * @param name    the token file's name, without its suffix.
     * @param channel the channel.
     * @param right   the right.
     * @return the token file.
     */
    Path token(final String name, final String channel, final Right right) throws IOException
    {
        final String user = Files.getOwner(Path.of("/proc/self")).getName();
        final byte[] token = bastion.issueToken(user, channel, right.bit(), System.currentTimeMillis(), 3_600_000);
        final Path file = dir.getParent().resolve(name + ".token");
        Files.deleteIfExists(file);
        new OwnerOnlyFiles(FilePolicy.ownerOnly()).publish(file, token);
        return file;
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
