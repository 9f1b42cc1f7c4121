package io.bastion.tools.demo;

import io.bastion.tools.cli.TokenText;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A hidden child process of {@code bastion demo}: it works on the broker folder its parent names, with the tokens
 * its parent writes on the first line of its stdin (never a file), for as long as the parent lives
 * ({@link ParentLink}), and reports to it on stdout.
 */
abstract class DemoChildCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The broker folder.")
    Path directory;

    /**
     * Read the tokens, watch the parent, serve, and let the parent go.
     *
     * @return the exit code the child chose.
     * @throws IOException if stdin cannot be read, or the child's own work fails.
     */
    @Override
    public final Integer call() throws IOException
    {
        // The first line of stdin, read to its end and no further; the parent's commands follow it.
        final List<byte[]> tokens = TokenText.readLine(System.in, tokenCount());
        final ParentLink parent = ParentLink.watch(System.in);
        try
        {
            return serve(parent, spec.commandLine().getOut(), tokens);
        }
        finally
        {
            for (final byte[] token : tokens)
            {
                Arrays.fill(token, (byte)0);
            }
            parent.release();
        }
    }

    /**
     * How many tokens the parent writes on the first line of stdin: one per client the child connects (the demo's
     * tokens are single-use).
     *
     * @return the count, at least 1.
     */
    abstract int tokenCount();

    /**
     * The child's work.
     *
     * @param parent its parent's commands and liveness.
     * @param out    where to report to the parent.
     * @param tokens the capability tokens read from stdin, {@link #tokenCount()} of them; zeroed once it returns.
     * @return the exit code.
     * @throws IOException if the work fails.
     */
    abstract int serve(ParentLink parent, PrintWriter out, List<byte[]> tokens) throws IOException;
}
