package io.bastion.tools;

import io.bastion.security.files.SecureFileException;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

/**
 * The one place where a failure becomes a message and an exit code: usage errors print
 * {@code bastion: <message>} and a hint and exit {@link ExitCodes#USAGE}; every other failure prints
 * {@code bastion: <message>} and exits {@link ExitCodes#REFUSED}. Never prints a stack trace unless the
 * environment variable {@value #DEBUG_ENV} is set, for bug reports.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler
{
    /** Environment variable that makes unexpected failures print their stack trace. */
    static final String DEBUG_ENV = "BASTION_DEBUG";

    private static final String PREFIX = "bastion: ";

    /**
     * {@inheritDoc}
     */
    @Override
    public int handleParseException(final ParameterException ex, final String[] args)
    {
        final CommandLine commandLine = ex.getCommandLine();
        final PrintWriter err = commandLine.getErr();
        err.println(PREFIX + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int handleExecutionException(
        final Exception ex, final CommandLine commandLine, final ParseResult parseResult)
    {
        final PrintWriter err = commandLine.getErr();
        err.println(PREFIX + describe(ex));
        if (!(ex instanceof CommandFailure) && null != System.getenv(DEBUG_ENV))
        {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCodes.REFUSED;
    }

    /**
     * The user's view of a failure: its message, with the path and reason of file errors spelled out.
     *
     * @param ex the failure.
     * @return one line.
     */
    static String describe(final Exception ex)
    {
        if (ex instanceof CommandFailure)
        {
            return ex.getMessage();
        }
        if (ex instanceof SecureFileException)
        {
            final SecureFileException secure = (SecureFileException)ex;
            return secure.path() + ": refused by the file checks (" + secure.reason() + ")";
        }
        if (ex instanceof NoSuchFileException)
        {
            return ((NoSuchFileException)ex).getFile() + ": no such file or folder";
        }
        if (ex instanceof AccessDeniedException)
        {
            return ((AccessDeniedException)ex).getFile() + ": permission denied";
        }
        if (ex instanceof FileAlreadyExistsException)
        {
            return ((FileAlreadyExistsException)ex).getFile() + ": already exists";
        }
        final String message = ex.getMessage();
        final String kind = ex.getClass().getSimpleName();
        if (ex instanceof RuntimeException && !(ex instanceof IllegalArgumentException) &&
            !(ex instanceof IllegalStateException))
        {
            // A bug rather than a refusal: name the exception so a report can find it.
            return "internal error: " + kind + (null == message ? "" : ": " + message) +
                " (set " + DEBUG_ENV + "=1 for the stack trace)";
        }
        return null == message || message.isEmpty() ? kind : message;
    }
}
