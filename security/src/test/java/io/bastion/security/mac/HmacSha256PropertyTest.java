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

    static byte[] jdkMac(final byte[] key, final byte[] data, final int offset, final int length)
            throws GeneralSecurityException
    {
        final Mac jdk = Mac.getInstance("HmacSHA256");
        jdk.init(new SecretKeySpec(key, "HmacSHA256"));
        jdk.update(data, offset, length);
        return jdk.doFinal();
    }
}
