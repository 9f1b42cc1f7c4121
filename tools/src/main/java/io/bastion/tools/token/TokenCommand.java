package io.bastion.tools.token;

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
public final class TokenCommand
{
    private TokenCommand()
    {
        // picocli makes it: BastionCommand lists it among its subcommands.
    }
}
