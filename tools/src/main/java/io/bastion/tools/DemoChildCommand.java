package io.bastion.tools;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A hidden child process of {@code bastion demo}: it works on the broker folder and token file its parent names, for
 * as long as the parent lives ({@link ParentLink}), and reports to it on stdout.
 */
abstract class DemoChildCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The broker folder.")
    Path directory;

    @Option(names = "--token", required = true, paramLabel = "FILE", description = "The capability token file.")
    private Path tokenFile;

    /**
     * Watch the parent, serve, and let the parent go.
     *
     * @return the exit code {@link #serve} chose.
     * @throws IOException if the token file cannot be read, or the child's own work fails.
     */
    @Override
    public final Integer call() throws IOException
    {
        final ParentLink parent = ParentLink.watch(System.in);
        try
        {
            return serve(parent, spec.commandLine().getOut(), TokenText.readFile(tokenFile));
        }
        finally
        {
            parent.release();
        }
    }

    /**
     * The child's work.
     *
     * @param parent its parent's commands and liveness.
     * @param out    where to report to the parent.
     * @param token  the capability token read from the token file.
     * @return the exit code.
     * @throws IOException if the work fails.
     */
    abstract int serve(ParentLink parent, PrintWriter out, byte[] token) throws IOException;
}
