package io.bastion.tools.audit;

import picocli.CommandLine.Command;

/**
 * {@code bastion audit}: the group of audit log commands.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    header = "Check the hash-chained audit log.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
        AuditVerifyCommand.class,
    })
public final class AuditCommand
{
    private AuditCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }
}
