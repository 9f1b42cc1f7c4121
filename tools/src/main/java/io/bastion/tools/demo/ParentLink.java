package io.bastion.tools.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A demo child's line to the {@code demo} process that started it: the commands the parent writes to the child's
 * stdin (one word a line), and the end of stdin, which means the parent is gone, so that a child never outlives a
 * parent that was killed. A daemon thread reads stdin; the child's duty cycle asks, without blocking.
 */
final class ParentLink
{
    private static final long RELEASE_WAIT_MS = 3_000;

    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final Set<String> received = new HashSet<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean gone;

    private ParentLink()
    {
    }

    /**
     * Start reading the parent's commands.
     *
     * @param in the child's stdin.
     * @return the link.
     */
    static ParentLink watch(final InputStream in)
    {
        final ParentLink link = new ParentLink();
        final Thread reader = new Thread(() -> link.read(in), "bastion-parent-link");
        reader.setDaemon(true);
        reader.start();
        Runtime.getRuntime().addShutdownHook(new Thread(link::onShutdown, "bastion-child-shutdown"));
        return link;
    }

    private void read(final InputStream in)
    {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII)))
        {
            String line;
            while (null != (line = reader.readLine()))
            {
                lines.add(line.strip());
            }
        }
        catch (final IOException ex)
        {
            // A broken pipe is the end of stdin: the parent is gone either way.
        }
        gone = true;
    }

    private void onShutdown()
    {
        gone = true;
        try
        {
            released.await(RELEASE_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Say that the child has closed its clients: a shutdown in progress may go on.
     */
    void release()
    {
        released.countDown();
    }

    /**
     * Whether the parent is gone: it closed the child's stdin (it exited or was killed), or a signal ends this JVM.
     *
     * @return true once gone.
     */
    boolean isGone()
    {
        return gone;
    }

    /**
     * Whether the parent has sent {@code command}, now or earlier. Not thread safe: the duty-cycle thread asks.
     *
     * @param command the command word.
     * @return true once it came.
     */
    boolean received(final String command)
    {
        String line;
        while (null != (line = lines.poll()))
        {
            received.add(line);
        }
        return received.contains(command);
    }
}
