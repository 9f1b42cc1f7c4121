package io.bastion.security.mac;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link HmacSha256} against {@code javax.crypto.Mac} on random keys, data, offsets and range splits, over heap and
 * off-heap buffers, with the tag both outside and inside the record.
 */
class HmacSha256PropertyTest
{
    private final HmacSha256 mac = new HmacSha256(64);

    @Property(tries = 2000)
    void anySplitOfAnyRangeMatchesJdkMac(
        @ForAll @Size(min = 1, max = 200) final byte[] key,
        @ForAll @Size(max = 700) final byte[] data,
        @ForAll @IntRange(max = 16) final int pad,
        @ForAll("splits") final int[] cuts,
        @ForAll final boolean offHeap) throws GeneralSecurityException
    {
        final MutableDirectBuffer buffer = buffer(offHeap, pad + data.length + pad);
        buffer.putBytes(pad, data);

        assertEquals(MacResult.OK, mac.begin(new MacKey(key)));
        int position = 0;
        for (final int cut : cuts)
        {
            final int end = Math.min(data.length, cut);
            if (end > position)
            {
                assertEquals(true, mac.update(buffer, pad + position, end - position));
                position = end;
            }
        }
        mac.update(buffer, pad + position, data.length - position);

        final MutableDirectBuffer out = buffer(!offHeap, HmacSha256.TAG_LENGTH + 3);
        assertEquals(MacResult.OK, mac.finish(out, 3));
        final byte[] actual = new byte[HmacSha256.TAG_LENGTH];
        out.getBytes(3, actual);
        assertArrayEquals(jdkMac(key, data, 0, data.length), actual);
        assertEquals(MacResult.OK, mac.begin(new MacKey(key)));
        mac.update(buffer, pad, data.length);
        assertEquals(MacResult.OK, mac.finishAndVerify(out, 3));
    }

    @Property(tries = 1000)
    void tagInsideRecordIsSkippedAndVerifies(
        @ForAll @Size(min = 1, max = 100) final byte[] key,
        @ForAll @Size(min = HmacSha256.TAG_LENGTH, max = 600) final byte[] record,
        @ForAll @IntRange(max = 10_000) final int tagSeed,
        @ForAll final boolean offHeap,
        @ForAll @IntRange(max = 599) final int flipSeed) throws GeneralSecurityException
    {
        final int tagOffset = tagSeed % (record.length - HmacSha256.TAG_LENGTH + 1);
        final MutableDirectBuffer buffer = buffer(offHeap, record.length + 4);
        buffer.putBytes(4, record);
        final MacKey macKey = new MacKey(key);

        assertEquals(MacResult.OK, mac.signSkippingTag(macKey, buffer, 4, record.length, 4 + tagOffset));

        final byte[] signed = new byte[record.length];
        buffer.getBytes(4, signed);
        final byte[] withoutTag = new byte[record.length - HmacSha256.TAG_LENGTH];
        System.arraycopy(signed, 0, withoutTag, 0, tagOffset);
        System.arraycopy(signed, tagOffset + HmacSha256.TAG_LENGTH, withoutTag, tagOffset,
            record.length - tagOffset - HmacSha256.TAG_LENGTH);
        final byte[] tag = new byte[HmacSha256.TAG_LENGTH];
        System.arraycopy(signed, tagOffset, tag, 0, tag.length);
        assertArrayEquals(jdkMac(key, withoutTag, 0, withoutTag.length), tag);

        assertEquals(MacResult.OK, mac.verifySkippingTag(macKey, buffer, 4, record.length, 4 + tagOffset));

        // Any single flipped bit, in the data or in the tag, must be refused.
        final int flip = 4 + flipSeed % record.length;
        buffer.putByte(flip, (byte) (buffer.getByte(flip) ^ 1));
        assertEquals(MacResult.TAG_MISMATCH, mac.verifySkippingTag(macKey, buffer, 4, record.length, 4 + tagOffset));
    }

    @Provide
    Arbitrary<int[]> splits()
    {
        return Arbitraries.integers().between(0, 700).array(int[].class).ofMaxSize(6).map((cuts) ->
        {
            java.util.Arrays.sort(cuts);
            return cuts;
        });
    }

    static MutableDirectBuffer buffer(final boolean offHeap, final int capacity)
    {
        return offHeap ? new UnsafeBuffer(ByteBuffer.allocateDirect(capacity)) : new UnsafeBuffer(new byte[capacity]);
    }

    /**
     * Every way an Agrona buffer can hold bytes: an array, part of an array, a direct buffer, a slice of a heap
     * buffer (array offset), a slice of a direct buffer, a raw address.
     */
    static MutableDirectBuffer buffer(final int kind, final int capacity)
    {
        switch (kind)
        {
            case 0:
                return new UnsafeBuffer(new byte[capacity]);
            case 1:
                return new UnsafeBuffer(new byte[capacity + 13], 5, capacity);
            case 2:
                return new UnsafeBuffer(ByteBuffer.allocateDirect(capacity));
            case 3:
                return new UnsafeBuffer(ByteBuffer.wrap(new byte[capacity + 11], 7, capacity).slice());
            case 4:
                return new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + 9).position(9).slice());
            default:
                final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity + 3));
                return new UnsafeBuffer(direct.addressOffset() + 3, capacity);
        }
    }

    @Property(tries = 1000)
    void everyBufferKindGivesTheJdkTag(
        @ForAll @Size(min = 1, max = 80) final byte[] key,
        @ForAll @Size(max = 3000) final byte[] data,
        @ForAll @IntRange(max = 5) final int kind,
        @ForAll @IntRange(max = 5) final int outKind) throws GeneralSecurityException
    {
        final MutableDirectBuffer in = buffer(kind, data.length + 2);
        in.putBytes(2, data);
        final MutableDirectBuffer out = buffer(outKind, HmacSha256.TAG_LENGTH);
        assertEquals(MacResult.OK, mac.sign(new MacKey(key), in, 2, data.length, out, 0));
        final byte[] actual = new byte[HmacSha256.TAG_LENGTH];
        out.getBytes(0, actual);
        assertArrayEquals(jdkMac(key, data, 0, data.length), actual);
    }

    @Property(tries = 3000)
    void hostileOffsetsAndLengthsAreRefusedNeverThrown(
        @ForAll("anyInt") final int offset,
        @ForAll("anyInt") final int length,
        @ForAll("anyInt") final int tagOffset,
        @ForAll @IntRange(max = 5) final int kind)
    {
        final MutableDirectBuffer buffer = buffer(kind, 100);
        final MacKey macKey = new MacKey(new byte[]{1});
        final boolean valid = offset >= 0 && length >= HmacSha256.TAG_LENGTH && length <= 100 - offset &&
            tagOffset >= offset && tagOffset - offset <= length - HmacSha256.TAG_LENGTH;
        final MacResult signed = mac.signSkippingTag(macKey, buffer, offset, length, tagOffset);
        assertEquals(valid ? MacResult.OK : MacResult.OUT_OF_BOUNDS, signed);
        assertEquals(valid ? MacResult.OK : MacResult.OUT_OF_BOUNDS,
            mac.verifySkippingTag(macKey, buffer, offset, length, tagOffset));
        final boolean rangeValid = offset >= 0 && length >= 0 && length <= 100 - offset;
        final boolean tagValid = tagOffset >= 0 && tagOffset <= 100 - HmacSha256.TAG_LENGTH;
        assertEquals(rangeValid && tagValid ? MacResult.OK : MacResult.OUT_OF_BOUNDS,
            mac.sign(macKey, buffer, offset, length, buffer, tagOffset));
    }

    @Provide
    Arbitrary<Integer> anyInt()
    {
        return Arbitraries.oneOf(
            Arbitraries.integers().between(-40, 140),
            Arbitraries.integers(),
            Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE - 31, -32, 68, 69));
    }

    static byte[] jdkMac(final byte[] key, final byte[] data, final int offset, final int length)
            throws GeneralSecurityException
    {
        final Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(key, "HmacSHA256"));
        jdk.update(data, offset, length);
        return jdk.doFinal();
    }
}
