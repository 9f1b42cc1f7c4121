package io.bastion.bench.latency;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The ponger process the suite starts for each case ({@link PongerProcess}): it attaches to the transport the pinger
 * set up, prints {@code ready}, echoes every ping on a thread of its own until its stdin says {@code stop} or ends
 * (the pinger is gone), then prints {@code done echoes=N} and exits 0. Secrets the case needs (a token) come first on
 * stdin. Any failure goes to stderr with exit code 1.
 */
public final class Ponger
{
    /** The measuring thread's name. */
    static final String THREAD_NAME = "bastion-ponger";

    private Ponger()
    {
    }

    /**
     * Run the ponger.
     *
     * @param args the case, the suite's folder, the idle strategy, the CPU to pin to (-1 for none), then the case's
     *             own arguments.
     */
    public static void main(final String[] args)
    {
        try
        {
            System.exit(run(args));
        }
        catch (final Exception ex)
        {
            System.err.println("ponger: " + ex);
            ex.printStackTrace();
            System.exit(1);
        }
    }

    private static int run(final String[] args) throws Exception
    {
        if (args.length < 4)
        {
            System.err.println("usage: Ponger CASE FOLDER IDLE CPU [CASE ARGS...]");
            return 2;
        }
        final LatencyCase latencyCase = LatencyCase.of(args[0]);
        final String idle = IdleStrategies.check(args[2]);
        final int cpu = Integer.parseInt(args[3]);
        final List<String> caseArgs = Arrays.asList(args).subList(4, args.length);
        final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        try (SharedFolder folder = SharedFolder.attach(Path.of(args[1]));
            Duplex duplex = latencyCase.attach(folder, caseArgs, stdin))
        {
            final EchoLoop loop = new EchoLoop(duplex, IdleStrategies.of(idle));
            final Thread watcher = new Thread(() -> awaitStop(stdin, loop), "bastion-ponger-stdin");
            watcher.setDaemon(true);
            watcher.start();
            System.out.println("ready");
            System.out.flush();
            final long echoes = MeasuringThread.call(THREAD_NAME, cpu, loop::run);
            System.out.println("done echoes=" + echoes);
            System.out.flush();
        }
        return 0;
    }

    private static void awaitStop(final BufferedReader stdin, final EchoLoop loop)
    {
        try
        {
            String line;
            while (null != (line = stdin.readLine()))
            {
                if ("stop".equals(line.strip()))
                {
                    break;
                }
            }
        }
        catch (final IOException ex)
        {
            // A broken pipe: the pinger is gone, so stop as well.
        }
        loop.stop();
    }
}
