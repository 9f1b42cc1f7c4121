package io.bastion.codec;

import io.bastion.codec.sbe.FrameDecoder;
import org.agrona.DirectBuffer;

import static io.bastion.codec.FrameDescriptor.BLOCK_LENGTH;
import static io.bastion.codec.FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET;
import static io.bastion.codec.FrameDescriptor.SCHEMA_ID_FIELD_OFFSET;
import static io.bastion.codec.FrameDescriptor.TEMPLATE_ID_FIELD_OFFSET;
import static io.bastion.codec.FrameDescriptor.VERSION_FIELD_OFFSET;
import static io.bastion.codec.FrameDescriptor.BYTE_ORDER;
import static io.bastion.codec.FrameDescriptor.FRAME_LENGTH_FIELD_OFFSET;
import static io.bastion.codec.FrameDescriptor.HEADER_LENGTH;
import static io.bastion.codec.FrameDescriptor.MAX_PAYLOAD_LENGTH;
import static io.bastion.codec.FrameDescriptor.MIN_FRAME_LENGTH;
import static io.bastion.codec.FrameDescriptor.PAYLOAD_LENGTH_FIELD_LENGTH;

/**
 * The structural check that runs on an untrusted record before any generated decoder may touch it.
 * <p>
 * {@link #validate(DirectBuffer, int, int)} returns {@link RejectReason#NONE} or exactly one refusal, checked in this
 * order (the first failing check decides; the header's checks are those of every Bastion message, shared with
 * {@link ControlMessageValidator}):
 * <ol>
 *     <li>{@link RejectReason#REGION_OUT_OF_BOUNDS}: offset or length negative, or the region is not inside the
 *     buffer's capacity.</li>
 *     <li>{@link RejectReason#TOO_SHORT}: length below {@link FrameDescriptor#MIN_FRAME_LENGTH} (header, version-1
 *     block and payload length prefix).</li>
 *     <li>{@link RejectReason#WRONG_SCHEMA_ID}: schema id is not {@link #SCHEMA_ID}.</li>
 *     <li>{@link RejectReason#VERSION_TOO_OLD}: version below {@link #MIN_SUPPORTED_VERSION}.</li>
 *     <li>{@link RejectReason#VERSION_TOO_NEW}: version above {@link #maxVersion()}.</li>
 *     <li>{@link RejectReason#UNKNOWN_TEMPLATE}: template id is not the Frame's.</li>
 *     <li>{@link RejectReason#BLOCK_LENGTH_TOO_SHORT}, {@link RejectReason#BLOCK_LENGTH_TOO_LONG}: see the version
 *     rules below.</li>
 *     <li>{@link RejectReason#TRUNCATED}: the record ends before the block and payload length prefix.</li>
 *     <li>{@link RejectReason#PAYLOAD_TOO_LONG}: payload length above {@link #maxPayloadLength()}.</li>
 *     <li>{@link RejectReason#PAYLOAD_BEYOND_RECORD}: payload length runs past the record's end.</li>
 *     <li>{@link RejectReason#TRAILING_BYTES}: the record goes on after the payload.</li>
 *     <li>{@link RejectReason#FRAME_LENGTH_MISMATCH}: the frame's total-length field is not the record length.</li>
 * </ol>
 * So an accepted record is exactly one frame: {@code length == frameLength == 12 + blockLength + payloadLength}.
 * <p>
 * <b>Version rules.</b> A frame's version {@code v} is accepted when
 * {@code MIN_SUPPORTED_VERSION <= v <= maxVersion()}. For a version this build knows ({@code v <= CURRENT_VERSION})
 * the block length must equal that version's block length exactly ({@link FrameDescriptor#BLOCK_LENGTH} for
 * version 1). For a newer version ({@code CURRENT_VERSION < v <= maxVersion()}, only when the policy allows it, see
 * {@link #forwardCompatible(int, int)}) the block length must be at least the current block length and at most
 * {@link #maxBlockLength()}: newer versions only append fields, which a current reader skips by honouring the
 * header's block length, the way SBE's {@code wrap(buffer, offset, actingBlockLength, actingVersion)} does.
 * <p>
 * Every multi-byte field is read once into a local; lengths are compared as remaining bytes ({@code x > remaining}),
 * so no sum can overflow. The method allocates nothing, throws nothing (it never relies on Agrona's bounds checks:
 * every read is inside the checked region) and takes no lock.
 * <p>
 * Thread safety: immutable, so one instance may be shared by any number of threads.
 */
public final class FrameValidator
{
    /** The schema id every Bastion message carries. */
    public static final int SCHEMA_ID = FrameDecoder.SCHEMA_ID;

    /** The Frame's template id. */
    public static final int TEMPLATE_ID = FrameDecoder.TEMPLATE_ID;

    /** The schema version this build writes. */
    public static final int CURRENT_VERSION = FrameDecoder.SCHEMA_VERSION;

    /** The lowest version any reader of this build accepts. */
    public static final int MIN_SUPPORTED_VERSION = 1;

    /** Largest block length a header can carry (uint16). */
    public static final int MAX_HEADER_BLOCK_LENGTH = 0xFFFF;

    /** Default limit on the block length of a newer version in forward-compatible mode. */
    public static final int DEFAULT_MAX_BLOCK_LENGTH = 1024;

    private static final FrameValidator STRICT = new FrameValidator(CURRENT_VERSION, BLOCK_LENGTH, MAX_PAYLOAD_LENGTH);

    private final int maxVersion;
    private final int maxBlockLength;
    private final int maxPayloadLength;

    /**
     * A validator with an explicit policy. Prefer {@link #strict()} or {@link #forwardCompatible(int, int)}.
     *
     * @param maxVersion       highest accepted version, from {@link #CURRENT_VERSION} to 65535.
     * @param maxBlockLength   highest accepted block length of a version newer than {@link #CURRENT_VERSION}, from
     *                         {@link FrameDescriptor#BLOCK_LENGTH} to {@link #MAX_HEADER_BLOCK_LENGTH}.
     * @param maxPayloadLength highest accepted payload length, from 0 to {@link FrameDescriptor#MAX_PAYLOAD_LENGTH}.
     * @throws IllegalArgumentException when an argument is out of its range.
     */
    public FrameValidator(final int maxVersion, final int maxBlockLength, final int maxPayloadLength)
    {
        if (maxVersion < CURRENT_VERSION || maxVersion > 0xFFFF)
        {
            throw new IllegalArgumentException("maxVersion out of range: " + maxVersion);
        }
        if (maxBlockLength < BLOCK_LENGTH || maxBlockLength > MAX_HEADER_BLOCK_LENGTH)
        {
            throw new IllegalArgumentException("maxBlockLength out of range: " + maxBlockLength);
        }
        if (maxPayloadLength < 0 || maxPayloadLength > MAX_PAYLOAD_LENGTH)
        {
            throw new IllegalArgumentException("maxPayloadLength out of range: " + maxPayloadLength);
        }
        this.maxVersion = maxVersion;
        this.maxBlockLength = maxVersion == CURRENT_VERSION ? BLOCK_LENGTH : maxBlockLength;
        this.maxPayloadLength = maxPayloadLength;
    }

    /**
     * The strict policy: only versions this build knows, each with its exact block length, and payloads up to the
     * schema's maximum.
     *
     * @return a shared immutable instance.
     */
    public static FrameValidator strict()
    {
        return STRICT;
    }

    /**
     * A forward-compatible policy: also accepts versions up to {@code maxVersion} whose block is larger than the
     * current one (up to {@link #DEFAULT_MAX_BLOCK_LENGTH}); a reader ignores the extra bytes.
     *
     * @param maxVersion       highest accepted version, at least {@link #CURRENT_VERSION}.
     * @param maxPayloadLength highest accepted payload length, at most {@link FrameDescriptor#MAX_PAYLOAD_LENGTH}.
     * @return a new immutable validator.
     * @throws IllegalArgumentException when an argument is out of its range.
     */
    public static FrameValidator forwardCompatible(final int maxVersion, final int maxPayloadLength)
    {
        return new FrameValidator(maxVersion, DEFAULT_MAX_BLOCK_LENGTH, maxPayloadLength);
    }

    /**
     * Highest version this validator accepts.
     *
     * @return a version at least {@link #CURRENT_VERSION}.
     */
    public int maxVersion()
    {
        return maxVersion;
    }

    /**
     * Highest block length this validator accepts (only reachable by versions newer than {@link #CURRENT_VERSION}).
     *
     * @return a block length at least {@link FrameDescriptor#BLOCK_LENGTH}.
     */
    public int maxBlockLength()
    {
        return maxBlockLength;
    }

    /**
     * Highest payload length this validator accepts.
     *
     * @return a length at most {@link FrameDescriptor#MAX_PAYLOAD_LENGTH}.
     */
    public int maxPayloadLength()
    {
        return maxPayloadLength;
    }

    /**
     * Checks that {@code [offset, offset + length)} of {@code buffer} holds exactly one well-formed frame. Allocates
     * nothing.
     *
     * @param buffer the bytes, untrusted.
     * @param offset where the record starts.
     * @param length the record's length.
     * @return {@link RejectReason#NONE}, or the first failing check's reason (see the class Javadoc).
     */
    public RejectReason validate(final DirectBuffer buffer, final int offset, final int length)
    {
        final long result = check(buffer, offset, length);
        return result < 0 ? RejectReason.fromCode((int) -result) : RejectReason.NONE;
    }

    /**
     * Validates and, on success, hands back the two header values a reader needs, read exactly once.
     *
     * @return {@code -code} on refusal, else {@code (version << 16) | blockLength}, which is never negative.
     */
    long check(final DirectBuffer buffer, final int offset, final int length)
    {
        final int region = MessageHeaderCheck.checkRegion(buffer, offset, length, MIN_FRAME_LENGTH);
        if (0 != region)
        {
            return -region;
        }
        // Read inline, not through MessageHeaderCheck's readers: this is the subscriber's per-frame path, and four
        // more calls cost the decode path measurably (CodecBenchmark.decode).
        final int blockLength = buffer.getShort(offset + BLOCK_LENGTH_FIELD_OFFSET, BYTE_ORDER) & 0xFFFF;
        final int templateId = buffer.getShort(offset + TEMPLATE_ID_FIELD_OFFSET, BYTE_ORDER) & 0xFFFF;
        final int schemaId = buffer.getShort(offset + SCHEMA_ID_FIELD_OFFSET, BYTE_ORDER) & 0xFFFF;
        final int version = buffer.getShort(offset + VERSION_FIELD_OFFSET, BYTE_ORDER) & 0xFFFF;
        final int header = MessageHeaderCheck.checkHeader(
            schemaId, version, maxVersion, TEMPLATE_ID == templateId, blockLength, BLOCK_LENGTH, maxBlockLength);
        if (0 != header)
        {
            return -header;
        }

        return checkLengths(buffer, offset, length, blockLength, version);
    }

    private long checkLengths(
        final DirectBuffer buffer, final int offset, final int length, final int blockLength, final int version)
    {
        // length >= MIN_FRAME_LENGTH > HEADER_LENGTH, and blockLength <= 0xFFFF: no subtraction below can wrap.
        final int afterHeader = length - HEADER_LENGTH;
        if (blockLength > afterHeader - PAYLOAD_LENGTH_FIELD_LENGTH)
        {
            return -RejectReason.TRUNCATED.code();
        }
        final int afterPrefix = afterHeader - blockLength - PAYLOAD_LENGTH_FIELD_LENGTH;

        final long payloadLength = buffer.getInt(offset + HEADER_LENGTH + blockLength, BYTE_ORDER) & 0xFFFF_FFFFL;
        if (payloadLength > maxPayloadLength)
        {
            return -RejectReason.PAYLOAD_TOO_LONG.code();
        }
        if (payloadLength > afterPrefix)
        {
            return -RejectReason.PAYLOAD_BEYOND_RECORD.code();
        }
        if (payloadLength < afterPrefix)
        {
            return -RejectReason.TRAILING_BYTES.code();
        }

        final long frameLength = buffer.getInt(offset + FRAME_LENGTH_FIELD_OFFSET, BYTE_ORDER) & 0xFFFF_FFFFL;
        if (frameLength != length)
        {
            return -RejectReason.FRAME_LENGTH_MISMATCH.code();
        }

        return ((long) version << 16) | blockLength;
    }
}
