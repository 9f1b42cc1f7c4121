package io.bastion.tools;

import io.bastion.tools.audit.AuditCommand;
import io.bastion.tools.bench.BenchCommand;
import io.bastion.tools.bridge.BridgeCommand;
import io.bastion.tools.broker.BrokerCommand;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.demo.DemoCommand;
import io.bastion.tools.demo.DemoHostileCommand;
import io.bastion.tools.demo.DemoPublisherCommand;
import io.bastion.tools.demo.DemoSubscriberCommand;
import io.bastion.tools.inspect.InspectCommand;
import io.bastion.tools.keygen.KeygenCommand;
import io.bastion.tools.pubsub.PublishCommand;
import io.bastion.tools.pubsub.SubscribeCommand;
import io.bastion.tools.stat.StatCommand;
import io.bastion.tools.token.TokenCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bastion} command: the top of the command tree, and the one way every subcommand is run,
 * so that they all share help, version, error messages and exit codes ({@link ExitCodes}).
 * <p>
 * A new subcommand is a small class with picocli annotations that implements
 * {@link java.util.concurrent.Callable}{@code <Integer>} (returning an {@link ExitCodes} value), writes to
 * {@code spec.commandLine().getOut()}, throws to refuse (the message becomes {@code bastion: <message>}),
 * and is listed in {@code subcommands} below.
 */
@Command(
    name = "bastion",
    mixinStandardHelpOptions = true,
    versionProvider = BastionVersion.class,
    synopsisSubcommandLabel = "COMMAND",
    description = "Secure shared-memory messaging on one machine: see it work ('bastion demo'), run a broker, " +
        "bridge its channels to another host ('bastion bridge'), " +
        "publish and subscribe, watch the counters, check ring files, keys, capability tokens and audit logs, and " +
        "measure round-trip latency beside Agrona and Aeron ('bastion bench').",
    footer = {
        "",
        "Exit codes: 0 success, 1 refused or a check failed, 2 usage error.",
        "Run 'bastion COMMAND --help' for the options of a command."
    },
    subcommands = {
        DemoCommand.class,
        BrokerCommand.class,
        BridgeCommand.class,
        PublishCommand.class,
        SubscribeCommand.class,
        StatCommand.class,
        InspectCommand.class,
        KeygenCommand.class,
        TokenCommand.class,
        AuditCommand.class,
        BenchCommand.class,
        DemoSubscriberCommand.class,
        DemoPublisherCommand.class,
        DemoHostileCommand.class,
    })
public final class BastionCommand
{
    private BastionCommand()
    {
    }

    /**
     * Run the command line and exit the JVM with its exit code.
     *
     * @param args the arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /**
     * Run the command line without exiting.
     *
     * @param args the arguments.
     * @return the exit code, one of {@link ExitCodes}.
     */
    public static int run(final String... args)
    {
        return commandLine().execute(args);
    }

    /**
     * The command tree with Bastion's error handling, ready to execute.
     *
     * @return a new command line.
     */
    public static CommandLine commandLine()
    {
        final ErrorReporter reporter = new ErrorReporter();
        return new CommandLine(new BastionCommand())
            .setExecutionExceptionHandler(reporter)
            .setParameterExceptionHandler(reporter)
            .setCaseInsensitiveEnumValuesAllowed(true)
            // @FILE is ours (token verify reads a token from it), not picocli's argument file.
            .setExpandAtFiles(false);
    }
}
