package io.bastion.tools.audit;

import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditFiles;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditLogConfig;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.security.token.IssuerKeys;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.cli.ExitCodes;
import io.bastion.tools.cli.KeyFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bastion audit verify} on a log anchored by signed checkpoints, run as a user runs it: each removal an
 * attacker of the same user can make without the identity key fails the command with a finding that names it.
 */
class AuditAnchorCommandTest
{
    private static final Pattern HEAD_LINE = Pattern.compile("(?m)^head ([0-9a-f]{64}) at index (\\d+): ");

    @TempDir
    Path dir;

    private KeyPair identity;
    private Path identityPub;
    private Path auditDir;

    @BeforeEach
    void writeAnAnchoredLog() throws Exception
    {
        identity = IssuerKeys.generate();
        identityPub = dir.resolve("identity.pub");
        Files.write(identityPub, KeyFiles.publicFileContent(identity.getPublic()));
        auditDir = dir.resolve("audit");
        writeLog(auditDir, identity, 22);
        assertTrue(files().size() >= 3, "the test needs rotated files");
    }

    private static void writeLog(final Path auditDir, final KeyPair signer, final int records) throws Exception
    {
        final AuditLogConfig config = new AuditLogConfig().directory(auditDir).maxFileBytes(2048)
            .checkpointInterval(4).checkpointSigner(null == signer ? null : signer.getPrivate());
        try (AuditLog log = AuditLog.open(config))
        {
            for (int i = 0; i < records; i++)
            {
                log.log(AuditEventType.TOKEN_CHECK, AuditOutcome.SUCCESS, "user" + i, "prices", "PUBLISH");
            }
        }
    }

    private List<Path> files() throws Exception
    {
        return AuditFiles.list(auditDir, "audit");
    }

    private ChildJvm.Result verify(final String... extra) throws Exception
    {
        final String[] args = new String[extra.length + 5];
        args[0] = "audit";
        args[1] = "verify";
        args[2] = "--identity-public";
        args[3] = identityPub.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        args[args.length - 1] = auditDir.toString();
        return BastionProcess.run(dir, args);
    }

    private static void assertRefused(final ChildJvm.Result result, final String... expected)
    {
        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        for (final String text : expected)
        {
            assertTrue(result.stdout().contains(text), () -> "no '" + text + "' in\n" + result);
        }
    }

    @Test
    void intactClosedLogPrintsItsHeadAndVerifiesAgainstIt() throws Exception
    {
        final ChildJvm.Result result = verify();

        assertEquals(ExitCodes.OK, result.exitCode(), result::toString);
        assertTrue(result.stdout().startsWith("audit chain intact: "), result::toString);
        final Matcher head = HEAD_LINE.matcher(result.stdout());
        assertTrue(head.find(), result::toString);
        assertTrue(result.stdout().contains("anchored: 6 checkpoints signed by " +
            KeyFiles.fingerprint(identity.getPublic()) + ", the last at index " + head.group(2) + "; closed"),
            result::toString);

        final ChildJvm.Result expected = verify("--expect", head.group(1));

        assertEquals(ExitCodes.OK, expected.exitCode(), expected::toString);
        assertTrue(expected.stdout().contains("expected head found at index " + head.group(2) + " (the head)"),
            expected::toString);
    }

    @Test
    void lastRecordsRemovedIsNotClosedUnlessTheWriterIsSaidToRun() throws Exception
    {
        final Path newest = files().get(files().size() - 1);
        final List<String> lines = Files.readAllLines(newest, StandardCharsets.US_ASCII);
        assertTrue(lines.size() >= 3, "the test needs records before the close in the newest file");
        Files.write(newest, lines.subList(0, lines.size() - 2), StandardCharsets.US_ASCII);

        assertRefused(verify(), "audit log refused: NOT_CLOSED at the end of " + newest,
            "not closed: the writer may still be running or died, or its tail was removed");

        final ChildJvm.Result open = verify("--open-ok");
        assertEquals(ExitCodes.OK, open.exitCode(), open::toString);
        assertTrue(open.stdout().contains("not closed, accepted with --open-ok"), open::toString);
    }

    @Test
    void newestFileRemovedIsNotClosed() throws Exception
    {
        final List<Path> files = files();
        Files.delete(files.get(files.size() - 1));

        assertRefused(verify(), "audit log refused: NOT_CLOSED at the end of " + files.get(files.size() - 2));
    }

    @Test
    void oldestFileRemovedIsStartMissing() throws Exception
    {
        final List<Path> files = files();
        Files.delete(files.get(0));

        assertRefused(verify(), "audit log refused: START_MISSING at " + files.get(1) + " record 0 (line 1)",
            "its oldest file was removed");
    }

    @Test
    void checkpointsSignedByAnotherKeyAreBad() throws Exception
    {
        auditDir = dir.resolve("forged");
        writeLog(auditDir, IssuerKeys.generate(), 5);

        assertRefused(verify(), "audit chain broken: BAD_CHECKPOINT at ",
            "does not verify with " + KeyFiles.fingerprint(identity.getPublic()) + ": forged, signed by another key");
    }

    @Test
    void expectedHeadNotInTheChainIsAMismatch() throws Exception
    {
        assertRefused(verify("--expect", "ab".repeat(32)), "audit log refused: HEAD_MISMATCH",
            "is not in the chain");

        final ChildJvm.Result usage = verify("--expect", "abc");
        assertEquals(ExitCodes.USAGE, usage.exitCode(), usage::toString);
        assertTrue(usage.stderr().contains("--expect takes a chain head: 64 hex digits"), usage::toString);
    }

    @Test
    void logWithoutCheckpointsIsUnanchored() throws Exception
    {
        auditDir = dir.resolve("plain");
        writeLog(auditDir, null, 3);

        final ChildJvm.Result withoutKey =
            BastionProcess.run(dir, "audit", "verify", auditDir.toString());
        assertEquals(ExitCodes.OK, withoutKey.exitCode(), withoutKey::toString);
        assertTrue(withoutKey.stdout().contains("\nunanchored: "), withoutKey::toString);

        assertRefused(verify(), "audit log refused: UNANCHORED");
    }
}
