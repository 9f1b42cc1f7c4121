package io.bastion.codec;

import org.agrona.DirectBuffer;

import static io.bastion.codec.FrameDescriptor.BLOCK_LENGTH_FIELD_OFFSET;
import static io.bastion.codec.FrameDescriptor.BYTE_ORDER;
import static io.bastion.codec.FrameDescriptor.SCHEMA_ID_FIELD_OFFSET;
import static io.bastion.codec.FrameDescriptor.TEMPLATE_ID_FIELD_OFFSET;
import static io.bastion.codec.FrameDescriptor.VERSION_FIELD_OFFSET;

/**
 * The checks of the SBE message header that {@link FrameValidator} and {@link ControlMessageValidator} share, in the
 * one order both report:
 * <ol>
 *     <li>{@link #check}: {@link RejectReason#REGION_OUT_OF_BOUNDS}, {@link RejectReason#TOO_SHORT} (below the
 *     caller's smallest message), {@link RejectReason#WRONG_SCHEMA_ID}, {@link RejectReason#VERSION_TOO_OLD},
 *     {@link RejectReason#VERSION_TOO_NEW};</li>
 *     <li>the caller's template check ({@link RejectReason#UNKNOWN_TEMPLATE}), which alone knows its templates and
 *     their block lengths;</li>
 *     <li>{@link #checkBlockLength}: {@link RejectReason#BLOCK_LENGTH_TOO_SHORT},
 *     {@link RejectReason#BLOCK_LENGTH_TOO_LONG}, by the version rule both share.</li>
 * </ol>
 * Each header field is read once. Allocation-free, exception-free, overflow-safe.
 */
final class MessageHeaderCheck
{
    private static final int FIELD_BITS = 16;
    private static final int FIELD_MASK = 0xFFFF;

    private MessageHeaderCheck()
    {
    }

    /**
     * Check the region and the header's schema id and version, reading each header field once.
     *
     * @param buffer     the bytes, untrusted; may be null.
     * @param offset     where the message starts.
     * @param length     the message's length.
     * @param minLength  the smallest length the caller accepts, at least the header's.
     * @param maxVersion the highest version the caller's policy accepts.
     * @return the negated {@link RejectReason#code()} of the first failing check, or the header's fields packed
     *         (never negative): read them with {@link #version}, {@link #templateId} and {@link #blockLength}.
     */
    static long check(
        final DirectBuffer buffer, final int offset, final int length, final int minLength, final int maxVersion)
    {
        if (null == buffer || offset < 0 || length < 0)
        {
            return -RejectReason.REGION_OUT_OF_BOUNDS.code();
        }
        final int capacity = buffer.capacity();
        if (offset > capacity || length > capacity - offset)
        {
            return -RejectReason.REGION_OUT_OF_BOUNDS.code();
        }
        if (length < minLength)
        {
            return -RejectReason.TOO_SHORT.code();
        }

        final int blockLength = buffer.getShort(offset + BLOCK_LENGTH_FIELD_OFFSET, BYTE_ORDER) & FIELD_MASK;
        final int templateId = buffer.getShort(offset + TEMPLATE_ID_FIELD_OFFSET, BYTE_ORDER) & FIELD_MASK;
        final int schemaId = buffer.getShort(offset + SCHEMA_ID_FIELD_OFFSET, BYTE_ORDER) & FIELD_MASK;
        final int version = buffer.getShort(offset + VERSION_FIELD_OFFSET, BYTE_ORDER) & FIELD_MASK;

        if (schemaId != FrameValidator.SCHEMA_ID)
        {
            return -RejectReason.WRONG_SCHEMA_ID.code();
        }
        if (version < FrameValidator.MIN_SUPPORTED_VERSION)
        {
            return -RejectReason.VERSION_TOO_OLD.code();
        }
        if (version > maxVersion)
        {
            return -RejectReason.VERSION_TOO_NEW.code();
        }
        return ((long)version << (2 * FIELD_BITS)) | ((long)templateId << FIELD_BITS) | blockLength;
    }

    /**
     * The version rule of the block length: a version this build knows ({@code version <= CURRENT_VERSION}) carries
     * exactly the block length of its template; a newer one (which the caller's policy let through) at least that and
     * at most {@code maxNewerBlockLength}, its extra bytes to be skipped.
     *
     * @param blockLength         the header's block length.
     * @param version             the header's version, already accepted.
     * @param knownBlockLength    the block length of the template in the current version.
     * @param maxNewerBlockLength the largest block a newer version may carry.
     * @return {@link RejectReason#NONE}, {@link RejectReason#BLOCK_LENGTH_TOO_SHORT} or
     *         {@link RejectReason#BLOCK_LENGTH_TOO_LONG}.
     */
    static RejectReason checkBlockLength(
        final int blockLength, final int version, final int knownBlockLength, final int maxNewerBlockLength)
    {
        if (blockLength < knownBlockLength)
        {
            return RejectReason.BLOCK_LENGTH_TOO_SHORT;
        }
        if (blockLength > (version <= FrameValidator.CURRENT_VERSION ? knownBlockLength : maxNewerBlockLength))
        {
            return RejectReason.BLOCK_LENGTH_TOO_LONG;
        }
        return RejectReason.NONE;
    }

    /**
     * The version of a header {@link #check} accepted.
     *
     * @param header the packed header.
     * @return the version.
     */
    static int version(final long header)
    {
        return (int)(header >>> (2 * FIELD_BITS));
    }

    /**
     * The template id of a header {@link #check} accepted.
     *
     * @param header the packed header.
     * @return the template id.
     */
    static int templateId(final long header)
    {
        return (int)(header >>> FIELD_BITS) & FIELD_MASK;
    }

    /**
     * The block length of a header {@link #check} accepted.
     *
     * @param header the packed header.
     * @return the block length.
     */
    static int blockLength(final long header)
    {
        return (int)header & FIELD_MASK;
    }
}
