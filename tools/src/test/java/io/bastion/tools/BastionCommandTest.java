package io.bastion.tools;

import io.bastion.test.ChildJvm;
import io.bastion.tools.cli.ExitCodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BastionCommandTest
{
    @TempDir
    Path dir;

    @Test
    void helpListsEveryCommandAndTheExitCodes() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "--help");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        for (final String command : new String[]{
            "demo", "broker", "publish", "subscribe", "stat", "inspect", "keygen", "token", "audit", "bench"})
        {
            assertTrue(result.stdout().contains("  " + command + " "), () -> command + " missing: " + result);
        }
        assertTrue(!result.stdout().contains("demo-"), "the demo's own processes are hidden: " + result);
        assertTrue(result.stdout().contains("Exit codes: 0 success, 1 refused or a check failed, 2 usage error"),
            result::toString);
        assertEquals("", result.stderr());
    }

    @Test
    void versionNamesTheBuildAndTheJvm() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "--version");

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        assertTrue(result.stdout().startsWith("bastion " + BastionVersion.version() + "\n"), result::toString);
        assertTrue(!BastionVersion.version().contains("${"), "version resource not filtered");
        assertTrue(result.stdout().contains("Java " + System.getProperty("java.version")), result::toString);
        // The child has the provider opens, as ./bastion gives it: the fast HMAC, not a fallback.
        assertTrue(result.stdout().contains("\nHMAC-SHA256 jdk-state\n"), result::toString);
    }

    @Test
    void noCommandIsAUsageError() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir);

        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith("bastion: Missing required subcommand"), result::toString);
        assertTrue(result.stderr().contains("Try 'bastion --help' for more information."), result::toString);
        assertEquals("", result.stdout());
    }

    @Test
    void unknownCommandIsAUsageErrorWithASuggestion() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "inspekt", "x");

        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith("bastion: Unmatched arguments"), result::toString);
        assertTrue(result.stderr().contains("inspect"), result::toString);
        assertTrue(!result.stderr().contains("\tat "), "no stack trace: " + result);
    }

    @Test
    void unknownOptionOfASubcommandNamesThatSubcommandsHelp() throws Exception
    {
        final ChildJvm.Result result = BastionProcess.run(dir, "audit", "verify", "--bogus", "some.log");

        assertEquals(ExitCodes.USAGE, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("Unknown option: '--bogus'"), result::toString);
        assertTrue(result.stderr().contains("Try 'bastion audit verify --help'"), result::toString);
    }

    @Test
    void everyCommandHasHelp() throws Exception
    {
        final String[][] commands = {
            {"demo"}, {"broker"}, {"publish"}, {"subscribe"}, {"stat"}, {"inspect"}, {"keygen"}, {"token"},
            {"token", "issue"}, {"token", "verify"}, {"audit"}, {"audit", "verify"}, {"bench"},
        };
        for (final String[] command : commands)
        {
            final String[] args = new String[command.length + 1];
            System.arraycopy(command, 0, args, 0, command.length);
            args[command.length] = "--help";
            final ChildJvm.Result result = BastionProcess.run(dir, args);

            assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
            assertTrue(result.stdout().startsWith("Usage: bastion " + String.join(" ", command)) ||
                result.stdout().contains("\nUsage: bastion " + String.join(" ", command)), result::toString);
        }
    }
}
