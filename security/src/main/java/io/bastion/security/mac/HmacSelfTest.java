package io.bastion.security.mac;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The start-up check an {@link HmacEngine} must pass before {@link HmacSha256} uses it: the seven HMAC-SHA-256 test
 * cases of RFC 4231 (case 5 compared on its 128-bit truncation), then tags over keys and messages of lengths around
 * every block boundary, in one and in two updates and after an abandoned tag, compared with
 * {@code javax.crypto.Mac}. The inputs are fixed (a seeded generator), so a failure repeats. It allocates freely and
 * runs once per implementation per JVM.
 */
final class HmacSelfTest
{
    private static final HexFormat HEX = HexFormat.of();
    private static final int[] KEY_LENGTHS = {1, 20, 32, 63, 64, 65, 100, 131};
    private static final int[] MESSAGE_LENGTHS = {0, 1, 31, 32, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000};
    private static final long SEED = 0x4231_2104_5ec0_0001L;

    private HmacSelfTest()
    {
    }

    /**
     * Run the self-test on a fresh engine.
     *
     * @param engines makes the engine to test.
     * @return the empty string if every tag matched; otherwise what failed.
     */
    static String run(final Supplier<HmacEngine> engines)
    {
        try
        {
            final HmacEngine engine = engines.get();
            final String vectors = rfc4231(engine);
            return vectors.isEmpty() ? againstJdkMac(engine) : vectors;
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return "self-test threw " + ex;
        }
    }

    private static String rfc4231(final HmacEngine engine)
    {
        final byte[] aa131 = repeat(0xaa, 131);
        final String[] failures = {
            check(engine, "case 1", repeat(0x0b, 20), ascii("Hi There"),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            check(engine, "case 2", ascii("Jefe"), ascii("what do ya want for nothing?"),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            check(engine, "case 3", repeat(0xaa, 20), repeat(0xdd, 50),
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            check(engine, "case 4", HEX.parseHex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                repeat(0xcd, 50), "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            check(engine, "case 5", repeat(0x0c, 20), ascii("Test With Truncation"),
                "a3b6167473100ee06e0c796c2955552b"),
            check(engine, "case 6", aa131, ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            check(engine, "case 7", aa131, ascii("This is a test using a larger than block-size key and a larger "
                + "than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        };
        for (final String failure : failures)
        {
            if (!failure.isEmpty())
            {
                return failure;
            }
        }
        return "";
    }

    private static String check(
        final HmacEngine engine, final String name, final byte[] key, final byte[] data, final String expectedHex)
    {
        final byte[] expected = HEX.parseHex(expectedHex);
        final byte[] tag = tag(engine, key, data, data.length / 2);
        final boolean matches = HmacSha256.TAG_LENGTH == tag.length &&
            Arrays.equals(expected, 0, expected.length, tag, 0, expected.length);
        return matches ? "" : "RFC 4231 " + name + " gave " + HEX.formatHex(tag);
    }

    private static String againstJdkMac(final HmacEngine engine)
    {
        final Mac jdk;
        try
        {
            jdk = Mac.getInstance("HmacSHA256");
        }
        catch (final GeneralSecurityException ex)
        {
            // No JDK Mac to compare with: the RFC vectors, which passed, must do.
            return "";
        }
        final SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < MESSAGE_LENGTHS.length; i++)
        {
            final byte[] key = new byte[KEY_LENGTHS[i % KEY_LENGTHS.length]];
            final byte[] data = new byte[MESSAGE_LENGTHS[i]];
            random.nextBytes(key);
            random.nextBytes(data);
            final byte[] expected;
            try
            {
                jdk.init(new SecretKeySpec(key, "HmacSHA256"));
                expected = jdk.doFinal(data);
            }
            catch (final GeneralSecurityException ex)
            {
                return "javax.crypto.Mac refused a " + key.length + "-byte key: " + ex;
            }

            // A tag abandoned half-way must not leak into the next.
            final MacKey other = new MacKey(data.length > 0 ? data : key);
            engine.start(other);
            engine.update(key, 0, key.length);
            engine.abandon();
            other.destroy();

            final int split = data.length == 0 ? 0 : random.nextInt(data.length + 1);
            final byte[] tag = tag(engine, key, data, split);
            if (!Arrays.equals(expected, tag))
            {
                return "tag differs from javax.crypto.Mac: key " + key.length + " B, message " + data.length +
                    " B, split at " + split;
            }
        }
        return "";
    }

    private static byte[] tag(final HmacEngine engine, final byte[] key, final byte[] data, final int split)
    {
        final MacKey macKey = new MacKey(key);
        final byte[] tag = new byte[HmacSha256.TAG_LENGTH];
        engine.start(macKey);
        engine.update(data, 0, split);
        engine.update(data, split, data.length - split);
        final boolean written = engine.finish(macKey, tag);
        macKey.destroy();
        return written ? tag : new byte[0];
    }

    private static byte[] repeat(final int value, final int count)
    {
        final byte[] bytes = new byte[count];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
