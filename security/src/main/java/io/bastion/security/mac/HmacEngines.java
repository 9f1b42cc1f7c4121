package io.bastion.security.mac;

import java.util.function.Supplier;

/**
 * Which {@link HmacEngine} implementations this JVM can use, and which one {@link HmacSha256} uses by default: decided
 * once per implementation, by reaching it and running {@link HmacSelfTest} on it, when first asked (the default's
 * candidates at class initialisation, {@link HmacImplementation#PURE_JAVA} only if it is named).
 * <p>
 * The default is the first available of {@link #PREFERENCE}, fastest first as measured by {@code MacBenchmark}
 * (see {@code docs/fast-hmac.md}). The system property {@value #IMPL_PROPERTY} (an {@link HmacImplementation#id()})
 * puts one implementation first; an unknown or unavailable value is ignored, so a property can never leave the
 * library without a working HMAC.
 */
final class HmacEngines
{
    /** System property naming the implementation to prefer, e.g. {@code -Dbastion.hmac.impl=pads}. */
    static final String IMPL_PROPERTY = "bastion.hmac.impl";

    /**
     * Fastest first. {@link HmacImplementation#PURE_JAVA} is not in the list: its 3 compressions in plain Java take
     * longer than the 5 intrinsified ones of {@link HmacImplementation#PADS} (MacBenchmark, 64 and 256 bytes), so it
     * is only used when named.
     */
    private static final HmacImplementation[] PREFERENCE = {HmacImplementation.JDK_STATE, HmacImplementation.PADS};

    private static final HmacImplementation DEFAULT = choose(requested());

    private HmacEngines()
    {
    }

    /**
     * The implementation {@link HmacSha256#HmacSha256()} uses.
     *
     * @return the preferred available implementation.
     */
    static HmacImplementation defaultImplementation()
    {
        return DEFAULT;
    }

    /**
     * Why an implementation is unavailable.
     *
     * @param implementation to ask about.
     * @return the empty string if available.
     */
    static String unavailableReason(final HmacImplementation implementation)
    {
        switch (implementation)
        {
            case JDK_STATE:
                return JdkStateCheck.REASON;
            case PURE_JAVA:
                return PureJavaCheck.REASON;
            default:
                // The reference path, built on the public MessageDigest: the fallback needs no self-test.
                return "";
        }
    }

    /**
     * A new engine of an available implementation.
     *
     * @param implementation which one.
     * @return the engine.
     * @throws IllegalArgumentException if the implementation is unavailable in this JVM.
     */
    static HmacEngine newEngine(final HmacImplementation implementation)
    {
        final String reason = unavailableReason(implementation);
        if (!reason.isEmpty())
        {
            throw new IllegalArgumentException(implementation.id() + " is unavailable: " + reason);
        }
        return factory(implementation).get();
    }

    private static Supplier<HmacEngine> factory(final HmacImplementation implementation)
    {
        switch (implementation)
        {
            case JDK_STATE:
                return JdkStateHmacEngine::new;
            case PURE_JAVA:
                return PureJavaHmacEngine::new;
            default:
                return PadHmacEngine::new;
        }
    }

    private static String check(final HmacImplementation implementation)
    {
        if (HmacImplementation.JDK_STATE == implementation)
        {
            final String access = JdkSha256Access.unavailableReason();
            if (!access.isEmpty())
            {
                return "cannot reach the JDK's SHA-256 (run with --add-opens "
                    + "java.base/sun.security.provider=ALL-UNNAMED): " + access;
            }
        }
        final String failure = HmacSelfTest.run(factory(implementation));
        return failure.isEmpty() ? "" : "self-test failed: " + failure;
    }

    private static HmacImplementation requested()
    {
        try
        {
            final String id = System.getProperty(IMPL_PROPERTY);
            return null == id ? null : HmacImplementation.fromId(id.trim());
        }
        catch (final IllegalArgumentException | SecurityException ex)
        {
            return null;
        }
    }

    private static HmacImplementation choose(final HmacImplementation requested)
    {
        if (null != requested && unavailableReason(requested).isEmpty())
        {
            return requested;
        }
        for (final HmacImplementation implementation : PREFERENCE)
        {
            if (unavailableReason(implementation).isEmpty())
            {
                return implementation;
            }
        }
        return HmacImplementation.PADS;
    }

    /** The check of {@link HmacImplementation#JDK_STATE}, run when first needed (class initialisation is lazy). */
    private static final class JdkStateCheck
    {
        static final String REASON = check(HmacImplementation.JDK_STATE);
    }

    /** The check of {@link HmacImplementation#PURE_JAVA}, run only if that implementation is asked about. */
    private static final class PureJavaCheck
    {
        static final String REASON = check(HmacImplementation.PURE_JAVA);
    }
}
