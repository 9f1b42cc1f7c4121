package io.bastion.tools;

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
final class AuditCommand
{
}
