package io.bastion.tools.audit;

import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditFinding;
import io.bastion.security.audit.AuditVerification;
import io.bastion.security.audit.AuditVerifier;
import io.bastion.tools.cli.CommandFailure;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bastion audit verify}: checks the hash chain of audit files and names the first broken link; with the
 * broker's identity public key, checks the signed checkpoints, that no oldest file is missing and that the log was
 * closed; with an expected head, that the chain still holds it. Exits {@link ExitCodes#OK} and prints the chain head
 * and the last checkpoint's index when the log verifies, {@link ExitCodes#REFUSED} and the finding otherwise.
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
            "chain whose first file is number 1 must start at the first record ever written.",
        "",
        "A broker given an identity key signs checkpoints into its audit log. With --identity-public, every " +
            "checkpoint must verify under that key (else BAD_CHECKPOINT), the chain must not start after the oldest " +
            "record the last checkpoint says is kept (else START_MISSING: the oldest file was removed), and it must " +
            "end with the checkpoint written at close (else NOT_CLOSED: the writer may still be running or died, or " +
            "its tail was removed; --open-ok accepts that while the writer runs). A log without any checkpoint is " +
            "UNANCHORED with a key; without a key it is checked as before and reported unanchored.",
        "",
        "On success the chain head is printed: keep it elsewhere and pass it later with --expect, which fails " +
            "(HEAD_MISMATCH) if no record of the chain has that hash any more (records removed or rewritten)."
    })
final class AuditVerifyCommand implements Callable<Integer>
{
    private static final Pattern AUDIT_NAME = Pattern.compile("(.+)-(\\d{12})\\.log");
    private static final Pattern HEAD = Pattern.compile("[0-9a-fA-F]{64}");

    @Spec
    private CommandSpec spec;

    @Option(names = "--base-name", paramLabel = "NAME", defaultValue = "audit",
        description = "Base name of the audit files in a folder argument (default: ${DEFAULT-VALUE}).")
    private String baseName;

    @Option(names = "--identity-public", paramLabel = "FILE",
        description = "The broker's identity public key (identity.pub from 'bastion keygen', or broker.pub in the " +
            "broker folder); checkpoints must be signed by it.")
    private Path identityPublic;

    @Option(names = "--expect", paramLabel = "HEAD",
        description = "A chain head printed by an earlier verification (64 hex digits): some record must still " +
            "have it as its hash.")
    private String expect;

    @Option(names = "--open-ok", description = "Accept a log that does not end with a close checkpoint (its writer " +
        "is still running); the records after the last checkpoint are then covered by no signature.")
    private boolean openOk;

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
        if (null != expect && !HEAD.matcher(expect).matches())
        {
            throw new ParameterException(spec.commandLine(), "--expect takes a chain head: 64 hex digits");
        }
        final PublicKey key = null == identityPublic ? null : KeyFiles.readPublic(identityPublic);
        final PrintWriter out = spec.commandLine().getOut();
        final AuditVerification verification;
        if (files.size() == 1 && Files.isDirectory(files.get(0), LinkOption.NOFOLLOW_LINKS))
        {
            final Path dir = files.get(0);
            if (AuditFiles.list(dir, baseName).isEmpty())
            {
                throw new CommandFailure(dir + ": no audit files named " + baseName + "-<number>.log");
            }
            verification = AuditVerifier.verifyDirectory(dir, baseName, key, expect);
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
            verification = AuditVerifier.verify(
                ordered, null != base && AuditFiles.number(base, ordered.get(0)) == 1, key, expect);
        }
        final int exitCode = report(out, verification, key);
        out.flush();
        return exitCode;
    }

    private int report(final PrintWriter out, final AuditVerification v, final PublicKey key)
    {
        if (v.isOk() || (openOk && v.finding() == AuditFinding.NOT_CLOSED))
        {
            out.println("audit chain intact: " + v.recordsVerified() + " records, last sequence " + v.lastSeq() +
                ", last hash " + v.lastHash());
            printAnchor(out, v, key);
            if (v.expectedHeadSeq() >= 0)
            {
                final long since = v.lastSeq() - v.expectedHeadSeq();
                out.println("expected head found at index " + v.expectedHeadSeq() +
                    (since == 0 ? " (the head)" : "; " + since + " records appended since"));
            }
            out.println("head " + v.lastHash() + " at index " + v.lastSeq() +
                ": keep it elsewhere and pass it later with --expect");
            return ExitCodes.OK;
        }
        if (!v.isChainIntact())
        {
            out.println("audit chain broken: " + v.finding() + " at " + location(v));
            if (v.finding() == AuditFinding.BAD_CHECKPOINT)
            {
                out.println(null == key ?
                    "the checkpoint is malformed or does not restate its own record" :
                    "the checkpoint's signature does not verify with " + KeyFiles.fingerprint(key) +
                    ": forged, signed by another key, or malformed");
            }
            out.println(v.recordsVerified() + " records verified before it");
            return ExitCodes.REFUSED;
        }
        switch (v.finding())
        {
            case START_MISSING:
                out.println("audit log refused: " + v.finding() + " at " + location(v));
                out.println("records missing before the first one present: the chain starts at index " +
                    v.firstSeq() + " but its last checkpoint says the log keeps records from index " + v.startSeq() +
                    " (0 is the genesis): its oldest file was removed");
                break;
            case UNANCHORED:
                out.println("audit log refused: " + v.finding());
                out.println("the log holds no checkpoint, so nothing signed by " + KeyFiles.fingerprint(key) +
                    " vouches for it (written without a checkpoint signer, or rewritten without its checkpoints)");
                break;
            case HEAD_MISMATCH:
                out.println("audit log refused: " + v.finding());
                out.println("the expected head " + expect.toLowerCase(Locale.ROOT) + " is not in the " +
                    "chain: records were removed or rewritten since it was recorded (or retention retired them)");
                break;
            default:
                out.println("audit log refused: " + v.finding() + " at the end of " + v.file());
                out.println("not closed: the writer may still be running or died, or its tail was removed " +
                    "(last checkpoint at index " + v.lastCheckpointSeq() + "; pass --open-ok if the writer is " +
                    "still running)");
                break;
        }
        out.println("chain head " + v.lastHash() + " at index " + v.lastSeq() + ", " + v.recordsVerified() +
            " records intact");
        return ExitCodes.REFUSED;
    }

    private static void printAnchor(final PrintWriter out, final AuditVerification v, final PublicKey key)
    {
        if (!v.anchored())
        {
            out.println("unanchored: the log holds no signed checkpoint, so the removal of its oldest file or of " +
                "its last records cannot be detected");
            return;
        }
        final String closed = v.closed() ? "closed" :
            "not closed, accepted with --open-ok: " + (v.lastSeq() - v.lastCheckpointSeq()) +
            " records after it are covered by no signature";
        if (null == key)
        {
            out.println("checkpoints unverified (no --identity-public, so anyone could have written them): " +
                v.checkpoints() + ", the last at index " + v.lastCheckpointSeq() + "; " + closed);
        }
        else
        {
            out.println("anchored: " + v.checkpoints() + " checkpoints signed by " + KeyFiles.fingerprint(key) +
                ", the last at index " + v.lastCheckpointSeq() + "; " + closed);
        }
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
