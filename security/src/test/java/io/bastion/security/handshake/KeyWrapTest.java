package io.bastion.security.handshake;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A wrapped key opens only under the same control key and for the same channel, producer and key id, and not after
 * any bit of it changed.
 */
class KeyWrapTest
{
    private final byte[] control = filled(0x11);
    private final byte[] key = filled(0x22);

    @Test
    void opensForTheSameIdentityOnly()
    {
        final byte[] sealed = KeyWrap.seal(control, 1, 2, 3, key);
        assertEquals(KeyWrap.SEALED_LENGTH, sealed.length);
        assertArrayEquals(key, KeyWrap.open(control, 1, 2, 3, sealed));
        assertFalse(Arrays.equals(sealed, KeyWrap.seal(control, 1, 2, 3, key)), "a fresh nonce each time");

        assertNull(KeyWrap.open(filled(0x12), 1, 2, 3, sealed), "another session's control key");
        assertNull(KeyWrap.open(control, 9, 2, 3, sealed), "another channel");
        assertNull(KeyWrap.open(control, 1, 9, 3, sealed), "another producer");
        assertNull(KeyWrap.open(control, 1, 2, 9, sealed), "another key id");
        assertNull(KeyWrap.open(control, 1, 2, 3, Arrays.copyOf(sealed, sealed.length - 1)));
        assertNull(KeyWrap.open(control, 1, 2, 3, null));
        for (int i = 0; i < sealed.length * 8; i++)
        {
            final byte[] flipped = sealed.clone();
            flipped[i / 8] ^= (byte)(1 << (i % 8));
            assertNull(KeyWrap.open(control, 1, 2, 3, flipped), "bit " + i);
        }
    }

    private static byte[] filled(final int value)
    {
        final byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }
}
