package io.bastion.bench;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

import io.bastion.security.mac.HmacImplementation;
import io.bastion.security.mac.HmacSha256;
import io.bastion.security.mac.MacKey;
import io.bastion.security.mac.MacResult;
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

/**
 * Cost of one HMAC-SHA256 tag over {@code size} bytes held off-heap (as a mapped ring holds them), with the tag
 * written into the buffer right after the data: Bastion's {@link HmacSha256}, in each {@link HmacImplementation},
 * against {@code javax.crypto.Mac} fed the same bytes through a direct {@link ByteBuffer} view. Run with
 * {@code -prof gc} to see bytes allocated per tag ({@code gc.alloc.rate.norm}): the aim is Bastion at 0 B/op and, for
 * 64 bytes, at most 0.6 times the time of {@code Mac} (issue 26).
 * <p>
 * {@code impl}: {@code bastion} is the default engine ({@link HmacSha256#implementation()}, printed at setup), which
 * is {@code jdk-state} when the fork has {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}, as
 * {@link Fork} gives it; {@code jdk-state}, {@code pure-java} and {@code bastion-pads} force one implementation (the
 * last is the path every tag took before issue 26); {@code jdk-mac} is {@code javax.crypto.Mac}. Any other value is
 * refused. A forced implementation that is unavailable in the fork fails the setup rather than measure a fallback.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {
    "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED", "--add-opens=java.base/sun.security.provider=ALL-UNNAMED"})
public class MacBenchmark
{
    private static final String BASTION = "bastion";
    private static final String JDK_STATE = "jdk-state";
    private static final String PURE_JAVA = "pure-java";
    private static final String BASTION_PADS = "bastion-pads";
    private static final String JDK_MAC = "jdk-mac";

    /** Which implementation computes the tag. */
    @Param({BASTION, JDK_STATE, PURE_JAVA, BASTION_PADS, JDK_MAC})
    public String impl;

    /** Bytes covered by the tag. */
    @Param({"32", "64", "256", "1024", "4096"})
    public int size;

    private UnsafeBuffer buffer;
    private ByteBuffer view;
    private boolean bastion;
    private HmacSha256 hmac;
    private MacKey key;
    private Mac jdkMac;
    private byte[] jdkTag;

    /**
     * Fill the data with random bytes and key both implementations with the same 32-byte key.
     *
     * @throws GeneralSecurityException if the JDK lacks HmacSHA256 (it never does).
     */
    @Setup
    public void setup() throws GeneralSecurityException
    {
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final byte[] keyBytes = new byte[32];
        random.nextBytes(keyBytes);
        final byte[] data = new byte[size];
        random.nextBytes(data);

        final ByteBuffer direct = ByteBuffer.allocateDirect(size + HmacSha256.TAG_LENGTH);
        buffer = new UnsafeBuffer(direct);
        buffer.putBytes(0, data);
        view = direct.duplicate();

        bastion = !JDK_MAC.equals(impl);
        hmac = newHmac(impl);
        key = new MacKey(keyBytes);
        jdkMac = Mac.getInstance("HmacSHA256");
        jdkMac.init(new SecretKeySpec(keyBytes, "HmacSHA256"));
        jdkTag = new byte[HmacSha256.TAG_LENGTH];
        System.out.println("MacBenchmark impl=" + impl + ": engine " + hmac.engineImplementation().id() +
            ", default " + HmacSha256.implementation().id());

        // Both implementations must write the same tag, or the comparison means nothing.
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        hmac.sign(key, buffer, 0, size, expected, 0);
        signJdk();
        for (int i = 0; i < HmacSha256.TAG_LENGTH; i++)
        {
            if (expected.getByte(i) != buffer.getByte(size + i))
            {
                throw new IllegalStateException("implementations disagree");
            }
        }
    }

    /**
     * Compute the tag of {@code size} off-heap bytes and write it after them.
     *
     * @return a byte of the tag, so the work cannot be eliminated.
     * @throws ShortBufferException never: the tag array is 32 bytes.
     */
    @Benchmark
    public byte sign() throws ShortBufferException
    {
        if (bastion)
        {
            if (MacResult.OK != hmac.sign(key, buffer, 0, size, buffer, size))
            {
                throw new IllegalStateException();
            }
        }
        else
        {
            signJdk();
        }
        return buffer.getByte(size);
    }

    /**
     * {@link #sign()} as a chain: the first 8 bytes of the data become the last tag's first 8 bytes before the next
     * tag, so no tag can start before the one before it ends. The score is one tag's latency, what a round trip pays
     * (one seal or verify, then a wait for the other side), where {@link #sign()} lets the core overlap consecutive
     * tags and scores their throughput.
     *
     * @return a byte of the tag, so the work cannot be eliminated.
     * @throws ShortBufferException never: the tag array is 32 bytes.
     */
    @Benchmark
    public byte signChained() throws ShortBufferException
    {
        final byte last = sign();
        buffer.putLong(0, buffer.getLong(size));
        return last;
    }

    private static HmacSha256 newHmac(final String impl)
    {
        switch (impl)
        {
            case BASTION:
            case JDK_MAC:
                return new HmacSha256();
            case JDK_STATE:
                return new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, HmacImplementation.JDK_STATE);
            case PURE_JAVA:
                return new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, HmacImplementation.PURE_JAVA);
            case BASTION_PADS:
                return new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, HmacImplementation.PADS);
            default:
                throw new IllegalArgumentException("unknown impl: " + impl);
        }
    }

    private void signJdk() throws ShortBufferException
    {
        final ByteBuffer view = this.view;
        view.limit(size).position(0);
        jdkMac.update(view);
        jdkMac.doFinal(jdkTag, 0);
        buffer.putBytes(size, jdkTag);
    }
}
