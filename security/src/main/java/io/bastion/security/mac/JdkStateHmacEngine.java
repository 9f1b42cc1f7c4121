package io.bastion.security.mac;

import java.security.MessageDigestSpi;
import java.util.Arrays;

/**
 * {@link HmacImplementation#JDK_STATE}: the JDK's own SHA-256 (its compression intrinsified by HotSpot, with the CPU's
 * SHA instructions where present), restarted per tag from the key's midstates instead of re-hashing the pad blocks.
 * <p>
 * Per tag: write the inner midstate into the digest's chaining state and set its counters to one block consumed
 * ({@link JdkSha256Access#resume}); update with the message; digest into a scratch array; write the outer midstate
 * and set the counters again; update with the inner hash; digest into the tag. The digest pads and counts as for any
 * message whose first block was the pad block, so the tag is the HMAC. Nothing is cloned or allocated; the digest is
 * reached directly, not through a {@link java.security.MessageDigest} wrapper.
 */
final class JdkStateHmacEngine extends HmacEngine
{
    private final MessageDigestSpi digest = JdkSha256Access.newDigest();
    private final int[] state = JdkSha256Access.state(digest);
    private final byte[] innerHash = new byte[HmacSha256.TAG_LENGTH];

    @Override
    HmacImplementation implementation()
    {
        return HmacImplementation.JDK_STATE;
    }

    @Override
    void start(final MacKey key)
    {
        System.arraycopy(key.innerState, 0, state, 0, Sha256Compression.STATE_INTS);
        JdkSha256Access.resume(digest, MacKey.BLOCK_LENGTH);
    }

    @Override
    void update(final byte[] src, final int offset, final int length)
    {
        JdkSha256Access.update(digest, src, offset, length);
    }

    @Override
    boolean finish(final MacKey key, final byte[] tag)
    {
        final MessageDigestSpi digest = this.digest;
        if (!JdkSha256Access.digest(digest, innerHash, 0))
        {
            abandon();
            return false;
        }
        System.arraycopy(key.outerState, 0, state, 0, Sha256Compression.STATE_INTS);
        JdkSha256Access.resume(digest, MacKey.BLOCK_LENGTH);
        JdkSha256Access.update(digest, innerHash, 0, HmacSha256.TAG_LENGTH);
        if (!JdkSha256Access.digest(digest, tag, 0))
        {
            abandon();
            return false;
        }
        return true;
    }

    @Override
    void abandon()
    {
        // The state may hold the inner midstate (key-equivalent) or a hash of it: do not leave it behind.
        Arrays.fill(state, 0);
        JdkSha256Access.markDigested(digest);
    }
}
