package io.bastion.security.mac;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Child JVM of {@link HmacFallbackTest}: prints which implementation the default engine chose and why the fast one is
 * unavailable, then checks the default engine against the RFC 4231 vectors and {@code javax.crypto.Mac} on random
 * keys and lengths, heap and off-heap, and prints the outcome.
 */
public final class HmacFallbackMain
{
    /** Line prefix of the chosen implementation. */
    static final String IMPLEMENTATION = "implementation=";
    /** Line prefix of why the JDK path is unavailable. */
    static final String JDK_STATE_REASON = "jdk-state-unavailable=";
    /** Line prefix of the check's outcome. */
    static final String TAGS = "tags=";

    private HmacFallbackMain()
    {
    }

    /**
     * Run the check.
     *
     * @param args the number of random cases.
     * @throws GeneralSecurityException if the JDK lacks HmacSHA256.
     */
    public static void main(final String[] args) throws GeneralSecurityException
    {
        System.out.println(IMPLEMENTATION + HmacSha256.implementation().id());
        System.out.println(JDK_STATE_REASON + HmacImplementation.JDK_STATE.unavailableReason());
        final HmacSha256 mac = new HmacSha256();
        final HexFormat hex = HexFormat.of();
        final UnsafeBuffer tag = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        final Object[][] vectors = HmacSha256Rfc4231Test.vectors().map((arguments) -> arguments.get())
            .toArray(Object[][]::new);
        for (final Object[] vector : vectors)
        {
            final byte[] data = (byte[]) vector[2];
            final byte[] expected = hex.parseHex((String) vector[3]);
            if (MacResult.OK != mac.sign(new MacKey((byte[]) vector[1]), new UnsafeBuffer(data), 0, data.length, tag,
                0) || !Arrays.equals(expected, Arrays.copyOf(tag.byteArray(), expected.length)))
            {
                System.out.println(TAGS + "RFC 4231 " + vector[0] + " failed");
                return;
            }
        }

        final int cases = Integer.parseInt(args[0]);
        final SplittableRandom random = new SplittableRandom(4231);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(2000));
        for (int i = 0; i < cases; i++)
        {
            final byte[] key = new byte[1 + random.nextInt(200)];
            final byte[] data = new byte[random.nextInt(2001)];
            random.nextBytes(key);
            random.nextBytes(data);
            final byte[] expected = HmacSha256PropertyTest.jdkMac(key, data, 0, data.length);
            direct.putBytes(0, data);
            final UnsafeBuffer in = (i & 1) == 0 ? direct : new UnsafeBuffer(data);
            if (MacResult.OK != mac.sign(new MacKey(key), in, 0, data.length, tag, 0) ||
                !Arrays.equals(expected, tag.byteArray()))
            {
                System.out.println(TAGS + "case " + i + " differs from javax.crypto.Mac");
                return;
            }
        }
        System.out.println(TAGS + "ok " + (vectors.length + cases));
    }
}
