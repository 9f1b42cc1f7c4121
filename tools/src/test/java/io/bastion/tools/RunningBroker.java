package io.bastion.tools;

import io.bastion.test.ChildJvm;
import io.bastion.tools.cli.ExitCodes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.bastion.tools.BastionProcess.TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A {@code bastion broker} running as a child process on a fresh folder, with key files from {@code bastion keygen},
 * and the tokens {@code bastion token issue} makes for it: what {@code publish}, {@code subscribe} and {@code stat}
 * are tested against, as a user would set it up.
 */
public final class RunningBroker implements AutoCloseable
{
    private final Path dir;
    private final Path keys;
    private final Path folder;
    private final ChildJvm broker;

    private RunningBroker(final Path dir, final Path keys, final Path folder, final ChildJvm broker)
    {
        this.dir = dir;
        this.keys = keys;
        this.folder = folder;
        this.broker = broker;
    }

    /**
     * Make keys and start a broker; returns once it listens.
     *
     * @param dir  a folder (made if need be) for the keys, the broker folder and the commands' output files.
     * @param more more {@code bastion broker} options, such as {@code --fan-out CHANNEL:N}.
     * @return the running broker.
     */
    public static RunningBroker start(final Path dir, final String... more) throws Exception
    {
        Files.createDirectories(dir);
        final Path keys = dir.resolve("keys");
        final Path folder = dir.resolve("broker");
        final ChildJvm.Result keygen = BastionProcess.run(dir, "keygen", "--dir", keys.toString());
        assertEquals(ExitCodes.OK, keygen.exitCode(), keygen::toString);
        final List<String> args = new ArrayList<>(List.of("broker", "--dir", folder.toString(),
            "--identity-key", keys.resolve("identity.key").toString(),
            "--issuer-public", keys.resolve("issuer.pub").toString(), "--ring-capacity", "65536"));
        args.addAll(List.of(more));
        final ChildJvm broker = BastionProcess.start(dir, args.toArray(new String[0]));
        broker.awaitLineContaining("Press Ctrl-C to stop.", TIMEOUT_MS);
        return new RunningBroker(dir, keys, folder, broker);
    }

    /**
     * The broker folder.
     *
     * @return the folder.
     */
    public Path folder()
    {
        return folder;
    }

    /**
     * Issue a token for the current user into a file, as {@code bastion token issue --out} does.
     *
     * @param name    the file name.
     * @param channel the channel pattern.
     * @param rights  the rights list, e.g. {@code publish,subscribe}.
     * @return the file.
     */
    public Path token(final String name, final String channel, final String rights) throws Exception
    {
        final Path file = dir.resolve(name);
        final ChildJvm.Result issued = BastionProcess.run(dir, "token", "issue",
            "--issuer-key", keys.resolve("issuer.key").toString(), "--broker-key",
            keys.resolve("identity.pub").toString(), "--subject", user(), "--channel", channel,
            "--rights", rights, "--out", file.toString());
        assertEquals(ExitCodes.OK, issued.exitCode(), issued::toString);
        return file;
    }

    /**
     * Issue a token for the current user and return its text, as {@code bastion token issue} prints it.
     *
     * @param channel   the channel pattern.
     * @param rights    the rights list.
     * @param singleUse true for {@code --single-use}.
     * @return the base64 text.
     */
    public String tokenText(final String channel, final String rights, final boolean singleUse) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("token", "issue", "--issuer-key",
            keys.resolve("issuer.key").toString(), "--broker-key", keys.resolve("identity.pub").toString(),
            "--subject", user(), "--channel", channel, "--rights", rights));
        if (singleUse)
        {
            args.add("--single-use");
        }
        final ChildJvm.Result issued = BastionProcess.run(dir, args.toArray(new String[0]));
        assertEquals(ExitCodes.OK, issued.exitCode(), issued::toString);
        return issued.stdout().strip();
    }

    /**
     * The user the kernel reports for this process, which the broker checks a token's subject against.
     *
     * @return the user name.
     */
    static String user() throws Exception
    {
        return Files.getOwner(Path.of("/proc/self")).getName();
    }

    /**
     * Stop the broker with SIGTERM.
     */
    @Override
    public void close()
    {
        try
        {
            broker.terminate(TIMEOUT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            broker.close();
        }
    }
}
