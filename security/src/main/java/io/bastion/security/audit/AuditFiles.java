package io.bastion.security.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Names of audit files: {@code <base>-<12-digit sequence number>.log}, numbered from 1, so a plain sort by name is the
 * chain order.
 */
public final class AuditFiles
{
    private static final String SUFFIX = ".log";
    private static final int DIGITS = 12;

    private AuditFiles()
    {
    }

    /**
     * The name of the audit file with a number.
     *
     * @param baseName the base name.
     * @param number   the file number, from 1.
     * @return the file name.
     */
    public static String fileName(final String baseName, final long number)
    {
        return baseName + '-' + String.format("%0" + DIGITS + "d", number) + SUFFIX;
    }

    /**
     * The number of an audit file.
     *
     * @param baseName the base name.
     * @param file     the file.
     * @return the number, or -1 if the name is not an audit file name for this base.
     */
    public static long number(final String baseName, final Path file)
    {
        final String name = file.getFileName().toString();
        final int prefix = baseName.length() + 1;
        if (name.length() != prefix + DIGITS + SUFFIX.length() || !name.startsWith(baseName + '-') ||
            !name.endsWith(SUFFIX))
        {
            return -1;
        }
        for (int i = prefix; i < prefix + DIGITS; i++)
        {
            if (name.charAt(i) < '0' || name.charAt(i) > '9')
            {
                return -1;
            }
        }
        return Long.parseLong(name.substring(prefix, prefix + DIGITS));
    }

    /**
     * The audit files of a base name in a folder, in chain order.
     *
     * @param dir      the folder.
     * @param baseName the base name.
     * @return the files, sorted by number.
     * @throws IOException if the folder cannot be listed.
     */
    public static List<Path> list(final Path dir, final String baseName) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir))
        {
            for (final Path path : stream)
            {
                if (number(baseName, path) > 0)
                {
                    files.add(path);
                }
            }
        }
        files.sort(Comparator.comparingLong((final Path p) -> number(baseName, p)));
        return files;
    }

    /**
     * Every record of a base name in a folder, oldest first, parsed but not verified: for reading a log back (tools,
     * tests). Use {@link AuditVerifier} to check the chain. Empty lines are skipped.
     *
     * @param dir      the folder.
     * @param baseName the base name.
     * @return the records in chain order.
     * @throws IOException if the folder or a file cannot be read, or a line is not a well-formed record.
     */
    public static List<AuditRecord> readAll(final Path dir, final String baseName) throws IOException
    {
        final List<AuditRecord> records = new ArrayList<>();
        for (final Path file : list(dir, baseName))
        {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8))
            {
                if (!line.isEmpty())
                {
                    final AuditRecord record = AuditRecord.parse(line);
                    if (null == record)
                    {
                        throw new IOException("not an audit record in " + file + ": " + line);
                    }
                    records.add(record);
                }
            }
        }
        return records;
    }
}
