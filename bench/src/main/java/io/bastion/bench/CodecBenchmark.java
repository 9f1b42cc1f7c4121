package io.bastion.bench;

import io.bastion.codec.FrameReader;
import io.bastion.codec.FrameValidator;
import io.bastion.codec.FrameWriter;
import io.bastion.codec.RejectReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Per-frame cost of the codec: encode a frame into a claimed region, validate an untrusted record, and validate then
 * read every field and copy the payload out, for 64, 256 and 1024-byte payloads. None of the measured methods
 * allocates; run with {@code -prof gc} to see {@code gc.alloc.rate.norm} at about 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"})
public class CodecBenchmark
{
    private static final int OFFSET = 64;

    /** Payload bytes per frame. */
    @Param({"64", "256", "1024"})
    public int payloadLength;

    private final UnsafeBuffer claimed = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[2048]);
    private final UnsafeBuffer tag = new UnsafeBuffer(new byte[32]);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[2048]);
    private final FrameWriter writer = new FrameWriter();
    private final FrameReader reader = new FrameReader();
    private final FrameValidator validator = FrameValidator.strict();
    private int frameLength;
    private long sequence;

    /**
     * Encodes the record that the validate and decode benchmarks read.
     */
    @Setup
    public void setUp()
    {
        for (int i = 0; i < payload.capacity(); i++)
        {
            payload.putByte(i, (byte) i);
        }
        frameLength = writer.wrap(record, OFFSET, record.capacity() - OFFSET, payloadLength);
        writer.channelId(1).producerId(2).keyId(3).sequence(4).timestamp(5).messageTypeId(6).flags(7)
            .putPayload(payload, 0).putTag(tag, 0);
        if (RejectReason.NONE != validator.validate(record, OFFSET, frameLength))
        {
            throw new IllegalStateException("benchmark frame refused");
        }
    }

    /**
     * Encode: wrap a claimed region, set every field, copy the payload and the tag.
     *
     * @return the frame length.
     */
    @Benchmark
    public int encode()
    {
        final int length = writer.wrap(claimed, OFFSET, claimed.capacity() - OFFSET, payloadLength);
        writer.channelId(1).producerId(2).keyId(3).sequence(++sequence).timestamp(sequence).messageTypeId(6).flags(7)
            .putPayload(payload, 0).putTag(tag, 0);
        return length;
    }

    /**
     * Validate: the structural check alone.
     *
     * @return {@link RejectReason#NONE}.
     */
    @Benchmark
    public RejectReason validate()
    {
        return validator.validate(record, OFFSET, frameLength);
    }

    /**
     * Decode: validate, wrap, read every field and copy the payload out.
     *
     * @return a value depending on every field, so nothing is eliminated.
     */
    @Benchmark
    public long decode()
    {
        final int result = reader.wrapValidated(record, OFFSET, frameLength).code();
        final long fields = reader.channelId() + reader.producerId() + reader.keyId() + reader.sequence() +
            reader.timestamp() + reader.messageTypeId() + reader.flags();
        return result + fields + reader.getPayload(out, 0);
    }
}
