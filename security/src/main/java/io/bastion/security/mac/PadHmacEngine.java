package io.bastion.security.mac;

import java.security.DigestException;
import java.security.MessageDigest;

/**
 * {@link HmacImplementation#PADS}: a public JDK {@link MessageDigest} for SHA-256 fed the key's inner pad block and the
 * message, finished into a scratch array with {@link MessageDigest#digest(byte[], int, int)}, then fed the outer pad
 * block and the inner hash and finished again. The same work {@code javax.crypto.Mac} does, minus its allocation; it
 * needs nothing from the JVM, so it is the fallback.
 */
final class PadHmacEngine extends HmacEngine
{
    private final MessageDigest digest = MacKey.newSha256();
    private final byte[] innerHash = new byte[HmacSha256.TAG_LENGTH];

    @Override
    HmacImplementation implementation()
    {
        return HmacImplementation.PADS;
    }

    @Override
    void start(final MacKey key)
    {
        digest.update(key.innerPad, 0, MacKey.BLOCK_LENGTH);
    }

    @Override
    void update(final byte[] src, final int offset, final int length)
    {
        digest.update(src, offset, length);
    }

    @Override
    boolean finish(final MacKey key, final byte[] tag)
    {
        try
        {
            digest.digest(innerHash, 0, HmacSha256.TAG_LENGTH);
            digest.update(key.outerPad, 0, MacKey.BLOCK_LENGTH);
            digest.update(innerHash, 0, HmacSha256.TAG_LENGTH);
            digest.digest(tag, 0, HmacSha256.TAG_LENGTH);
            return true;
        }
        catch (final DigestException ex)
        {
            // Cannot happen: the output arrays are exactly one SHA-256 long. Fail closed all the same.
            digest.reset();
            return false;
        }
    }

    @Override
    void abandon()
    {
        digest.reset();
    }
}
