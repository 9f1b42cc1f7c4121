package io.bastion.security.aead;

/**
 * The AEADs of the JDK a channel may encrypt with. Both take a 256-bit key and a 96-bit nonce and give a 128-bit tag,
 * so a frame's layout does not depend on the choice.
 * <p>
 * Thread safety: immutable.
 */
public enum AeadAlgorithm
{
    /** AES-256 in Galois/Counter mode (NIST SP 800-38D): AES-NI and carry-less multiply intrinsics on x86. */
    AES_GCM("AES/GCM/NoPadding", "AES"),

    /** ChaCha20-Poly1305 (RFC 8439): constant time in pure software. */
    CHACHA20_POLY1305("ChaCha20-Poly1305", "ChaCha20");

    private final String transformation;
    private final String keyAlgorithm;

    AeadAlgorithm(final String transformation, final String keyAlgorithm)
    {
        this.transformation = transformation;
        this.keyAlgorithm = keyAlgorithm;
    }

    /**
     * The JCA transformation, for {@link javax.crypto.Cipher#getInstance(String)}.
     *
     * @return the name.
     */
    public String transformation()
    {
        return transformation;
    }

    /**
     * The JCA algorithm of the key.
     *
     * @return the name.
     */
    public String keyAlgorithm()
    {
        return keyAlgorithm;
    }
}
