package io.bastion.channel.process;

import io.bastion.channel.AeadFrameSealer;
import io.bastion.channel.ChannelCounters;
import io.bastion.channel.FrameSealer;
import io.bastion.channel.HmacFrameSealer;
import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.ringbuffer.ManyToOneRingDescriptor;
import io.bastion.security.files.FilePolicy;
import io.bastion.security.files.OwnerOnlyFiles;
import io.bastion.security.keys.KeyRing;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * What the parent test and its child processes agree on: the channel id, the frame contents as a
 * function of the sequence, argument parsing, the summary line, and the mapping of many-to-one
 * ring files.
 */
public final class Wire
{
    /** The channel every process test uses. */
    static final int CHANNEL_ID = 42;

    /** Largest payload the tests send. */
    public static final int MAX_PAYLOAD = 1000;

    /** The subscribers' largest accepted frame. */
    static final int MAX_FRAME = 2048;

    /** Start of a child's machine-readable summary line. */
    public static final String SUMMARY = "SUMMARY";

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Wire()
    {
    }

    /**
     * The payload length of a sequence: spread over 0..{@link #MAX_PAYLOAD}.
     *
     * @param sequence the frame's sequence.
     * @return the length.
     */
    public static int length(final long sequence)
    {
        return (int)(((sequence * GOLDEN) >>> 33) % (MAX_PAYLOAD + 1));
    }

    /**
     * The message type of a sequence.
     *
     * @param sequence the frame's sequence.
     * @return a type id.
     */
    public static int messageType(final long sequence)
    {
        return 1 + (int)(sequence % 5);
    }

    /**
     * Write the payload of a sequence.
     *
     * @param buffer   where to write.
     * @param offset   of the payload.
     * @param sequence the frame's sequence.
     * @param length   of the payload, {@link #length(long)}.
     */
    public static void fill(final MutableDirectBuffer buffer, final int offset, final long sequence, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            buffer.putLong(offset + i, word(sequence, i), ByteOrder.LITTLE_ENDIAN);
        }
        for (; i < length; i++)
        {
            buffer.putByte(offset + i, (byte)(word(sequence, i & ~7) >>> ((i & 7) * 8)));
        }
    }

    /**
     * Whether a payload is exactly the one of a sequence.
     *
     * @param buffer   holding it.
     * @param offset   of the payload.
     * @param length   of the payload.
     * @param sequence the frame's sequence.
     * @return true if length and every byte match.
     */
    static boolean matches(final DirectBuffer buffer, final int offset, final int length, final long sequence)
    {
        if (length != length(sequence))
        {
            return false;
        }
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (buffer.getLong(offset + i, ByteOrder.LITTLE_ENDIAN) != word(sequence, i))
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (buffer.getByte(offset + i) != (byte)(word(sequence, i & ~7) >>> ((i & 7) * 8)))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * A heap buffer holding the payload of a sequence.
     *
     * @param sequence the frame's sequence.
     * @return the payload.
     */
    static UnsafeBuffer payload(final long sequence)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[length(sequence)]);
        fill(buffer, 0, sequence, buffer.capacity());
        return buffer;
    }

    /**
     * The sealer the {@code sealing} argument names: {@code hmac} (the default) or {@code aead} (AES-GCM).
     *
     * @param opts the parsed arguments.
     * @param keys the channel's keys in this direction.
     * @return a new sealer.
     */
    static FrameSealer sealer(final Map<String, String> opts, final KeyRing keys)
    {
        final String sealing = opts.getOrDefault("sealing", "hmac");
        switch (sealing)
        {
            case "hmac":
                return new HmacFrameSealer(keys);
            case "aead":
                return new AeadFrameSealer(keys);
            default:
                throw new IllegalArgumentException("unknown sealing '" + sealing + "': hmac or aead");
        }
    }

    /**
     * Counters for one endpoint, in private memory (a broker would put them in the counters file).
     *
     * @param label the endpoint's label.
     * @return the counters.
     */
    static ChannelCounters counters(final String label)
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * 1024, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(64 * 1024, 64)));
        return new ChannelCounters(manager, label);
    }

    /**
     * Every rejection a subscriber counted, over all reasons.
     *
     * @param counters the subscriber's counters.
     * @return the total.
     */
    static long totalRejections(final ChannelCounters counters)
    {
        long total = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            total += counters.rejected(reason);
        }
        return total;
    }

    /**
     * Rejections for structural reasons (the validator's), summed.
     *
     * @param counters the subscriber's counters.
     * @return the total.
     */
    static long structuralRejections(final ChannelCounters counters)
    {
        long total = 0;
        for (final RejectReason reason : RejectReason.values())
        {
            if (reason.isStructural())
            {
                total += counters.rejected(reason);
            }
        }
        return total;
    }

    /**
     * Parse {@code key=value} arguments.
     *
     * @param args the arguments.
     * @return the map.
     */
    public static Map<String, String> parse(final String[] args)
    {
        final Map<String, String> map = new HashMap<>();
        for (final String arg : args)
        {
            final int eq = arg.indexOf('=');
            if (eq <= 0)
            {
                throw new IllegalArgumentException("expected key=value: " + arg);
            }
            map.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return map;
    }

    /**
     * Parse a summary line ({@code SUMMARY key=value ...}).
     *
     * @param line the line.
     * @return the values by key.
     */
    public static Map<String, String> summary(final String line)
    {
        if (!line.startsWith(SUMMARY + " "))
        {
            throw new IllegalArgumentException("not a summary: " + line);
        }
        return parse(line.substring(SUMMARY.length() + 1).trim().split(" +"));
    }

    /**
     * Create a many-to-one ring file: owner-only, zeroed at its full size, published atomically.
     *
     * @param file     the file.
     * @param capacity of the records.
     * @throws IOException if the folder fails its checks or the file exists.
     */
    static void createManyToOne(final Path file, final int capacity) throws IOException
    {
        final int length = ManyToOneRingDescriptor.regionLength(capacity);
        new OwnerOnlyFiles(FilePolicy.ownerOnly()).publish(
            file, (channel) -> channel.write(ByteBuffer.allocate(1), length - 1));
    }

    /**
     * Map a many-to-one ring file read-write after the owner-only checks.
     *
     * @param file     the file.
     * @param capacity of the records.
     * @return the region.
     * @throws IOException if a check fails.
     */
    static UnsafeBuffer mapManyToOne(final Path file, final int capacity) throws IOException
    {
        final int length = ManyToOneRingDescriptor.regionLength(capacity);
        try (FileChannel channel = new OwnerOnlyFiles(FilePolicy.ownerOnly()).openForMapping(file, length, true))
        {
            final MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
            return new UnsafeBuffer(mapping);
        }
    }

    /**
     * Map any file read-write with no checks: what a hostile same-user process does.
     *
     * @param file the file.
     * @return the whole file, mapped.
     * @throws IOException if it cannot be opened.
     */
    static UnsafeBuffer mapUnchecked(final Path file) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            return new UnsafeBuffer(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size()));
        }
    }

    /**
     * The frame length of a payload length, for sizing.
     *
     * @param payloadLength bytes.
     * @return the frame's length.
     */
    static int frameLength(final int payloadLength)
    {
        return FrameDescriptor.frameLength(payloadLength);
    }

    private static long word(final long sequence, final int index)
    {
        return (sequence + 1) * GOLDEN ^ ((long)index * 0xC2B2AE3D27D4EB4FL);
    }
}
