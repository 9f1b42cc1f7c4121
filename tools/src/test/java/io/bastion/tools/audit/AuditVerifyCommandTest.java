package io.bastion.tools.audit;

import io.bastion.security.audit.AuditEventType;
import io.bastion.security.audit.AuditLog;
import io.bastion.security.audit.AuditLogConfig;
import io.bastion.security.audit.AuditOutcome;
import io.bastion.test.ChildJvm;
import io.bastion.tools.BastionProcess;
import io.bastion.tools.cli.ExitCodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditVerifyCommandTest
{
    private static final String FIRST_FILE = "audit-000000000001.log";

    @TempDir
    Path dir;

    private Path auditDir;

    @BeforeEach
    void writeARealLog() throws Exception
    {
        auditDir = dir.resolve("audit");
        try (AuditLog log = AuditLog.open(new AuditLogConfig().directory(auditDir)))
        {
            log.log(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, null, null, "broker listening");
            log.log(AuditEventType.PEER_CHECK, AuditOutcome.SUCCESS, "alice", null, null);
            log.log(AuditEventType.TOKEN_CHECK, AuditOutcome.SUCCESS, "alice", "prices", "PUBLISH");
            log.log(AuditEventType.TOKEN_CHECK, AuditOutcome.REFUSED, "mallory", "prices", "BAD_SIGNATURE");
            log.log(AuditEventType.CHANNEL_CLOSED, AuditOutcome.INFO, null, null, "broker closed");
        }
    }

    @Test
    void intactLogPassesAsAFolderOrAsFiles() throws Exception
    {
        final ChildJvm.Result folder = BastionProcess.run(dir, "audit", "verify", auditDir.toString());

        assertEquals(ExitCodes.OK, folder.exitCode(), folder::toString);
        assertTrue(folder.stdout().startsWith("audit chain intact: 5 records, last sequence 4, last hash "),
            folder::toString);

        final ChildJvm.Result file =
            BastionProcess.run(dir, "audit", "verify", auditDir.resolve(FIRST_FILE).toString());

        assertEquals(ExitCodes.OK, file.exitCode(), file::toString);
        assertEquals(folder.stdout(), file.stdout());
    }

    @Test
    void editedRecordIsTheFirstBrokenLink() throws Exception
    {
        final Path tampered = tamperedCopy((lines) -> lines.set(2, lines.get(2).replace("alice", "alicf")));

        final ChildJvm.Result result = BastionProcess.run(dir, "audit", "verify", tampered.toString());

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertEquals("audit chain broken: EDITED at " + tampered + " record 2 (line 3)\n" +
            "2 records verified before it\n", result.stdout());
    }

    @Test
    void deletedRecordIsFound() throws Exception
    {
        final Path tampered = tamperedCopy((lines) -> lines.remove(1));

        final ChildJvm.Result result = BastionProcess.run(dir, "audit", "verify", tampered.toString());

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertTrue(result.stdout().startsWith("audit chain broken: DELETED at " + tampered + " record 1 (line 2)"),
            result::toString);
    }

    @Test
    void missingFileNumberIsFound() throws Exception
    {
        final Path third = dir.resolve("copy").resolve("audit-000000000003.log");
        Files.createDirectories(third.getParent());
        Files.copy(auditDir.resolve(FIRST_FILE), third.resolveSibling(FIRST_FILE));
        Files.copy(auditDir.resolve(FIRST_FILE), third);

        final ChildJvm.Result result = BastionProcess.run(dir, "audit", "verify",
            third.resolveSibling(FIRST_FILE).toString(), third.toString());

        assertEquals(ExitCodes.REFUSED, result.exitCode(), result::toString);
        assertTrue(result.stdout().startsWith("audit chain broken: FILE_MISSING before " + third), result::toString);
    }

    @Test
    void missingFileOrEmptyFolderIsRefusedAndNoFileIsAUsageError() throws Exception
    {
        final ChildJvm.Result missing =
            BastionProcess.run(dir, "audit", "verify", dir.resolve("nope.log").toString());
        assertEquals(ExitCodes.REFUSED, missing.exitCode(), missing::toString);
        assertEquals("bastion: " + dir.resolve("nope.log") + ": no such file or folder\n", missing.stderr());

        final Path empty = Files.createDirectory(dir.resolve("empty"));
        final ChildJvm.Result none = BastionProcess.run(dir, "audit", "verify", empty.toString());
        assertEquals(ExitCodes.REFUSED, none.exitCode(), none::toString);
        assertTrue(none.stderr().contains("no audit files named audit-<number>.log"), none::toString);

        final ChildJvm.Result usage = BastionProcess.run(dir, "audit", "verify");
        assertEquals(ExitCodes.USAGE, usage.exitCode(), usage::toString);
        assertTrue(usage.stderr().startsWith("bastion: Missing required parameter: 'FILE'"), usage::toString);
    }

    private Path tamperedCopy(final Consumer<List<String>> edit) throws Exception
    {
        final List<String> lines =
            new ArrayList<>(Files.readAllLines(auditDir.resolve(FIRST_FILE), StandardCharsets.ISO_8859_1));
        edit.accept(lines);
        final Path copy = Files.createDirectories(dir.resolve("tampered")).resolve(FIRST_FILE);
        Files.write(copy, lines, StandardCharsets.ISO_8859_1);
        return copy;
    }
}
