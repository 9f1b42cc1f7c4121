package io.bastion.codec;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Helpers shared by the codec tests: encode a frame from plain values, snapshot what a reader decodes.
 */
final class TestFrames
{
    private TestFrames()
    {
    }

    /**
     * Plain values of a version-1 frame.
     */
    record Values(
        int channelId,
        int producerId,
        int keyId,
        long sequence,
        long timestamp,
        int messageTypeId,
        int flags,
        byte[] tag,
        byte[] payload)
    {
    }

    static Values sample(final int payloadLength)
    {
        final byte[] tag = new byte[FrameDescriptor.TAG_LENGTH];
        for (int i = 0; i < tag.length; i++)
        {
            tag[i] = (byte) (0xA0 + i);
        }
        final byte[] payload = new byte[payloadLength];
        for (int i = 0; i < payload.length; i++)
        {
            payload[i] = (byte) (i * 7 + 3);
        }
        return new Values(7, 11, 3, 42L, 1_764_000_000_000_000_000L, 99, 0x8000_0001, tag, payload);
    }

    static byte[] encode(final Values values)
    {
        final byte[] bytes = new byte[FrameDescriptor.frameLength(values.payload().length)];
        final int length = encode(new FrameWriter(), new UnsafeBuffer(bytes), 0, bytes.length, values);
        if (length != bytes.length)
        {
            throw new IllegalStateException("encode returned " + length);
        }
        return bytes;
    }

    static int encode(
        final FrameWriter writer, final UnsafeBuffer buffer, final int offset, final int capacity, final Values values)
    {
        final int length = writer.wrap(buffer, offset, capacity, values.payload().length);
        if (length < 0)
        {
            return length;
        }
        writer
            .channelId(values.channelId())
            .producerId(values.producerId())
            .keyId(values.keyId())
            .sequence(values.sequence())
            .timestamp(values.timestamp())
            .messageTypeId(values.messageTypeId())
            .flags(values.flags())
            .putPayload(new UnsafeBuffer(values.payload()), 0)
            .putTag(new UnsafeBuffer(values.tag()), 0);
        return length;
    }

    /**
     * Everything a reader shows, by field name; the tag and payload as hex strings.
     */
    static Map<String, Object> snapshot(final FrameReader reader)
    {
        final Map<String, Object> fields = new LinkedHashMap<>();
        final UnsafeBuffer tag = new UnsafeBuffer(new byte[FrameDescriptor.TAG_LENGTH]);
        reader.getTag(tag, 0);
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[reader.payloadLength()]);
        reader.getPayload(payload, 0);
        fields.put("blockLength", reader.blockLength());
        fields.put("version", reader.version());
        fields.put("frameLength", reader.frameLength());
        fields.put("channelId", reader.channelId());
        fields.put("producerId", reader.producerId());
        fields.put("keyId", reader.keyId());
        fields.put("sequence", reader.sequence());
        fields.put("timestamp", reader.timestamp());
        fields.put("messageTypeId", reader.messageTypeId());
        fields.put("flags", reader.flags());
        fields.put("tag", Arrays.toString(tag.byteArray()));
        fields.put("payloadLength", reader.payloadLength());
        fields.put("payload", Arrays.toString(payload.byteArray()));
        return fields;
    }

    static Map<String, Object> snapshot(final Values values)
    {
        final Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("blockLength", FrameDescriptor.BLOCK_LENGTH);
        fields.put("version", FrameValidator.CURRENT_VERSION);
        fields.put("frameLength", FrameDescriptor.frameLength(values.payload().length));
        fields.put("channelId", values.channelId());
        fields.put("producerId", values.producerId());
        fields.put("keyId", values.keyId());
        fields.put("sequence", values.sequence());
        fields.put("timestamp", values.timestamp());
        fields.put("messageTypeId", values.messageTypeId());
        fields.put("flags", values.flags());
        fields.put("tag", Arrays.toString(values.tag()));
        fields.put("payloadLength", values.payload().length);
        fields.put("payload", Arrays.toString(values.payload()));
        return fields;
    }

    /**
     * The field that owns a byte of a version-1 frame, by the names {@link #snapshot} uses.
     */
    static String fieldAt(final int position)
    {
        final String[] names = {
            "blockLength", "blockLength", "templateId", "templateId", "schemaId", "schemaId", "version", "version"};
        if (position < FrameDescriptor.HEADER_LENGTH)
        {
            return names[position];
        }
        final int[] ends = {12, 16, 20, 24, 32, 40, 44, 48, 80, 84};
        final String[] fields = {
            "frameLength", "channelId", "producerId", "keyId", "sequence", "timestamp", "messageTypeId", "flags", "tag",
            "payloadLength"};
        for (int i = 0; i < ends.length; i++)
        {
            if (position < ends[i])
            {
                return fields[i];
            }
        }
        return "payload";
    }
}
