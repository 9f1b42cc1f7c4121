package io.bastion.tools.cli;

/**
 * The exit codes of every {@code bastion} command, so that scripts can tell a refusal from a mistake.
 */
public final class ExitCodes
{
    /** The command did what it was asked, or the check it ran passed. */
    public static final int OK = 0;

    /** Something was refused, a check failed, or the command could not do its work (a missing file, say). */
    public static final int REFUSED = 1;

    /** The command line was wrong: an unknown option, a missing or malformed value. */
    public static final int USAGE = 2;

    private ExitCodes()
    {
    }
}
