package io.bastion.tools.bridge;

import io.bastion.bridge.BridgeCounters;
import io.bastion.bridge.ChannelForwardingContext;
import io.bastion.bridge.ForwardingCounters;
import io.bastion.channel.CountersFile;
import io.bastion.client.ClientContext;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A forwarding bridge's counters where {@code bastion stat} finds them: {@code DIR/bridge-<pid>.counters} in the
 * local broker's folder, an owner-only {@link CountersFile} with room for one {@link BridgeCounters} and one
 * {@link ForwardingCounters}, both allocated through one {@link CountersManager} under the label
 * {@value #COUNTER_LABEL} (two managers over one file would hand out the same ids). {@code bastion bridge} and
 * {@code bastion demo --bridge} keep theirs here.
 * <p>
 * Lifecycle: {@link #create(Path)}, {@link #attach(ChannelForwardingContext)} before
 * {@code ChannelForwarding.launch}, and {@link #close()} (unmap, then delete the file) only after the forwarding is
 * closed, on the thread that closed it or after that thread ended: the forwarding writes its counters through the
 * mapping until then. One file per broker folder and process.
 */
public final class BridgeCountersFile implements AutoCloseable
{
    /** How the counters files of bridges are named in a broker folder: this, the process id, the suffix. */
    public static final String FILE_PREFIX = "bridge-";

    /** The label prefix of the bridge's and the forwarding's counters. */
    public static final String COUNTER_LABEL = "bridge";

    private final CountersFile file;
    private final Path path;
    private final CountersManager manager;
    private boolean closed;

    private BridgeCountersFile(final CountersFile file, final Path path)
    {
        this.file = file;
        this.path = path;
        this.manager = file.manager();
    }

    /**
     * Create the counters file of this process's bridge in a broker folder.
     *
     * @param brokerDirectory the local broker's folder (which must exist and pass the owner-only checks).
     * @return the file, mapped read-write, with no counter allocated yet.
     * @throws IOException if the file exists already, a check fails or mapping fails.
     */
    public static BridgeCountersFile create(final Path brokerDirectory) throws IOException
    {
        final Path path = brokerDirectory.resolve(FILE_PREFIX + ProcessHandle.current().pid() +
            ClientContext.COUNTERS_FILE_SUFFIX);
        final CountersFile file = CountersFile.create(new OwnerOnlyFiles(FilePolicy.ownerOnly()), path,
            BridgeCounters.countersPerBridge() + ForwardingCounters.countersPerBridge());
        return new BridgeCountersFile(file, path);
    }

    /**
     * Have a forwarding's counters, and its bridge's, allocated in this file under {@value #COUNTER_LABEL}.
     *
     * @param context the forwarding's settings, its bridge context already set.
     * @return the context.
     * @throws IllegalStateException if the context has no bridge context yet.
     */
    public ChannelForwardingContext attach(final ChannelForwardingContext context)
    {
        if (null == context.bridgeContext())
        {
            throw new IllegalStateException("set the bridge context before attaching the counters file");
        }
        context.bridgeContext().countersManager(manager).counterLabel(COUNTER_LABEL);
        return context.countersManager(manager).counterLabel(COUNTER_LABEL);
    }

    /**
     * The file.
     *
     * @return {@code DIR/bridge-<pid>.counters}.
     */
    public Path path()
    {
        return path;
    }

    /**
     * The one manager of the file's counters.
     *
     * @return the manager.
     */
    public CountersManager manager()
    {
        return manager;
    }

    /**
     * Unmap the file and delete it. Idempotent. Only once the forwarding that counts here is closed.
     *
     * @throws UncheckedIOException if the file cannot be deleted.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            file.close();
        }
        finally
        {
            try
            {
                Files.deleteIfExists(path);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
    }
}
