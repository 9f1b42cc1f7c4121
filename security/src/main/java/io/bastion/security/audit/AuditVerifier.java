package io.bastion.security.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
 * Limits: the chain is not keyed, so someone who can write the files can rewrite every record from some point on,
 * or cut or extend the end of the last file, consistently. To catch that, compare {@link AuditVerification#lastSeq()}
 * and {@link AuditVerification#lastHash()} with a copy kept elsewhere. Stateless and thread safe; reads whole files.
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
        return verify(files, fromGenesis);
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
        for (int i = 0; i < entries.size(); i++)
        {
            final Entry e = entries.get(i);
            final AuditFinding own = e.truncated ? AuditFinding.TRUNCATED :
                null == e.record ? AuditFinding.MALFORMED :
                !e.record.hashMatches() ? AuditFinding.EDITED : AuditFinding.OK;
            if (own != AuditFinding.OK)
            {
                return failure(own, e, i);
            }
            if (null == prev)
            {
                if (fromGenesis && e.record.seq() != 0)
                {
                    return failure(AuditFinding.DELETED, e, i);
                }
                if (fromGenesis && !AuditRecord.GENESIS.equals(e.record.prevHash()))
                {
                    return failure(AuditFinding.INSERTED, e, i);
                }
            }
            else
            {
                final AuditVerification broken = link(entries, i, prev, e);
                if (null != broken)
                {
                    return broken;
                }
            }
            prev = e;
        }
        return new AuditVerification(AuditFinding.OK, null, -1, entries.size(),
            null == prev ? -1 : prev.record.seq(), null == prev ? AuditRecord.GENESIS : prev.record.hash());
    }

    private static AuditVerification link(final List<Entry> entries, final int i, final Entry prev, final Entry e)
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
            return failure(AuditFinding.EDITED, prev, i - 1);
        }
        if (seq > expected)
        {
            for (int j = i + 1; j < entries.size(); j++)
            {
                final AuditRecord later = entries.get(j).record;
                if (null != later && later.seq() == expected)
                {
                    return failure(AuditFinding.REORDERED, e, i);
                }
            }
            if (e.index == 0 && !e.file.equals(prev.file))
            {
                return new AuditVerification(AuditFinding.TRUNCATED, prev.file, prev.index + 1, i, -1,
                    AuditRecord.GENESIS);
            }
            return failure(AuditFinding.DELETED, e, i);
        }
        if (seq == prev.record.seq() && e.record.prevHash().equals(prev.record.prevHash()))
        {
            return failure(AuditFinding.INSERTED, prev, i - 1);
        }
        return failure(AuditFinding.INSERTED, e, i);
    }

    private static AuditVerification failure(final AuditFinding finding, final Entry at, final int verified)
    {
        return new AuditVerification(finding, at.file, at.index, verified, -1, AuditRecord.GENESIS);
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
