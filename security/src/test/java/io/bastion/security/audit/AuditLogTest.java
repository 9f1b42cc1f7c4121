package io.bastion.security.audit;

import io.bastion.security.files.FileCheckReason;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditLogTest
{
    @TempDir
    Path tmp;

    private final AtomicLong clock = new AtomicLong(1_000L);

    private AuditLogConfig config(final Path dir)
    {
        return new AuditLogConfig().directory(dir).clock(clock::get);
    }

    static List<AuditRecord> records(final Path dir) throws IOException
    {
        return AuditFiles.readAll(dir, "audit");
    }

    @Test
    void readingBackRefusesALineThatIsNotARecord() throws IOException
    {
        final Path dir = tmp.resolve("audit");
        try (AuditLog log = AuditLog.open(config(dir)))
        {
            assertTrue(log.log(AuditEventType.CHANNEL_OPENED, AuditOutcome.INFO, "alice", "prices", "first"));
        }
        assertEquals(1, records(dir).size());
        final Path file = AuditFiles.list(dir, "audit").get(0);
        Files.writeString(file, "not a record\n", StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.APPEND);
        assertThrows(IOException.class, () -> AuditFiles.readAll(dir, "audit"));
    }

    @Test
    void writesChainedOwnerOnlyRecords() throws IOException
    {
        final Path dir = tmp.resolve("audit");
        try (AuditLog log = AuditLog.open(config(dir)))
        {
            for (int i = 0; i < 10; i++)
            {
                clock.incrementAndGet();
                assertTrue(log.log(AuditEventType.TOKEN_CHECK, AuditOutcome.REFUSED, "alice", "orders", "EXPIRED"));
            }
        }
        final List<AuditRecord> records = records(dir);
        assertEquals(10, records.size());
        String prev = AuditRecord.GENESIS;
        for (int i = 0; i < records.size(); i++)
        {
            final AuditRecord record = records.get(i);
            assertEquals(i, record.seq());
            assertEquals(1_001L + i, record.timeMs());
            assertEquals(prev, record.prevHash());
            assertTrue(record.hashMatches());
            assertEquals("alice", record.principal());
            assertEquals(0, record.dropped());
            prev = record.hash();
        }
        final Path file = AuditFiles.list(dir, "audit").get(0);
        assertEquals("audit-000000000001.log", file.getFileName().toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        final AuditVerification result = AuditVerifier.verifyDirectory(dir, "audit");
        assertTrue(result.isOk(), result.toString());
        assertEquals(10, result.recordsVerified());
        assertEquals(9, result.lastSeq());
        assertEquals(prev, result.lastHash());
    }

    @Test
    void escapesAndBoundsTextSoARecordStaysOneLine() throws IOException
    {
        final Path dir = tmp.resolve("audit");
        try (AuditLog log = AuditLog.open(config(dir)))
        {
            log.log(AuditEventType.PEER_CHECK, AuditOutcome.REFUSED, "eve\n0\t1\tFORGED", "ch\\x", "z".repeat(5000));
            log.log(AuditEventType.PEER_CHECK, AuditOutcome.SUCCESS, null, null, "caf\u00e9");
        }
        final List<AuditRecord> records = records(dir);
        assertEquals(2, records.size());
        assertEquals("eve\\u000a0\\u00091\\u0009FORGED", records.get(0).principal());
        assertEquals("ch\\\\x", records.get(0).channel());
        assertEquals(AuditRecord.MAX_DETAIL + 3, records.get(0).detail().length());
        assertTrue(records.get(0).detail().endsWith("..."));
        assertEquals("", records.get(1).principal());
        assertEquals("caf\\u00e9", records.get(1).detail());
        assertTrue(AuditVerifier.verifyDirectory(dir, "audit").isOk());
    }

    @Test
    void rotationContinuesTheChainAcrossFilesAndRestarts() throws IOException
    {
        final Path dir = tmp.resolve("audit");
        try (AuditLog log = AuditLog.open(config(dir).maxFileBytes(1024)))
        {
            for (int i = 0; i < 40; i++)
            {
                assertTrue(log.log(AuditEventType.FRAME_REJECTED, AuditOutcome.REFUSED, "bob", "md", "BAD_TAG"));
            }
        }
        final List<Path> files = AuditFiles.list(dir, "audit");
        assertTrue(files.size() >= 4, "rotated: " + files);
        for (int i = 1; i < files.size(); i++)
        {
            assertTrue(Files.size(files.get(i - 1)) <= 1024);
            final List<String> previous = Files.readAllLines(files.get(i - 1));
            final AuditRecord last = AuditRecord.parse(previous.get(previous.size() - 1));
            final AuditRecord first = AuditRecord.parse(Files.readAllLines(files.get(i)).get(0));
            assertEquals(last.hash(), first.prevHash(), "file " + i + " links to the previous file");
            assertEquals(last.seq() + 1, first.seq());
        }
        assertEquals(40, AuditVerifier.verifyDirectory(dir, "audit").recordsVerified());

        try (AuditLog log = AuditLog.open(config(dir).maxFileBytes(1024)))
        {
            log.log(AuditEventType.HANDSHAKE, AuditOutcome.SUCCESS, "bob", "md", "restart");
        }
        final List<Path> after = AuditFiles.list(dir, "audit");
        assertEquals(files.size() + 1, after.size(), "a restart continues in a new file");
        final AuditVerification result = AuditVerifier.verifyDirectory(dir, "audit");
        assertTrue(result.isOk(), result.toString());
        assertEquals(41, result.recordsVerified());
        assertEquals(40, result.lastSeq());
    }

    @Test
    void restartAfterATornRecordContinuesButTheTearStaysVisible() throws IOException
    {
        final Path dir = tmp.resolve("audit");
        try (AuditLog log = AuditLog.open(config(dir)))
        {
            for (int i = 0; i < 5; i++)
            {
                log.log(AuditEventType.HANDSHAKE, AuditOutcome.SUCCESS, "a", "b", "c");
            }
        }
        final Path first = AuditFiles.list(dir, "audit").get(0);
        final byte[] bytes = Files.readAllBytes(first);
        Files.write(first, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        try (AuditLog log = AuditLog.open(config(dir)))
        {
            log.log(AuditEventType.HANDSHAKE, AuditOutcome.SUCCESS, "a", "b", "after crash");
        }
        final List<Path> files = AuditFiles.list(dir, "audit");
        assertEquals(2, files.size());
        final AuditRecord resumed = AuditRecord.parse(Files.readAllLines(files.get(1)).get(0));
        assertEquals(4, resumed.seq(), "continues after the last complete record");
        final AuditVerification result = AuditVerifier.verifyDirectory(dir, "audit");
        assertEquals(AuditFinding.TRUNCATED, result.finding());
        assertEquals(first, result.file());
        assertEquals(4, result.recordIndex());
    }

    @Test
    void retentionBoundsFilesAndTheRestStillVerifies() throws IOException
    {
        final Path dir = tmp.resolve("audit");
        try (AuditLog log = AuditLog.open(config(dir).maxFileBytes(1024).maxFiles(3)))
        {
            for (int i = 0; i < 60; i++)
            {
                log.log(AuditEventType.RATE_LIMITED, AuditOutcome.REFUSED, "bob", "md", "bucket empty");
            }
        }
        final List<Path> files = AuditFiles.list(dir, "audit");
        assertEquals(3, files.size());
        assertTrue(AuditFiles.number("audit", files.get(0)) > 1);
        final AuditVerification result = AuditVerifier.verifyDirectory(dir, "audit");
        assertTrue(result.isOk(), result.toString());
        assertEquals(59, result.lastSeq());
    }

    @Test
    void floodIsDroppedCountedAndReported() throws Exception
    {
        final Path dir = tmp.resolve("audit");
        final CountDownLatch writerGate = new CountDownLatch(1);
        final AuditLogConfig config = config(dir).queueCapacity(4).threadFactory((runnable) -> new Thread(() ->
        {
            try
            {
                writerGate.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            runnable.run();
        }));
        int accepted = 0;
        try (AuditLog log = AuditLog.open(config))
        {
            for (int i = 0; i < 1000; i++)
            {
                if (log.log(AuditEventType.FRAME_REJECTED, AuditOutcome.REFUSED, "flood", "md", "n=" + i))
                {
                    accepted++;
                }
            }
            assertEquals(4, accepted, "the queue is bounded");
            assertEquals(996, log.droppedCount());
            writerGate.countDown();
        }
        final List<AuditRecord> records = records(dir);
        assertEquals(4, records.size());
        assertEquals(996, records.get(0).dropped(), "the next record written says how many were dropped");
        assertEquals("n=0", records.get(0).detail());
        for (int i = 1; i < records.size(); i++)
        {
            assertEquals(0, records.get(i).dropped());
        }
        assertTrue(AuditVerifier.verifyDirectory(dir, "audit").isOk());
    }

    @Test
    void closeWritesEverythingAcceptedAndThenRefuses() throws IOException
    {
        final Path dir = tmp.resolve("audit");
        final AuditLog log = AuditLog.open(config(dir).queueCapacity(1024));
        for (int i = 0; i < 500; i++)
        {
            assertTrue(log.log(AuditEventType.CHANNEL_OPENED, AuditOutcome.SUCCESS, "a", "b", "c"));
        }
        log.close();
        assertFalse(log.log(AuditEventType.CHANNEL_CLOSED, AuditOutcome.SUCCESS, "a", "b", "late"));
        assertEquals(0, log.droppedCount());
        assertEquals(500, records(dir).size());
        assertEquals(null, log.failure());
    }

    @Test
    void refusesToLogIntoAWidenedFolder() throws IOException
    {
        final Path dir = new OwnerOnlyFiles(FilePolicy.ownerOnly()).createDirectory(tmp.resolve("audit"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        final io.bastion.security.files.SecureFileException ex = org.junit.jupiter.api.Assertions.assertThrows(
            io.bastion.security.files.SecureFileException.class, () -> AuditLog.open(config(dir)));
        assertEquals(FileCheckReason.MODE_TOO_WIDE, ex.reason());
        assertFalse(Files.exists(dir.resolve("audit-000000000001.log"), LinkOption.NOFOLLOW_LINKS));
    }
}
