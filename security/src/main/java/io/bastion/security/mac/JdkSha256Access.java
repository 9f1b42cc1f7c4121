package io.bastion.security.mac;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.security.MessageDigestSpi;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;

/**
 * Reflective access to the JDK's own SHA-256 ({@code sun.security.provider.SHA2$SHA256} of the {@code SUN} provider)
 * for {@link JdkStateHmacEngine}: its chaining state and its multi-block compression, which HotSpot intrinsifies. Found
 * once, at class initialisation, with {@link MethodHandles#privateLookupIn(Class, MethodHandles.Lookup)}, which needs
 * the JVM option {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}.
 * <p>
 * What it uses, the same in JDK 17 and 25 ({@code javap -p}): {@code SHA2.state}, an {@code int[8]} that the
 * compression updates in place (the intrinsic included), and {@code DigestBase.implCompressMultiBlock(byte[] b, int
 * ofs, int limit)}, which checks the range and compresses every block that starts at {@code ofs}, {@code ofs + 64},
 * ... up to {@code limit}, through the intrinsic {@code implCompressMultiBlock0}. The digest's own buffer and counters
 * ({@code buffer}, {@code bufOfs}, {@code bytesProcessed}) are never touched. If anything is missing, of another type
 * or not accessible, the access is unavailable and {@link #unavailableReason()} says why: nothing here throws to a
 * caller at class initialisation.
 */
final class JdkSha256Access
{
    private static final String PROVIDER = "SUN";
    private static final String DIGEST_BASE = "sun.security.provider.DigestBase";
    private static final String SHA2 = "sun.security.provider.SHA2";

    private static final VarHandle STATE;
    private static final MethodHandle COMPRESS_MULTI_BLOCK;
    private static final String UNAVAILABLE_REASON;

    static
    {
        VarHandle state = null;
        MethodHandle compressMultiBlock = null;
        String reason = "";
        try
        {
            final Class<?> digestBase = Class.forName(DIGEST_BASE, false, null);
            final Class<?> sha2 = Class.forName(SHA2, false, null);
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            final MethodHandles.Lookup inDigestBase = MethodHandles.privateLookupIn(digestBase, lookup);
            final MethodHandles.Lookup inSha2 = MethodHandles.privateLookupIn(sha2, lookup);

            state = inSha2.findVarHandle(sha2, "state", int[].class);
            compressMultiBlock = inDigestBase.findVirtual(digestBase, "implCompressMultiBlock",
                MethodType.methodType(int.class, byte[].class, int.class, int.class))
                .asType(MethodType.methodType(void.class, MessageDigestSpi.class, byte[].class, int.class, int.class));

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
        COMPRESS_MULTI_BLOCK = available ? compressMultiBlock : null;
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
     * The chaining state array of a digest: the array itself, which its compression updates in place.
     *
     * @param digest from {@link #newDigest()}.
     * @return its eight-int state.
     */
    static int[] state(final MessageDigestSpi digest)
    {
        return (int[]) STATE.get(digest);
    }

    /**
     * Compress whole blocks into the digest's chaining state, with the JDK's (intrinsified) compression.
     *
     * @param digest from {@link #newDigest()}.
     * @param src    array holding the blocks.
     * @param offset of the first block; the caller ensures {@code 64 * blocks} bytes are there.
     * @param blocks number of blocks, at least 1.
     */
    static void compress(final MessageDigestSpi digest, final byte[] src, final int offset, final int blocks)
    {
        try
        {
            COMPRESS_MULTI_BLOCK.invokeExact(
                digest, src, offset, offset + (blocks - 1) * Sha256Compression.BLOCK_LENGTH);
        }
        catch (final RuntimeException | Error ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            // implCompressMultiBlock declares no checked exception.
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
