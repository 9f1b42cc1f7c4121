package io.bastion.security.keys;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key copies our code makes are zeroed after use, and the SunJCE engines' own copies are zeroed or overwritten
 * by the scrub. Reads private fields by reflection (the JDK's through the test-only opens in security/pom.xml).
 */
class SecretKeysTest
{
    private static final byte[] KEY = filled(0x4B, 32);
    private static final byte[] DATA = "what the MAC covers".getBytes(StandardCharsets.US_ASCII);

    @Test
    void destroyableKeyCopiesHandsOutCopiesAndZeroesItsOwn() throws Exception
    {
        final byte[] source = KEY.clone();
        final DestroyableSecretKey key = new DestroyableSecretKey(source, 0, source.length, "HmacSHA256");
        final byte[] inside = internalCopy(key);
        Arrays.fill(source, (byte) 0);
        assertArrayEquals(KEY, inside, "the constructor copies");
        final byte[] encoded = key.getEncoded();
        Arrays.fill(encoded, (byte) 1);
        assertArrayEquals(KEY, key.getEncoded(), "getEncoded hands out a copy");
        assertEquals("RAW", key.getFormat());
        assertEquals("HmacSHA256", key.getAlgorithm());
        assertFalse(key.toString().contains("4b") || key.toString().contains("75"), key.toString());

        key.close();
        assertTrue(key.isDestroyed());
        assertAllZero(inside);
        assertThrows(IllegalStateException.class, key::getEncoded);
        key.destroy();
        assertThrows(NotSerializableException.class,
            () -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(new DestroyableSecretKey(KEY, "A")));
        assertThrows(IllegalArgumentException.class, () -> new DestroyableSecretKey(new byte[0], "A"));
        assertThrows(IllegalArgumentException.class, () -> new DestroyableSecretKey(KEY, 30, 3, "A"));
        assertThrows(IllegalArgumentException.class, () -> new DestroyableSecretKey(KEY, null));
    }

    @Test
    void keyedMacComputesTheSameTagAndZeroesTheKeyItWasGiven() throws Exception
    {
        final DestroyableSecretKey key = new DestroyableSecretKey(KEY, "HmacSHA256");
        final byte[] inside = internalCopy(key);
        final Mac mac = SecretKeys.keyedMac("HmacSHA256", key);
        assertTrue(key.isDestroyed());
        assertAllZero(inside);

        final Mac reference = Mac.getInstance("HmacSHA256");
        reference.init(new SecretKeySpec(KEY, "HmacSHA256"));
        assertArrayEquals(reference.doFinal(DATA), mac.doFinal(DATA));
        assertArrayEquals(reference.doFinal(DATA), SecretKeys.keyedMac("HmacSHA256", KEY).doFinal(DATA));

        final DestroyableSecretKey refused = new DestroyableSecretKey(KEY, "NoSuchMac");
        final byte[] refusedInside = internalCopy(refused);
        assertThrows(NoSuchAlgorithmException.class, () -> SecretKeys.keyedMac("NoSuchMac", refused));
        assertAllZero(refusedInside);
    }

    @Test
    void keyedCipherRoundTripsAndZeroesTheKeyItWasGiven() throws Exception
    {
        final GCMParameterSpec params = new GCMParameterSpec(128, filled(0x01, 12));
        final DestroyableSecretKey key = new DestroyableSecretKey(KEY, "AES");
        final byte[] inside = internalCopy(key);
        final Cipher encrypt = SecretKeys.keyedCipher("AES/GCM/NoPadding", Cipher.ENCRYPT_MODE, key, params);
        assertAllZero(inside);
        final byte[] sealed = encrypt.doFinal(DATA);
        final Cipher decrypt = SecretKeys.keyedCipher("AES/GCM/NoPadding", Cipher.DECRYPT_MODE, KEY, "AES", params);
        assertArrayEquals(DATA, decrypt.doFinal(sealed));

        final DestroyableSecretKey tooShort = new DestroyableSecretKey(KEY, 0, 5, "AES");
        final byte[] shortInside = internalCopy(tooShort);
        assertThrows(GeneralSecurityException.class,
            () -> SecretKeys.keyedCipher("AES/GCM/NoPadding", Cipher.ENCRYPT_MODE, tooShort, params));
        assertAllZero(shortInside);
    }

    @Test
    void scrubOverwritesTheHmacEnginesPads() throws Exception
    {
        final Mac mac = SecretKeys.keyedMac("HmacSHA256", KEY);
        mac.doFinal(DATA);
        final Object spi = field(mac, "spi");
        final byte[] innerPad = (byte[]) field(spi, "k_ipad");
        final byte[] outerPad = (byte[]) field(spi, "k_opad");
        assertEquals((byte) (KEY[0] ^ 0x36), innerPad[0], "the engine holds the key as K xor ipad");
        assertEquals((byte) (KEY[0] ^ 0x5c), outerPad[0]);

        assertTrue(SecretKeys.scrub(mac));
        assertSame(innerPad, field(spi, "k_ipad"), "re-keying writes into the same arrays");
        for (int i = 0; i < innerPad.length; i++)
        {
            assertEquals(0x36, innerPad[i]);
            assertEquals(0x5c, outerPad[i]);
        }
    }

    @Test
    void scrubZeroesTheAesGcmEnginesKeyCopiesAndRoundKeys() throws Exception
    {
        final GCMParameterSpec params = new GCMParameterSpec(128, filled(0x02, 12));
        final Cipher cipher = SecretKeys.keyedCipher("AES/GCM/NoPadding", Cipher.ENCRYPT_MODE, KEY, "AES", params);
        cipher.doFinal(DATA);
        final Object spi = field(cipher, "spi");
        final List<Object> copies = new ArrayList<>();
        copies.add(field(spi, "lastKey"));
        final Object aes = field(spi, "blockCipher");
        copies.add(field(aes, "lastKey"));
        for (final int[] roundKeys : (int[][]) field(aes, "sessionK"))
        {
            copies.add(roundKeys);
        }
        assertArrayEquals(KEY, (byte[]) copies.get(0), "this is the engine's copy of the key");
        assertArrayEquals(KEY, (byte[]) copies.get(1));

        final GCMParameterSpec zeroNonce = new GCMParameterSpec(128, new byte[12]);
        assertTrue(SecretKeys.scrub(cipher, 32, zeroNonce));
        assertTrue(SecretKeys.scrub(cipher, 32, zeroNonce), "a second scrub falls back to decryption mode");
        for (final Object copy : copies)
        {
            if (copy instanceof byte[])
            {
                assertAllZero((byte[]) copy);
            }
            else
            {
                assertEquals(0, Arrays.stream((int[]) copy).reduce(0, (a, b) -> a | b), "round keys zeroed");
            }
        }
    }

    @Test
    void hkdfStillMatchesRfc5869AfterTheChange()
    {
        // RFC 5869 test case 3: zero-length salt and info.
        final byte[] ikm = filled(0x0b, 22);
        final byte[] okm = Hkdf.derive(null, ikm, null, 42);
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
            hex(okm));
    }

    private static void assertSame(final Object expected, final Object actual, final String message)
    {
        assertTrue(expected == actual, message);
    }

    private static byte[] internalCopy(final DestroyableSecretKey key) throws Exception
    {
        return (byte[]) field(key, "key");
    }

    private static Object field(final Object owner, final String name) throws Exception
    {
        for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass())
        {
            try
            {
                final Field field = type.getDeclaredField(name);
                try
                {
                    field.setAccessible(true);
                }
                catch (final RuntimeException ex)
                {
                    Assumptions.abort("cannot open " + type.getName() + "." + name + ": " + ex);
                }
                return field.get(owner);
            }
            catch (final NoSuchFieldException ex)
            {
                // look in the superclass
            }
        }
        Assumptions.abort("this JDK's " + owner.getClass().getName() + " has no field " + name);
        return null;
    }

    private static void assertAllZero(final byte[] bytes)
    {
        for (final byte b : bytes)
        {
            assertEquals(0, b, "zeroed");
        }
    }

    private static byte[] filled(final int value, final int length)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static String hex(final byte[] bytes)
    {
        final StringBuilder text = new StringBuilder();
        for (final byte b : bytes)
        {
            text.append(String.format("%02x", b & 0xFF));
        }
        return text.toString();
    }
}
