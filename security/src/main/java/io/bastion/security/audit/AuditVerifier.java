package io.bastion.security.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks a chain of audit files and names the first edited, deleted, reordered, inserted or truncated record.
 * <p>
 * For each record in order: the line must parse, its hash must match its contents, its sequence must be the
 * previous record's plus one and its previous-hash the previous record's hash. When the link breaks, the sequence
 * numbers tell the kind:
 * <ul>
 *     <li>the same sequence with a wrong link: the previous record was rewritten, {@link AuditFinding#EDITED};</li>
 *     <li>a gap that a later record fills: {@link AuditFinding#REORDERED};</li>
 *     <li>a gap at the start of a file: the previous file lost its tail, {@link AuditFinding#TRUNCATED};</li>
 *     <li>any other gap: {@link AuditFinding#DELETED};</li>
 *     <li>a repeated or earlier sequence: {@link AuditFinding#INSERTED}.</li>
 * </ul>
 * When the first file is number 1, the chain must start at sequence 0 from {@link AuditRecord#GENESIS}; otherwise
 * (older files deleted by retention) the first record is the trust anchor.
 * <p>
 * <b>Anchoring.</b> The chain alone is not keyed: someone who can write the files can rewrite every record from some
 * point on, or cut the end of the chain or its oldest files, consistently. A log written with a
 * {@link AuditLogConfig#checkpointSigner checkpoint signer} holds signed {@link AuditEventType#CHECKPOINT} records
 * (format in {@link AuditRecord}: a record of the chain whose detail restates its index from the genesis, the chain
 * head before it, the oldest record kept and the previous-hash of that record, and an Ed25519 signature over all of
 * the record but its hash). Then, after the chain checks above:
 * <ul>
 *     <li>every checkpoint must be well formed and restate its own record; with the identity public key, its
 *     signature must verify, else {@link AuditFinding#BAD_CHECKPOINT} at that record;</li>
 *     <li>the first record present must not come after the oldest record kept that the last checkpoint states (the
 *     genesis, index 0, unless retention deleted files), else {@link AuditFinding#START_MISSING};</li>
 *     <li>with a key, a log without any checkpoint is {@link AuditFinding#UNANCHORED};</li>
 *     <li>with an expected head (a chain head recorded out of band), some record's hash must equal it, else
 *     {@link AuditFinding#HEAD_MISMATCH}; records appended after it are allowed;</li>
 *     <li>the chain must end with a close checkpoint, else {@link AuditFinding#NOT_CLOSED}, which is what a running
 *     writer's log, a crashed writer's log, and a log whose last records or newest file were removed all show. A
 *     caller who knows the writer is running may accept it ({@link AuditVerification#isOkWhileOpen()}).</li>
 * </ul>
 * Without a key the checkpoints are checked for form only, so anyone can forge them: only a key makes the log
 * anchored. A log without checkpoints verified without a key is checked as before and reported
 * {@link AuditFinding#OK} with {@link AuditVerification#anchored()} false.
 * <p>
 * Limits even when anchored: the records after the last checkpoint are covered by no signature; and a whole earlier
 * state of the log is indistinguishable from the present one (cut back to an earlier close checkpoint, for instance
 * by removing the file a later run of the writer started, or by removing the tail while no writer runs, after which
 * a new writer continues from the cut). An expected head recorded elsewhere catches both. Stateless and thread safe;
 * reads whole files.
 */
public final class AuditVerifier
{
    private AuditVerifier()
    {
    }

    /**
     * Verify every audit file of a base name in a folder, also checking that the file numbers have no gap.
     *
     * @param dir      the folder.
     * @param baseName the base name.
     * @return the result.
     */
    public static AuditVerification verifyDirectory(final Path dir, final String baseName)
    {
        return verifyDirectory(dir, baseName, null, null);
    }

    /**
     * Verify every audit file of a base name in a folder, also checking that the file numbers have no gap, and check
     * its checkpoints and head (see the class comment).
     *
     * @param dir          the folder.
     * @param baseName     the base name.
     * @param identityKey  the public key of the checkpoint signer, or null to check checkpoints for form only.
     * @param expectedHead a chain head recorded out of band (64 hex digits, any case), or null.
     * @return the result.
     * @throws IllegalArgumentException if the expected head is not 64 hex digits.
     */
    public static AuditVerification verifyDirectory(
        final Path dir, final String baseName, final PublicKey identityKey, final String expectedHead)
    {
        final String expected = normaliseHead(expectedHead);
        final List<Path> files;
        try
        {
            files = AuditFiles.list(dir, baseName);
        }
        catch (final IOException ex)
        {
            return new AuditVerification(AuditFinding.IO_ERROR, dir, -1, 0, -1, AuditRecord.GENESIS);
        }
        for (int i = 1; i < files.size(); i++)
        {
            if (AuditFiles.number(baseName, files.get(i)) != AuditFiles.number(baseName, files.get(i - 1)) + 1)
            {
                return new AuditVerification(AuditFinding.FILE_MISSING, files.get(i), 0, 0, -1, AuditRecord.GENESIS);
            }
        }
        final boolean fromGenesis = !files.isEmpty() && AuditFiles.number(baseName, files.get(0)) == 1;
        return verify(files, fromGenesis, identityKey, expected);
    }

    /**
     * Verify files in the given order as one chain.
     *
     * @param files       the files, oldest first.
     * @param fromGenesis whether the first record must be sequence 0 linked to {@link AuditRecord#GENESIS}.
     * @return the result.
     */
    public static AuditVerification verify(final List<Path> files, final boolean fromGenesis)
    {
        return verify(files, fromGenesis, null, null);
    }

    /**
     * Verify files in the given order as one chain, and check its checkpoints and head (see the class comment).
     *
     * @param files        the files, oldest first.
     * @param fromGenesis  whether the first record must be sequence 0 linked to {@link AuditRecord#GENESIS}.
     * @param identityKey  the public key of the checkpoint signer, or null to check checkpoints for form only.
     * @param expectedHead a chain head recorded out of band (64 hex digits, any case), or null.
     * @return the result.
     * @throws IllegalArgumentException if the expected head is not 64 hex digits.
     */
    public static AuditVerification verify(
        final List<Path> files, final boolean fromGenesis, final PublicKey identityKey, final String expectedHead)
    {
        final String expected = normaliseHead(expectedHead);
        final AuditVerification.Figures figures = new AuditVerification.Figures();
        figures.signaturesChecked = null != identityKey;
        final List<Entry> entries = new ArrayList<>();
        for (final Path file : files)
        {
            try
            {
                load(file, entries);
            }
            catch (final IOException ex)
            {
                return new AuditVerification(AuditFinding.IO_ERROR, file, -1, 0, -1, AuditRecord.GENESIS);
            }
        }
        Entry prev = null;
        AuditCheckpoint lastCheckpoint = null;
        for (int i = 0; i < entries.size(); i++)
        {
            final Entry e = entries.get(i);
            final AuditFinding own = e.truncated ? AuditFinding.TRUNCATED :
                null == e.record ? AuditFinding.MALFORMED :
                !e.record.hashMatches() ? AuditFinding.EDITED : AuditFinding.OK;
            if (own != AuditFinding.OK)
            {
                return failure(own, e, i, figures);
            }
            if (null == prev)
            {
                if (fromGenesis && e.record.seq() != 0)
                {
                    return failure(AuditFinding.DELETED, e, i, figures);
                }
                if (fromGenesis && !AuditRecord.GENESIS.equals(e.record.prevHash()))
                {
                    return failure(AuditFinding.INSERTED, e, i, figures);
                }
                figures.firstSeq = e.record.seq();
            }
            else
            {
                final AuditVerification broken = link(entries, i, prev, e, figures);
                if (null != broken)
                {
                    return broken;
                }
            }
            if (e.record.type() == AuditEventType.CHECKPOINT)
            {
                final AuditCheckpoint checkpoint = AuditCheckpoint.parse(e.record);
                if (null == checkpoint || (null != identityKey && !checkpoint.verify(e.record, identityKey)))
                {
                    return failure(AuditFinding.BAD_CHECKPOINT, e, i, figures);
                }
                figures.checkpoints++;
                figures.lastCheckpointSeq = checkpoint.index();
                figures.startSeq = checkpoint.start();
                lastCheckpoint = checkpoint;
            }
            prev = e;
        }
        return ends(entries, prev, lastCheckpoint, identityKey, expected, figures);
    }

    private static AuditVerification ends(
        final List<Entry> entries,
        final Entry last,
        final AuditCheckpoint lastCheckpoint,
        final PublicKey identityKey,
        final String expected,
        final AuditVerification.Figures figures)
    {
        final long lastSeq = null == last ? -1 : last.record.seq();
        final String head = null == last ? AuditRecord.GENESIS : last.record.hash();
        figures.closed = null != lastCheckpoint && lastCheckpoint.index() == lastSeq && lastCheckpoint.isClose();
        if (null != expected)
        {
            for (final Entry e : entries)
            {
                if (expected.equals(e.record.hash()))
                {
                    figures.expectedHeadSeq = e.record.seq();
                }
            }
        }
        AuditFinding finding = AuditFinding.OK;
        Path file = null;
        long index = -1;
        if (null != lastCheckpoint && figures.firstSeq > lastCheckpoint.start())
        {
            finding = AuditFinding.START_MISSING;
            file = entries.get(0).file;
            index = 0;
        }
        else if (null != lastCheckpoint && !lastCheckpoint.startPrev().equals(
            entries.get((int)(lastCheckpoint.start() - figures.firstSeq)).record.prevHash()))
        {
            // The chain is intact, so the record at the stated start is present; its link must be the one stated.
            final long at = lastCheckpoint.index() - figures.firstSeq;
            return failure(AuditFinding.BAD_CHECKPOINT, entries.get((int)at), (int)at, figures);
        }
        else if (null == lastCheckpoint && null != identityKey)
        {
            finding = AuditFinding.UNANCHORED;
        }
        else if (null != expected && figures.expectedHeadSeq < 0)
        {
            finding = AuditFinding.HEAD_MISMATCH;
        }
        else if ((null != lastCheckpoint || null != identityKey) && !figures.closed)
        {
            finding = AuditFinding.NOT_CLOSED;
            file = null == last ? null : last.file;
            index = null == last ? -1 : last.index + 1;
        }
        return new AuditVerification(finding, file, index, entries.size(), lastSeq, head, figures);
    }

    private static String normaliseHead(final String expectedHead)
    {
        if (null == expectedHead)
        {
            return null;
        }
        final String head = expectedHead.strip().toLowerCase(Locale.ROOT);
        if (head.length() != 64 || !head.chars().allMatch((c) -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
        {
            throw new IllegalArgumentException("expected head must be 64 hex digits");
        }
        return head;
    }

    private static AuditVerification link(
        final List<Entry> entries,
        final int i,
        final Entry prev,
        final Entry e,
        final AuditVerification.Figures figures)
    {
        final long expected = prev.record.seq() + 1;
        final long seq = e.record.seq();
        final boolean linked = e.record.prevHash().equals(prev.record.hash());
        if (seq == expected && linked)
        {
            return null;
        }
        if (seq == expected)
        {
            return failure(AuditFinding.EDITED, prev, i - 1, figures);
        }
        if (seq > expected)
        {
            for (int j = i + 1; j < entries.size(); j++)
            {
                final AuditRecord later = entries.get(j).record;
                if (null != later && later.seq() == expected)
                {
                    return failure(AuditFinding.REORDERED, e, i, figures);
                }
            }
            if (e.index == 0 && !e.file.equals(prev.file))
            {
                return new AuditVerification(AuditFinding.TRUNCATED, prev.file, prev.index + 1, i, -1,
                    AuditRecord.GENESIS, figures);
            }
            return failure(AuditFinding.DELETED, e, i, figures);
        }
        if (seq == prev.record.seq() && e.record.prevHash().equals(prev.record.prevHash()))
        {
            return failure(AuditFinding.INSERTED, prev, i - 1, figures);
        }
        return failure(AuditFinding.INSERTED, e, i, figures);
    }

    private static AuditVerification failure(
        final AuditFinding finding, final Entry at, final int verified, final AuditVerification.Figures figures)
    {
        return new AuditVerification(finding, at.file, at.index, verified, -1, AuditRecord.GENESIS, figures);
    }

    private static void load(final Path file, final List<Entry> entries) throws IOException
    {
        // ISO-8859-1 maps every byte to one char, so hostile bytes never fail decoding; they fail parsing or hashing.
        final String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        int start = 0;
        int index = 0;
        while (start < text.length())
        {
            final int end = text.indexOf('\n', start);
            if (end < 0)
            {
                entries.add(new Entry(file, index, null, true));
                return;
            }
            entries.add(new Entry(file, index, AuditRecord.parse(text.substring(start, end)), false));
            index++;
            start = end + 1;
        }
    }

    private static final class Entry
    {
        private final Path file;
        private final int index;
        private final AuditRecord record;
        private final boolean truncated;

        private Entry(final Path file, final int index, final AuditRecord record, final boolean truncated)
        {
            this.file = file;
            this.index = index;
            this.record = record;
            this.truncated = truncated;
        }
    }
}
