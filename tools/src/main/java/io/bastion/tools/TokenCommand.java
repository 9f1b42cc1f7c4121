package io.bastion.tools;

import picocli.CommandLine.Command;

/**
 * {@code bastion token}: the group of capability token commands.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    header = "Issue and verify capability tokens.",
    synopsisSubcommandLabel = "COMMAND",
    description = "Tokens are Ed25519-signed claims: subject, channel pattern, rights and validity window.",
    subcommands = {
        TokenIssueCommand.class,
        TokenVerifyCommand.class,
    })
final class TokenCommand
{
}
