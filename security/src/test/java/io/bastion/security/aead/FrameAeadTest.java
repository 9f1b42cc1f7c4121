package io.bastion.security.aead;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameAeadTest
{
    private static final HexFormat HEX = HexFormat.of();
    private static final int AAD = 0;
    private static final int AAD_LENGTH = 24;
    private static final int TAG = AAD_LENGTH;
    private static final int TEXT = TAG + FrameAead.TAG_LENGTH;

    @Test
    void chacha20Poly1305MatchesTheAeadVectorOfRfc8439() throws Exception
    {
        // RFC 8439, section 2.8.2: nonce 07000000 4041424344454647, that is key id 0x07000000 and that sequence.
        final byte[] key = HEX.parseHex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        final byte[] aad = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
        final byte[] text = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for " +
            "the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        final byte[] frame = layout(aad, text);

        final FrameAead sealer = FrameAead.forSealing(AeadAlgorithm.CHACHA20_POLY1305, key, 0x07000000, Long.MAX_VALUE);
        assertEquals(FrameAead.OK, seal(sealer, frame, aad.length, text.length, 0x4041424344454647L));

        assertEquals("1ae10b594f09e26a7e902ecbd0600691",
            HEX.formatHex(Arrays.copyOfRange(frame, aad.length, aad.length + FrameAead.TAG_LENGTH)));
        assertEquals("d31a8d34648e60db7b86afbc53ef7ec2",
            HEX.formatHex(Arrays.copyOfRange(frame, aad.length + 16, aad.length + 32)), "first ciphertext block");
    }

    @Test
    void aesGcmMatchesTheZeroKeyVectorOfTheGcmSpecification()
    {
        // McGrew and Viega, GCM test case 14: 256-bit zero key, zero nonce (key id 0, sequence 0), one zero block.
        final byte[] frame = new byte[FrameAead.TAG_LENGTH + 16];
        final FrameAead sealer = FrameAead.forSealing(AeadAlgorithm.AES_GCM, new byte[32], 0, Long.MAX_VALUE);

        assertEquals(FrameAead.OK, sealer.seal(frame, 0, 0, FrameAead.TAG_LENGTH, 16, 0, 0));

        assertEquals("cea7403d4d606b6e074ec5d3baf39d18", HEX.formatHex(frame, 16, 32));
        assertEquals("d0d1c8a799996bf0265b98b5d48ab919", HEX.formatHex(frame, 0, 16));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void everyLengthRoundTripsAndIsTheJdksOwnAeadWithTheKeyIdAndSequenceAsNonce(final AeadAlgorithm algorithm)
            throws Exception
    {
        final Random random = new Random(42);
        final byte[] key = randomBytes(random, FrameAead.KEY_LENGTH);
        final FrameAead sealer = FrameAead.forSealing(algorithm, key, 9, Long.MAX_VALUE);
        final FrameAead opener = FrameAead.forOpening(algorithm, key, 9);
        for (int length = 0; length <= 300; length++)
        {
            final byte[] plain = randomBytes(random, TEXT + length);
            final byte[] frame = plain.clone();
            final long sequence = 1000L + length;

            assertEquals(FrameAead.OK, sealer.seal(frame, AAD, AAD_LENGTH, TEXT, length, TAG, sequence));

            final byte[] expected = jdkSeal(algorithm, key, nonce(9, sequence), Arrays.copyOf(plain, AAD_LENGTH),
                Arrays.copyOfRange(plain, TEXT, TEXT + length));
            assertArrayEquals(Arrays.copyOf(expected, length), Arrays.copyOfRange(frame, TEXT, TEXT + length));
            assertArrayEquals(Arrays.copyOfRange(expected, length, length + 16), Arrays.copyOfRange(frame, TAG, TEXT));
            assertArrayEquals(Arrays.copyOf(plain, AAD_LENGTH), Arrays.copyOf(frame, AAD_LENGTH), "header untouched");

            assertEquals(FrameAead.OK, opener.open(frame, AAD, AAD_LENGTH, TEXT, length, TAG, sequence));
            assertArrayEquals(Arrays.copyOfRange(plain, TEXT, TEXT + length),
                Arrays.copyOfRange(frame, TEXT, TEXT + length), "length " + length);
        }
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void everyBitFlipOfHeaderCiphertextOrTagIsRefused(final AeadAlgorithm algorithm)
    {
        final Random random = new Random(7);
        final byte[] key = randomBytes(random, FrameAead.KEY_LENGTH);
        final byte[] sealed = randomBytes(random, TEXT + 40);
        assertEquals(FrameAead.OK,
            FrameAead.forSealing(algorithm, key, 3, Long.MAX_VALUE).seal(sealed, AAD, AAD_LENGTH, TEXT, 40, TAG, 5));
        final FrameAead opener = FrameAead.forOpening(algorithm, key, 3);

        for (int bit = 0; bit < sealed.length * Byte.SIZE; bit++)
        {
            final byte[] frame = sealed.clone();
            frame[bit / Byte.SIZE] ^= (byte)(1 << (bit % Byte.SIZE));
            assertEquals(FrameAead.AUTHENTICATION_FAILED, opener.open(frame, AAD, AAD_LENGTH, TEXT, 40, TAG, 5),
                "bit " + bit);
        }
        assertEquals(FrameAead.OK, opener.open(sealed.clone(), AAD, AAD_LENGTH, TEXT, 40, TAG, 5));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void theWrongKeyKeyIdOrSequenceOpensNothing(final AeadAlgorithm algorithm)
    {
        final Random random = new Random(11);
        final byte[] key = randomBytes(random, FrameAead.KEY_LENGTH);
        final byte[] sealed = randomBytes(random, TEXT + 64);
        assertEquals(FrameAead.OK,
            FrameAead.forSealing(algorithm, key, 3, Long.MAX_VALUE).seal(sealed, AAD, AAD_LENGTH, TEXT, 64, TAG, 5));

        final byte[] otherKey = key.clone();
        otherKey[0] ^= 1;
        assertEquals(FrameAead.AUTHENTICATION_FAILED,
            FrameAead.forOpening(algorithm, otherKey, 3).open(sealed.clone(), AAD, AAD_LENGTH, TEXT, 64, TAG, 5));
        assertEquals(FrameAead.AUTHENTICATION_FAILED,
            FrameAead.forOpening(algorithm, key, 4).open(sealed.clone(), AAD, AAD_LENGTH, TEXT, 64, TAG, 5));
        assertEquals(FrameAead.AUTHENTICATION_FAILED,
            FrameAead.forOpening(algorithm, key, 3).open(sealed.clone(), AAD, AAD_LENGTH, TEXT, 64, TAG, 6));
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void aSmallSequenceSpaceIsExhaustedThenOnlyANewKeySealsAndNoNonceRepeatsUnderAKey(final AeadAlgorithm algorithm)
    {
        final Random random = new Random(13);
        final long limit = 8;
        final Set<String> keyAndNonce = new HashSet<>();
        int keyId = 1;
        long sequence = 0;
        for (int rotation = 0; rotation < 3; rotation++, keyId++)
        {
            final byte[] key = randomBytes(random, FrameAead.KEY_LENGTH);
            final FrameAead sealer = FrameAead.forSealing(algorithm, key, keyId, limit);
            // The sequence carries on across keys; each key seals at most its limit of frames.
            for (; sequence < limit * (rotation + 1); sequence++)
            {
                final byte[] frame = new byte[TEXT + 8];
                assertEquals(FrameAead.OK, sealer.seal(frame, AAD, AAD_LENGTH, TEXT, 8, TAG, sequence));
                assertTrue(keyAndNonce.add(HEX.formatHex(key) + "/" + HEX.formatHex(nonce(keyId, sequence))));
            }
            final byte[] frame = new byte[TEXT + 8];
            final byte[] before = frame.clone();
            assertEquals(FrameAead.SEQUENCE_SPACE_EXHAUSTED,
                sealer.seal(frame, AAD, AAD_LENGTH, TEXT, 8, TAG, sequence));
            assertEquals(FrameAead.SEQUENCE_SPACE_EXHAUSTED,
                sealer.seal(frame, AAD, AAD_LENGTH, TEXT, 8, TAG, sequence + 1000));
            assertArrayEquals(before, frame, "a refused seal writes nothing");
            assertEquals(sequence - 1, sealer.lastSealedSequence());
            assertEquals(limit, sealer.sealedFrames());
        }
        assertEquals(24, keyAndNonce.size());
    }

    @Test
    void theLargestSequenceIsNeverSealed()
    {
        final FrameAead sealer = FrameAead.forSealing(AeadAlgorithm.AES_GCM, new byte[32], 1, Long.MAX_VALUE);
        final byte[] frame = new byte[TEXT + 4];
        assertEquals(FrameAead.OK, sealer.seal(frame, AAD, AAD_LENGTH, TEXT, 4, TAG, Long.MAX_VALUE - 1));
        assertEquals(FrameAead.SEQUENCE_SPACE_EXHAUSTED,
            sealer.seal(frame, AAD, AAD_LENGTH, TEXT, 4, TAG, Long.MAX_VALUE));
    }

    @Test
    void aSequenceNeverSealsTwiceEvenAfterARefusal()
    {
        final FrameAead sealer = FrameAead.forSealing(AeadAlgorithm.AES_GCM, new byte[32], 1, 100);
        final byte[] frame = new byte[TEXT + 4];
        assertEquals(FrameAead.OK, sealer.seal(frame, AAD, AAD_LENGTH, TEXT, 4, TAG, 10));
        assertEquals(FrameAead.SEQUENCE_NOT_INCREASING, sealer.seal(frame, AAD, AAD_LENGTH, TEXT, 4, TAG, 10));
        assertEquals(FrameAead.SEQUENCE_NOT_INCREASING, sealer.seal(frame, AAD, AAD_LENGTH, TEXT, 4, TAG, 3));
        assertEquals(FrameAead.OK, sealer.seal(frame, AAD, AAD_LENGTH, TEXT, 4, TAG, 11));
    }

    @Test
    void badRegionsDirectionsAndDestroyedKeysAreStatusesNotExceptions()
    {
        final FrameAead sealer = FrameAead.forSealing(AeadAlgorithm.CHACHA20_POLY1305, new byte[32], 1, 100);
        final FrameAead opener = FrameAead.forOpening(AeadAlgorithm.CHACHA20_POLY1305, new byte[32], 1);
        final byte[] frame = new byte[TEXT + 4];

        assertEquals(FrameAead.OUT_OF_BOUNDS, sealer.seal(null, 0, 0, TEXT, 4, TAG, 1));
        assertEquals(FrameAead.OUT_OF_BOUNDS, sealer.seal(frame, 0, 0, TEXT, 5, TAG, 1));
        assertEquals(FrameAead.OUT_OF_BOUNDS, sealer.seal(frame, -1, 2, TEXT, 4, TAG, 1));
        assertEquals(FrameAead.OUT_OF_BOUNDS, sealer.seal(frame, 0, 0, TEXT, 4, TEXT - 8, 1), "tag overlaps text");
        assertEquals(FrameAead.OUT_OF_BOUNDS, sealer.seal(frame, 0, 0, TEXT, 4, frame.length - 8, 1));
        assertEquals(FrameAead.OUT_OF_BOUNDS, sealer.seal(frame, 0, 0, TEXT, 4, TAG, -1));
        assertEquals(FrameAead.WRONG_DIRECTION, opener.seal(frame, 0, 0, TEXT, 4, TAG, 1));
        assertEquals(FrameAead.WRONG_DIRECTION, sealer.open(frame, 0, 0, TEXT, 4, TAG, 1));
        assertEquals(-1, sealer.lastSealedSequence(), "no refused call used a nonce");

        sealer.close();
        opener.destroy();
        assertTrue(sealer.isDestroyed());
        assertEquals(FrameAead.KEY_DESTROYED, sealer.seal(frame, 0, 0, TEXT, 4, TAG, 1));
        assertEquals(FrameAead.KEY_DESTROYED, opener.open(frame, 0, 0, TEXT, 4, TAG, 1));
        assertFalse(sealer.toString().contains("0000"), "no key bytes in toString");
    }

    @Test
    void constructionRefusesBadArguments()
    {
        assertThrows(IllegalArgumentException.class,
            () -> FrameAead.forSealing(AeadAlgorithm.AES_GCM, new byte[16], 1, 10));
        assertThrows(IllegalArgumentException.class,
            () -> FrameAead.forSealing(AeadAlgorithm.AES_GCM, new byte[32], 1, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameAead.forOpening(null, new byte[32], 1));
        assertNotEquals(AeadAlgorithm.AES_GCM.transformation(), AeadAlgorithm.CHACHA20_POLY1305.transformation());
    }

    private static int seal(
        final FrameAead sealer, final byte[] frame, final int aadLength, final int textLength, final long sequence)
    {
        return sealer.seal(frame, 0, aadLength, aadLength + FrameAead.TAG_LENGTH, textLength, aadLength, sequence);
    }

    /** Associated data, room for the tag, then the text. */
    private static byte[] layout(final byte[] aad, final byte[] text)
    {
        final byte[] frame = new byte[aad.length + FrameAead.TAG_LENGTH + text.length];
        System.arraycopy(aad, 0, frame, 0, aad.length);
        System.arraycopy(text, 0, frame, aad.length + FrameAead.TAG_LENGTH, text.length);
        return frame;
    }

    private static byte[] jdkSeal(
        final AeadAlgorithm algorithm, final byte[] key, final byte[] nonce, final byte[] aad, final byte[] text)
            throws Exception
    {
        final Cipher cipher = Cipher.getInstance(algorithm.transformation());
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, algorithm.keyAlgorithm()),
            AeadAlgorithm.AES_GCM == algorithm ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce));
        cipher.updateAAD(aad);
        return cipher.doFinal(text);
    }

    private static byte[] nonce(final int keyId, final long sequence)
    {
        return java.nio.ByteBuffer.allocate(FrameAead.NONCE_LENGTH).putInt(keyId).putLong(sequence).array();
    }

    private static byte[] randomBytes(final Random random, final int length)
    {
        final byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
