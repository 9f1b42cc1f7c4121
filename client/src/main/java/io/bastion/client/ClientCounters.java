package io.bastion.client;

import io.bastion.channel.control.Session;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.CountersFile;
import io.bastion.security.files.OwnerOnlyFiles;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A client's {@link ChannelCounters}, in an owner-only counters file in the broker folder or in private memory
 * (see {@link ClientContext#countersFile(boolean)}). Closing removes the file. Not thread safe.
 */
final class ClientCounters implements AutoCloseable
{

    private final CountersFile file;
    private final Path path;
    private final ChannelCounters counters;

    private ClientCounters(final CountersFile file, final Path path, final ChannelCounters counters)
    {
        this.file = file;
        this.path = path;
        this.counters = counters;
    }

    static ClientCounters open(final ClientContext context, final Session session, final String role)
            throws IOException
    {
        final int count = ChannelCounters.countersPerEndpoint();
        final String label = session.channel() + "/" + role + (0 != session.producerId() ?
            " producer " + session.producerId() : "");
        if (!context.countersFile())
        {
            final CountersManager manager = new CountersManager(
                new UnsafeBuffer(new byte[count * CountersReader.METADATA_LENGTH]),
                new UnsafeBuffer(new byte[count * CountersReader.COUNTER_LENGTH]));
            return new ClientCounters(null, null, new ChannelCounters(manager, label));
        }
        final Path path = context.directory().resolve(
            Long.toHexString(session.sessionId()) + ClientContext.COUNTERS_FILE_SUFFIX);
        final CountersFile file = CountersFile.create(new OwnerOnlyFiles(context.filePolicy()), path, count);
        try
        {
            return new ClientCounters(file, path, new ChannelCounters(file.manager(), label));
        }
        catch (final RuntimeException ex)
        {
            file.close();
            Files.deleteIfExists(path);
            throw ex;
        }
    }

    ChannelCounters counters()
    {
        return counters;
    }

    Path path()
    {
        return path;
    }

    @Override
    public void close()
    {
        counters.close();
        if (null != file)
        {
            file.close();
            try
            {
                Files.deleteIfExists(path);
            }
            catch (final IOException ex)
            {
                // A leftover counters file is private to this user and shows stale values only.
            }
        }
    }
}
