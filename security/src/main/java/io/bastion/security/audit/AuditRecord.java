package io.bastion.security.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One audit record as stored: a single line of printable ASCII with ten tab-separated fields.
 * <pre>
 * seq TAB timeMs TAB type TAB outcome TAB principal TAB channel TAB detail TAB dropped TAB prevHash TAB hash LF
 * </pre>
 * {@code seq} counts records from 0 across all files; {@code dropped} is how many events were refused because the
 * queue was full since the previous record; {@code prevHash} is the previous record's {@code hash} (64 zeros for the
 * very first record); {@code hash} is the lowercase hex SHA-256 of the line's bytes up to and excluding the tab before
 * it. Text fields are escaped: a backslash becomes {@code \\}, and any character outside printable ASCII (tabs and
 * line breaks included) becomes {@code \}{@code uXXXX}; the accessors return the escaped form. Immutable.
 * <p>
 * A record of type {@link AuditEventType#CHECKPOINT}, which only the log writes and only when it has a
 * {@link AuditLogConfig#checkpointSigner checkpoint signer}, has outcome {@code INFO}, empty principal and channel,
 * and this detail:
 * <pre>
 * v=1 kind=KIND index=SEQ head=PREVHASH start=START startPrev=STARTPREV sig=SIGNATURE
 * </pre>
 * <ul>
 *     <li>{@code kind}: {@code periodic} (after every N records), {@code retain} (first record of a new file, written
 *     and forced before retention deletes the oldest files) or {@code close} (the log was closed cleanly);</li>
 *     <li>{@code index}: the number of records before it since the genesis of the chain (the first record ever, whose
 *     previous-hash is {@link #GENESIS}), which is its own {@code seq}; {@code head}: the chain head before it, its
 *     own {@code prevHash}. Both must equal those fields;</li>
 *     <li>{@code start}, {@code startPrev}: the index of the oldest record the writer keeps and that record's
 *     {@code prevHash}: {@code 0} and {@link #GENESIS} until retention deletes files;</li>
 *     <li>{@code sig}: 128 hex digits, the Ed25519 signature over the ASCII bytes of
 *     {@code "bastion audit checkpoint v1"}, a line feed, and the record's body as stored (every field before
 *     {@code hash}, tab-separated) with the detail cut before {@code " sig="}. So the signature covers the sequence,
 *     time, dropped count and previous-hash as well as the restated values; the record's hash then covers the
 *     signature, and the next record links to that hash.</li>
 * </ul>
 */
public final class AuditRecord
{
    /** The previous-hash of the first record of a log. */
    public static final String GENESIS = "0".repeat(64);
    /** Maximum principal length, in characters before escaping. */
    public static final int MAX_PRINCIPAL = 64;
    /** Maximum channel length, in characters before escaping. */
    public static final int MAX_CHANNEL = 128;
    /** Maximum detail length, in characters before escaping. */
    public static final int MAX_DETAIL = 256;

    static final int FIELDS = 10;
    private static final char SEPARATOR = '\t';

    private final long seq;
    private final long timeMs;
    private final AuditEventType type;
    private final AuditOutcome outcome;
    private final String principal;
    private final String channel;
    private final String detail;
    private final long dropped;
    private final String prevHash;
    private final String hash;

    AuditRecord(
        final long seq,
        final long timeMs,
        final AuditEventType type,
        final AuditOutcome outcome,
        final String principal,
        final String channel,
        final String detail,
        final long dropped,
        final String prevHash,
        final String hash)
    {
        this.seq = seq;
        this.timeMs = timeMs;
        this.type = type;
        this.outcome = outcome;
        this.principal = principal;
        this.channel = channel;
        this.detail = detail;
        this.dropped = dropped;
        this.prevHash = prevHash;
        this.hash = hash;
    }

    /**
     * Parse one line (without its line feed). Does not check the hash.
     *
     * @param line the stored text.
     * @return the record, or null if the line is not a well-formed record.
     */
    public static AuditRecord parse(final String line)
    {
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (c != SEPARATOR && (c < 0x20 || c > 0x7E))
            {
                return null;
            }
        }
        final String[] f = line.split(String.valueOf(SEPARATOR), -1);
        if (f.length != FIELDS || !isHash(f[8]) || !isHash(f[9]))
        {
            return null;
        }
        try
        {
            final long seq = Long.parseLong(f[0]);
            final long time = Long.parseLong(f[1]);
            final long dropped = Long.parseLong(f[7]);
            if (seq < 0 || dropped < 0)
            {
                return null;
            }
            return new AuditRecord(seq, time, AuditEventType.valueOf(f[2]), AuditOutcome.valueOf(f[3]),
                f[4], f[5], f[6], dropped, f[8], f[9]);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    /**
     * Whether the stored hash matches the record's contents.
     *
     * @return true if intact.
     */
    public boolean hashMatches()
    {
        return hash.equals(sha256Hex(body()));
    }

    String body()
    {
        return body(seq, timeMs, type, outcome, principal, channel, detail, dropped, prevHash);
    }

    String line()
    {
        return body() + SEPARATOR + hash + '\n';
    }

    static String body(
        final long seq,
        final long timeMs,
        final AuditEventType type,
        final AuditOutcome outcome,
        final String principal,
        final String channel,
        final String detail,
        final long dropped,
        final String prevHash)
    {
        return new StringBuilder(128 + principal.length() + channel.length() + detail.length())
            .append(seq).append(SEPARATOR)
            .append(timeMs).append(SEPARATOR)
            .append(type.name()).append(SEPARATOR)
            .append(outcome.name()).append(SEPARATOR)
            .append(principal).append(SEPARATOR)
            .append(channel).append(SEPARATOR)
            .append(detail).append(SEPARATOR)
            .append(dropped).append(SEPARATOR)
            .append(prevHash)
            .toString();
    }

    static String sha256Hex(final String body)
    {
        try
        {
            final byte[] digest =
                MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.ISO_8859_1));
            final StringBuilder sb = new StringBuilder(64);
            for (final byte b : digest)
            {
                sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return sb.toString();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("JDK without SHA-256", ex);
        }
    }

    /**
     * Escape and bound a text field.
     *
     * @param value     the raw text, may be null (stored as empty).
     * @param maxLength characters kept before escaping; longer text is cut and ends with "...".
     * @return printable ASCII without tabs.
     */
    static String escape(final String value, final int maxLength)
    {
        if (null == value)
        {
            return "";
        }
        final boolean cut = value.length() > maxLength;
        final int length = cut ? maxLength : value.length();
        final StringBuilder sb = new StringBuilder(length + 8);
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c == '\\')
            {
                sb.append("\\\\");
            }
            else if (c < 0x20 || c > 0x7E)
            {
                sb.append("\\u").append(String.format("%04x", (int) c));
            }
            else
            {
                sb.append(c);
            }
        }
        if (cut)
        {
            sb.append("...");
        }
        return sb.toString();
    }

    private static boolean isHash(final String value)
    {
        if (value.length() != 64)
        {
            return false;
        }
        for (int i = 0; i < 64; i++)
        {
            final char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Sequence number across all files, from 0.
     *
     * @return the sequence.
     */
    public long seq()
    {
        return seq;
    }

    /**
     * When the event was logged.
     *
     * @return epoch ms from the log's clock.
     */
    public long timeMs()
    {
        return timeMs;
    }

    /**
     * Event type.
     *
     * @return the type.
     */
    public AuditEventType type()
    {
        return type;
    }

    /**
     * Outcome.
     *
     * @return the outcome.
     */
    public AuditOutcome outcome()
    {
        return outcome;
    }

    /**
     * Principal (user, subject), escaped.
     *
     * @return the text.
     */
    public String principal()
    {
        return principal;
    }

    /**
     * Channel, escaped.
     *
     * @return the text.
     */
    public String channel()
    {
        return channel;
    }

    /**
     * Detail, escaped.
     *
     * @return the text.
     */
    public String detail()
    {
        return detail;
    }

    /**
     * Events dropped since the previous record.
     *
     * @return the count.
     */
    public long dropped()
    {
        return dropped;
    }

    /**
     * The previous record's hash.
     *
     * @return 64 lowercase hex characters.
     */
    public String prevHash()
    {
        return prevHash;
    }

    /**
     * This record's hash.
     *
     * @return 64 lowercase hex characters.
     */
    public String hash()
    {
        return hash;
    }
}
