package io.bastion.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.bastion.security.aead.AeadAlgorithm;
import io.bastion.security.aead.FrameAead;
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

/**
 * Per-frame cost of encrypting a frame in place with each JDK AEAD ({@link FrameAead}), and of opening one: the
 * measurement that picks the local channels' and the bridge's default algorithm. The associated data is a 48-byte
 * header, the text the payload. Run it with {@code -prof gc}: the JDK's ciphers allocate per initialisation, and the
 * bytes per operation belong in the report beside the time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"})
public class AeadBenchmark
{
    private static final int HEADER = 48;
    private static final int TEXT = HEADER + FrameAead.TAG_LENGTH;
    private static final int SEALED_FRAMES = 1024;

    /** The algorithm: {@code aes-gcm} or {@code chacha20-poly1305}. */
    @Param({"aes-gcm", "chacha20-poly1305"})
    public String algorithm;

    /** Payload bytes. */
    @Param({"64", "256", "1024"})
    public int size;

    private FrameAead sealer;
    private FrameAead opener;
    private byte[] frame;
    private byte[][] sealed;
    private byte[] openScratch;
    private long sequence;
    private int next;

    /**
     * Keys, a frame to seal, and frames sealed under distinct sequences to open in turn.
     */
    @Setup
    public void setup()
    {
        final AeadAlgorithm chosen = parse(algorithm);
        final Random random = new Random(1);
        final byte[] key = new byte[FrameAead.KEY_LENGTH];
        random.nextBytes(key);
        sealer = FrameAead.forSealing(chosen, key, 1, Long.MAX_VALUE);
        opener = FrameAead.forOpening(chosen, key, 1);
        final FrameAead setupSealer = FrameAead.forSealing(chosen, key, 1, Long.MAX_VALUE);
        frame = new byte[TEXT + size];
        random.nextBytes(frame);
        sealed = new byte[SEALED_FRAMES][];
        for (int i = 0; i < SEALED_FRAMES; i++)
        {
            sealed[i] = frame.clone();
            if (FrameAead.OK != setupSealer.seal(sealed[i], 0, HEADER, TEXT, size, HEADER, i))
            {
                throw new IllegalStateException("setup seal failed");
            }
        }
        openScratch = new byte[frame.length];
    }

    /**
     * Encrypt one frame in place under the next sequence.
     *
     * @return the status, {@link FrameAead#OK}.
     */
    @Benchmark
    public int seal()
    {
        return sealer.seal(frame, 0, HEADER, TEXT, size, HEADER, sequence++);
    }

    /**
     * Copy a sealed frame privately, as a subscriber does, check its tag and decrypt it in place.
     *
     * @return the status, {@link FrameAead#OK}.
     */
    @Benchmark
    public int open()
    {
        final int i = next;
        next = (i + 1) & (SEALED_FRAMES - 1);
        System.arraycopy(sealed[i], 0, openScratch, 0, openScratch.length);
        return opener.open(openScratch, 0, HEADER, TEXT, size, HEADER, i);
    }

    private static AeadAlgorithm parse(final String name)
    {
        switch (name)
        {
            case "aes-gcm":
                return AeadAlgorithm.AES_GCM;
            case "chacha20-poly1305":
                return AeadAlgorithm.CHACHA20_POLY1305;
            default:
                throw new IllegalArgumentException("unknown algorithm '" + name + "': aes-gcm or chacha20-poly1305");
        }
    }
}
