package io.bastion.codec;

import io.bastion.codec.sbe.ChallengeDecoder;
import io.bastion.codec.sbe.CredentialsDecoder;
import io.bastion.codec.sbe.GoodbyeDecoder;
import io.bastion.codec.sbe.FanOutMode;
import io.bastion.codec.sbe.GoodbyeReason;
import io.bastion.codec.sbe.HelloDecoder;
import io.bastion.codec.sbe.KeyUpdateDecoder;
import io.bastion.codec.sbe.RefusalDecoder;
import io.bastion.codec.sbe.Sealing;
import io.bastion.codec.sbe.ShortDataDecoder;
import io.bastion.codec.sbe.SourceAction;
import io.bastion.codec.sbe.SourceUpdateDecoder;
import io.bastion.codec.sbe.Utf8DataDecoder;
import io.bastion.codec.sbe.WelcomeDecoder;
import org.agrona.DirectBuffer;

import static io.bastion.codec.FrameDescriptor.BYTE_ORDER;
import static io.bastion.codec.FrameDescriptor.HEADER_LENGTH;

/**
 * The structural check for the channel's control messages (Hello, Challenge, Credentials, Welcome, Refusal,
 * KeyUpdate, Goodbye, SourceUpdate),
 * run on an untrusted message before any generated decoder touches it.
 * <p>
 * A control message is the same SBE header as a frame, a fixed block, then zero or more var-data fields, each a
 * uint16 length (at most {@link #MAX_VAR_DATA_LENGTH}) and its bytes. Unlike a frame it has no total-length field:
 * the transport (a Unix domain socket) frames it, and the validator requires the message to fill
 * {@code [offset, offset + length)} exactly.
 * <p>
 * {@link #validate} returns {@link RejectReason#NONE} or the first failing check (the header's checks are those of
 * every Bastion message, shared with {@link FrameValidator}): {@link RejectReason#REGION_OUT_OF_BOUNDS},
 * {@link RejectReason#TOO_SHORT} (no complete header),
 * {@link RejectReason#WRONG_SCHEMA_ID}, {@link RejectReason#VERSION_TOO_OLD}, {@link RejectReason#VERSION_TOO_NEW},
 * {@link RejectReason#UNKNOWN_TEMPLATE} (including the data-path Frame), {@link RejectReason#BLOCK_LENGTH_TOO_SHORT},
 * {@link RejectReason#BLOCK_LENGTH_TOO_LONG}, {@link RejectReason#TRUNCATED} (the block or a var-data length prefix
 * runs past the end), {@link RejectReason#UNKNOWN_ENUM_VALUE} (a Refusal or Goodbye reason, a SourceUpdate action
 * or a Welcome's sealing or fan-out mode this build does not know,
 * so a generated decoder's enum accessor cannot throw), {@link RejectReason#PAYLOAD_TOO_LONG} (a var-data length
 * above the maximum), {@link RejectReason#PAYLOAD_BEYOND_RECORD} and {@link RejectReason#TRAILING_BYTES}.
 * <p>
 * Version rules are those of {@link FrameValidator}: versions from {@link FrameValidator#MIN_SUPPORTED_VERSION} to
 * {@link #maxVersion()}; a known version has exactly its block length, a newer one (if the policy allows it) at least
 * the current block length and at most {@link FrameValidator#DEFAULT_MAX_BLOCK_LENGTH}, its extra block bytes
 * skipped. Newer versions may not add var-data fields (SBE appends them after the existing ones, where this build
 * would see trailing bytes); a schema change that needs one must raise the minimum supported version.
 * <p>
 * No allocation, no exception, overflow-safe. Thread safety: immutable.
 */
public final class ControlMessageValidator
{
    /** Largest var-data field a control message may carry ({@code maxValue} of the schema's shortData length). */
    public static final int MAX_VAR_DATA_LENGTH =
        Math.min(ShortDataDecoder.lengthMaxValue(), Utf8DataDecoder.lengthMaxValue());

    private static final int VAR_DATA_PREFIX = ShortDataDecoder.lengthEncodingLength();
    private static final ControlMessageValidator STRICT = new ControlMessageValidator(FrameValidator.CURRENT_VERSION);
    private static final boolean[] KNOWN_GOODBYE_REASONS = new boolean[256];
    private static final boolean[] KNOWN_SOURCE_ACTIONS = new boolean[256];
    private static final boolean[] KNOWN_SEALINGS = new boolean[256];
    private static final boolean[] KNOWN_FAN_OUT_MODES = new boolean[256];

    static
    {
        for (final GoodbyeReason reason : GoodbyeReason.values())
        {
            if (GoodbyeReason.NULL_VAL != reason)
            {
                KNOWN_GOODBYE_REASONS[reason.value()] = true;
            }
        }
        for (final Sealing sealing : Sealing.values())
        {
            if (Sealing.NULL_VAL != sealing)
            {
                KNOWN_SEALINGS[sealing.value()] = true;
            }
        }
        for (final FanOutMode mode : FanOutMode.values())
        {
            if (FanOutMode.NULL_VAL != mode)
            {
                KNOWN_FAN_OUT_MODES[mode.value()] = true;
            }
        }
        for (final SourceAction action : SourceAction.values())
        {
            if (SourceAction.NULL_VAL != action)
            {
                KNOWN_SOURCE_ACTIONS[action.value()] = true;
            }
        }
    }

    private final int maxVersion;

    /**
     * A validator accepting versions up to {@code maxVersion}.
     *
     * @param maxVersion highest accepted version, from {@link FrameValidator#CURRENT_VERSION} to 65535.
     * @throws IllegalArgumentException when {@code maxVersion} is out of range.
     */
    public ControlMessageValidator(final int maxVersion)
    {
        if (maxVersion < FrameValidator.CURRENT_VERSION || maxVersion > 0xFFFF)
        {
            throw new IllegalArgumentException("maxVersion out of range: " + maxVersion);
        }
        this.maxVersion = maxVersion;
    }

    /**
     * The strict policy: only versions this build knows.
     *
     * @return a shared immutable instance.
     */
    public static ControlMessageValidator strict()
    {
        return STRICT;
    }

    /**
     * Highest version this validator accepts.
     *
     * @return a version at least {@link FrameValidator#CURRENT_VERSION}.
     */
    public int maxVersion()
    {
        return maxVersion;
    }

    /**
     * Checks that {@code [offset, offset + length)} of {@code buffer} holds exactly one well-formed control message.
     *
     * @param buffer the bytes, untrusted.
     * @param offset where the message starts.
     * @param length the message's length.
     * @return {@link RejectReason#NONE}, or the first failing check's reason.
     */
    public RejectReason validate(final DirectBuffer buffer, final int offset, final int length)
    {
        final int region = MessageHeaderCheck.checkRegion(buffer, offset, length, HEADER_LENGTH);
        if (0 != region)
        {
            return RejectReason.fromCode(region);
        }
        final int blockLength = MessageHeaderCheck.blockLength(buffer, offset);
        final int templateId = MessageHeaderCheck.templateId(buffer, offset);
        final int version = MessageHeaderCheck.version(buffer, offset);
        final int knownBlockLength = blockLength(templateId);
        final int header = MessageHeaderCheck.checkHeader(MessageHeaderCheck.schemaId(buffer, offset), version,
            maxVersion, knownBlockLength >= 0, blockLength, knownBlockLength, FrameValidator.DEFAULT_MAX_BLOCK_LENGTH);
        if (0 != header)
        {
            return RejectReason.fromCode(header);
        }
        final int afterHeader = length - HEADER_LENGTH;
        if (blockLength > afterHeader)
        {
            return RejectReason.TRUNCATED;
        }

        final int blockOffset = offset + HEADER_LENGTH;
        if (!enumsKnown(buffer, blockOffset, templateId))
        {
            return RejectReason.UNKNOWN_ENUM_VALUE;
        }

        return checkVarData(buffer, blockOffset + blockLength, afterHeader - blockLength, varDataCount(templateId));
    }

    private static RejectReason checkVarData(
        final DirectBuffer buffer, final int start, final int available, final int count)
    {
        int position = start;
        int remaining = available;
        for (int i = 0; i < count; i++)
        {
            if (remaining < VAR_DATA_PREFIX)
            {
                return RejectReason.TRUNCATED;
            }
            final int dataLength = buffer.getShort(position, BYTE_ORDER) & 0xFFFF;
            remaining -= VAR_DATA_PREFIX;
            position += VAR_DATA_PREFIX;
            if (dataLength > MAX_VAR_DATA_LENGTH)
            {
                return RejectReason.PAYLOAD_TOO_LONG;
            }
            if (dataLength > remaining)
            {
                return RejectReason.PAYLOAD_BEYOND_RECORD;
            }
            remaining -= dataLength;
            position += dataLength;
        }

        return 0 == remaining ? RejectReason.NONE : RejectReason.TRAILING_BYTES;
    }

    private static boolean enumsKnown(final DirectBuffer buffer, final int blockOffset, final int templateId)
    {
        if (RefusalDecoder.TEMPLATE_ID == templateId)
        {
            final int code = buffer.getShort(blockOffset + RefusalDecoder.reasonEncodingOffset(), BYTE_ORDER) & 0xFFFF;
            final RejectReason reason = RejectReason.fromCode(code);
            // A refusal names a refusal: NONE is not on the wire.
            return null != reason && reason.isRefusal();
        }
        if (GoodbyeDecoder.TEMPLATE_ID == templateId)
        {
            final int code = buffer.getByte(blockOffset + GoodbyeDecoder.reasonEncodingOffset()) & 0xFF;
            return KNOWN_GOODBYE_REASONS[code];
        }
        if (WelcomeDecoder.TEMPLATE_ID == templateId)
        {
            final int code = buffer.getByte(blockOffset + WelcomeDecoder.sealingEncodingOffset()) & 0xFF;
            // A Welcome's block is never shorter than this build's (see checkBlockLength): the mode is always there.
            final int fanOutMode = buffer.getByte(blockOffset + WelcomeDecoder.fanOutModeEncodingOffset()) & 0xFF;
            return KNOWN_SEALINGS[code] && KNOWN_FAN_OUT_MODES[fanOutMode];
        }
        if (SourceUpdateDecoder.TEMPLATE_ID == templateId)
        {
            final int code = buffer.getByte(blockOffset + SourceUpdateDecoder.actionEncodingOffset()) & 0xFF;
            return KNOWN_SOURCE_ACTIONS[code];
        }
        return true;
    }

    /**
     * Block length of a control message's current version.
     *
     * @return the block length, or -1 for a template that is not a control message.
     */
    static int blockLength(final int templateId)
    {
        switch (templateId)
        {
            case HelloDecoder.TEMPLATE_ID:
                return HelloDecoder.BLOCK_LENGTH;
            case ChallengeDecoder.TEMPLATE_ID:
                return ChallengeDecoder.BLOCK_LENGTH;
            case WelcomeDecoder.TEMPLATE_ID:
                return WelcomeDecoder.BLOCK_LENGTH;
            case RefusalDecoder.TEMPLATE_ID:
                return RefusalDecoder.BLOCK_LENGTH;
            case KeyUpdateDecoder.TEMPLATE_ID:
                return KeyUpdateDecoder.BLOCK_LENGTH;
            case GoodbyeDecoder.TEMPLATE_ID:
                return GoodbyeDecoder.BLOCK_LENGTH;
            case SourceUpdateDecoder.TEMPLATE_ID:
                return SourceUpdateDecoder.BLOCK_LENGTH;
            case CredentialsDecoder.TEMPLATE_ID:
                return CredentialsDecoder.BLOCK_LENGTH;
            default:
                return -1;
        }
    }

    private static int varDataCount(final int templateId)
    {
        switch (templateId)
        {
            case HelloDecoder.TEMPLATE_ID:
            case ChallengeDecoder.TEMPLATE_ID:
            case CredentialsDecoder.TEMPLATE_ID:
                return 1;
            case WelcomeDecoder.TEMPLATE_ID:
            case SourceUpdateDecoder.TEMPLATE_ID:
                return 2;
            default:
                return 0;
        }
    }
}
