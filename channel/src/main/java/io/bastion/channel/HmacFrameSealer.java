package io.bastion.channel;

import io.bastion.codec.FrameDescriptor;
import io.bastion.codec.RejectReason;
import io.bastion.security.keys.KeyLookup;
import io.bastion.security.keys.KeyRing;
import io.bastion.security.keys.KeyStatus;
import io.bastion.security.mac.HmacSha256;
import io.bastion.security.mac.MacResult;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Per-frame HMAC-SHA256 sealing with keys from a {@link KeyRing}: the tag covers every byte of the
 * frame except the tag itself. One instance per thread; the key ring may be shared and rotated by
 * another thread.
 */
public final class HmacFrameSealer implements FrameSealer
{
    static
    {
        // The MAC writes and compares HmacSha256.TAG_LENGTH bytes at the frame's tag field: the two must agree, or
        // a tag would spill into the payload or leave bytes of the field unchecked.
        if (HmacSha256.TAG_LENGTH != FrameDescriptor.TAG_LENGTH)
        {
            throw new ExceptionInInitializerError("tag length " + HmacSha256.TAG_LENGTH +
                " does not fit the frame's tag field of " + FrameDescriptor.TAG_LENGTH);
        }
    }

    private final KeyRing keys;
    private final HmacSha256 mac = new HmacSha256();
    private final KeyLookup lookup = new KeyLookup();

    /**
     * Seal with the ring's current key, or verify against its accepted keys.
     *
     * @param keys the key ring for this channel and direction.
     */
    public HmacFrameSealer(final KeyRing keys)
    {
        this.keys = keys;
    }

    /**
     * {@inheritDoc}
     */
    public int sendingKeyId()
    {
        return KeyStatus.ACCEPTED == keys.current(lookup) ? lookup.keyId() : -1;
    }

    /**
     * {@inheritDoc}
     */
    public boolean seal(final MutableDirectBuffer buffer, final int offset, final int frameLength)
    {
        // Signs with the key chosen by the last sendingKeyId(), whose id the frame carries; a key
        // destroyed since then fails closed.
        if (null == lookup.key())
        {
            return false;
        }
        return MacResult.OK == mac.signSkippingTag(
            lookup.key(), buffer, offset, frameLength, offset + FrameDescriptor.TAG_OFFSET);
    }

    /**
     * {@inheritDoc}
     */
    public RejectReason verify(
        final DirectBuffer buffer, final int offset, final int frameLength, final int keyId, final long nowMs)
    {
        final KeyStatus status = keys.lookup(keyId, nowMs, lookup);
        if (KeyStatus.ACCEPTED != status)
        {
            return Refusals.of(status);
        }
        return Refusals.of(mac.verifySkippingTag(
            lookup.key(), buffer, offset, frameLength, offset + FrameDescriptor.TAG_OFFSET));
    }
}
