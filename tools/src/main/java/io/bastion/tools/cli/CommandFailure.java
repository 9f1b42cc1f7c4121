package io.bastion.tools.cli;

/**
 * A refusal a command reports to the user as {@code bastion: <message>} on stderr with exit code
 * {@link ExitCodes#REFUSED}. It carries no stack trace: the message is the whole story.
 */
public final class CommandFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * A failure with the message the user sees.
     *
     * @param message what went wrong and, where it helps, what to do about it.
     */
    public CommandFailure(final String message)
    {
        super(message, null, false, false);
    }
}
