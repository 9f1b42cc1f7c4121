package io.bastion.security.mac;

/**
 * One way of computing HMAC-SHA256 (an {@link HmacImplementation}): the strategy behind {@link HmacSha256}, which
 * keeps the bounds checks, the key's destroyed-flag checks and the tag comparison, and calls this for the hashing.
 * <p>
 * Contract: {@link #start} reads key material, {@link #update} never does, {@link #finish} reads it again; the caller
 * brackets them with {@link MacKey#intactBeforeUse()} and {@link MacKey#intactAfterUse()}. No method allocates,
 * locks or throws in normal use; ranges are checked by the caller. Not thread-safe: one engine per
 * {@link HmacSha256}.
 */
abstract class HmacEngine
{
    /**
     * Which implementation this is.
     *
     * @return the implementation.
     */
    abstract HmacImplementation implementation();

    /**
     * Start a tag: the inner hash of {@code key}, before any message byte. No tag may be in progress: the caller
     * {@linkplain #abandon() abandons} an unfinished one first.
     *
     * @param key whose inner pad or midstate to start from.
     */
    abstract void start(MacKey key);

    /**
     * Add message bytes to the inner hash.
     *
     * @param src    array holding them.
     * @param offset of the first byte; the caller has checked the range.
     * @param length number of bytes.
     */
    abstract void update(byte[] src, int offset, int length);

    /**
     * Finish the inner hash, compute the outer one and write the 32-byte tag.
     *
     * @param key the key given to {@link #start}, whose outer pad or midstate to use.
     * @param tag at least 32 bytes to receive the tag.
     * @return true if the tag was written; false if the digest refused (never expected; the caller fails closed).
     */
    abstract boolean finish(MacKey key, byte[] tag);

    /**
     * Drop a tag in progress, clearing key-derived state the engine holds.
     */
    abstract void abandon();
}
