package io.bastion.bench.latency;

import io.aeron.ChannelUriStringBuilder;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.bastion.bridge.BridgeContext;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The one media driver setup that every Aeron UDP measurement uses, the bridge's and raw Aeron's alike, so that the
 * two differ only in what runs above the driver: an embedded driver with {@link ThreadingMode#SHARED} (conductor,
 * sender and receiver on one thread, as {@code Bridge} embeds it), which backs off from a few spins and yields to
 * parking up to {@value #MAX_PARK_MS} ms when idle; channels on 127.0.0.1 with the bridge's default MTU
 * ({@value #MTU} bytes) and term length ({@value #TERM_LENGTH} bytes) on both.
 */
public final class UdpDriver
{
    /** MTU of every UDP channel: the bridge's default. */
    public static final int MTU = BridgeContext.MTU_DEFAULT;
    /** Term length of every UDP publication: the bridge's default. */
    public static final int TERM_LENGTH = BridgeContext.TERM_LENGTH_DEFAULT;
    /** Stream id of every UDP channel: the bridge's default. */
    public static final int STREAM_ID = BridgeContext.STREAM_ID_DEFAULT;
    /** The longest the driver's agent parks when idle. */
    public static final long MAX_PARK_MS = 1;

    private UdpDriver()
    {
    }

    /**
     * Launch an embedded driver whose Aeron folder is {@code directory}, made owner-only once the driver created it.
     *
     * @param directory the driver's folder; deleted on start and on close.
     * @return the running driver.
     * @throws IOException if the folder cannot be made owner-only.
     */
    public static MediaDriver launch(final Path directory) throws IOException
    {
        return launch(directory, -1);
    }

    /**
     * As {@link #launch(Path)}, with the driver's one thread pinned to {@code cpu} ({@link ThreadAffinity#pin}) as
     * its first act, so a benchmark can give the driver a core of its own and its client threads the other.
     *
     * @param directory the driver's folder; deleted on start and on close.
     * @param cpu       the CPU for the driver's thread, or -1 to leave it to the scheduler.
     * @return the running driver.
     * @throws IOException if the folder cannot be made owner-only.
     */
    public static MediaDriver launch(final Path directory, final int cpu) throws IOException
    {
        final ThreadFactory threads = runnable -> new Thread(() ->
        {
            if (cpu >= 0)
            {
                ThreadAffinity.pin(cpu);
            }
            runnable.run();
        });
        final MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .sharedThreadFactory(threads)
            .aeronDirectoryName(directory.toString())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(MAX_PARK_MS)))
            .publicationTermBufferLength(TERM_LENGTH)
            .mtuLength(MTU)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .warnIfDirectoryExists(false)
            .printConfigurationOnStart(false));
        try
        {
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            return driver;
        }
        catch (final IOException | RuntimeException ex)
        {
            driver.close();
            throw ex;
        }
    }

    /**
     * The channel a publication sends to a peer's endpoint on, as {@code Bridge} builds its own.
     *
     * @param peerPort the peer's UDP port on 127.0.0.1.
     * @return the channel URI.
     */
    public static String publicationChannel(final int peerPort)
    {
        return new ChannelUriStringBuilder().media("udp").endpoint(endpoint(peerPort)).mtu(MTU)
            .termLength(TERM_LENGTH).build();
    }

    /**
     * The channel a subscription receives on, as {@code Bridge} builds its own.
     *
     * @param localPort the local UDP port on 127.0.0.1.
     * @return the channel URI.
     */
    public static String subscriptionChannel(final int localPort)
    {
        return new ChannelUriStringBuilder().media("udp").endpoint(endpoint(localPort)).build();
    }

    /**
     * An endpoint on the loopback address.
     *
     * @param port the port.
     * @return {@code 127.0.0.1:port}.
     */
    public static String endpoint(final int port)
    {
        return "127.0.0.1:" + port;
    }

    /**
     * A UDP port free right now on 127.0.0.1, from the kernel's ephemeral range.
     *
     * @return the port.
     * @throws UncheckedIOException if no socket can be bound.
     */
    public static int freePort()
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
