package io.bastion.security.mac;

import java.security.MessageDigestSpi;

/**
 * {@link HmacImplementation#JDK_STATE}: the midstate construction ({@link MidstateHmacEngine}) on the JDK's own
 * SHA-256 compression, which HotSpot replaces by its intrinsic (the CPU's SHA instructions, or AVX2). The engine owns
 * one JDK SHA-256 digest object, writes the key's midstates straight into that digest's chaining state and has it
 * compress whole blocks (see {@link JdkSha256Access}); the padding, buffering and length count are this engine's own,
 * so the digest's own buffer and counters are never used. Nothing is cloned or allocated per tag.
 */
final class JdkStateHmacEngine extends MidstateHmacEngine
{
    private final MessageDigestSpi digest;

    JdkStateHmacEngine()
    {
        this(JdkSha256Access.newDigest());
    }

    private JdkStateHmacEngine(final MessageDigestSpi digest)
    {
        super(JdkSha256Access.state(digest));
        this.digest = digest;
    }

    @Override
    HmacImplementation implementation()
    {
        return HmacImplementation.JDK_STATE;
    }

    @Override
    void compress(final byte[] src, final int offset, final int blocks)
    {
        JdkSha256Access.compress(digest, src, offset, blocks);
    }
}
