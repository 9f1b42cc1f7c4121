package io.bastion.tools;

import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditFinding;
import io.bastion.security.audit.AuditVerification;
import io.bastion.security.audit.AuditVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bastion audit verify}: checks the hash chain of audit files and names the first broken link.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    header = "Check the chain of audit files and name the first broken link.",
    description = {
        "Check the hash chain of audit files (or of every audit file in a folder) and print the first broken " +
            "link: file, record number and what happened there (EDITED, DELETED, INSERTED, REORDERED, TRUNCATED, " +
            "MALFORMED, FILE_MISSING). Exits 0 if the chain is intact, 1 if not.",
        "",
        "Files named <base>-<number>.log are checked in number order and must have no gap in their numbers; a " +
            "chain whose first file is number 1 must start at the first record ever written."
    })
final class AuditVerifyCommand implements Callable<Integer>
{
    private static final Pattern AUDIT_NAME = Pattern.compile("(.+)-(\\d{12})\\.log");

    @Spec
    private CommandSpec spec;

    @Option(names = "--base-name", paramLabel = "NAME", defaultValue = "audit",
        description = "Base name of the audit files in a folder argument (default: ${DEFAULT-VALUE}).")
    private String baseName;

    @Parameters(arity = "1..*", paramLabel = "FILE",
        description = "Audit files, oldest first, or one folder holding them.")
    private List<Path> files;

    /**
     * {@inheritDoc}
     */
    @Override
    public Integer call() throws IOException
    {
        for (final Path file : files)
        {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS))
            {
                throw new CommandFailure(file + ": no such file or folder");
            }
        }
        final PrintWriter out = spec.commandLine().getOut();
        final AuditVerification verification;
        if (files.size() == 1 && Files.isDirectory(files.get(0), LinkOption.NOFOLLOW_LINKS))
        {
            final Path dir = files.get(0);
            if (AuditFiles.list(dir, baseName).isEmpty())
            {
                throw new CommandFailure(dir + ": no audit files named " + baseName + "-<number>.log");
            }
            verification = AuditVerifier.verifyDirectory(dir, baseName);
        }
        else
        {
            final List<Path> ordered = new ArrayList<>(files);
            final String base = commonBase(ordered);
            if (null != base)
            {
                ordered.sort(Comparator.comparingLong((final Path p) -> AuditFiles.number(base, p)));
                final Path afterGap = firstAfterGap(base, ordered);
                if (null != afterGap)
                {
                    out.println("audit chain broken: " + AuditFinding.FILE_MISSING + " before " + afterGap +
                        " (file numbers must follow on without a gap)");
                    out.flush();
                    return ExitCodes.REFUSED;
                }
            }
            // Files not named as audit files are taken in the order given, their first record as the anchor.
            verification = AuditVerifier.verify(ordered, null != base && AuditFiles.number(base, ordered.get(0)) == 1);
        }
        if (verification.isOk())
        {
            out.println("audit chain intact: " + verification.recordsVerified() + " records, last sequence " +
                verification.lastSeq() + ", last hash " + verification.lastHash());
            out.flush();
            return ExitCodes.OK;
        }
        out.println("audit chain broken: " + verification.finding() + " at " + location(verification));
        out.println(verification.recordsVerified() + " records verified before it");
        out.flush();
        return ExitCodes.REFUSED;
    }

    private static Path firstAfterGap(final String base, final List<Path> ordered)
    {
        for (int i = 1; i < ordered.size(); i++)
        {
            if (AuditFiles.number(base, ordered.get(i)) != AuditFiles.number(base, ordered.get(i - 1)) + 1)
            {
                return ordered.get(i);
            }
        }
        return null;
    }

    private static String commonBase(final List<Path> given)
    {
        String base = null;
        for (final Path file : given)
        {
            final Matcher matcher = AUDIT_NAME.matcher(String.valueOf(file.getFileName()));
            if (!matcher.matches() || (null != base && !base.equals(matcher.group(1))))
            {
                return null;
            }
            base = matcher.group(1);
        }
        return base;
    }

    private static String location(final AuditVerification verification)
    {
        if (verification.recordIndex() < 0)
        {
            return String.valueOf(verification.file());
        }
        return verification.file() + " record " + verification.recordIndex() + " (line " +
            (verification.recordIndex() + 1) + ")";
    }
}
