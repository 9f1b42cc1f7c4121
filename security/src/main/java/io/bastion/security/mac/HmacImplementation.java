package io.bastion.security.mac;

/**
 * How an {@link HmacSha256} engine computes its tags. Every implementation gives bit-identical tags (each one but
 * {@link #PADS} must pass a self-test against RFC 4231 and {@code javax.crypto.Mac} before it is used); they differ in
 * speed and in what they need from the JVM. {@link HmacSha256#implementation()} names the one chosen by default.
 */
public enum HmacImplementation
{
    /**
     * The JDK's own SHA-256 (CPU SHA instructions where present), restarted per tag from the key's midstates by
     * writing its private chaining state: 3 compressions for a 64-byte message where {@link #PADS} needs 5. Needs
     * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}; unavailable without it, or on a JDK whose
     * SHA-256 provider class differs from what Bastion knows, or when the self-test fails.
     */
    JDK_STATE("jdk-state"),

    /**
     * A plain Java SHA-256 compression, restarted per tag from the key's midstates. Needs nothing from the JVM, but
     * runs no CPU SHA instructions: slower than {@link #PADS} where HotSpot intrinsifies SHA-256, so never the default;
     * only used when named.
     */
    PURE_JAVA("pure-java"),

    /**
     * A public {@link java.security.MessageDigest} fed the key's padded blocks on every tag, as {@code
     * javax.crypto.Mac} does, without its allocation. Always available: the fallback.
     */
    PADS("pads");

    private final String id;

    HmacImplementation(final String id)
    {
        this.id = id;
    }

    /**
     * The name of this implementation in the {@code bastion.hmac.impl} system property and in benchmark output.
     *
     * @return e.g. {@code "jdk-state"}.
     */
    public String id()
    {
        return id;
    }

    /**
     * Can engines of this implementation be built in this JVM? Runs the self-tests on first use (once per JVM).
     *
     * @return true if it is reachable and passed its self-test.
     */
    public boolean isAvailable()
    {
        return HmacEngines.unavailableReason(this).isEmpty();
    }

    /**
     * Why this implementation is unavailable, for operators and test reports.
     *
     * @return the empty string if available; otherwise the reason, e.g. the access error without the add-opens.
     */
    public String unavailableReason()
    {
        return HmacEngines.unavailableReason(this);
    }

    /**
     * The implementation of an {@link #id()}.
     *
     * @param id e.g. {@code "pure-java"}.
     * @return the implementation.
     * @throws IllegalArgumentException if no implementation has that id.
     */
    public static HmacImplementation fromId(final String id)
    {
        for (final HmacImplementation implementation : values())
        {
            if (implementation.id.equals(id))
            {
                return implementation;
            }
        }
        throw new IllegalArgumentException("unknown HMAC implementation: " + id);
    }
}
