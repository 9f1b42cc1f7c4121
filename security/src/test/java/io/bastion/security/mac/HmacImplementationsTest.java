package io.bastion.security.mac;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link HmacImplementation} gives the tags of RFC 4231 and of {@code javax.crypto.Mac}, through every entry
 * point, allocates nothing, and refuses a destroyed key; and under this build's test JVM options (which carry
 * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}) the fast path is the one chosen, so that a silent
 * fallback fails the build. {@link HmacFallbackTest} covers a JVM without the option.
 */
class HmacImplementationsTest
{
    private static final HexFormat HEX = HexFormat.of();
    private static final int RANDOM_CASES = 10_000;

    static Stream<Arguments> vectorsPerImplementation()
    {
        return Arrays.stream(HmacImplementation.values()).flatMap((implementation) ->
            HmacSha256Rfc4231Test.vectors().map((vector) ->
            {
                final Object[] fields = vector.get();
                return Arguments.of(implementation, fields[0], fields[1], fields[2], fields[3]);
            }));
    }

    @Test
    void theAcceleratedPathIsChosenWhenTheJvmOpensTheProvider()
    {
        for (final HmacImplementation implementation : HmacImplementation.values())
        {
            assertTrue(implementation.isAvailable(), implementation + ": " + implementation.unavailableReason());
            assertEquals("", implementation.unavailableReason());
        }
        assertEquals(HmacImplementation.JDK_STATE, HmacSha256.implementation(),
            "surefire runs with ${bastion.addOpens}; jdk-state: " + HmacImplementation.JDK_STATE.unavailableReason());
        assertEquals(HmacImplementation.JDK_STATE, new HmacSha256().engineImplementation());
    }

    @Test
    void idsNameTheImplementations()
    {
        for (final HmacImplementation implementation : HmacImplementation.values())
        {
            assertEquals(implementation, HmacImplementation.fromId(implementation.id()));
            assertEquals(implementation,
                new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, implementation).engineImplementation());
        }
        assertThrows(IllegalArgumentException.class, () -> HmacImplementation.fromId("bastion"));
        assertThrows(IllegalArgumentException.class, () -> new HmacSha256(63, HmacImplementation.PADS));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("vectorsPerImplementation")
    void rfc4231VectorsOnHeapAndOffHeap(
        final HmacImplementation implementation,
        final String name,
        final byte[] key,
        final byte[] data,
        final String expectedHex)
    {
        final byte[] expected = HEX.parseHex(expectedHex);
        final HmacSha256 mac = new HmacSha256(MacKey.BLOCK_LENGTH, implementation);
        for (int kind = 0; kind < 6; kind++)
        {
            final MutableDirectBuffer in = HmacSha256PropertyTest.buffer(kind, data.length + 3);
            in.putBytes(3, data);
            final UnsafeBuffer out = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
            assertEquals(MacResult.OK, mac.sign(new MacKey(key), in, 3, data.length, out, 0));
            assertArrayEquals(expected, Arrays.copyOf(out.byteArray(), expected.length), "buffer kind " + kind);
        }
    }

    @ParameterizedTest
    @EnumSource(HmacImplementation.class)
    void tenThousandRandomKeysAndLengthsMatchJdkMac(final HmacImplementation implementation)
            throws GeneralSecurityException
    {
        final SplittableRandom random = new SplittableRandom(0x26_4231L + implementation.ordinal());
        final HmacSha256 mac = new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, implementation);
        final HmacSha256 smallChunks = new HmacSha256(MacKey.BLOCK_LENGTH, implementation);
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[2000 + 2 * HmacSha256.TAG_LENGTH]);
        final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(heap.capacity()));
        final UnsafeBuffer tag = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);

        for (int i = 0; i < RANDOM_CASES; i++)
        {
            final byte[] keyBytes = new byte[1 + random.nextInt(200)];
            final byte[] data = new byte[random.nextInt(2001)];
            random.nextBytes(keyBytes);
            random.nextBytes(data);
            final byte[] expected = HmacSha256PropertyTest.jdkMac(keyBytes, data, 0, data.length);
            final MacKey key = new MacKey(keyBytes);
            final String what = implementation + " case " + i + ": key " + keyBytes.length + " B, data " +
                data.length + " B";

            // One range, heap and off-heap.
            heap.putBytes(0, data);
            assertEquals(MacResult.OK, mac.sign(key, heap, 0, data.length, tag, 0), what);
            assertArrayEquals(expected, tag.byteArray(), what + ", heap");
            direct.putBytes(0, data);
            final HmacSha256 offHeapMac = (i & 1) == 0 ? mac : smallChunks;
            assertEquals(MacResult.OK, offHeapMac.sign(key, direct, 0, data.length, tag, 0), what);
            assertArrayEquals(expected, tag.byteArray(), what + ", off-heap");

            // The tag inside the record: the data split around a 32-byte slot that the MAC skips.
            final int before = random.nextInt(data.length + 1);
            final UnsafeBuffer record = (i & 2) == 0 ? heap : direct;
            record.putBytes(0, data, 0, before);
            record.putBytes(before + HmacSha256.TAG_LENGTH, data, before, data.length - before);
            final int length = data.length + HmacSha256.TAG_LENGTH;
            assertEquals(MacResult.OK, mac.signSkippingTag(key, record, 0, length, before), what);
            final byte[] inSlot = new byte[HmacSha256.TAG_LENGTH];
            record.getBytes(before, inSlot);
            assertArrayEquals(expected, inSlot, what + ", skipping the tag at " + before);
            assertEquals(MacResult.OK, smallChunks.verifySkippingTag(key, record, 0, length, before), what);
            record.putByte(before, (byte) (record.getByte(before) ^ 0x40));
            assertEquals(MacResult.TAG_MISMATCH, mac.verifySkippingTag(key, record, 0, length, before), what);
            key.destroy();
        }
    }

    @ParameterizedTest
    @EnumSource(HmacImplementation.class)
    void aDestroyedKeyIsRefusedBeforeAndDuringUse(final HmacImplementation implementation)
    {
        final HmacSha256 mac = new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, implementation);
        final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        final MacKey key = new MacKey(new byte[]{5, 4, 3, 2, 1});
        assertEquals(MacResult.OK, mac.signSkippingTag(key, record, 0, 128, 16));
        key.destroy();
        assertEquals(MacResult.KEY_DESTROYED, mac.verifySkippingTag(key, record, 0, 128, 16));
        assertEquals(MacResult.KEY_DESTROYED, mac.signSkippingTag(key, record, 0, 128, 16));
        assertEquals(MacResult.KEY_DESTROYED, mac.sign(key, record, 0, 64, out, 0));
        assertEquals(MacResult.KEY_DESTROYED, mac.begin(key));
        assertEquals(MacResult.NOT_STARTED, mac.finish(out, 0));

        // Destroyed between begin and finish: the midstates were read at begin, still refused at finish.
        final MacKey doomed = new MacKey(new byte[]{6, 6, 6});
        assertEquals(MacResult.OK, mac.begin(doomed));
        mac.update(record, 0, 100);
        doomed.destroy();
        assertEquals(MacResult.KEY_DESTROYED, mac.finish(out, 0));
        assertArrayEquals(new byte[HmacSha256.TAG_LENGTH], out.byteArray(), "nothing written");

        // The engine is intact afterwards: a fresh key gives the JDK's tag.
        final MacKey fresh = new MacKey(new byte[]{7});
        assertEquals(MacResult.OK, mac.sign(fresh, record, 0, 100, out, 0));
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        assertEquals(MacResult.OK,
            new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, HmacImplementation.PADS).sign(fresh, record, 0, 100,
                expected, 0));
        assertEquals(expected, out);
    }

    @Test
    void destroyZeroesThePadsAndTheMidstates()
    {
        final MacKey key = new MacKey(new byte[]{1, 2, 3});
        assertTrue(Arrays.stream(key.innerState).anyMatch((word) -> word != 0));
        assertTrue(Arrays.stream(key.outerState).anyMatch((word) -> word != 0));
        key.destroy();
        assertArrayEquals(new byte[MacKey.BLOCK_LENGTH], key.innerPad);
        assertArrayEquals(new byte[MacKey.BLOCK_LENGTH], key.outerPad);
        assertArrayEquals(new int[Sha256Compression.STATE_INTS], key.innerState);
        assertArrayEquals(new int[Sha256Compression.STATE_INTS], key.outerState);
    }

    @ParameterizedTest
    @EnumSource(HmacImplementation.class)
    void anAbandonedTagDoesNotLeakIntoTheNext(final HmacImplementation implementation)
    {
        final HmacSha256 mac = new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, implementation);
        final UnsafeBuffer data = new UnsafeBuffer(new byte[300]);
        for (int i = 0; i < data.capacity(); i++)
        {
            data.putByte(i, (byte) (i * 13));
        }
        final MacKey key = new MacKey(new byte[]{42, 43});
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        assertEquals(MacResult.OK, mac.sign(key, data, 0, 300, expected, 0));

        final UnsafeBuffer out = new UnsafeBuffer(new byte[HmacSha256.TAG_LENGTH]);
        assertEquals(MacResult.OK, mac.begin(new MacKey(new byte[]{1})));
        mac.update(data, 0, 77);
        assertEquals(MacResult.OK, mac.begin(key));
        mac.update(data, 0, 300);
        assertEquals(MacResult.OK, mac.finish(out, 0));
        assertEquals(expected, out);

        assertEquals(MacResult.OK, mac.begin(key));
        mac.update(data, 290, 20);
        assertEquals(MacResult.OUT_OF_BOUNDS, mac.finish(out, 0));
        assertEquals(MacResult.OK, mac.sign(key, data, 0, 300, out, 0));
        assertEquals(expected, out);
    }

    @ParameterizedTest
    @EnumSource(HmacImplementation.class)
    void steadyStateAllocatesNothing(final HmacImplementation implementation)
    {
        HmacSha256Test.assertSteadyStateAllocatesNothing(
            new HmacSha256(HmacSha256.DEFAULT_CHUNK_LENGTH, implementation), new MacKey(new byte[]{1, 2, 3, 4, 5}));
    }
}
