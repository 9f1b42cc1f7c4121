package io.bastion.security.audit;

import io.bastion.security.token.IssuerKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed checkpoints make the ends of the chain tamper-evident: each removal an attacker of the same user can make
 * without the identity key is named by its own finding.
 */
class AuditCheckpointTest
{
    private static final KeyPair IDENTITY = IssuerKeys.generate();
    private static final KeyPair OTHER = IssuerKeys.generate();
    private static final int INTERVAL = 4;
    private static final int RECORDS = 22;

    @TempDir
    Path tmp;

    private final AtomicLong clock = new AtomicLong(1_000L);
    private Path dir;

    private AuditLogConfig config(final KeyPair signer)
    {
        return new AuditLogConfig().directory(dir).clock(clock::incrementAndGet).maxFileBytes(2048)
            .checkpointSigner(null == signer ? null : signer.getPrivate()).checkpointInterval(INTERVAL);
    }

    private void writeLog(final KeyPair signer, final int records) throws IOException
    {
        try (AuditLog log = AuditLog.open(config(signer)))
        {
            for (int i = 0; i < records; i++)
            {
                assertTrue(log.log(AuditEventType.TOKEN_CHECK, AuditOutcome.SUCCESS, "user" + i, "orders", "OK"));
            }
        }
    }

    @BeforeEach
    void setUp()
    {
        dir = tmp.resolve("audit");
    }

    private List<Path> files() throws IOException
    {
        return AuditFiles.list(dir, "audit");
    }

    private static List<String> lines(final Path file) throws IOException
    {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.US_ASCII));
    }

    private static void write(final Path file, final List<String> lines) throws IOException
    {
        Files.writeString(file, lines.isEmpty() ? "" : String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
    }

    private AuditVerification verify(final KeyPair key)
    {
        return AuditVerifier.verifyDirectory(dir, "audit", null == key ? null : key.getPublic(), null);
    }

    private AuditVerification verifyExpecting(final String head)
    {
        return AuditVerifier.verifyDirectory(dir, "audit", IDENTITY.getPublic(), head);
    }

    /** The record a checkpoint would be if another key had signed it, with a self-consistent hash. */
    private static String resigned(final String line, final KeyPair key, final String kind) throws Exception
    {
        final AuditRecord record = AuditRecord.parse(line);
        final AuditCheckpoint checkpoint = AuditCheckpoint.parse(record);
        final String body = AuditCheckpoint.signedBody(AuditCheckpoint.newSigner(key.getPrivate()), record.seq(),
            record.timeMs(), record.dropped(), record.prevHash(), kind, checkpoint.start(), checkpoint.startPrev());
        return body + "\t" + AuditRecord.sha256Hex(body);
    }

    @Test
    void intactClosedLogVerifiesWithItsKeyAndEndsWithACloseCheckpoint() throws IOException
    {
        writeLog(IDENTITY, RECORDS);

        final List<AuditRecord> records = AuditLogTest.records(dir);
        final AuditVerification result = verify(IDENTITY);

        assertTrue(files().size() >= 3, "the test needs rotated files: " + files());
        assertEquals(AuditFinding.OK, result.finding(), result.toString());
        assertTrue(result.isOk() && result.isChainIntact() && result.anchored() && result.closed());
        assertTrue(result.signaturesChecked());
        assertEquals(RECORDS / INTERVAL + 1, result.checkpoints());
        assertEquals(records.size() - 1, result.lastSeq());
        assertEquals(result.lastSeq(), result.lastCheckpointSeq());
        assertEquals(records.get(records.size() - 1).hash(), result.lastHash());
        assertEquals(0, result.firstSeq());
        assertEquals(0, result.startSeq());
        for (int seq = INTERVAL; seq < records.size(); seq += INTERVAL + 1)
        {
            assertEquals(AuditEventType.CHECKPOINT, records.get(seq).type(), "checkpoint after every " + INTERVAL);
        }
        final AuditRecord close = records.get(records.size() - 1);
        assertEquals(AuditEventType.CHECKPOINT, close.type());
        assertTrue(close.detail().startsWith("v=1 kind=close index=" + close.seq() + " head=" + close.prevHash() +
            " start=0 startPrev=" + AuditRecord.GENESIS + " sig="), close.detail());
    }

    @Test
    void tailRecordsRemovedIsNotClosed() throws IOException
    {
        writeLog(IDENTITY, RECORDS);
        final Path newest = files().get(files().size() - 1);
        final List<String> lines = lines(newest);
        assertTrue(lines.size() >= 2);
        write(newest, lines.subList(0, lines.size() - 2));

        final AuditVerification result = verify(IDENTITY);

        assertEquals(AuditFinding.NOT_CLOSED, result.finding(), result.toString());
        assertEquals(newest, result.file());
        assertEquals(lines.size() - 2, result.recordIndex());
        assertFalse(result.isOk());
        assertTrue(result.isChainIntact() && result.isOkWhileOpen() && !result.closed());
    }

    @Test
    void newestFileRemovedIsNotClosed() throws IOException
    {
        writeLog(IDENTITY, RECORDS);
        final List<Path> files = files();
        Files.delete(files.get(files.size() - 1));

        final AuditVerification result = verify(IDENTITY);

        assertEquals(AuditFinding.NOT_CLOSED, result.finding(), result.toString());
        assertEquals(files.get(files.size() - 2), result.file());
    }

    @Test
    void oldestFileRemovedIsStartMissingWithOrWithoutTheKey() throws IOException
    {
        writeLog(IDENTITY, RECORDS);
        final List<Path> files = files();
        Files.delete(files.get(0));

        final AuditVerification result = verify(IDENTITY);

        assertEquals(AuditFinding.START_MISSING, result.finding(), result.toString());
        assertEquals(files.get(1), result.file());
        assertEquals(0, result.recordIndex());
        assertTrue(result.firstSeq() > 0);
        assertEquals(0, result.startSeq());
        assertEquals(AuditFinding.START_MISSING, verify(null).finding());
    }

    @Test
    void oldestFileRemovedWhileStoppedStaysMissingAfterTheWriterContinues() throws IOException
    {
        writeLog(IDENTITY, RECORDS);
        Files.delete(files().get(0));

        writeLog(IDENTITY, 3);

        assertEquals(AuditFinding.START_MISSING, verify(IDENTITY).finding());
    }

    @Test
    void closeCheckpointSignedByAnotherKeyIsABadCheckpoint() throws Exception
    {
        writeLog(IDENTITY, RECORDS);
        final Path newest = files().get(files().size() - 1);
        final List<String> lines = lines(newest);
        final int last = lines.size() - 1;
        lines.set(last, resigned(lines.get(last), OTHER, AuditCheckpoint.KIND_CLOSE));
        write(newest, lines);

        final AuditVerification result = verify(IDENTITY);

        assertEquals(AuditFinding.BAD_CHECKPOINT, result.finding(), result.toString());
        assertEquals(newest, result.file());
        assertEquals(last, result.recordIndex());
        // Without the key a checkpoint is checked for form only: anyone can make one.
        assertEquals(AuditFinding.OK, verify(null).finding());
    }

    @Test
    void truncatedTailWithAForgedCloseCheckpointIsABadCheckpoint() throws Exception
    {
        writeLog(IDENTITY, RECORDS);
        final Path newest = files().get(files().size() - 1);
        final List<String> lines = lines(newest);
        assertTrue(lines.size() >= 3, "the test needs records before the close in the newest file: " + lines);
        final List<String> cut = new ArrayList<>(lines.subList(0, lines.size() - 2));
        final AuditRecord lastKept = AuditRecord.parse(cut.get(cut.size() - 1));
        final String body = AuditCheckpoint.signedBody(AuditCheckpoint.newSigner(OTHER.getPrivate()),
            lastKept.seq() + 1, lastKept.timeMs(), 0, lastKept.hash(), AuditCheckpoint.KIND_CLOSE, 0,
            AuditRecord.GENESIS);
        cut.add(body + "\t" + AuditRecord.sha256Hex(body));
        write(newest, cut);

        final AuditVerification result = verify(IDENTITY);

        assertEquals(AuditFinding.BAD_CHECKPOINT, result.finding(), result.toString());
        assertEquals(cut.size() - 1, result.recordIndex());
    }

    @Test
    void logSignedByAnotherKeyFailsAtItsFirstCheckpoint() throws IOException
    {
        writeLog(OTHER, RECORDS);

        final AuditVerification result = verify(IDENTITY);

        assertEquals(AuditFinding.BAD_CHECKPOINT, result.finding(), result.toString());
        assertEquals(INTERVAL, result.recordsVerified());
    }

    @Test
    void checkpointContradictingItsRecordIsABadCheckpointEvenWithoutTheKey() throws IOException
    {
        writeLog(IDENTITY, RECORDS);
        Path file = null;
        int at = -1;
        for (final Path candidate : files())
        {
            final List<String> lines = lines(candidate);
            for (int i = 0; i < lines.size() && at < 0; i++)
            {
                if (lines.get(i).contains("\tCHECKPOINT\t"))
                {
                    file = candidate;
                    at = i;
                }
            }
        }
        assertNotNull(file);
        final List<String> lines = lines(file);
        final String[] f = lines.get(at).split("\t", -1);
        f[6] = f[6].replace(" index=" + INTERVAL + " ", " index=" + (INTERVAL + 1) + " ");
        final String body = String.join("\t", java.util.Arrays.copyOf(f, 9));
        lines.set(at, body + "\t" + AuditRecord.sha256Hex(body));
        write(file, lines);

        // The rehashed record also breaks the next record's link, but the checkpoint is refused before that is read.
        final AuditVerification result = verify(null);

        assertEquals(AuditFinding.BAD_CHECKPOINT, result.finding(), result.toString());
        assertEquals(file, result.file());
        assertEquals(at, result.recordIndex());
        assertEquals(INTERVAL, result.recordsVerified());
    }

    @Test
    void expectedHeadMustBeInTheChain() throws IOException
    {
        writeLog(IDENTITY, RECORDS);
        final AuditVerification plain = verify(IDENTITY);
        final List<AuditRecord> records = AuditLogTest.records(dir);

        final AuditVerification same = verifyExpecting(plain.lastHash().toUpperCase(Locale.ROOT));
        assertEquals(AuditFinding.OK, same.finding(), same.toString());
        assertEquals(plain.lastSeq(), same.expectedHeadSeq());

        final AuditVerification earlier = verifyExpecting(records.get(7).hash());
        assertEquals(AuditFinding.OK, earlier.finding(), earlier.toString());
        assertEquals(7, earlier.expectedHeadSeq());

        final AuditVerification other = verifyExpecting("ab".repeat(32));
        assertEquals(AuditFinding.HEAD_MISMATCH, other.finding(), other.toString());
        assertEquals(-1, other.expectedHeadSeq());
        assertEquals(plain.lastHash(), other.lastHash());
        assertTrue(other.isChainIntact() && !other.isOkWhileOpen());

        assertThrows(IllegalArgumentException.class, () -> verifyExpecting("abc"));
        assertThrows(IllegalArgumentException.class, () -> verifyExpecting("zz".repeat(32)));
    }

    @Test
    void anEarlierCloseIsIndistinguishableWithoutTheExpectedHead() throws IOException
    {
        writeLog(IDENTITY, RECORDS);
        final int firstRunFiles = files().size();
        writeLog(IDENTITY, 3);
        final AuditVerification full = verify(IDENTITY);
        assertEquals(AuditFinding.OK, full.finding(), full.toString());
        assertTrue(files().size() > firstRunFiles, "the second run starts a new file");

        // Remove what the second run wrote: the first run's close checkpoint now ends the chain.
        for (final Path file : files().subList(firstRunFiles, files().size()))
        {
            Files.delete(file);
        }

        assertEquals(AuditFinding.OK, verify(IDENTITY).finding());
        assertEquals(AuditFinding.HEAD_MISMATCH, verifyExpecting(full.lastHash()).finding());
    }

    @Test
    void retentionRestatesTheStartSoOnlyAnExtraRemovalIsMissing() throws IOException
    {
        try (AuditLog log = AuditLog.open(config(IDENTITY).maxFiles(2)))
        {
            for (int i = 0; i < 60; i++)
            {
                log.log(AuditEventType.TOKEN_CHECK, AuditOutcome.SUCCESS, "user" + i, "orders", "OK");
            }
        }
        final AuditVerification kept = verify(IDENTITY);
        assertEquals(AuditFinding.OK, kept.finding(), kept.toString());
        assertTrue(kept.startSeq() > 0, kept.toString());
        assertEquals(kept.startSeq(), kept.firstSeq());
        assertEquals(2, files().size());

        Files.delete(files().get(0));

        assertEquals(AuditFinding.START_MISSING, verify(IDENTITY).finding());
    }

    @Test
    void reopenedLogKeepsItsChainAndAnEmptyRunAddsNothing() throws IOException
    {
        writeLog(IDENTITY, 2);
        writeLog(IDENTITY, 2);
        final List<Path> files = files();

        writeLog(IDENTITY, 0);

        assertEquals(files, files(), "a log already closed is not closed again");
        final AuditVerification result = verify(IDENTITY);
        assertEquals(AuditFinding.OK, result.finding(), result.toString());
        assertEquals(2, result.checkpoints());
        assertEquals(5, result.lastSeq());
    }

    @Test
    void emptyLogClosedWithASignerHoldsOneCloseCheckpoint() throws IOException
    {
        writeLog(IDENTITY, 0);

        final AuditVerification result = verify(IDENTITY);

        assertEquals(AuditFinding.OK, result.finding(), result.toString());
        assertEquals(0, result.lastSeq());
        assertEquals(0, result.lastCheckpointSeq());
        assertTrue(result.closed());
    }

    @Test
    void logWithoutSignerIsUnanchored() throws IOException
    {
        writeLog(null, RECORDS);

        final AuditVerification withoutKey = verify(null);
        assertEquals(AuditFinding.OK, withoutKey.finding(), withoutKey.toString());
        assertFalse(withoutKey.anchored());
        assertEquals(0, withoutKey.checkpoints());
        assertEquals(-1, withoutKey.lastCheckpointSeq());

        final AuditVerification withKey = verify(IDENTITY);
        assertEquals(AuditFinding.UNANCHORED, withKey.finding(), withKey.toString());
        assertNotNull(withKey.lastHash());
        assertEquals(RECORDS - 1, withKey.lastSeq());
    }

    @Test
    void checkpointTypeIsRefusedFromCallersAndSignerMustBeEd25519() throws Exception
    {
        try (AuditLog log = AuditLog.open(config(IDENTITY)))
        {
            assertFalse(log.log(AuditEventType.CHECKPOINT, AuditOutcome.INFO, "", "", "v=1 kind=close"));
            assertEquals(0, log.droppedCount());
        }
        final KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        final AuditLogConfig wrongKey = config(null).checkpointSigner(ec.generateKeyPair().getPrivate());
        assertThrows(IllegalArgumentException.class, () -> AuditLog.open(wrongKey));
        assertThrows(IllegalArgumentException.class, () -> AuditLog.open(config(IDENTITY).checkpointInterval(0)));
    }
}
