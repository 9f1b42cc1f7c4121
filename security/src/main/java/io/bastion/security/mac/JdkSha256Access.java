package io.bastion.security.mac;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.security.DigestException;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;

/**
 * Reflective access to the JDK's own SHA-256 ({@code sun.security.provider.SHA2$SHA256} of the {@code SUN} provider)
 * for {@link JdkStateHmacEngine}: its chaining state, its block counters and its update and digest methods, which run
 * HotSpot's SHA-256 intrinsics. Found once, at class initialisation, with
 * {@link MethodHandles#privateLookupIn(Class, MethodHandles.Lookup)}, which needs the JVM option
 * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}.
 * <p>
 * The fields, in JDK 17 to 25: {@code DigestBase} holds {@code byte[] buffer} (a partial block), {@code int bufOfs}
 * (bytes in it) and {@code long bytesProcessed} (message bytes so far; negative once digested, which makes the next
 * update reset the digest); {@code SHA2} holds {@code int[] state} (the eight-int chaining state, updated in place by
 * the compression, its intrinsic included). If any of them is missing, of another type, or not accessible, the access
 * is unavailable and {@link #unavailableReason()} says why: nothing here ever throws to a caller.
 */
final class JdkSha256Access
{
    private static final String PROVIDER = "SUN";
    private static final String DIGEST_BASE = "sun.security.provider.DigestBase";
    private static final String SHA2 = "sun.security.provider.SHA2";

    private static final VarHandle STATE;
    private static final VarHandle BUF_OFS;
    private static final VarHandle BYTES_PROCESSED;
    private static final MethodHandle ENGINE_UPDATE;
    private static final MethodHandle ENGINE_DIGEST;
    private static final String UNAVAILABLE_REASON;

    static
    {
        VarHandle state = null;
        VarHandle bufOfs = null;
        VarHandle bytesProcessed = null;
        MethodHandle engineUpdate = null;
        MethodHandle engineDigest = null;
        String reason = "";
        try
        {
            final Class<?> digestBase = Class.forName(DIGEST_BASE, false, null);
            final Class<?> sha2 = Class.forName(SHA2, false, null);
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            final MethodHandles.Lookup inDigestBase = MethodHandles.privateLookupIn(digestBase, lookup);
            final MethodHandles.Lookup inSha2 = MethodHandles.privateLookupIn(sha2, lookup);

            state = inSha2.findVarHandle(sha2, "state", int[].class);
            bufOfs = inDigestBase.findVarHandle(digestBase, "bufOfs", int.class);
            bytesProcessed = inDigestBase.findVarHandle(digestBase, "bytesProcessed", long.class);
            engineUpdate = inDigestBase.findVirtual(
                digestBase, "engineUpdate", MethodType.methodType(void.class, byte[].class, int.class, int.class))
                .asType(MethodType.methodType(
                    void.class, MessageDigestSpi.class, byte[].class, int.class, int.class));
            engineDigest = inDigestBase.findVirtual(
                digestBase, "engineDigest", MethodType.methodType(int.class, byte[].class, int.class, int.class))
                .asType(MethodType.methodType(
                    int.class, MessageDigestSpi.class, byte[].class, int.class, int.class));

            final MessageDigestSpi probe = newDigest(sha2);
            final int[] probeState = (int[]) state.get(probe);
            if (null == probeState || Sha256Compression.STATE_INTS != probeState.length)
            {
                throw new IllegalStateException("SHA2.state is not eight ints");
            }
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            reason = ex.toString();
        }

        final boolean available = reason.isEmpty();
        STATE = available ? state : null;
        BUF_OFS = available ? bufOfs : null;
        BYTES_PROCESSED = available ? bytesProcessed : null;
        ENGINE_UPDATE = available ? engineUpdate : null;
        ENGINE_DIGEST = available ? engineDigest : null;
        UNAVAILABLE_REASON = reason;
    }

    private JdkSha256Access()
    {
    }

    /**
     * Why the JDK's SHA-256 cannot be reached.
     *
     * @return the empty string if it can; otherwise the error met, e.g. the access refused without the add-opens.
     */
    static String unavailableReason()
    {
        return UNAVAILABLE_REASON;
    }

    /**
     * A new SHA-256 digest of the {@code SUN} provider, as its service object (not wrapped in a
     * {@link java.security.MessageDigest}).
     *
     * @return the digest.
     * @throws IllegalStateException if the access is unavailable or the provider gives something else.
     */
    static MessageDigestSpi newDigest()
    {
        if (!UNAVAILABLE_REASON.isEmpty())
        {
            throw new IllegalStateException("JDK SHA-256 unavailable: " + UNAVAILABLE_REASON);
        }
        try
        {
            return newDigest(Class.forName(SHA2, false, null));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * The chaining state array of a digest: the array itself, which the digest updates in place.
     *
     * @param digest from {@link #newDigest()}.
     * @return its eight-int state.
     */
    static int[] state(final MessageDigestSpi digest)
    {
        return (int[]) STATE.get(digest);
    }

    /**
     * Make a digest continue from a chaining state that has consumed {@code bytesProcessed} bytes, a whole number of
     * blocks: its partial block is emptied and its counter set, so its next update neither resets it nor mixes in old
     * bytes. The caller has written the state into {@link #state(MessageDigestSpi)}.
     *
     * @param digest         from {@link #newDigest()}.
     * @param bytesProcessed bytes the state stands for; a multiple of 64.
     */
    static void resume(final MessageDigestSpi digest, final long bytesProcessed)
    {
        BUF_OFS.set(digest, 0);
        BYTES_PROCESSED.set(digest, bytesProcessed);
    }

    /**
     * Mark a digest finished, so that its next update resets it to the initial state.
     *
     * @param digest from {@link #newDigest()}.
     */
    static void markDigested(final MessageDigestSpi digest)
    {
        BUF_OFS.set(digest, 0);
        BYTES_PROCESSED.set(digest, -1L);
    }

    /**
     * {@code digest.engineUpdate(src, offset, length)}.
     *
     * @param digest from {@link #newDigest()}.
     * @param src    array holding the bytes.
     * @param offset of the first byte.
     * @param length number of bytes.
     */
    static void update(final MessageDigestSpi digest, final byte[] src, final int offset, final int length)
    {
        try
        {
            ENGINE_UPDATE.invokeExact(digest, src, offset, length);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            // engineUpdate declares no checked exception.
            throw new IllegalStateException(ex);
        }
    }

    /**
     * {@code digest.engineDigest(out, offset, 32)}: pad, compress, write the hash, mark the digest finished.
     *
     * @param digest from {@link #newDigest()}.
     * @param out    array to receive 32 bytes.
     * @param offset of the first of them.
     * @return true if written; false if the digest refused the output range (not expected).
     */
    static boolean digest(final MessageDigestSpi digest, final byte[] out, final int offset)
    {
        try
        {
            final int written = (int) ENGINE_DIGEST.invokeExact(digest, out, offset, HmacSha256.TAG_LENGTH);
            return HmacSha256.TAG_LENGTH == written;
        }
        catch (final DigestException ex)
        {
            return false;
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static MessageDigestSpi newDigest(final Class<?> sha2) throws ReflectiveOperationException
    {
        final Provider provider = Security.getProvider(PROVIDER);
        if (null == provider)
        {
            throw new ClassNotFoundException("no " + PROVIDER + " provider");
        }
        final Provider.Service service = provider.getService("MessageDigest", "SHA-256");
        if (null == service)
        {
            throw new ClassNotFoundException("no SHA-256 in the " + PROVIDER + " provider");
        }
        final Object digest;
        try
        {
            digest = service.newInstance(null);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new ClassNotFoundException("cannot instantiate SHA-256", ex);
        }
        if (!sha2.isInstance(digest) || !(digest instanceof MessageDigestSpi))
        {
            throw new ClassCastException("SUN SHA-256 is a " + digest.getClass().getName() + ", not a " + SHA2);
        }
        return (MessageDigestSpi) digest;
    }
}
