package io.bastion.security.audit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each kind of tampering, applied to a real log, is named at the right file and record.
 */
class AuditVerifierTest
{
    private static final int RECORDS = 8;

    @TempDir
    Path tmp;

    private Path dir;
    private Path file;
    private List<String> lines;

    @BeforeEach
    void writeLog() throws IOException
    {
        dir = tmp.resolve("audit");
        try (AuditLog log = AuditLog.open(new AuditLogConfig().directory(dir).clock(() -> 7L)))
        {
            for (int i = 0; i < RECORDS; i++)
            {
                log.log(AuditEventType.TOKEN_CHECK, AuditOutcome.SUCCESS, "user" + i, "orders", "ACCEPTED");
            }
        }
        file = AuditFiles.list(dir, "audit").get(0);
        lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.US_ASCII));
        assertEquals(RECORDS, lines.size());
        assertTrue(AuditVerifier.verifyDirectory(dir, "audit").isOk());
    }

    private void rewrite(final List<String> newLines) throws IOException
    {
        Files.writeString(file, String.join("\n", newLines) + "\n", StandardCharsets.US_ASCII);
    }

    private void assertFinding(final AuditFinding finding, final Path where, final long index)
    {
        final AuditVerification result = AuditVerifier.verifyDirectory(dir, "audit");
        assertEquals(finding, result.finding(), result.toString());
        assertEquals(where, result.file(), result.toString());
        assertEquals(index, result.recordIndex(), result.toString());
    }

    /** Rewrites a record with new field values and a recomputed, self-consistent hash. */
    private static String rehashed(final String line, final int field, final String value)
    {
        final String[] f = line.split("\t", -1);
        f[field] = value;
        final String body = String.join("\t", java.util.Arrays.copyOf(f, 9));
        return body + "\t" + AuditRecord.sha256Hex(body);
    }

    @Test
    void namesAnEditedRecord() throws IOException
    {
        lines.set(3, lines.get(3).replace("user3", "admin"));
        rewrite(lines);
        assertFinding(AuditFinding.EDITED, file, 3);
    }

    @Test
    void namesAnEditedRecordWhoseHashWasRecomputed() throws IOException
    {
        lines.set(3, rehashed(lines.get(3), 3, "REFUSED"));
        rewrite(lines);
        assertFinding(AuditFinding.EDITED, file, 3);
    }

    @Test
    void namesTheFirstEditOnly() throws IOException
    {
        lines.set(6, lines.get(6).replace("user6", "userX"));
        lines.set(2, lines.get(2).replace("user2", "userY"));
        rewrite(lines);
        assertFinding(AuditFinding.EDITED, file, 2);
    }

    @Test
    void namesADeletedRecord() throws IOException
    {
        lines.remove(3);
        rewrite(lines);
        assertFinding(AuditFinding.DELETED, file, 3);
    }

    @Test
    void namesDeletedFirstRecords() throws IOException
    {
        lines.remove(0);
        rewrite(lines);
        assertFinding(AuditFinding.DELETED, file, 0);
    }

    @Test
    void namesReorderedRecords() throws IOException
    {
        final String third = lines.get(3);
        lines.set(3, lines.get(4));
        lines.set(4, third);
        rewrite(lines);
        assertFinding(AuditFinding.REORDERED, file, 3);
    }

    @Test
    void namesAnInsertedDuplicate() throws IOException
    {
        lines.add(4, lines.get(1));
        rewrite(lines);
        assertFinding(AuditFinding.INSERTED, file, 4);
    }

    @Test
    void namesAnInsertedForgeryThatTookTheNextSequence() throws IOException
    {
        // A forged record 4 linked correctly to record 3 with a valid hash; the genuine record 4 follows it.
        final String forged = rehashed(lines.get(4), 4, "mallory");
        lines.add(4, forged);
        rewrite(lines);
        assertFinding(AuditFinding.INSERTED, file, 4);
    }

    @Test
    void namesATruncatedRecord() throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertFinding(AuditFinding.TRUNCATED, file, RECORDS - 1);
    }

    @Test
    void namesAMalformedLine() throws IOException
    {
        lines.set(5, "garbage");
        rewrite(lines);
        assertFinding(AuditFinding.MALFORMED, file, 5);
    }

    @Test
    void namesANonAsciiEditAsMalformedNotAHashCollision() throws IOException
    {
        final byte[] bytes = Files.readAllBytes(file);
        final int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("user2");
        bytes[at] = (byte) 0xE9;
        Files.write(file, bytes);
        assertFinding(AuditFinding.MALFORMED, file, 2);
    }

    @Test
    void namesTamperingAcrossRotatedFiles() throws IOException
    {
        final Path rotated = tmp.resolve("rotated");
        try (AuditLog log = AuditLog.open(new AuditLogConfig().directory(rotated).maxFileBytes(1024)))
        {
            for (int i = 0; i < 40; i++)
            {
                log.log(AuditEventType.HANDSHAKE, AuditOutcome.SUCCESS, "user" + i, "orders", "ok");
            }
        }
        final List<Path> files = AuditFiles.list(rotated, "audit");
        assertTrue(files.size() >= 4);
        assertTrue(AuditVerifier.verifyDirectory(rotated, "audit").isOk());

        // The tail of file 2 cut at a record boundary: only the link into file 3 shows it.
        final List<String> second = Files.readAllLines(files.get(1));
        Files.writeString(files.get(1), String.join("\n", second.subList(0, second.size() - 1)) + "\n");
        AuditVerification result = AuditVerifier.verifyDirectory(rotated, "audit");
        assertEquals(AuditFinding.TRUNCATED, result.finding(), result.toString());
        assertEquals(files.get(1), result.file());
        assertEquals(second.size() - 1, result.recordIndex());

        // A whole file deleted from the middle.
        Files.delete(files.get(2));
        result = AuditVerifier.verifyDirectory(rotated, "audit");
        assertEquals(AuditFinding.FILE_MISSING, result.finding(), result.toString());
        assertEquals(files.get(3), result.file());

        // Verifying the files as a list (no numbering check) still sees the gap in the chain.
        result = AuditVerifier.verify(List.of(files.get(0), files.get(3)), true);
        assertEquals(AuditFinding.TRUNCATED, result.finding(), result.toString());
        assertEquals(files.get(0), result.file());
    }
}
