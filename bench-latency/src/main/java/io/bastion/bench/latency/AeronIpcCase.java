package io.bastion.bench.latency;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Sets up the {@code aeron-ipc} case: a media driver embedded in the pinger's process, its folder inside the
 * {@link SharedFolder} (so reachable only by this user, and made {@code 0700} itself), and one IPC stream each way.
 * The ponger's Aeron client connects to the same driver folder.
 * <p>
 * The driver runs {@link ThreadingMode#SHARED}: one agent for conductor, sender and receiver, which parks (backing
 * off from a few spins and yields to {@value #MAX_PARK_MS} ms) when it has nothing to do. On IPC the messages never
 * pass through the driver (both clients map the same log buffers); the driver only moves the publication limit and
 * tracks positions. On a machine with two cores, a {@link ThreadingMode#DEDICATED} driver's three busy threads would
 * take the cores from the two spinning threads this suite measures; a parking one does not, and with a publication
 * window of half a term ({@value #TERM_LENGTH} bytes) it never holds a ping back.
 */
final class AeronIpcCase implements CaseTransport
{
    /** Term length of the IPC publications: a 2 MiB window, thousands of the largest messages. */
    static final int TERM_LENGTH = 4 * 1024 * 1024;
    /** The longest the driver's agent parks when idle. */
    static final long MAX_PARK_MS = 1;

    private final MediaDriver driver;
    private final Duplex pinger;
    private final String directory;
    private boolean closed;

    private AeronIpcCase(final MediaDriver driver, final Duplex pinger, final String directory)
    {
        this.driver = driver;
        this.pinger = pinger;
        this.directory = directory;
    }

    /**
     * Launch the driver and attach the pinger.
     *
     * @param folder where the driver's folder goes.
     * @return the case.
     * @throws IOException if the driver's folder cannot be made owner-only.
     */
    static AeronIpcCase open(final SharedFolder folder) throws IOException
    {
        final Path directory = folder.path().resolve("aeron");
        final MediaDriver.Context context = new MediaDriver.Context()
            .aeronDirectoryName(directory.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(MAX_PARK_MS)))
            .ipcTermBufferLength(TERM_LENGTH)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .warnIfDirectoryExists(false)
            .printConfigurationOnStart(false);
        final MediaDriver driver = MediaDriver.launchEmbedded(context);
        try
        {
            // The driver creates its folder with the umask's mode; inside the 0700 folder nobody else reaches it,
            // and it is made owner-only as well.
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            final Duplex pinger = new AeronIpcDuplex(
                directory.toString(), AeronIpcDuplex.PING_STREAM, AeronIpcDuplex.PONG_STREAM);
            return new AeronIpcCase(driver, pinger, directory.toString());
        }
        catch (final IOException | RuntimeException ex)
        {
            driver.close();
            throw ex;
        }
    }

    /**
     * The ponger's side: connect to the pinger's driver.
     *
     * @param directory the driver's folder.
     * @return the duplex that receives pings and sends echoes.
     */
    static Duplex attach(final String directory)
    {
        return new AeronIpcDuplex(directory, AeronIpcDuplex.PONG_STREAM, AeronIpcDuplex.PING_STREAM);
    }

    @Override
    public Duplex pinger()
    {
        return pinger;
    }

    @Override
    public List<String> pongerArgs()
    {
        return List.of(directory);
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            pinger.close();
            driver.close();
        }
    }
}
