package io.bastion.security.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content of a {@link AuditEventType#CHECKPOINT} record, as {@link AuditRecord}'s comment defines it: making,
 * reading and checking the Ed25519 signature. Immutable; the static methods are thread safe, a {@link Signature} is
 * not.
 */
final class AuditCheckpoint
{
    static final String KIND_PERIODIC = "periodic";
    static final String KIND_RETAIN = "retain";
    static final String KIND_CLOSE = "close";

    private static final String DOMAIN = "bastion audit checkpoint v1\n";
    private static final String SIG_FIELD = " sig=";
    private static final Pattern DETAIL = Pattern.compile(
        "v=1 kind=(periodic|retain|close) index=(0|[1-9][0-9]{0,18}) head=([0-9a-f]{64}) " +
        "start=(0|[1-9][0-9]{0,18}) startPrev=([0-9a-f]{64}) sig=([0-9a-f]{128})");

    private final String kind;
    private final long index;
    private final long start;
    private final String startPrev;
    private final byte[] signature;
    private final String unsignedDetail;

    private AuditCheckpoint(
        final String kind,
        final long index,
        final long start,
        final String startPrev,
        final byte[] signature,
        final String unsignedDetail)
    {
        this.kind = kind;
        this.index = index;
        this.start = start;
        this.startPrev = startPrev;
        this.signature = signature;
        this.unsignedDetail = unsignedDetail;
    }

    /**
     * A signer for checkpoints.
     *
     * @param key an Ed25519 private key.
     * @return a signature object initialised for signing; not thread safe.
     * @throws IllegalArgumentException if the key is not an Ed25519 private key.
     */
    static Signature newSigner(final PrivateKey key)
    {
        try
        {
            final Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            return signer;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("audit checkpoint signer must be an Ed25519 private key", ex);
        }
    }

    /**
     * The detail field of a checkpoint before its signature.
     *
     * @param kind      {@link #KIND_PERIODIC}, {@link #KIND_RETAIN} or {@link #KIND_CLOSE}.
     * @param index     the record's sequence number.
     * @param head      the record's previous-hash.
     * @param start     index of the oldest record kept.
     * @param startPrev that record's previous-hash.
     * @return the text.
     */
    static String unsignedDetail(
        final String kind, final long index, final String head, final long start, final String startPrev)
    {
        return "v=1 kind=" + kind + " index=" + index + " head=" + head + " start=" + start + " startPrev=" +
            startPrev;
    }

    /**
     * The body of a signed checkpoint record (every field before its hash).
     *
     * @param signer   the initialised signer.
     * @param seq      the record's sequence number.
     * @param timeMs   its time.
     * @param dropped  its dropped count.
     * @param prevHash the previous record's hash.
     * @param kind     the kind.
     * @param start    index of the oldest record kept.
     * @param startPrev that record's previous-hash.
     * @return the body.
     * @throws GeneralSecurityException if signing fails.
     */
    static String signedBody(
        final Signature signer,
        final long seq,
        final long timeMs,
        final long dropped,
        final String prevHash,
        final String kind,
        final long start,
        final String startPrev) throws GeneralSecurityException
    {
        final String unsigned = unsignedDetail(kind, seq, prevHash, start, startPrev);
        signer.update(message(AuditRecord.body(
            seq, timeMs, AuditEventType.CHECKPOINT, AuditOutcome.INFO, "", "", unsigned, dropped, prevHash)));
        final String detail = unsigned + SIG_FIELD + HexFormat.of().formatHex(signer.sign());
        return AuditRecord.body(
            seq, timeMs, AuditEventType.CHECKPOINT, AuditOutcome.INFO, "", "", detail, dropped, prevHash);
    }

    /**
     * Read the checkpoint in a record and check that it restates the record's own sequence and previous-hash.
     *
     * @param record a record of type {@link AuditEventType#CHECKPOINT}.
     * @return the checkpoint, or null if its detail is malformed or contradicts the record.
     */
    static AuditCheckpoint parse(final AuditRecord record)
    {
        if (record.type() != AuditEventType.CHECKPOINT)
        {
            return null;
        }
        final Matcher m = DETAIL.matcher(record.detail());
        if (!m.matches())
        {
            return null;
        }
        try
        {
            final long index = Long.parseLong(m.group(2));
            final long start = Long.parseLong(m.group(4));
            final String startPrev = m.group(5);
            if (index != record.seq() || !m.group(3).equals(record.prevHash()) || start > index ||
                (start == 0 && !AuditRecord.GENESIS.equals(startPrev)))
            {
                return null;
            }
            final String detail = record.detail();
            return new AuditCheckpoint(m.group(1), index, start, startPrev, HexFormat.of().parseHex(m.group(6)),
                detail.substring(0, detail.lastIndexOf(SIG_FIELD)));
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    /**
     * Whether the signature verifies under a key.
     *
     * @param record the record this checkpoint was parsed from.
     * @param key    the identity public key.
     * @return true if it does; false if not, or if the key is not an Ed25519 key.
     */
    boolean verify(final AuditRecord record, final PublicKey key)
    {
        try
        {
            final Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message(AuditRecord.body(record.seq(), record.timeMs(), record.type(), record.outcome(),
                record.principal(), record.channel(), unsignedDetail, record.dropped(), record.prevHash())));
            return verifier.verify(signature);
        }
        catch (final GeneralSecurityException ex)
        {
            return false;
        }
    }

    private static byte[] message(final String body)
    {
        return (DOMAIN + body).getBytes(StandardCharsets.ISO_8859_1);
    }

    String kind()
    {
        return kind;
    }

    boolean isClose()
    {
        return KIND_CLOSE.equals(kind);
    }

    long index()
    {
        return index;
    }

    long start()
    {
        return start;
    }

    String startPrev()
    {
        return startPrev;
    }
}
