package io.bastion.security.keys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.bastion.security.mac.MacKey;

/**
 * Derives per-channel, per-direction frame MAC keys from a master secret with HKDF-SHA256 (RFC 5869).
 * <p>
 * {@code key = HKDF(salt, master, info = "bastion/frame-mac/v1" | channelId (4, BE) | direction (1) | keyId (4, BE),
 * 32)}: binding all three into {@code info} means a key for one channel, direction or key id never verifies frames
 * of another. Thread safe; runs at setup and rotation, not per frame.
 */
public final class KeyDerivation
{
    /** Length of a derived frame MAC key in bytes. */
    public static final int KEY_LENGTH = 32;

    private static final byte[] LABEL = "bastion/frame-mac/v1".getBytes(StandardCharsets.US_ASCII);

    private KeyDerivation()
    {
    }

    /**
     * The HKDF {@code info} that binds a derived key to its use.
     *
     * @param channelId channel the key protects.
     * @param direction direction of travel.
     * @param keyId     id of the key.
     * @return a fresh array holding the info bytes.
     */
    public static byte[] info(final int channelId, final KeyDirection direction, final int keyId)
    {
        return ByteBuffer.allocate(LABEL.length + 4 + 1 + 4)
            .order(ByteOrder.BIG_ENDIAN)
            .put(LABEL)
            .putInt(channelId)
            .put(direction.code())
            .putInt(keyId)
            .array();
    }

    /**
     * Derive the raw bytes of a frame MAC key. The caller owns the result and must zero it.
     *
     * @param salt         optional HKDF salt (for instance the handshake transcript hash); null means zeros.
     * @param masterSecret input keying material, at least 16 bytes.
     * @param channelId    channel the key protects.
     * @param direction    direction of travel.
     * @param keyId        id of the key.
     * @return 32 bytes of key material.
     */
    public static byte[] deriveKeyBytes(
        final byte[] salt,
        final byte[] masterSecret,
        final int channelId,
        final KeyDirection direction,
        final int keyId)
    {
        if (masterSecret.length < 16)
        {
            throw new IllegalArgumentException("master secret shorter than 16 bytes");
        }
        return Hkdf.derive(salt, masterSecret, info(channelId, direction, keyId), KEY_LENGTH);
    }

    /**
     * Derive a frame MAC key, zeroing the intermediate key bytes.
     *
     * @param salt         optional HKDF salt; null means zeros.
     * @param masterSecret input keying material, at least 16 bytes.
     * @param channelId    channel the key protects.
     * @param direction    direction of travel.
     * @param keyId        id of the key.
     * @return the key, ready for {@link io.bastion.security.mac.HmacSha256}.
     */
    public static MacKey deriveMacKey(
        final byte[] salt,
        final byte[] masterSecret,
        final int channelId,
        final KeyDirection direction,
        final int keyId)
    {
        final byte[] bytes = deriveKeyBytes(salt, masterSecret, channelId, direction, keyId);
        try
        {
            return new MacKey(bytes);
        }
        finally
        {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
