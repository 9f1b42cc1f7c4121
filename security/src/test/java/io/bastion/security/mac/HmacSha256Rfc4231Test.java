package io.bastion.security.mac;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The HMAC-SHA-256 test vectors of RFC 4231, section 4, all seven cases; case 5 is truncated to 128 bits, so only
 * the prefix of the computed tag is compared.
 */
class HmacSha256Rfc4231Test
{
    private static final HexFormat HEX = HexFormat.of();

    static Stream<Arguments> vectors()
    {
        return Stream.of(
            Arguments.of("case 1", repeat(0x0b, 20), ascii("Hi There"),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            Arguments.of("case 2", ascii("Jefe"), ascii("what do ya want for nothing?"),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            Arguments.of("case 3", repeat(0xaa, 20), repeat(0xdd, 50),
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            Arguments.of("case 4", HEX.parseHex("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeat(0xcd, 50),
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            Arguments.of("case 5 (truncated to 128 bits)", repeat(0x0c, 20), ascii("Test With Truncation"),
                "a3b6167473100ee06e0c796c2955552b"),
            Arguments.of("case 6", repeat(0xaa, 131), ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            Arguments.of("case 7", repeat(0xaa, 131), ascii("This is a test using a larger than block-size key and a "
                + "larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void heapBufferMatchesVector(final String name, final byte[] key, final byte[] data, final String expectedHex)
    {
        assertTag(new UnsafeBuffer(data), key, data.length, HEX.parseHex(expectedHex));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void offHeapBufferMatchesVector(final String name, final byte[] key, final byte[] data, final String expectedHex)
    {
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(data.length + 8));
        offHeap.putBytes(0, data);
        assertTag(offHeap, key, data.length, HEX.parseHex(expectedHex));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void byteAtATimeUpdatesMatchVector(final String name, final byte[] key, final byte[] data, final String expectedHex)
    {
        final HmacSha256 mac = new HmacSha256();
        final UnsafeBuffer in = new UnsafeBuffer(ByteBuffer.allocateDirect(data.length));
        in.putBytes(0, data);
        assertEquals(MacResult.OK, mac.begin(new MacKey(key)));
        for (int i = 0; i < data.length; i++)
        {
            mac.update(in, i, 1);
        }
        final UnsafeBuffer out = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        assertEquals(MacResult.OK, mac.finish(out, 0));
        final byte[] expected = HEX.parseHex(expectedHex);
        final byte[] prefix = new byte[expected.length];
        out.getBytes(0, prefix);
        assertArrayEquals(expected, prefix);
    }

    private static void assertTag(final UnsafeBuffer data, final byte[] key, final int length, final byte[] expected)
    {
        final HmacSha256 mac = new HmacSha256(64);
        final UnsafeBuffer out = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH + 5]);
        assertEquals(MacResult.OK, mac.sign(new MacKey(key), data, 0, length, out, 5));
        final byte[] prefix = new byte[expected.length];
        out.getBytes(5, prefix);
        assertArrayEquals(expected, prefix);
    }

    private static byte[] repeat(final int value, final int count)
    {
        final byte[] bytes = new byte[count];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static byte[] ascii(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
