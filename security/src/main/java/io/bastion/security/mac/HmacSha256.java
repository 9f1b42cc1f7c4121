package io.bastion.security.mac;

import java.util.Arrays;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * HMAC-SHA256 (RFC 2104) over one or more byte ranges of Agrona buffers, writing or checking the 32-byte tag without
 * allocating.
 * <p>
 * Construction, and why: {@code javax.crypto.Mac.doFinal} allocates its result on every call and cloning a pre-keyed
 * digest allocates the clone, so an engine keeps its own preallocated hashing state and, per tag, restarts it from the
 * key. How depends on the {@link HmacImplementation}, chosen once per JVM ({@link #implementation()}):
 * {@link HmacImplementation#JDK_STATE} restarts the JDK's own SHA-256 (which uses the CPU's SHA instructions) from the
 * key's precomputed inner and outer midstates, 3 compressions for a 64-byte message where {@code Mac} does 5; it needs
 * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED}. Without that option, or on a JDK that fails the
 * start-up self-test (RFC 4231 and a comparison with {@code javax.crypto.Mac}), the engine falls back by itself to
 * {@link HmacImplementation#PADS}, which feeds the key's pad blocks to a public {@link java.security.MessageDigest}.
 * Every implementation gives the same tags; none is ever a reason to fail the caller. The system property
 * {@code bastion.hmac.impl} (an {@link HmacImplementation#id()}) puts one implementation first if it is available.
 * <p>
 * Bytes of an off-heap buffer are copied through a preallocated chunk, because the digests only read arrays; bytes of
 * a heap buffer are read from its array directly.
 * <p>
 * Usage, in one call: {@link #sign(MacKey, DirectBuffer, int, int, MutableDirectBuffer, int)},
 * {@link #signSkippingTag(MacKey, MutableDirectBuffer, int, int, int)} and
 * {@link #verifySkippingTag(MacKey, DirectBuffer, int, int, int)} cover a record whose tag sits inside the record.
 * For any other layout use {@link #begin(MacKey)}, {@link #update(DirectBuffer, int, int)} once per range, then
 * {@link #finish(MutableDirectBuffer, int)} or {@link #finishAndVerify(DirectBuffer, int)}.
 * <p>
 * Return codes: nothing here throws on bad input; every range is checked before it is read and a range outside its
 * buffer yields {@link MacResult#OUT_OF_BOUNDS} without writing anything. Comparison of tags is constant time.
 * <p>
 * Thread safety: none. One engine per thread; keys ({@link MacKey}) may be shared between engines and destroyed by
 * any thread at any time. A key destroyed before or during a computation makes {@code finish} and the one-call methods
 * answer {@link MacResult#KEY_DESTROYED}: nothing is written and nothing verifies, so a tag computed from zeroed pads
 * or midstates never leaves the engine (see {@link MacKey} for the ordering that guarantees this).
 */
public final class HmacSha256
{
    /** Length of an HMAC-SHA256 tag in bytes. */
    public static final int TAG_LENGTH = 32;

    /** Default length of the chunk through which off-heap bytes are copied. */
    public static final int DEFAULT_CHUNK_LENGTH = 1024;

    private final HmacEngine engine;
    private final byte[] chunk;
    private final byte[] tag = new byte[TAG_LENGTH];
    private MacKey key;
    private boolean failed;

    /**
     * An engine with the default chunk length and the default implementation ({@link #implementation()}).
     */
    public HmacSha256()
    {
        this(DEFAULT_CHUNK_LENGTH);
    }

    /**
     * An engine with a given chunk length for copying off-heap bytes, and the default implementation.
     *
     * @param chunkLength bytes copied per step from an off-heap buffer; at least 64.
     */
    public HmacSha256(final int chunkLength)
    {
        this(chunkLength, HmacEngines.defaultImplementation());
    }

    /**
     * An engine of a given implementation, for benchmarks and tests that compare them; applications use the default.
     *
     * @param chunkLength    bytes copied per step from an off-heap buffer; at least 64.
     * @param implementation how to compute the tags; must be {@linkplain HmacImplementation#isAvailable() available}.
     * @throws IllegalArgumentException if {@code chunkLength} is below 64 or the implementation is unavailable.
     */
    public HmacSha256(final int chunkLength, final HmacImplementation implementation)
    {
        if (chunkLength < MacKey.BLOCK_LENGTH)
        {
            throw new IllegalArgumentException("chunkLength < 64: " + chunkLength);
        }
        engine = HmacEngines.newEngine(implementation);
        chunk = new byte[chunkLength];
    }

    /**
     * The implementation engines use by default in this JVM: the fastest one that is reachable and passed its
     * self-test. Decided once, on first use of this class; tools and benchmarks print it.
     *
     * @return {@link HmacImplementation#JDK_STATE} when the JVM runs with
     * {@code --add-opens java.base/sun.security.provider=ALL-UNNAMED} and the JDK passes the self-test; otherwise a
     * fallback (see {@link HmacImplementation#unavailableReason()} for why).
     */
    public static HmacImplementation implementation()
    {
        return HmacEngines.defaultImplementation();
    }

    /**
     * The implementation this engine uses.
     *
     * @return the implementation given at construction, or the default.
     */
    public HmacImplementation engineImplementation()
    {
        return engine.implementation();
    }

    /**
     * Start a tag with a key. An unfinished tag is abandoned.
     *
     * @param key to compute the tag with.
     * @return {@link MacResult#OK}, or {@link MacResult#KEY_DESTROYED} (then {@code finish} fails too).
     */
    public MacResult begin(final MacKey key)
    {
        if (this.key != null)
        {
            engine.abandon();
        }
        if (!key.intactBeforeUse())
        {
            this.key = null;
            return MacResult.KEY_DESTROYED;
        }
        this.key = key;
        failed = false;
        engine.start(key);
        return MacResult.OK;
    }

    /**
     * Add a range of a buffer to the tag being computed.
     *
     * @param buffer holding the bytes.
     * @param offset of the first byte.
     * @param length number of bytes; may be 0.
     * @return true if the range was added; false if it lies outside the buffer or no tag was begun, in which case the
     * tag fails with {@link MacResult#OUT_OF_BOUNDS} or {@link MacResult#NOT_STARTED} at {@code finish}.
     */
    public boolean update(final DirectBuffer buffer, final int offset, final int length)
    {
        if (key == null)
        {
            return false;
        }
        if (!inBounds(buffer, offset, length))
        {
            failed = true;
            return false;
        }

        final byte[] array = buffer.byteArray();
        if (array != null)
        {
            engine.update(array, buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            final byte[] chunk = this.chunk;
            int position = offset;
            int remaining = length;
            while (remaining > 0)
            {
                final int n = Math.min(remaining, chunk.length);
                buffer.getBytes(position, chunk, 0, n);
                engine.update(chunk, 0, n);
                position += n;
                remaining -= n;
            }
        }
        return true;
    }

    /**
     * Finish the tag and write it into a buffer.
     *
     * @param dst       buffer to write the 32-byte tag into.
     * @param dstOffset of the tag in {@code dst}.
     * @return {@link MacResult#OK} if written; otherwise nothing was written ({@link MacResult#KEY_DESTROYED} if the
     * key was destroyed before or while the tag was computed).
     */
    public MacResult finish(final MutableDirectBuffer dst, final int dstOffset)
    {
        final MacResult result = finishIntoScratch();
        if (MacResult.OK != result)
        {
            return result;
        }
        if (!inBounds(dst, dstOffset, TAG_LENGTH))
        {
            return MacResult.OUT_OF_BOUNDS;
        }
        dst.putBytes(dstOffset, tag, 0, TAG_LENGTH);
        return MacResult.OK;
    }

    /**
     * Finish the tag and compare it, in constant time, with the 32-byte tag found in a buffer.
     *
     * @param tagBuffer holding the received tag.
     * @param tagOffset of the received tag.
     * @return {@link MacResult#OK} if equal, {@link MacResult#TAG_MISMATCH} if not, or another refusal
     * ({@link MacResult#KEY_DESTROYED} if the key was destroyed before or while the tag was computed).
     */
    public MacResult finishAndVerify(final DirectBuffer tagBuffer, final int tagOffset)
    {
        final MacResult result = finishIntoScratch();
        if (MacResult.OK != result)
        {
            return result;
        }
        if (!inBounds(tagBuffer, tagOffset, TAG_LENGTH))
        {
            return MacResult.OUT_OF_BOUNDS;
        }
        return ConstantTime.equals(tag, 0, tagBuffer, tagOffset, TAG_LENGTH) ? MacResult.OK : MacResult.TAG_MISMATCH;
    }

    /**
     * Compute the tag of one range and write it.
     *
     * @param key       to sign with.
     * @param buffer    holding the data.
     * @param offset    of the data.
     * @param length    of the data.
     * @param dst       to write the tag into.
     * @param dstOffset of the tag in {@code dst}.
     * @return {@link MacResult#OK} if written; otherwise nothing was written.
     */
    public MacResult sign(
        final MacKey key,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final MutableDirectBuffer dst,
        final int dstOffset)
    {
        final MacResult result = begin(key);
        if (MacResult.OK != result)
        {
            return result;
        }
        update(buffer, offset, length);
        return finish(dst, dstOffset);
    }

    /**
     * Compute the tag of a record over every byte except its own tag, and write the tag into its slot.
     *
     * @param key       to sign with.
     * @param buffer    holding the record.
     * @param offset    of the record.
     * @param length    of the record, tag included.
     * @param tagOffset of the 32-byte tag slot, inside the record.
     * @return {@link MacResult#OK} if written; {@link MacResult#OUT_OF_BOUNDS} if the record or slot is misplaced;
     * {@link MacResult#KEY_DESTROYED} if the key was destroyed before or during the computation (slot untouched).
     */
    public MacResult signSkippingTag(
        final MacKey key,
        final MutableDirectBuffer buffer,
        final int offset,
        final int length,
        final int tagOffset)
    {
        final MacResult result = digestSkippingTag(key, buffer, offset, length, tagOffset);
        if (MacResult.OK != result)
        {
            return result;
        }
        return finish(buffer, tagOffset);
    }

    /**
     * Verify a record whose tag sits inside it: compute over every byte except the tag, compare in constant time.
     *
     * @param key       to verify with.
     * @param buffer    holding the record.
     * @param offset    of the record.
     * @param length    of the record, tag included.
     * @param tagOffset of the 32-byte tag, inside the record.
     * @return {@link MacResult#OK} if authentic, {@link MacResult#TAG_MISMATCH}, or another refusal
     * ({@link MacResult#KEY_DESTROYED} if the key was destroyed before or during the computation).
     */
    public MacResult verifySkippingTag(
        final MacKey key,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int tagOffset)
    {
        final MacResult result = digestSkippingTag(key, buffer, offset, length, tagOffset);
        if (MacResult.OK != result)
        {
            return result;
        }
        return finishAndVerify(buffer, tagOffset);
    }

    /**
     * Is {@code [offset, offset + length)} inside the buffer? Overflow-safe.
     *
     * @param buffer to check against.
     * @param offset of the range.
     * @param length of the range.
     * @return true if the whole range lies inside the buffer's capacity.
     */
    public static boolean inBounds(final DirectBuffer buffer, final int offset, final int length)
    {
        return offset >= 0 && length >= 0 && length <= buffer.capacity() - offset;
    }

    private MacResult digestSkippingTag(
        final MacKey key,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int tagOffset)
    {
        if (!inBounds(buffer, offset, length) || length < TAG_LENGTH)
        {
            return MacResult.OUT_OF_BOUNDS;
        }
        final int before = tagOffset - offset;
        if (tagOffset < 0 || before < 0 || before > length - TAG_LENGTH)
        {
            return MacResult.OUT_OF_BOUNDS;
        }

        final MacResult result = begin(key);
        if (MacResult.OK != result)
        {
            return result;
        }
        update(buffer, offset, before);
        update(buffer, tagOffset + TAG_LENGTH, length - before - TAG_LENGTH);
        return MacResult.OK;
    }

    private MacResult finishIntoScratch()
    {
        final MacKey key = this.key;
        if (key == null)
        {
            return MacResult.NOT_STARTED;
        }
        this.key = null;
        if (failed)
        {
            engine.abandon();
            return MacResult.OUT_OF_BOUNDS;
        }

        if (!engine.finish(key, tag))
        {
            // Cannot happen: the digest refused a 32-byte output array. Fail closed all the same.
            Arrays.fill(tag, (byte) 0);
            return MacResult.NOT_STARTED;
        }
        if (!key.intactAfterUse())
        {
            // Destroyed while the key was being read: the tag may come from zeroed pads or midstates, which anyone can
            // compute.
            Arrays.fill(tag, (byte) 0);
            return MacResult.KEY_DESTROYED;
        }
        return MacResult.OK;
    }
}
