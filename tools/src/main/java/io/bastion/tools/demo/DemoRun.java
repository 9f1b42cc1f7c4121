package io.bastion.tools.demo;

import io.bastion.bench.latency.ChildProcess;
import io.bastion.broker.Bastion;
import io.bastion.broker.BrokerContext;
import io.bastion.channel.ChannelFanOut;
import io.bastion.ringbuffer.FanOutPolicy;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.TokenText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What one {@code bastion demo} run holds and must give back: the in-process broker, a private folder for the
 * children's stderr, and the child processes, each a {@link ChildProcess} of the same class path running the command
 * this process runs with a hidden subcommand; their stdout lines meet in one queue. Tokens are never written to a
 * file: each child gets its single-use tokens on the first line of its stdin. {@link #close()} ends the children,
 * stops the broker and deletes the folder; it is idempotent, so a shutdown hook (Ctrl-C) and the normal end can both
 * call it.
 */
final class DemoRun implements AutoCloseable
{
    private static final long TOKEN_VALIDITY_MS = TimeUnit.HOURS.toMillis(1);
    private static final String FOLDER_PREFIX = "demo-";

    /**
     * The demo's stall bound: its subscribers share the machine's cores with each other, the publisher and the broker,
     * so the library's default of one second could evict one that is merely starved on a busy machine; the demo
     * shows fan-out, not eviction.
     */
    static final long FAN_OUT_STALL_MS = 10_000;

    private final Bastion bastion;
    private final Path folder;
    private final String user;
    private final String command;
    private final List<ChildProcess> children = new ArrayList<>();
    private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
    private boolean closed;

    /**
     * A line a child printed.
     *
     * @param child the child.
     * @param text  the line, or null when its stdout ended.
     */
    record Line(ChildProcess child, String text)
    {
    }

    private DemoRun(final Bastion bastion, final Path folder, final String user, final String command)
    {
        this.bastion = bastion;
        this.folder = folder;
        this.user = user;
        this.command = command;
    }

    /**
     * Start a broker in this process on a folder, and make the run's private subfolder in it.
     *
     * @param directory   the broker folder.
     * @param user        the user the tokens are for.
     * @param command     the main class of the {@code bastion} command, which the children run.
     * @param subscribers how many subscribers read {@value DemoSubscriberCommand#DATA_CHANNEL}: with more than one,
     *                    the broker makes it a fan-out channel of that many, evicting a subscriber only when it holds
     *                    the publisher back without a heartbeat for {@link #FAN_OUT_STALL_MS}.
     * @return the run; close it.
     * @throws IOException if the broker or the folder cannot be set up.
     */
    static DemoRun launch(final Path directory, final String user, final String command, final int subscribers)
            throws IOException
    {
        final BrokerContext context = new BrokerContext().directory(directory);
        if (subscribers > 1)
        {
            context.channelFanOut(DemoSubscriberCommand.DATA_CHANNEL,
                new ChannelFanOut(subscribers, FanOutPolicy.evicting(FanOutPolicy.FULL_RING, FAN_OUT_STALL_MS)));
        }
        final Bastion bastion = Bastion.launchEmbedded(context);
        try
        {
            removeStaleFolders(directory);
            final Path folder = new OwnerOnlyFiles(FilePolicy.ownerOnly()).createDirectory(
                directory.resolve(FOLDER_PREFIX + Long.toHexString(new SecureRandom().nextLong() >>> 1)));
            return new DemoRun(bastion, folder, user, command);
        }
        catch (final IOException | RuntimeException ex)
        {
            bastion.close();
            throw ex;
        }
    }

    /**
     * Remove what a demo killed outright (SIGKILL) left: its private folder. With this run's broker listening on the
     * folder, no other demo can be using one.
     */
    private static void removeStaleFolders(final Path directory) throws IOException
    {
        try (Stream<Path> entries = Files.list(directory))
        {
            for (final Path entry : (Iterable<Path>)entries::iterator)
            {
                if (entry.getFileName().toString().startsWith(FOLDER_PREFIX) &&
                    Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
                {
                    deleteQuietly(entry);
                }
            }
        }
    }

    /**
     * The broker.
     *
     * @return the embedded broker.
     */
    Bastion bastion()
    {
        return bastion;
    }

    /**
     * The private folder of this run.
     *
     * @return the folder, owner-only.
     */
    Path folder()
    {
        return folder;
    }

    /**
     * The lines the children print.
     *
     * @return the queue.
     */
    BlockingQueue<Line> lines()
    {
        return lines;
    }

    /**
     * Issue single-use tokens for the run's user, for this run's broker.
     *
     * @param pattern the channel pattern.
     * @param rights  the rights bits.
     * @param count   how many (one per client the child connects).
     * @return the encoded tokens; the caller hands them to a child and zeroes them.
     */
    synchronized List<byte[]> tokens(final String pattern, final int rights, final int count)
    {
        final List<byte[]> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            tokens.add(bastion.issueToken(user, pattern, rights, System.currentTimeMillis(), TOKEN_VALIDITY_MS, true));
        }
        return tokens;
    }

    /**
     * Start a child process running a hidden subcommand, and write its tokens on the first line of its stdin.
     *
     * @param name   a short name.
     * @param args   the {@code bastion} arguments.
     * @param tokens the child's tokens, zeroed here once written.
     * @return the child.
     * @throws IOException if it cannot be started.
     */
    synchronized ChildProcess start(final String name, final List<String> args, final List<byte[]> tokens)
            throws IOException
    {
        if (closed)
        {
            throw new CommandFailure("the demo is stopping");
        }
        final ChildProcess child = ChildProcess.start(name, folder.resolve(name + ".stderr"),
            (from, text) -> lines.add(new Line(from, text)), command, args);
        children.add(child);
        final StringBuilder line = new StringBuilder();
        for (final byte[] token : tokens)
        {
            line.append(line.length() == 0 ? "" : " ").append(TokenText.encode(token));
            Arrays.fill(token, (byte)0);
        }
        // A child that is gone already is reported by its end-of-stdout line.
        child.send(line.toString());
        return child;
    }

    /**
     * End the children (each closes its clients once its stdin closes), stop the broker (which removes its socket),
     * and delete the private folder with the children's stderr. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final ChildProcess child : children)
        {
            child.close();
        }
        bastion.close();
        if (!deleteQuietly(folder))
        {
            System.err.println("bastion: could not delete " + folder + " (the next demo on this folder will)");
        }
    }

    private static boolean deleteQuietly(final Path folder)
    {
        try
        {
            deleteFolder(folder);
            return true;
        }
        catch (final IOException ex)
        {
            // Owner-only, holding only a demo's logs: left for the next demo or the user.
            return false;
        }
    }

    private static void deleteFolder(final Path folder) throws IOException
    {
        try (Stream<Path> files = Files.list(folder))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(folder);
    }
}
